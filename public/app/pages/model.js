/**
 * @module dashboard/pages/model
 * One model: its facts, the evaluation of a version on out-of-fold rows (metrics, ROC curve or residual
 * plot, confusion matrix, feature importances; GET /v1/models/{m}/evaluation), its versions and history
 * of champion/challenger decisions, the drift of live inputs per feature, and a form to try a prediction
 * (on a version's page, the drift and predictions of that version, not the champion's).
 * A forecast model gets a form to try a forecast instead, above it the outlook (its forecast now, drawn as
 * the page opens), and no drift (it takes no input rows); a grouped
 * one, the validation score of each of its series, worst first (of the version the page shows).
 */
import { api, seg } from '../api.js';
import { el, link, num, replace, when } from '../dom.js';
import { liveChart } from '../charts.js';
import { badge, bars, errorBox, facts, heatmap, loading, table } from '../widgets.js';
import { seriesScoresSection } from '../series-scores.js';
import { forecastForm, forecastOutlook } from './forecast-form.js';
import { predictForm } from './predict-form.js';

/** How long the prediction form waits for the training data's profile (its default values). */
const PROFILE_WAIT_MS = 8000;

/**
 * `#/models/{name}`, or `#/models/{name}/versions/{version}` (a job's link to the version it published:
 * that version is evaluated first). A model or version that is gone is said to be gone, not "could not load".
 */
