/**
 * @module engine/data/target-warnings
 * What a user should know about the target before trusting a job's score, said when the job starts (the
 * job view's `warnings`): rows left out because their target is missing, classes too rare for every fold
 * to see them, and regression targets whose few extreme values would dominate a squared-error metric.
 * None of these stops a job; each names the column, the count and what to do.
 */
import type { Dataset } from './dataset';
import type { PreparedTarget } from './target';

/** A value this many interquartile ranges beyond the quartiles is far outside the rest. */
const FAR_IQRS = 10;

export function targetWarnings(ds: Dataset, target: string, prepared: PreparedTarget, folds: number, metric: string): string[] {
  const warnings: string[] = [];
  const missing = ds.rows - prepared.rows.length;
  if (missing > 0) warnings.push(`${missing} of ${ds.rows} rows have no value of "${target}" and are left out of training`);
  if (prepared.task === 'regression') {
    const far = farValues(prepared.y);
    if (far.count > 0) {
      const squared = metric === 'rmse' || metric === 'mse' || metric === 'r2';
      warnings.push(
        `${far.count} value${far.count === 1 ? '' : 's'} of "${target}" ${far.count === 1 ? 'lies' : 'lie'} far outside the rest (e.g. ${far.example}; median ${far.median})` +
          (squared ? `: ${metric} will be dominated by them; check them, or use "metric": "mae"` : ': check them'),
      );
    }
    return warnings;
  }
  const counts = new Array<number>(prepared.classes.length).fill(0);
  for (const k of prepared.y) counts[k]++;
  const rare = prepared.classes.map((name, k) => ({ name, count: counts[k] })).filter((c) => c.count < folds);
  if (rare.length > 0) {
    const listed = rare.slice(0, 5).map((c) => `"${c.name}" (${c.count})`).join(', ') + (rare.length > 5 ? ` and ${rare.length - 5} more` : '');
    warnings.push(`class${rare.length === 1 ? '' : 'es'} ${listed} of "${target}" ha${rare.length === 1 ? 's' : 've'} fewer rows than the ${folds} folds: some folds validate without ${rare.length === 1 ? 'it' : 'them'}, and its scores are rough`);
  }
  return warnings;
}

/** Values beyond the quartiles by FAR_IQRS interquartile ranges (none when the IQR is 0). */
function farValues(y: Float32Array): { count: number; example: string; median: string } {
  const sorted = Float64Array.from(y).sort();
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * (sorted.length - 1)))];
  const [q1, median, q3] = [at(0.25), at(0.5), at(0.75)];
  const iqr = q3 - q1;
  if (!(iqr > 0)) return { count: 0, example: '', median: '' };
  let count = 0;
  let example = median;
  for (const v of sorted) {
    if (v < q1 - FAR_IQRS * iqr || v > q3 + FAR_IQRS * iqr) {
      if (count === 0 || Math.abs(v - median) > Math.abs(example - median)) example = v;
      count++;
    }
  }
  return { count, example: shortNumber(example), median: shortNumber(median) };
}

const shortNumber = (v: number) => String(Number(v.toPrecision(4)));
