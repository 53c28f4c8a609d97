/**
 * @module engine/forecast/past-covariate-fill-warnings
 * What a forecast job tells its user about the empty cells of its past covariates that were filled
 * (./past-covariate-fill): per column, the series and how many of their newest points were filled, with
 * their times, and which forecast steps read them instead of observed values; and the short runs filled
 * inside the series, naming their rows, which the models learn from.
 */
import { type PastCovariateFill, rowWords } from './past-covariate-fill';

/** Series (or runs) a warning names; the rest are counted. */
const SHOWN = 5;

/** The job's warnings about `fills` (one per column and kind), times written by `show`, for a job forecasting `horizon` steps. */
export function pastFillWarnings(fills: readonly PastCovariateFill[], horizon: number, show: (t: number) => string): string[] {
  const columns = [...new Set(fills.map((f) => f.column))];
  const warnings: string[] = [];
  for (const column of columns) {
    const newest = fills.filter((f) => f.column === column && f.at === 'newest');
    if (newest.length > 0) warnings.push(newestWarning(column, newest, horizon, show));
    const inside = fills.filter((f) => f.column === column && f.at === 'inside');
    if (inside.length > 0) warnings.push(insideWarning(column, inside, show));
  }
  return warnings;
}

const span = (f: PastCovariateFill, show: (t: number) => string) => (f.from === f.to ? show(f.from) : `${show(f.from)} to ${show(f.to)}`);
const points = (n: number) => `${n} point${n === 1 ? '' : 's'}`;
const some = (items: readonly string[]) => items.slice(0, SHOWN).join(', ') + (items.length > SHOWN ? ` and ${items.length - SHOWN} more` : '');

function newestWarning(column: string, runs: readonly PastCovariateFill[], horizon: number, show: (t: number) => string): string {
  const after = `No training row or validation fold reads them, but the last steps of a forecast do, one per point filled (of its ${horizon}), in place of observed values, so those steps may be less accurate than the score says: add the values once they are recorded and retrain`;
  if (runs.length === 1 && runs[0].group === '') {
    const r = runs[0];
    return `past covariate "${column}" is empty at the newest ${points(r.points)} (${span(r, show)}, ${rowWords(r.rows)}), filled with its last observed value carried forward. ${after}`;
  }
  const each = runs.map((r) => `"${r.group}" ${points(r.points)} (${span(r, show)})`);
  const series = runs.length === 1 ? '1 series' : `${runs.length} series`;
  return `past covariate "${column}" is empty at the newest points of ${series}, each filled with its series' last observed value carried forward: ${some(each)}. ${after}`;
}

function insideWarning(column: string, runs: readonly PastCovariateFill[], show: (t: number) => string): string {
  const total = runs.reduce((a, r) => a + r.points, 0);
  const each = runs.map((r) => `${r.group === '' ? '' : `"${r.group}" `}${rowWords(r.rows)} (${span(r, show)})`);
  return `past covariate "${column}" is empty at ${points(total)} between observed values (${some(each)}), each filled with the value observed before it, as a short gap's added timestamp is; the models learn from those values: fill them in and retrain if they are known`;
}
