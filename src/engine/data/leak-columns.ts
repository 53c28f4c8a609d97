/**
 * @module engine/data/leak-columns
 * Feature columns that determine the target almost perfectly on their own: most often a copy of the
 * target, or something only known once the outcome is (a refund date, a diagnosis code). Every trial then
 * scores near perfectly and the published model fails on rows where the column is not known yet, so a job
 * says so when it starts (the job view's `warnings`), naming the column and how to leave it out.
 *
 * Classification: a column whose values each map to one class for at least 99.5% of the rows (and for
 * at most a tenth of the rows the majority class gets wrong), read either through its distinct values,
 * when there are few of them relative to the rows (an identifier maps each row to its own class
 * trivially, so it is never read that way), or, for a number with many values, through its order: sorted
 * by the column, the class changes barely more often than it must. Regression: a correlation (or, for
 * few values, a correlation ratio) of at least 0.999 with the target. Pure; reads at most a fixed sample
 * of rows so a job on a large table starts as fast.
 */
import { DROPPED_TYPES } from './column-types';
import type { Column, Dataset } from './dataset';
import type { PreparedTarget } from './target';

/** Share of the rows a column must classify alone to be named. */
export const LEAK_SHARE = 0.995;
/** Correlation with a regression target a column must reach to be named. */
export const LEAK_CORRELATION = 0.999;
/** Fewer rows than this say too little to name a column (a tiny table separates by chance). */
const MIN_ROWS = 30;
/** A column is read through its distinct values only with at least this many rows per value on average. */
const ROWS_PER_VALUE = 10;
/** Of the errors the majority class would make, a leak column makes at most this share. */
const MAX_ERROR_SHARE_OF_BASELINE = 0.1;
/** Rows read at most (an even stride over the rows with a target): enough to tell, cheap at job creation. */
const MAX_ROWS = 10_000;
/** Columns named one per warning; beyond them one warning lists the rest. */
const MAX_NAMED = 5;

/** A column that predicts the target alone: the share of rows it classifies, or its correlation. */
export type LeakColumn =
  | { readonly column: string; readonly kind: 'classification'; readonly share: number }
  | { readonly column: string; readonly kind: 'regression'; readonly correlation: number };

/**
 * The feature columns (not the target, not in `skip`, not identifiers or constants) that predict the
 * target almost perfectly on their own, strongest first.
 */
export function leakColumns(ds: Dataset, target: string, prepared: PreparedTarget, skip: readonly string[] = []): LeakColumn[] {
  const sample = sampleRows(prepared);
  if (sample.rows.length < MIN_ROWS) return [];
  const left = new Set([target, ...skip]);
  const found: LeakColumn[] = [];
  for (const col of ds.columns) {
    if (left.has(col.name) || DROPPED_TYPES.has(col.type)) continue;
    const keys = keysOf(col, sample.rows);
    // Only a number's order means something: categories are coded in the order of their names.
    const ordered = col.storage === 'f64';
    const leak = prepared.task === 'regression' ? regressionLeak(col.name, keys, ordered, sample.y) : classificationLeak(col.name, keys, ordered, sample.y, prepared.classes.length);
    if (leak) found.push(leak);
  }
  return found.sort((a, b) => strength(b) - strength(a));
}

/** The job warnings for `leaks`: one per column, the rest in one. */
export function leakWarnings(leaks: readonly LeakColumn[]): string[] {
  const named = leaks.slice(0, MAX_NAMED).map((l) => {
    const how = l.kind === 'classification' ? `${percent(l.share)} of rows` : `correlation ${l.correlation >= 0 ? '' : '-'}${floorTo(Math.abs(l.correlation), 4)}`;
    return `column "${l.column}" alone predicts the target (${how}): if it is not known when you predict, ignore it (columns: {"${l.column}": "ignore"})`;
  });
  const rest = leaks.slice(MAX_NAMED).map((l) => `"${l.column}"`);
  if (rest.length > 0) named.push(`${rest.length} more column${rest.length === 1 ? '' : 's'} alone predict${rest.length === 1 ? 's' : ''} the target too (${rest.join(', ')}): ignore those not known when you predict`);
  return named;
}

const strength = (l: LeakColumn) => (l.kind === 'classification' ? l.share : Math.abs(l.correlation));

/** A share as a percentage that never rounds up to a perfect one (99.96% reads 99.9%). */
const percent = (share: number) => (share >= 1 ? '100%' : `${floorTo(share * 100, 1)}%`);
const floorTo = (v: number, digits: number) => (Math.floor(v * 10 ** digits) / 10 ** digits).toFixed(digits);

/** The rows with a target, at most MAX_ROWS of them at an even stride, with their targets. */
function sampleRows(prepared: PreparedTarget): { rows: Int32Array; y: Float32Array } {
  const n = prepared.rows.length;
  if (n <= MAX_ROWS) return { rows: prepared.rows, y: prepared.y };
  const rows = new Int32Array(MAX_ROWS);
  const y = new Float32Array(MAX_ROWS);
  for (let k = 0; k < MAX_ROWS; k++) {
    const at = Math.floor((k * n) / MAX_ROWS);
    rows[k] = prepared.rows[at];
    y[k] = prepared.y[at];
  }
  return { rows, y };
}

