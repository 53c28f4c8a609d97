/**
 * @module dashboard/pages/job
 * One job, live: the job's events stream (GET /v1/jobs/{id}/events) redraws the facts, the best score
 * over time, the leaderboard and, whenever a trial finishes, the per-trial charts (score by trial number,
 * and a scatter of the trials over one of their parameters, per family) and the list of failed,
 * cancelled and pruned trials with their reasons. A published forecast job of several series adds each
 * series' validation score, worst first.
 */
import { api, followJob, seg } from '../api.js';
import { duration, el, link, num, replace } from '../dom.js';
import { alignGroups, liveChart } from '../charts.js';
import { badge, errorBox, facts, table } from '../widgets.js';
import { seriesScoresSection } from '../series-scores.js';
import { bestSoFar } from '../best-so-far.js';

/** Parameters worth putting on the scatter's x axis first, when a trial has them. */
const PREFERRED_PARAMS = ['learning_rate', 'lr', 'alpha', 'l2', 'C', 'n_neighbors', 'max_depth', 'num_leaves', 'n_estimators'];

export async function jobPage(root, { id }, signal) {
  const state = el('span', { class: 'live-state', id: 'live-state', text: 'connecting…' });
  const title = el('h1', {}, 'Job ', el('span', { class: 'mono', text: id.slice(0, 8) }), ' ', state);
  const summary = el('section', { id: 'job-summary' });
  const chartsRow = el('section', { class: 'chart-row' });
  const bestTime = liveChart(chartsRow.appendChild(el('div', { id: 'chart-best-time', class: 'chart-box' })), { title: 'Best score over time', xLabel: 'seconds', yLabel: 'score', xFromZero: true });
  const byTrial = liveChart(chartsRow.appendChild(el('div', { id: 'chart-trials', class: 'chart-box' })), { title: 'Score by trial', xLabel: 'trial', yLabel: 'score' });
  const scatterBox = el('section', { id: 'chart-params', class: 'chart-box' });
  const leaderboard = el('section', { id: 'leaderboard' }, el('p', { class: 'muted', text: 'No trial has finished yet.' }));
  const problems = el('section', { id: 'trial-problems' });
  const seriesSlot = el('div', { id: 'series-scores-slot' });
  // What only a job that loaded fills: taken away again when it never loads (no empty leaderboard under "not found").
  const sections = [chartsRow, scatterBox, el('h2', { text: 'Leaderboard' }), leaderboard, seriesSlot, el('h2', { text: 'Failed, cancelled and pruned trials' }), problems];
  root.append(el('p', { class: 'crumbs' }, el('a', { href: '#/jobs', text: 'Jobs' }), ' / ', id), title, summary, ...sections);

  let scatter = null;
  let scatterParam = null;
  let trialsKey = '';
  let trialsLoading = false;
  let latest = null;
  let seriesKey = '';
  // The Elapsed fact's clock while the job is not over (see tickElapsed); stopped with the page.
  let clock = null;
  const stopClock = () => {
    clearInterval(clock);
    clock = null;
  };
  signal.addEventListener('abort', stopClock, { once: true });

  /**
   * The stream sends a view when the job changes, not as its clock moves (worker/job-events: elapsed_ms
   * alone is no change), so between changes the Elapsed fact counts on by itself from the last view's
   * elapsed_ms, once a second, until a view says the job is over (or the page is left).
   */
  function tickElapsed(view) {
    stopClock();
    if (FINISHED.has(view.status) || signal.aborted) return;
    const node = summary.querySelector('#job-elapsed');
    const since = performance.now();
    clock = setInterval(() => {
      if (node) node.textContent = elapsedText(view, view.progress.elapsed_ms + (performance.now() - since));
    }, 1000);
  }

  async function refreshTrials(view) {
    const key = JSON.stringify([view.status, view.progress.trials_done, view.progress.trials_failed, view.progress.trials_running]);
    if (key === trialsKey || trialsLoading) return;
    trialsLoading = true;
    try {
      const { trials } = await api(`/v1/jobs/${seg(id)}/trials`, { signal });
      trialsKey = key;
      drawTrials(trials, view);
    } catch (err) {
      if (!signal.aborted) replace(problems, errorBox(err, 'the trials'));
    } finally {
      trialsLoading = false;
      // A view that arrived while the trials were loading may need another read.
      if (latest && latest !== view && !signal.aborted) refreshTrials(latest);
    }
  }

  function drawTrials(trials, view) {
    const scored = trials.filter((t) => t.status === 'complete' && t.score !== null).sort((a, b) => a.number - b.number);
    byTrial.update([scored.map((t) => t.number), scored.map((t) => t.score), bestSoFar(scored, view.greater_is_better)], [
      { label: 'trial score', points: true },
      { label: 'best so far', stepped: true, showPoints: false },
    ]);
    drawScatter(scored);
    replace(problems, problemTable(trials));
  }

  function drawScatter(scored) {
    const numeric = [...new Set(scored.flatMap((t) => Object.keys(t.params).filter((k) => typeof t.params[k] === 'number')))].sort();
    if (numeric.length === 0) {
      replace(scatterBox, el('p', { class: 'muted', text: 'The finished trials have no numeric parameters to plot yet.' }));
      scatter = null;
      return;
    }
    if (!numeric.includes(scatterParam)) scatterParam = mainParam(scored, numeric);
    const points = scored.filter((t) => typeof t.params[scatterParam] === 'number').map((t) => ({ x: t.params[scatterParam], y: t.score, group: t.family }));
    const families = [...new Set(points.map((p) => p.group))].sort();
    const xs = points.map((p) => p.x);
    const xLog = xs.length > 1 && xs.every((x) => x > 0) && Math.max(...xs) / Math.min(...xs) >= 20;
    const select = el('select', { id: 'scatter-param', 'aria-label': 'parameter on the x axis', onchange: (e) => ((scatterParam = e.target.value), drawScatter(scored)) }, numeric.map((p) => el('option', { value: p, selected: p === scatterParam, text: p })));
    replace(scatterBox, el('div', { class: 'chart-head' }, el('strong', { text: 'Trials by parameter' }), ' x axis: ', select, xLog ? el('span', { class: 'muted small', text: ' (log scale)' }) : null));
    scatter?.destroy();
    scatter = liveChart(scatterBox, { title: `score vs ${scatterParam}`, xLabel: scatterParam, yLabel: 'score', xLog, scatter: true });
    scatter.update(alignGroups(points, families), families.map((f) => ({ label: f })));
  }

  function onView(view) {
    latest = view;
    replace(summary, summaryOf(view));
    tickElapsed(view);
    const series = view.best_over_time;
    // The best holds until the next improvement: carry it to the job's current elapsed time.
    const xs = series.map((p) => p.elapsed_ms / 1000);
    const ys = series.map((p) => p.score);
    const now = view.progress.elapsed_ms / 1000;
    const carried = series.length > 0 && now > xs.at(-1);
    bestTime.update([carried ? [...xs, now] : xs, carried ? [...ys, ys.at(-1)] : ys], [{ label: `best ${view.metric}`, stepped: true }], series.length);
    replace(leaderboard, leaderboardTable(view));
    // Redrawn only when they change (they come with publication), so "show all" stays as the user left it.
    const key = JSON.stringify([view.series_scores ?? null, view.series_scores_total ?? null]);
    if (key !== seriesKey) {
      seriesKey = key;
      replace(seriesSlot, seriesScoresSection({ scores: view.series_scores, total: view.series_scores_total, metric: view.metric, about: `Each series' ${view.metric} over its own rolling-origin validation points, of the published model` }));
    }
    refreshTrials(view);
  }

  const states = { live: 'live', reconnecting: 'reconnecting…', ended: 'finished' };
  try {
    await followJob(id, { onView, onState: (s) => ((state.textContent = states[s]), (state.dataset.state = s)), signal });
  } catch (err) {
    // The job can no longer be followed: its clock stops where the last view left it.
    stopClock();
    if (!signal.aborted) {
      state.textContent = '';
      replace(summary, errorBox(err, `job ${id}`));
      if (latest === null) {
        for (const node of sections) node.remove();
        bestTime.destroy();
        byTrial.destroy();
      }
    }
  }
}