export async function modelPage(root, { name, version }, signal) {
  root.append(el('p', { class: 'crumbs' }, el('a', { href: '#/models', text: 'Models' }), ' / ', version === undefined ? name : [el('a', { href: link('models', name), text: name }), ` / v${version}`]));
  const slot = root.appendChild(loading(`model "${name}"`));
  let model;
  try {
    model = await api(`/v1/models/${seg(name)}`, { signal });
  } catch (err) {
    if (signal.aborted) return;
    slot.replaceWith(err.code === 'model_not_found' ? gone(`Model "${name}" does not exist (deleted, or never made).`, el('a', { href: '#/models', text: 'All models' })) : errorBox(err, `model "${name}"`));
    return;
  }
  const wanted = version === undefined ? model.champion_version : Number(version);
  if (version !== undefined && !model.versions.some((v) => v.version === wanted)) {
    slot.replaceWith(missingVersion(model, version));
    return;
  }
  const champion = model.versions.find((v) => v.version === model.champion_version);
  // A version's page predicts with, and reads the drift of, that version (`version` in predict, `?version=N`
  // in drift); the model's page, the champion's.
  const pinned = version === undefined ? undefined : wanted;
  // The version the page shows decides between a forecast page and a prediction page, not the champion:
  // a version kept apart may be of another task.
  const forecasts = taskOf(model, wanted) === 'forecast';
  const evaluation = el('section', { id: 'evaluation' });
  // Each pick of the version to evaluate takes a ticket; an answer for an earlier pick, slower than the
  // latest one, is dropped rather than drawn over it.
  let evaluationTicket = 0;
  const evaluate = (v) => {
    const ticket = ++evaluationTicket;
    showEvaluation(evaluation, model, v, signal, () => ticket === evaluationTicket);
  };
  const versionSelect = el(
    'select',
    { id: 'evaluation-version', 'aria-label': 'version to evaluate', onchange: (e) => evaluate(Number(e.target.value)) },
    [...model.versions].reverse().map((v) => el('option', { value: v.version, selected: v.version === wanted, text: `v${v.version}${v.version === model.champion_version ? ' (champion)' : ''}` })),
  );
  const drift = el('section', { id: 'drift' }, loading('drift'));
  // The scores by series of the version the page shows (showSeries): the champion's, or a version's own.
  const series = forecasts ? el('div', { id: 'version-series' }) : null;
  const predict = el('section', { id: 'predict' }, loading('the feature list'));
  // replaceWith would print a null as text: drop the absent parts first.
  const parts = [
    el('h1', { text: model.name }),
    facts([
      ['Task', `${model.task} on "${model.target}"`],
      ['Classes', model.classes?.length ? model.classes.join(', ') : null],
      ['Metric', `${model.metric} (${model.greater_is_better ? 'higher' : 'lower'} is better)`],
      ['Champion', champion ? `v${champion.version}: ${champion.family}, ${model.metric} ${num(champion.score)}` : `v${model.champion_version}`],
      ['Serving', model.serving ? `≈ ${servingTime(model.serving.estimated_us_per_row)} per row` : null],
      ['Updated', when(model.updated_at)],
    ]),
    model.artifact_error ? el('div', { class: 'error', role: 'alert' }, el('strong', { text: model.artifact_error.code }), el('p', { text: model.artifact_error.message })) : null,
    el('h2', {}, 'Evaluation ', versionSelect),
    evaluation,
    series,
    el('h2', { text: `${forecasts ? 'Try a forecast' : 'Try a prediction'}${pinned === undefined ? '' : ` with v${pinned}`}` }),
    predict,
    el('h2', { text: 'Versions' }),
    versionsTable(model),
    el('h2', { text: 'History' }),
    historyTable(model),
    // A forecaster takes no input rows, so there is no input drift to watch.
    forecasts ? null : el('h2', { text: `Drift of live inputs${pinned === undefined ? '' : ` to v${pinned}`} (last 24 h)` }),
    forecasts ? null : drift,
  ];
  slot.replaceWith(...parts.filter(Boolean));
  evaluate(wanted);
  if (forecasts) showSeries(series, model, wanted, signal);
  else showDrift(drift, model, pinned, signal);
  // Another version than the champion may read other features (images, covariates): its own view (`?version=N`) says which.
  let form = model;
  if (pinned !== undefined && pinned !== model.champion_version) {
    try {
      form = await api(`/v1/models/${seg(name)}?version=${pinned}`, { signal });
    } catch (err) {
      if (!signal.aborted) replace(predict, errorBox(err, `the features of v${pinned}`));
      return;
    }
  }
  if (forecasts) {
    // Without its `forecast` block the artifact could not be read: the error above says so.
    replace(predict, form.forecast ? [forecastOutlook(form, pinned, signal), forecastForm(form, pinned)] : el('p', { class: 'muted', text: `The ${pinned === undefined ? 'champion' : `v${pinned}`} artifact could not be read, so there is nothing to forecast with.` }));
    return;
  }
  const dataset = model.versions.find((v) => v.version === wanted)?.dataset;
  // The profile only pre-fills the form: if it is slow or gone, the form comes without defaults rather than never.
  const profileSignal = AbortSignal.any([signal, AbortSignal.timeout(PROFILE_WAIT_MS)]);
  // An image model's form is a file picker: nothing in the profile fills it.
  const profile = dataset && !form.image ? await api(`/v1/datasets/${seg(dataset.name)}?version=${dataset.version}`, { signal: profileSignal }).catch(() => null) : null;
  if (!signal.aborted) replace(predict, predictForm(form, profile, pinned));
}

/**
 * The scores by series of `version`: the champion's from the model view at hand; another version's from the
 * view of that version (`?version=N`, which describes it: described_version), since the model view's are
 * the champion's. Nothing for a version without them (one series, or made before them).
 */
async function showSeries(slot, model, version, signal) {
  if (version === model.champion_version) {
    replace(slot, seriesOf(model));
    return;
  }
  replace(slot, loading(`the scores by series of v${version}`));
  let described;
  try {
    described = await api(`/v1/models/${seg(model.name)}?version=${version}`, { signal });
  } catch (err) {
    if (!signal.aborted) replace(slot, errorBox(err, `the scores by series of v${version}`));
    return;
  }
  if (!signal.aborted) replace(slot, seriesOf(described));
}

/**
 * A grouped forecaster's score of each series: those of the version the view describes (described_version:
 * the champion, or the version a `?version=N` view is of), in that version's metric; null for one without them.
 */