/** A column's value on each sampled row, as a number; NaN for a missing one (codes below 0). */
function keysOf(col: Column, rows: Int32Array): Float64Array {
  const keys = new Float64Array(rows.length);
  if (col.storage === 'f64') for (let i = 0; i < rows.length; i++) keys[i] = col.values[rows[i]];
  else for (let i = 0; i < rows.length; i++) keys[i] = col.codes[rows[i]] < 0 ? Number.NaN : col.codes[rows[i]];
  return keys;
}

/** Distinct values (missing counts as one), or undefined once there are more than `limit`. */
function distinctValues(keys: Float64Array, limit: number): Map<number, number> | undefined {
  const index = new Map<number, number>();
  // Map keys compare as SameValueZero: every NaN (missing) is one key.
  for (const k of keys) {
    if (!index.has(k)) {
      if (index.size >= limit) return undefined;
      index.set(k, index.size);
    }
  }
  return index;
}

function classificationLeak(column: string, keys: Float64Array, ordered: boolean, y: Float32Array, classes: number): LeakColumn | undefined {
  const n = keys.length;
  const counts = new Int32Array(classes);
  for (const c of y) counts[c]++;
  const baseline = n - Math.max(...counts);
  const errors = classificationErrors(keys, ordered, y, classes);
  if (errors === undefined || errors > (1 - LEAK_SHARE) * n || errors > MAX_ERROR_SHARE_OF_BASELINE * baseline) return undefined;
  return { column, kind: 'classification', share: (n - errors) / n };
}

/**
 * Rows the column gets wrong when each of its values (few of them) predicts its majority class; for a
 * number with many values, about how many rows sit out of place in the column's order (each one breaks
 * a run of its neighbours' class twice), missing values counted as one value of their own. Undefined
 * for a category with many values, which has neither reading.
 */
function classificationErrors(keys: Float64Array, ordered: boolean, y: Float32Array, classes: number): number | undefined {
  const n = keys.length;
  const index = distinctValues(keys, Math.floor(n / ROWS_PER_VALUE));
  if (index) {
    const table = new Int32Array(index.size * classes);
    for (let i = 0; i < n; i++) table[(index.get(keys[i]) as number) * classes + y[i]]++;
    let right = 0;
    for (let v = 0; v < index.size; v++) right += Math.max(...table.subarray(v * classes, (v + 1) * classes));
    return n - right;
  }
  if (!ordered) return undefined;
  const present: number[] = [];
  const missing = new Int32Array(classes);
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(keys[i])) missing[y[i]]++;
    else present.push(i);
  }
  // Equal values sort by class, so a value shared by two classes costs a change, as it must.
  const order = Uint32Array.from(present).sort((a, b) => keys[a] - keys[b] || y[a] - y[b]);
  let changes = 0;
  const seen = new Set<number>();
  for (let k = 0; k < order.length; k++) {
    seen.add(y[order[k]]);
    if (k > 0 && y[order[k]] !== y[order[k - 1]]) changes++;
  }
  const missingErrors = missing.reduce((a, b) => a + b, 0) - Math.max(...missing);
  return Math.ceil(Math.max(0, changes - (seen.size - 1)) / 2) + missingErrors;
}

function regressionLeak(column: string, keys: Float64Array, ordered: boolean, y: Float32Array): LeakColumn | undefined {
  const n = keys.length;
  const index = distinctValues(keys, Math.floor(n / ROWS_PER_VALUE));
  const ratio = index ? correlationRatio(keys, y, index) : 0;
  const r = ordered ? pearson(keys, y) : 0;
  const correlation = Math.abs(r) >= ratio ? r : ratio;
  return Math.abs(correlation) >= LEAK_CORRELATION ? { column, kind: 'regression', correlation } : undefined;
}

/** Pearson's correlation over the rows where the column has a value (0 when it has too few, or no spread). */
function pearson(keys: Float64Array, y: Float32Array): number {
  let n = 0;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < keys.length; i++) {
    if (Number.isNaN(keys[i])) continue;
    n++;
    sx += keys[i];
    sy += y[i];
  }
  // A column missing on more than a few rows does not predict them alone.
  if (n < LEAK_SHARE * keys.length || n < MIN_ROWS) return 0;
  const mx = sx / n;
  const my = sy / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < keys.length; i++) {
    if (Number.isNaN(keys[i])) continue;
    const dx = keys[i] - mx;
    const dy = y[i] - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : 0;
}

/** The correlation ratio η: the square root of the share of the target's variance the column's values explain. */
function correlationRatio(keys: Float64Array, y: Float32Array, index: Map<number, number>): number {
  const sums = new Float64Array(index.size);
  const counts = new Int32Array(index.size);
  let total = 0;
  for (let i = 0; i < keys.length; i++) {
    const v = index.get(keys[i]) as number;
    sums[v] += y[i];
    counts[v]++;
    total += y[i];
  }
  const mean = total / keys.length;
  let within = 0;
  let all = 0;
  for (let i = 0; i < keys.length; i++) {
    const v = index.get(keys[i]) as number;
    within += (y[i] - sums[v] / counts[v]) ** 2;
    all += (y[i] - mean) ** 2;
  }
  return all > 0 ? Math.sqrt(Math.max(0, 1 - within / all)) : 0;
}