/**
 * The parameter that says most about the trials: the one that varies over the most trials (a parameter
 * every trial has at the same value says nothing), ties broken by PREFERRED_PARAMS.
 */
function mainParam(scored, numeric) {
  const weight = (p) => {
    const values = scored.map((t) => t.params[p]).filter((v) => typeof v === 'number');
    return new Set(values).size > 1 ? values.length : 0;
  };
  const rank = (p) => (PREFERRED_PARAMS.includes(p) ? PREFERRED_PARAMS.indexOf(p) : PREFERRED_PARAMS.length);
  return [...numeric].sort((a, b) => weight(b) - weight(a) || rank(a) - rank(b) || a.localeCompare(b))[0];
}

/** The statuses of a job that will not run again. */
const FINISHED = new Set(['succeeded', 'failed', 'cancelled']);

/**
 * The Elapsed fact at `ms`: against the budget while the job runs; a finished job may have run past its
 * budget (trials running at the deadline finish), so not "27 s of 25 s".
 */
function elapsedText(view, ms) {
  const b = view.progress.budget;
  const budget = [b.trials ? `${b.trials} trials` : null, b.seconds ? `${b.seconds} s` : null].filter(Boolean).join(' or ');
  return FINISHED.has(view.status) ? `${duration(ms)}${budget ? ` (budget ${budget})` : ''}` : `${duration(ms)} of ${budget || 'the budget'}`;
}

