/**
 * @module cli/forecast-report
 * A forecast as a table or as CSV: one line per step ahead, with its time, the point forecast and the
 * interval's bounds at the level the server used, and a column per quantile asked for (`q0.1`, …). The table says when a simple rule forecast the series
 * (the answer's `fallback`), and that the covariates sent were not used then; the CSV stays the points alone.
 */
import type { Forecast } from '../client';
import { csvLine, formatNumber, renderTable } from './format';

/** Percent label of the interval, "80%" ("88.75%" for a level of 0.8875). */
const percent = (level: number) => `${Math.round(level * 10000) / 100}%`;

/** The quantiles the points carry, in the answer's order (ascending), as their keys. */
const quantileKeys = (f: Forecast): string[] => (f.quantiles ? f.quantiles.map(String) : Object.keys(f.forecasts[0]?.quantiles ?? {}));

/** A point's quantile values in the order of `keys`. */
const quantileValues = (p: Forecast['forecasts'][number], keys: readonly string[]) => keys.map((k) => p.quantiles?.[k] ?? NaN);

export function forecastTable(f: Forecast): string {
  const keys = quantileKeys(f);
  const head = ['step', 'time', 'forecast', `lower ${percent(f.level)}`, `upper ${percent(f.level)}`, ...keys.map((k) => `q${k}`)];
  const rows = f.forecasts.map((p, i) => [i + 1, p.time, formatNumber(p.value), formatNumber(p.lower), formatNumber(p.upper), ...quantileValues(p, keys).map(formatNumber)]);
  const series = f.group !== undefined ? `, series ${f.group}` : '';
  return `model ${f.model.name} v${f.model.version}${series}, ${f.horizon} steps, ${percent(f.level)} intervals\n${fallbackLine(f)}${renderTable(head, rows)}`;
}

/** For a group a simple rule forecasts instead of the model (the answer's `fallback`): a line saying so, else ''. */
function fallbackLine(f: Forecast): string {
  if (!f.fallback) return '';
  const name = f.group !== undefined ? `series ${JSON.stringify(f.group)}` : 'the series';
  const covariates = f.fallback.covariates_ignored ? '; the covariates sent were not used (the rule reads none)' : '';
  return `${name} is forecast by ${f.fallback.rule} on its ${f.fallback.points} points (too few to validate a model on)${covariates}\n`;
}

/**
 * The columns are named as the API's fields are (`time`, `value`, `lower`, `upper`), so a script reads either
 * alike; then `q0.1`, … for the quantiles asked for, named by their keys in the points' `quantiles`.
 */
export function forecastCsv(f: Forecast): string {
  const keys = quantileKeys(f);
  return [csvLine(['time', 'value', 'lower', 'upper', ...keys.map((k) => `q${k}`)]), ...f.forecasts.map((p) => csvLine([p.time, p.value, p.lower, p.upper, ...quantileValues(p, keys)]))].join('\n');
}
