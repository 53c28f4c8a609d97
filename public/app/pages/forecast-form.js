/**
 * @module dashboard/pages/forecast-form
 * "Try a forecast", the forecast model's counterpart of the prediction form: a horizon (the validated one
 * by default, up to the model's max_horizon), an interval level (0.5 to 0.995, shown as a percentage),
 * optional quantiles (comma-separated) and, for a grouped model, the series. A level or quantile out of
 * the route's range is refused in the form, naming the field, and nothing is sent.
 * A model trained with known-future covariates also gets a table of their values, a row per step ahead.
 * Where the chosen series ends (its latest observed point, which forecasts start after) is said beside it.
 * The answer is drawn as the latest observed points, the forecast and its interval, and listed below
 * (with a column per quantile, q0.1, …, when it carries them). Above the form, the outlook draws the same
 * chart as the page opens, so the series is seen before anything is asked (forecastOutlook).
 */
import { api, seg } from '../api.js';
import { colour, liveChart } from '../charts.js';
import { el, num, replace } from '../dom.js';
import { errorBox, scrollable, table } from '../widgets.js';

// The forecast route's ranges (src/engine/forecast/intervals.ts: MIN_LEVEL, MAX_LEVEL, MIN_QUANTILE, …):
// plain files cannot import the engine, and checking here names the field before anything is sent.
const MIN_LEVEL = 0.5;
const MAX_LEVEL = 0.995;
const DEFAULT_LEVEL = 0.8;
const MIN_QUANTILE = 0.005;
const MAX_QUANTILE = 0.995;
const MAX_QUANTILES = 20;

/** 0.85 → "85%", 0.995 → "99.5%" (not rounded to 100%). */
const percent = (level) => `${Number((level * 100).toFixed(2))}%`;

/** What is wrong with the level box's text, or undefined (any number in range, as the route takes: 0.8125 too). */
function levelProblem(text) {
  const range = `a number from ${MIN_LEVEL} to ${MAX_LEVEL} (0.85 for an 85% interval)`;
  if (text.trim() === '') return `Interval level is required: ${range}`;
  const n = Number(text);
  if (!(n >= MIN_LEVEL && n <= MAX_LEVEL)) return `Interval level must be ${range}; got ${text}`;
  return undefined;
}

/**
 * "0.1, 0.5, 0.9" as the route's `quantiles`: `{ values }` (distinct, in the order given; none for an empty
 * box), or `{ problem }` naming the bad entry, as the CLI's --quantiles does.
 */
function readQuantiles(text) {
  if (text.trim() === '') return { values: undefined };
  const values = [];
  for (const item of text.split(',').map((s) => s.trim())) {
    const n = item === '' ? NaN : Number(item);
    if (!(n >= MIN_QUANTILE && n <= MAX_QUANTILE)) {
      const what = item === '' ? 'an empty entry' : `"${item}"`;
      return { problem: `Quantiles must be numbers from ${MIN_QUANTILE} to ${MAX_QUANTILE} separated by commas (0.1, 0.5, 0.9); got ${what} in "${text.trim()}"` };
    }
    if (!values.includes(n)) values.push(n);
  }
  if (values.length > MAX_QUANTILES) return { problem: `Quantiles may hold at most ${MAX_QUANTILES} distinct values; got ${values.length}` };
  return { values };
}

/**
 * One step of each named frequency as a person counts it ("24 months", not "24 monthly steps"); a step
 * of several months ("months"), a fixed step of another length ("fixed") and row order ("index") are steps.
 */
const STEP_WORDS = {
  monthly: ['month', 'months'],
  quarterly: ['quarter', 'quarters'],
  yearly: ['year', 'years'],
  business_daily: ['business day', 'business days'],
  working_daily: ['working day', 'working days'],
  business_hourly: ['opening hour', 'opening hours'],
  business_half_hourly: ['opening half-hour', 'opening half-hours'],
  business_quarter_hourly: ['opening quarter-hour', 'opening quarter-hours'],
  daily: ['day', 'days'],
  hourly: ['hour', 'hours'],
  weekly: ['week', 'weeks'],
  minutely: ['minute', 'minutes'],
};

/** "months" for a monthly model; with `n`, "1 month" or "24 months". */
function steps(frequency, n) {
  const [one, many] = Object.hasOwn(STEP_WORDS, frequency) ? STEP_WORDS[frequency] : ['step', 'steps'];
  return n === undefined ? many : `${num(n)} ${n === 1 ? one : many}`;
}

