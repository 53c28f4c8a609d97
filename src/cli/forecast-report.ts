/**
 * @module cli/forecast-report
 * A forecast as a table or as CSV: one line per step ahead, with its time, the point forecast and the
 * interval's bounds at the level the server used.
 */
import type { Forecast } from '../client';
import { csvLine, formatNumber, renderTable } from './format';

/** Percent label of the interval, "80%". */
const percent = (level: number) => `${Math.round(level * 1000) / 10}%`;

export function forecastTable(f: Forecast): string {
  const head = ['step', 'time', 'forecast', `lower ${percent(f.level)}`, `upper ${percent(f.level)}`];
  const rows = f.forecasts.map((p, i) => [i + 1, p.time, formatNumber(p.value), formatNumber(p.lower), formatNumber(p.upper)]);
  const series = f.group !== undefined ? `, series ${f.group}` : '';
  return `model ${f.model.name} v${f.model.version}${series}, ${f.horizon} steps, ${percent(f.level)} intervals\n${renderTable(head, rows)}`;
}

/** The columns are named as the API's fields are (`time`, `value`, `lower`, `upper`), so a script reads either alike. */
export function forecastCsv(f: Forecast): string {
  return [csvLine(['time', 'value', 'lower', 'upper']), ...f.forecasts.map((p) => csvLine([p.time, p.value, p.lower, p.upper]))].join('\n');
}