function seriesOf(model) {
  const f = model.forecast;
  if (!f?.series_scores) return null;
  const described = model.described_version ?? model.champion_version;
  const metric = model.versions.find((v) => v.version === described)?.metric ?? model.metric;
  return seriesScoresSection({ scores: f.series_scores, total: f.series_scores_total, metric, about: `Each series' ${metric} over its own rolling-origin validation points, of v${described}${described === model.champion_version ? ' (the champion)' : ''}` });
}

/**
 * The task of `version`: its own, as the model view lists it with each version (a version kept apart may
 * predict another task than the champion), or the model's for a version stored before versions had one.
 */
const taskOf = (model, version) => model.versions.find((v) => v.version === version)?.task ?? model.task;

/** A plain statement that something is gone, with where to go instead. */
const gone = (text, next) => el('div', { class: 'notice', id: 'model-gone', role: 'status' }, el('strong', { text }), ' ', next);

/**
 * A version the model does not have. Versions go only with their whole model, and a model made again under
 * the name continues the numbering, so a version below the newest was deleted with an earlier model.
 */
function missingVersion(model, version) {
  const numbers = model.versions.map((v) => v.version);
  const deleted = Number(version) < Math.max(...numbers);
  const text = deleted
    ? `Model "${model.name}" has no version ${version}: it was deleted. The model "${model.name}" now has v${Math.min(...numbers)}${numbers.length > 1 ? ` to v${Math.max(...numbers)}` : ''}, made since.`
    : `Model "${model.name}" has no version ${version}.`;
  return gone(text, el('a', { href: link('models', model.name), text: `See model "${model.name}" as it is now` }));
}

/**
 * The evaluation of `version` into `section`, drawn only while `current()` says it is still the version
 * asked for (another pick may have come since, and its answer sooner).
 */
async function showEvaluation(section, model, version, signal, current) {
  replace(section, loading(`the evaluation of v${version}`));
  let e;
  try {
    e = await api(`/v1/models/${seg(model.name)}/evaluation?version=${version}`, { signal });
  } catch (err) {
    if (!signal.aborted && current()) replace(section, errorBox(err, `the evaluation of v${version}`));
    return;
  }
  if (!current()) return;
  // The evaluation's own importances are the version's. The model view's features only stand in for them
  // (an answer without the field) when the view describes this same version: otherwise they are another
  // version's (the champion's), which would be shown as this one's.
  const described = model.described_version ?? model.champion_version;
  const fromView = version === described ? model.features.filter((f) => f.importance !== null).map((f) => ({ feature: f.name, importance: f.importance })) : [];
  const importances = e.importances ?? fromView;
  const importanceBlock = importances.length
    ? el('div', { id: 'importances' }, el('h3', { text: 'Feature importances' }), bars(importances.slice(0, 20).map((i) => [i.feature, i.importance])))
    : el('p', { class: 'muted', text: `v${version} (${e.family}) reports no feature importances.` });
  if (!e.available) {
    // A forecaster has no features to weigh: its notice stands alone.
    replace(section, el('p', { class: 'notice', text: `No out-of-fold evaluation for v${version}: ${e.reason}` }), taskOf(model, version) === 'forecast' ? null : importanceBlock);
    return;
  }
  const metrics = Object.entries(e.metrics);
  const plots = el('div', { class: 'chart-row' });
  replace(
    section,
    el('p', { class: 'muted', text: `${num(e.rows)} rows of ${e.dataset.name} v${e.dataset.version}, each predicted by a model that did not train on it (${e.folds === 1 ? 'the holdout the search\'s trials shared' : `${e.folds}-fold cross-validation`}${e.members ? `, blend of ${e.members.length} trials` : `, trial ${e.trial_id}`}).` }),
    table(
      [
        // f1 names the class it is computed for (the job's positive class), as the ROC curve does; a multiclass
        // f1 and roc_auc, their averaging (engine/eval/metrics-classification: unweighted over the classes).
        // The metric this version was chosen by (an older version may have been trained for another one).
        ['Metric', ([k]) => el('span', { class: k === (model.versions.find((v) => v.version === version)?.metric ?? model.metric) ? 'strong' : '' }, metricLabel(k, e))],
        ['Value', ([, v]) => num(v), 'num'],
      ],
      metrics,
    ),
    plots,
    e.confusion ? el('div', { id: 'confusion' }, el('h3', { text: 'Confusion matrix' }), heatmap(e.confusion.labels, e.confusion.matrix)) : null,
    importanceBlock,
  );
  if (e.roc) {
    const chart = liveChart(plots.appendChild(el('div', { id: 'chart-roc', class: 'chart-box' })), { title: `ROC curve (positive: ${e.roc.positive_class}), AUC ${num(e.roc.auc)}`, xLabel: 'false-positive rate', yLabel: 'true-positive rate', yRange: [0, 1] });
    chart.update([e.roc.fpr, e.roc.tpr, e.roc.fpr], [{ label: 'ROC', showPoints: false }, { label: 'chance', stroke: '#9ca3af', dash: [4, 4], width: 1, showPoints: false }]);
  }
  if (e.residuals) {
    const r = e.residuals;
    const order = r.predicted.map((_, i) => i).sort((a, b) => r.predicted[a] - r.predicted[b]);
    const chart = liveChart(plots.appendChild(el('div', { id: 'chart-residuals', class: 'chart-box' })), { title: `Residuals (truth − prediction), ${r.predicted.length} of ${r.rows} rows`, xLabel: 'predicted', yLabel: 'residual', scatter: true });
    chart.update([order.map((i) => r.predicted[i]), order.map((i) => r.residual[i]), order.map(() => 0)], [{ label: 'residual' }, { label: 'zero', points: false, stroke: '#9ca3af', width: 1, showPoints: false }]);
  }
}