/** A series' time as the model view gives it: an ISO time (a date alone at midnight UTC), or a number. */
function timeText(t) {
  return typeof t === 'string' ? t.replace(/T00:00:00(\.000)?Z$/, '') : String(t);
}

/**
 * @param model    GET /v1/models/{name} of a forecast model (its `forecast` block), `?version=N` for a version's
 * @param version  the version to forecast with (sent as `version`), or undefined for the champion
 */
export function forecastForm(model, version) {
  const f = model.forecast;
  const horizon = el('input', { id: 'forecast-horizon', name: 'horizon', type: 'number', min: 1, max: f.max_horizon, step: 1, required: true });
  horizon.value = String(f.horizon);
  const level = el('input', { id: 'forecast-level', name: 'level', type: 'number', min: MIN_LEVEL, max: MAX_LEVEL, step: 'any', required: true });
  level.value = String(DEFAULT_LEVEL);
  const levelPercent = el('span', { id: 'forecast-level-percent', class: 'muted small' });
  const quantiles = el('input', { id: 'forecast-quantiles', name: 'quantiles', type: 'text', placeholder: '0.1, 0.5, 0.9' });
  // Our messages replace the browser's (which name no field), so its bubble and the box below agree;
  // refused fields stop the submit before it is sent (the "invalid" event, or the check in submit).
  const problems = () => [levelProblem(level.value), readQuantiles(quantiles.value).problem].filter(Boolean);
  const check = () => {
    level.setCustomValidity(levelProblem(level.value) ?? '');
    quantiles.setCustomValidity(readQuantiles(quantiles.value).problem ?? '');
    levelPercent.textContent = levelProblem(level.value) ? '' : `${percent(Number(level.value))} interval`;
  };
  // `native`: the browser's own message, for a refusal of its that ours missed.
  const refuse = (native) => replace(result, errorBox(new Error(problems().join('; ') || native), null, 'Not sent: check the form'));
  for (const [input, name] of [[level, 'Interval level'], [quantiles, 'Quantiles']]) {
    input.addEventListener('input', check);
    input.addEventListener('invalid', () => refuse(`${name}: ${input.validationMessage}`));
  }
  // Groups too short to validate on (fallback_groups) are forecast by a simple rule: offered after the model's own.
  const ruled = f.fallback_groups ?? [];
  const group = f.groups ? el('select', { id: 'forecast-group', name: 'group' }, [...f.groups, ...ruled.map((g) => g.group)].map((g) => el('option', { value: g, text: g }))) : null;
  const covariates = f.covariates?.length ? covariateTable(f) : null;
  if (covariates) {
    covariates.show(f.horizon);
    horizon.addEventListener('input', () => covariates.show(Number(horizon.value)));
  }
  const start = el('p', { id: 'forecast-start', class: 'muted small' });
  const showStart = () => {
    const end = (f.series ?? []).find((s) => !group || s.group === group.value);
    const rule = group ? ruled.find((g) => g.group === group.value) : undefined;
    start.textContent = end
      ? `The series ends at ${timeText(end.last_time)} (${num(end.points)} points): forecasts start the step after.`
      : rule
        ? `The series has ${num(rule.points)} points, too few to validate a model on: it is forecast by the simple rule ${rule.rule}.`
        : '';
  };
  showStart();
  group?.addEventListener('change', showStart);
  const button = el('button', { type: 'submit', text: 'Forecast' });
  const result = el('div', { id: 'forecast-result', role: 'status' });
  check();
  const field = (label, input, hint, after) => el('div', { class: 'field' }, el('label', { for: input.id }, label, hint ? el('span', { class: 'muted small', text: ` ${hint}` }) : null), input, after);
  return el(
    'form',
    { id: 'forecast-form', class: 'predict', onsubmit: submit },
    el(
      'div',
      { class: 'fields' },
      field('Horizon', horizon, `${steps(f.frequency)} ahead, up to ${f.max_horizon}`),
      field('Interval level', level, `${MIN_LEVEL} to ${MAX_LEVEL}`, levelPercent),
      field('Quantiles', quantiles, `optional, ${MIN_QUANTILE} to ${MAX_QUANTILE}, comma-separated: a column each`),
      group ? field(f.group_column, group) : null,
    ),
    start,
    covariates?.node,
    button,
    result,
  );

  async function submit(event) {
    event.preventDefault();
    check();
    if (problems().length > 0) return refuse();
    button.disabled = true;
    replace(result, el('p', { class: 'muted', text: 'Forecasting…' }));
    try {
      const steps = Number(horizon.value);
      const asked = readQuantiles(quantiles.value).values;
      const body = { horizon: steps, level: Number(level.value), ...(asked ? { quantiles: asked } : {}), history: true, ...(group ? { group: group.value } : {}), ...(covariates ? { covariates: covariates.read(steps) } : {}), ...(version === undefined ? {} : { version }) };
      showForecast(result, await api(`/v1/models/${seg(model.name)}/forecast`, { method: 'POST', body }), f);
    } catch (err) {
      replace(result, errorBox(err, null, 'Could not forecast'));
    } finally {
      button.disabled = false;
    }
  }
}

