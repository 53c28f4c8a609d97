/**
 * @module dashboard/pages/forecast-form
 * "Try a forecast", the forecast model's counterpart of the prediction form: a horizon (the validated one
 * by default, up to the model's max_horizon), an interval level and, for a grouped model, the series.
 * The answer is drawn as the latest observed points, the forecast and its interval, and listed below.
 */
import { api, seg } from '../api.js';
import { colour, liveChart } from '../charts.js';
import { el, num, replace } from '../dom.js';
import { errorBox, table } from '../widgets.js';

const LEVELS = [0.5, 0.8, 0.9, 0.95, 0.99];
const DEFAULT_LEVEL = 0.8;

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

/** @param model GET /v1/models/{name} of a forecast model (its `forecast` block) */
export function forecastForm(model) {
  const f = model.forecast;
  const horizon = el('input', { id: 'forecast-horizon', name: 'horizon', type: 'number', min: 1, max: f.max_horizon, step: 1, required: true });
  horizon.value = String(f.horizon);
  const level = el('select', { id: 'forecast-level', name: 'level' }, LEVELS.map((l) => el('option', { value: l, selected: l === DEFAULT_LEVEL, text: `${Math.round(l * 100)}%` })));
  const group = f.groups ? el('select', { id: 'forecast-group', name: 'group' }, f.groups.map((g) => el('option', { value: g, text: g }))) : null;
  const button = el('button', { type: 'submit', text: 'Forecast' });
  const result = el('div', { id: 'forecast-result', role: 'status' });
  const field = (label, input, hint) => el('div', { class: 'field' }, el('label', { for: input.id }, label, hint ? el('span', { class: 'muted small', text: ` ${hint}` }) : null), input);
  return el(
    'form',
    { id: 'forecast-form', class: 'predict', onsubmit: submit },
    el(
      'div',
      { class: 'fields' },
      field('Horizon', horizon, `${steps(f.frequency)} ahead, up to ${f.max_horizon}`),
      field('Interval', level),
      group ? field(f.group_column, group) : null,
    ),
    button,
    result,
  );

  async function submit(event) {
    event.preventDefault();
    button.disabled = true;
    replace(result, el('p', { class: 'muted', text: 'Forecasting…' }));
    try {
      const body = { horizon: Number(horizon.value), level: Number(level.value), history: true, ...(group ? { group: group.value } : {}) };
      showForecast(result, await api(`/v1/models/${seg(model.name)}/forecast`, { method: 'POST', body }), f);
    } catch (err) {
      replace(result, errorBox(err, 'a forecast'));
    } finally {
      button.disabled = false;
    }
  }
}

/** The chart (observed tail, forecast, interval bounds) on one step axis, and the table of points. */
function showForecast(result, answer, f) {
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
  const box = el('div', { id: 'forecast-chart', class: 'chart-box' });
  replace(
    result,
    el('p', { class: 'prediction' }, `Model v${answer.model.version}: ${steps(f.frequency, points.length)} ahead, ${Math.round(answer.level * 100)}% interval`),
    box,
    table(
      [
        [f.time_column, (p) => (typeof p.time === 'string' ? p.time.slice(0, 10) : p.time)],
        ['Forecast', (p) => num(p.value, 5), 'num'],
        ['Lower', (p) => num(p.lower, 5), 'num'],
        ['Upper', (p) => num(p.upper, 5), 'num'],
      ],
      points,
      { caption: 'Forecast points' },
    ),
  );
  liveChart(box, { title: 'Observed and forecast', xLabel: f.time_column, yLabel: 'value', xFormat: label }).update(
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
