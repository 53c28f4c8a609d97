/**
 * @module engine/features/numeric
 * Numeric columns. For trees the value passes through with NaN for missing (trees learn where missing
 * goes). For dense models: median imputation, robust clipping to the 0.5%..99.5% training quantiles (so an
 * outlier cannot dominate a linear model or a network), standardisation, and a missing indicator when the
 * training rows had missing values, since missingness itself is often informative.
 */
import { EngineError } from '../core/errors';
import type { Column } from '../data/dataset';
import { type EncoderState, type FittedEncoder, rowAt, rowCount } from './encoder';

export interface NumericState extends EncoderState {
  readonly kind: 'numeric';
  readonly dense: boolean;
  readonly median: number;
  readonly low: number;
  readonly high: number;
  readonly mean: number;
  readonly scale: number;
  readonly indicator: boolean;
}

/** Reads a numeric feature value of one row (f64 storage, or a coded column read as its level's number). */
export function numericValue(col: Column, row: number): number {
  if (col.storage === 'f64') return col.values[row];
  const code = col.codes[row];
  return code < 0 ? NaN : Number(col.levels[code]);
}

function quantile(sorted: Float64Array | Float32Array, q: number): number {
  if (sorted.length === 0) return 0;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/**
 * Fits the numeric encoder on the training rows. `scratch` (at least rows.length long, contents ignored)
 * holds the sorted present values; passing one buffer for every column keeps fitting from allocating a
 * row-sized array per column. A Float32 scratch serves only Float32 columns, which it holds exactly.
 */
export function fitNumeric(col: Column, rows: ArrayLike<number>, dense: boolean, scratch?: Float64Array | Float32Array): FittedEncoder {
  const exact = scratch instanceof Float64Array || (col.storage === 'f64' && col.values instanceof Float32Array);
  const buffer = scratch && exact && scratch.length >= rows.length ? scratch : new Float64Array(rows.length);
  let count = 0;
  for (let i = 0; i < rows.length; i++) {
    const v = numericValue(col, rows[i]);
    if (!Number.isNaN(v)) buffer[count++] = v;
  }
  const missing = rows.length - count;
  const sorted = buffer.subarray(0, count).sort();
  const median = quantile(sorted, 0.5);
  // Clipped to the 0.5% and 99.5% quantiles against outliers, unless they are one value while the column
  // holds others: a column with a few rows apart (a pool in 10 of 2197 houses) would be clipped to a
  // constant and lost to every dense model, though pruning keeps it for its few rows (prune-features).
  const spread = count > 0 && quantile(sorted, 0.005) === quantile(sorted, 0.995) && sorted[0] < sorted[count - 1];
  const low = spread ? sorted[0] : quantile(sorted, 0.005);
  const high = spread ? sorted[count - 1] : quantile(sorted, 0.995);
  let sum = 0;
  let sumSq = 0;
  // Summed in row order, as before the shared buffer, so the statistics are bit-for-bit unchanged.
  for (let i = 0; i < rows.length; i++) {
    const v = numericValue(col, rows[i]);
    if (Number.isNaN(v)) continue;
    const c = Math.min(high, Math.max(low, v));
    sum += c;
    sumSq += c * c;
  }
  const n = count + missing;
  const filled = sum + missing * median;
  const mean = n > 0 ? filled / n : 0;
  const variance = n > 0 ? (sumSq + missing * median * median) / n - mean * mean : 0;
  const scale = variance > 1e-12 ? Math.sqrt(variance) : 1;
  return numericEncoder({ kind: 'numeric', column: col.name, dense, median, low, high, mean, scale, indicator: dense && missing > 0 });
}

export function numericEncoder(s: NumericState): FittedEncoder {
  if (![s.median, s.low, s.high, s.mean, s.scale].every(Number.isFinite)) {
    throw new EngineError('bad_artifact', `numeric encoder for "${s.column}" has non-finite statistics`);
  }
  const names = s.indicator ? [s.column, `${s.column}__missing`] : [s.column];
  return {
    names,
    kinds: names.map(() => 'numeric' as const),
    write(col, rows, out, stride, offset) {
      const n = rowCount(col, rows);
      for (let i = 0; i < n; i++) {
        const v = numericValue(col, rowAt(rows, i));
        const at = i * stride + offset;
        if (!s.dense) {
          out[at] = v;
          continue;
        }
        const isMissing = Number.isNaN(v);
        const x = isMissing ? s.median : Math.min(s.high, Math.max(s.low, v));
        out[at] = (x - s.mean) / s.scale;
        if (s.indicator) out[at + 1] = isMissing ? 1 : 0;
      }
    },
    toJSON: () => s,
  };
}