/**
 * The known-future covariates of each step ahead (GET model's forecast.covariates): a table with a row per
 * step up to the horizon and a cell per covariate, a number box for a numeric one (its training range as
 * a hint), a choice of yes or no for a boolean one (sent as true or false) and a choice of its levels for
 * a categorical one. Nothing is filled in for the user (a covariate is a value they know, not
 * one to guess); every cell is required, and "Copy step 1 to every step" saves typing a value that holds.
 * Rows past a shortened horizon are kept, so lengthening it again brings their values back.
 */
function covariateTable(f) {
  const list = f.covariates;
  const rows = [];
  const body = el('tbody');
  const copy = el('button', { type: 'button', id: 'forecast-covariates-copy', class: 'link', text: 'Copy step 1 to every step', onclick: copyFirst });
  const node = el(
    'div',
    { id: 'forecast-covariates', class: 'field' },
    el('p', { class: 'muted small', text: 'Known-future values the model forecasts from: give each for every step ahead.' }),
    // In its own scroller, as every table: many covariates are wider than a phone.
    scrollable(
      el(
        'table',
        { class: 'grid' },
        el('caption', { text: 'Covariates ahead' }),
        el('thead', {}, el('tr', {}, el('th', { text: 'Step' }), list.map((c) => el('th', { text: c.name, title: c.kind })))),
        body,
      ),
    ),
    el('p', {}, copy),
  );
  return { node, show, read };

  /** Shows `n` step rows (within 1..max_horizon), making the ones not made yet. */
  function show(n) {
    if (!Number.isInteger(n) || n < 1) return;
    const count = Math.min(n, f.max_horizon);
    while (rows.length < count) rows.push(stepRow(rows.length));
    replace(body, rows.slice(0, count).map((r) => r.node));
  }

  function stepRow(step) {
    const inputs = list.map((c, j) => {
      const props = { id: `covariate-${step}-${j}`, name: c.name, required: true, 'aria-label': `${c.name}, ${steps(f.frequency, step + 1)} ahead` };
      if (c.kind === 'boolean') return el('select', props, el('option', { value: '', text: 'choose…' }), el('option', { value: 'true', text: 'yes (true)' }), el('option', { value: 'false', text: 'no (false)' }));
      const range = c.min !== undefined && c.max !== undefined ? { title: `trained on ${c.min} to ${c.max}` } : {};
      // A categorical covariate without listed levels (an older server) takes its level as text.
      if (c.kind !== 'categorical') return el('input', { ...props, ...range, type: 'number', step: 'any' });
      if (!c.levels?.length) return el('input', { ...props, type: 'text' });
      return el('select', props, el('option', { value: '', text: 'choose…' }), c.levels.map((l) => el('option', { value: l, text: l })));
    });
    return { inputs, node: el('tr', { 'data-step': step + 1 }, el('th', { text: `${steps(f.frequency, step + 1)} ahead` }), inputs.map((i) => el('td', {}, i))) };
  }

  function copyFirst() {
    const [first, ...rest] = rows;
    for (const r of rest) r.inputs.forEach((input, j) => (input.value = first.inputs[j].value));
  }

  /** The covariates of the first `n` steps, as the forecast route takes them: numbers as numbers, booleans as true or false, levels as text. */
  function read(n) {
    return rows.slice(0, n).map((r) => Object.fromEntries(list.map((c, j) => [c.name, valueOf(c, r.inputs[j].value)])));
  }

  function valueOf(c, text) {
    if (c.kind === 'numeric') return Number(text);
    return c.kind === 'boolean' ? text === 'true' : text;
  }
}