function summaryOf(view) {
  const p = view.progress;
  return [
    facts([
      ['Status', badge(view.status)],
      ['Dataset', el('a', { href: link('datasets', view.dataset.name), text: `${view.dataset.name} v${view.dataset.version}` })],
      ['Target', `${view.target} (${view.task})`],
      // A binary job's f1 is of its positive class: named, since the F1 of one class says nothing of the other's.
      ['Metric', `${view.metric}${view.metric === 'f1' && view.positive_class !== undefined ? ` of class "${view.positive_class}"` : ''} (${view.greater_is_better ? 'higher' : 'lower'} is better)`],
      ['Strategy', view.scheduler ? `${view.strategy} / ${view.scheduler}` : view.strategy],
      ['Models', `${view.models.join(', ')}${view.models_skipped?.length ? ` (skipped: ${view.models_skipped.map((s) => `${s.family}, ${s.reason}`).join('; ')})` : ''}`],
      ['Trials', `${p.trials_done} done, ${p.trials_running} running${p.trials_waiting ? ` (${p.trials_waiting} waiting for a consumer)` : ''}, ${p.trials_failed} failed`],
      // In a span of its own: tickElapsed rewrites it each second while the job runs.
      ['Elapsed', el('span', { id: 'job-elapsed', text: elapsedText(view, p.elapsed_ms) })],
      ['Best', view.best ? `${num(view.best.score)} (${view.best.family}, ${view.best.trial_id})` : '–'],
      // The best trial's score with the optimism of picking it removed: what to expect on new rows.
      ['Expected on new rows', view.best_estimate ? `${num(view.best_estimate.score)} (90%: ${num(view.best_estimate.interval[0])} to ${num(view.best_estimate.interval[1])})` : null],
      ['Ensemble', view.ensemble ? `${view.ensemble.status}${view.ensemble.score !== undefined ? `, ${num(view.ensemble.score)}` : ''}${view.ensemble.reason ? `: ${view.ensemble.reason}` : ''}` : null],
      // To the version this job published: if the model was deleted since (or made again), its page says so.
      ['Model', view.model ? el('a', { href: `${link('models', view.model.name)}/versions/${view.model.version}`, id: 'model-link', text: `${view.model.name} v${view.model.version}` }) : null],
    ]),
    // What to know about the target before trusting the score (rows left out, rare classes, extreme values).
    view.warnings?.length ? el('div', { class: 'notice', id: 'job-warnings' }, el('strong', { text: 'About the target' }), el('ul', {}, ...view.warnings.map((w) => el('li', { text: w })))) : null,
    view.error ? el('div', { class: 'error', role: 'alert' }, el('strong', { text: view.error.code }), el('p', { text: view.error.message })) : null,
  ];
}

const paramText = (params) =>
  Object.entries(params)
    .map(([k, v]) => `${k}=${typeof v === 'number' ? num(v, 3) : v}`)
    .join(', ');

function leaderboardTable(view) {
  if (view.leaderboard.length === 0) return el('p', { class: 'muted', text: 'No trial has finished yet.' });
  return rankedTable(view);
}

function rankedTable(view) {
  const t = table(
    [
      ['#', (e) => e.rank, 'num'],
      ['Trial', (e) => el('span', { class: 'mono', text: e.trial_id })],
      ['Family', (e) => e.family],
      [view.metric, (e) => num(e.score), 'num'],
      ['Fidelity', (e) => (e.fidelity === 1 ? 'all' : `${Math.round(e.fidelity * 100)}% of ${e.fidelity_of ?? 'rows'}`), 'num'],
      ['Fit', (e) => duration(e.fit_ms), 'num'],
      ['Parameters', (e) => el('span', { class: 'params', title: paramText(e.params), text: paramText(e.params) })],
    ],
    view.leaderboard.map((e, i) => ({ ...e, rank: i + 1 })),
  );
  for (const row of t.querySelectorAll('tbody tr')) row.classList.add('leaderboard-row');
  return t;
}

/** Failed and cancelled trials with their reasons, and low-fidelity trials the scheduler did not promote. */
function problemTable(trials) {
  const promoted = new Set(trials.map((t) => t.promoted_from).filter(Boolean));
  const rows = trials
    .map((t) => {
      if (t.status === 'failed' || t.status === 'cancelled') return { ...t, kind: t.status, reason: t.error ? `${t.error.code}: ${t.error.message}` : t.status };
      if (t.status === 'complete' && t.fidelity < 1 && !promoted.has(t.trial_id)) return { ...t, kind: 'pruned', reason: `scored ${num(t.score)} on ${Math.round(t.fidelity * 100)}% of ${t.fidelity_of === 'epochs' ? 'its epochs' : 'the rows'}; not promoted` };
      return null;
    })
    .filter(Boolean);
  return table(
    [
      ['Trial', (t) => el('span', { class: 'mono', text: t.trial_id })],
      ['Family', (t) => t.family],
      ['Outcome', (t) => el('span', { class: `badge badge-${t.kind}`, text: t.kind })],
      ['Reason', (t) => t.reason],
    ],
    rows,
    { empty: 'None: every trial so far completed.' },
  );
}