/** A metric's name as the evaluation table shows it: with the class or the averaging it is computed over. */
function metricLabel(name, e) {
  if (name === 'f1' && e.positive_class !== undefined) return `f1 (${e.positive_class})`;
  if (e.task === 'multiclass' && name === 'f1') return 'f1 (macro average)';
  if (e.task === 'multiclass' && name === 'roc_auc') return 'roc_auc (macro average, one-vs-rest)';
  return name;
}

/** A one-row prediction time: µs under a millisecond, ms above (2,660 µs reads as 2.66 ms). */
const servingTime = (us) => (us < 1000 ? `${num(us, 3)} µs` : `${num(us / 1000, 3)} ms`);

function versionsTable(model) {
  return table(
    [
      // An advance (a forecast champion moved to newer data) is an earlier version's model: say whose.
      ['Version', (v) => el('span', {}, `v${v.version} `, v.version === model.champion_version ? badge('champion') : null, v.advanced_from !== undefined ? el('span', { class: 'muted small', text: ` v${v.advanced_from} advanced` }) : null)],
      ['Family', (v) => v.family],
      // Each version's own metric: a version from a job with another metric is not scored in the champion's.
      ['Metric', (v) => v.metric],
      ['Score', (v) => num(v.score), 'num'],
      ['Dataset', (v) => el('a', { href: link('datasets', v.dataset.name), text: `${v.dataset.name} v${v.dataset.version}` })],
      ['Job', (v) => el('a', { href: link('jobs', v.job_id), class: 'mono', text: v.job_id.slice(0, 8) })],
      ['Created', (v) => when(v.created_at)],
    ],
    [...model.versions].reverse(),
  );
}

const KIND_TEXT = {
  published: 'published',
  promoted: 'promoted',
  rolled_back: 'rolled back',
  challenger_kept: 'challenger kept out',
  advanced: 'champion advanced to newer data',
  retrain_started: 'retraining started',
  retrain_skipped: 'retraining skipped',
  kept_apart: 'kept apart',
  version_deleted: 'version deleted',
};