/**
 * The outlook: what the model forecasts now at its validated horizon and the default interval, drawn (the
 * chart alone, in its own element: the form's result stays the user's) as the page opens, so the series
 * and where the model takes it are seen before anything is asked. A grouped model's is its first series,
 * the form's first choice. None for a model with known-future covariates: its forecast needs their values
 * ahead, which only the user knows. A failed forecast is said in place of the chart; the form still works.
 * @param model    the model view (or a version's, `?version=N`) with its `forecast` block
 * @param version  the version to forecast with (sent as `version`), or undefined for the champion
 * @param signal   aborts the request when the page is left
 */
export function forecastOutlook(model, version, signal) {
  const f = model.forecast;
  if (f.covariates?.length) return null;
  const group = f.groups?.[0];
  const box = el('div', { id: 'forecast-outlook', class: 'chart-box' }, el('p', { class: 'muted', text: 'Forecasting the outlook…' }));
  const body = { horizon: f.horizon, level: DEFAULT_LEVEL, history: true, ...(group === undefined ? {} : { group }), ...(version === undefined ? {} : { version }) };
  (async () => {
    try {
      const answer = await api(`/v1/models/${seg(model.name)}/forecast`, { method: 'POST', body, signal });
      if (signal?.aborted) return;
      replace(box);
      const of = group === undefined ? '' : ` of ${f.group_column} ${group}`;
      drawForecast(box, answer, f, `Outlook${of}: the next ${steps(f.frequency, answer.forecasts.length)}, ${percent(answer.level)} interval`);
    } catch (err) {
      if (!signal?.aborted) replace(box, errorBox(err, null, 'Could not forecast the outlook'));
    }
  })();
  return box;
}

/** The chart (observed tail, forecast, interval bounds) on one step axis, and the table of points. */
function showForecast(result, answer, f) {
  const points = answer.forecasts;
  // The quantiles the points carry, keyed as the answer's sorted `quantiles` list writes them (0.1 → "0.1").
  const keys = answer.quantiles ? answer.quantiles.map(String) : Object.keys(points[0]?.quantiles ?? {});
  const box = el('div', { id: 'forecast-chart', class: 'chart-box' });
  replace(
    result,
    el('p', { class: 'prediction' }, `Model v${answer.model.version}: ${steps(f.frequency, points.length)} ahead, ${percent(answer.level)} interval`),
    box,
    table(
      [
        [f.time_column, (p) => (typeof p.time === 'string' ? p.time.slice(0, 10) : p.time)],
        ['Forecast', (p) => num(p.value, 5), 'num'],
        ['Lower', (p) => num(p.lower, 5), 'num'],
        ['Upper', (p) => num(p.upper, 5), 'num'],
        ...keys.map((k) => [`q${k}`, (p) => num(p.quantiles?.[k], 5), 'num']),
      ],
      points,
      { caption: 'Forecast points' },
    ),
  );
  drawForecast(box, answer, f, 'Observed and forecast');
}

/** The latest observed points, the forecast and its interval bounds on one step axis, in `box`, titled `title`. */
function drawForecast(box, answer, f, title) {
  const history = answer.history ?? [];
  const points = answer.forecasts;
  // x is the step from the last observation: history at -(n-1)..0, the forecast at 1..horizon.
  const xs = [...history.map((_, i) => i - history.length + 1), ...points.map((_, h) => h + 1)];
  const times = [...history.map((p) => p.time), ...points.map((p) => p.time)];
  const pad = (values, before, after) => [...new Array(before).fill(null), ...values, ...new Array(after).fill(null)];
  const observed = pad(history.map((p) => p.value), 0, points.length);
  // The forecast line starts at the last observation so the two lines join.
  const joined = (key) => [...new Array(Math.max(0, history.length - 1)).fill(null), ...(history.length ? [history[history.length - 1].value] : []), ...points.map((p) => p[key])];
  const label = (x) => {
    const t = times[xs.indexOf(Math.round(x))];
    return t === undefined ? '' : typeof t === 'string' ? t.slice(0, 10) : String(t);
  };
  liveChart(box, { title, xLabel: f.time_column, yLabel: 'value', xFormat: label }).update(
    [xs, observed, joined('value'), joined('lower'), joined('upper')],
    [
      { label: 'observed', stroke: colour(7) },
      { label: 'forecast', stroke: colour(0) },
      { label: 'lower', stroke: colour(0), width: 1, dash: [4, 4], showPoints: false },
      { label: 'upper', stroke: colour(0), width: 1, dash: [4, 4], showPoints: false },
    ],
    history.length + points.length,
  );
}