function historyTable(model) {
  return table(
    [
      ['When', (h) => when(h.at)],
      ['Event', (h) => KIND_TEXT[h.kind] ?? h.kind],
      ['Version', (h) => (h.version === null ? '–' : `v${h.version}${h.previous_version ? ` (was v${h.previous_version})` : ''}`)],
      ['Challenger vs champion', (h) => comparisonText(h.comparison)],
      ['Why', (h) => h.reason],
    ],
    [...model.history].reverse(),
    { empty: 'No events yet.' },
  );
}

function comparisonText(c) {
  if (!c) return '–';
  // A champion without a score (challenger scored) could not forecast the held-out points: the Why column says what stopped it.
  const champion = c.champion_score === null ? 'a champion that cannot forecast them' : num(c.champion_score);
  const scores = c.challenger_score === null ? 'not scored' : `${num(c.challenger_score)} vs ${champion} on ${num(c.holdout_rows)} held-out rows`;
  return `${scores}; ${c.promoted ? 'promoted' : 'kept out'} (margin ${num(c.margin)}${c.margin_kind === 'relative' ? ' relative' : ''})`;
}

/**
 * A feature's reading. A PSI no higher than sampling noise reaches at this many rows says nothing about a
 * shift (one row over ten deciles reads about 9), so the badge gives way to "within noise" rather than cry
 * "significant" (the API's within_noise).
 */
function reading(f) {
  if (!f.status) return '–';
  if (f.within_noise) return el('span', { class: 'muted', text: 'within noise' });
  return badge(f.status);
}

/**
 * What the pixel row of an image model (`name`: px_*, or after its own columns: p0..p63) stands for (the
 * API answers its pixels as one entry: one row per pixel made a page 97,600 px tall): how many moved
 * beyond noise, the mean pixel value, the most drifted.
 */
function pixelNote(name, p, rows) {
  const grid = `${p.image.width}x${p.image.height}x${p.image.channels}`;
  const parts = [`${name} is the mean over ${num(p.columns)} pixel columns of ${grid} images.`];
  if (rows > 0 && p.drifting !== null) {
    parts.push(` ${num(p.drifting)} read beyond their noise (about 1 in 100 does by chance).`);
    if (p.mean_value) parts.push(` Mean pixel value ${num(p.mean_value.reference, 3)} in training, ${num(p.mean_value.live, 3)} live (estimated from the deciles).`);
    const top = p.top.filter((t) => t.within_noise === false).map((t) => `${t.name} ${num(t.psi, 3)}`);
    if (top.length > 0) parts.push(` Most drifted: ${top.join(', ')}.`);
  }
  return el('p', { class: 'muted', id: 'pixel-drift', text: parts.join('') });
}

/** The drift of the champion's inputs, or of `version`'s when given. */
async function showDrift(section, model, version, signal) {
  try {
    const d = await api(`/v1/models/${seg(model.name)}/drift${version === undefined ? '' : `?version=${version}`}`, { signal });
    replace(
      section,
      el('p', { class: 'muted', text: `${num(d.rows_sampled)} prediction row${d.rows_sampled === 1 ? '' : 's'} sampled for v${d.version}, against ${num(d.reference.rows)} training rows of ${d.reference.dataset.name} v${d.reference.dataset.version}.` }),
      d.note ? el('p', { class: 'notice', text: d.note }) : null,
      d.rows_sampled === 0 ? null : table(
        [
          ['Feature', (f) => f.name],
          ['Type', (f) => f.type],
          ['PSI', (f) => num(f.psi, 3), 'num'],
          ['Noise', (f) => num(f.noise_psi, 3), 'num'],
          ['Reading', (f) => reading(f)],
        ],
        d.features,
        { empty: 'No features to measure.' },
      ),
      ...d.features.filter((f) => f.pixels).map((f) => pixelNote(f.name, f.pixels, d.rows_sampled)),
    );
  } catch (err) {
    if (signal.aborted) return;
    replace(section, err.code === 'drift_reference_unavailable' ? el('p', { class: 'notice', text: err.message }) : errorBox(err, 'the drift'));
  }
}
