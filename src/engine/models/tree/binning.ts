/**
 * @module engine/models/tree/binning
 * Turns raw feature values into small bin indices once per fit, so every later pass (histograms, splits,
 * partitions) works on one byte per cell. Numeric columns get quantile bins whose edges are float32 values;
 * categorical columns get one bin per frequent integer code. Every feature ends with a dedicated missing
 * bin (NaN, and for categoricals any code not kept), so a split can learn where missing values go.
 */
import type { Matrix } from '../../core/matrix';
import type { Rng } from '../../core/rng';
import { take } from './fit-scratch';

/** Largest max_bin accepted: bins are stored as bytes (value bins plus the missing bin fit in 0..255). */
export const MAX_BIN_LIMIT = 256;

/** Rows used to place numeric bin edges; larger data is subsampled (LightGBM's bin_construct_sample_cnt). */
const BIN_SAMPLE_ROWS = 200_000;

/**
 * Bytes binning holds besides the binned matrix: the row sample (only when the data is larger than it),
 * one scratch column of sampled values and the counts of its distinct values (8 bytes a sampled row,
 * shared by every column, so fitting leaves no per-column garbage), and the mapper's edges.
 */
export function binningBytes(rows: number, cols: number, maxBin: number): number {
  const sample = Math.min(rows, BIN_SAMPLE_ROWS);
  return (rows > BIN_SAMPLE_ROWS ? sample * 4 : 0) + sample * 8 + cols * Math.min(maxBin, rows + 1) * 8;
}

/** Categorical codes at or above this are treated as missing; keeps split bitsets small. */
const MAX_CATEGORY_CODE = 1 << 16;

/** How one feature maps values to bins. The missing bin is always the last one, index nBins - 1. */
export interface FeatureBins {
  readonly categorical: boolean;
  /** Total bins including the trailing missing bin (so at least 2 for numeric features). */
  readonly nBins: number;
  /**
   * Numeric only: inclusive float32 upper edge of each value bin (length nBins - 1, last is +Infinity).
   * Edges are float32 so the raw-value test `v <= edge` at prediction matches the training bins exactly.
   */
  readonly upper: Float32Array;
  /** Categorical only: bin of each code 0..length-1; codes not kept map to the missing bin. */
  readonly codeToBin: Int32Array;
}

/** The bin layout of all features and where each feature's bins start in a histogram. */
export interface BinMapper {
  readonly features: readonly FeatureBins[];
  /** Start of each feature's bins in a histogram, length features + 1 (the last entry is the total). */
  readonly offsets: Int32Array;
  readonly totalBins: number;
  /** The widest feature's bin count (sizes per-split scratch tables). */
  readonly maxFeatureBins: number;
}

/**
 * Learns bin edges for every column. `maxBin` counts all bins of a feature including the missing bin.
 * The rng is only consulted when the data is larger than the binning sample.
 */
export function fitBinMapper(
  X: Matrix,
  maxBin: number,
  kinds: readonly ('numeric' | 'categorical')[] | undefined,
  rng: Rng,
): BinMapper {
  const rows = sampleRows(X.rows, rng);
  const sampled = rows === null ? X.rows : rows.length;
  const valueBins = Math.max(1, Math.min(MAX_BIN_LIMIT, maxBin) - 1);
  const features: FeatureBins[] = [];
  // Scratch shared by every column: the sampled values (sorted, then compacted to their distinct values
  // in place) and the distinct values' counts.
  const column = new Float32Array(sampled);
  const counts = new Int32Array(sampled);
  for (let j = 0; j < X.cols; j++) {
    let n = 0;
    for (let i = 0; i < sampled; i++) {
      const v = X.data[(rows === null ? i : rows[i]) * X.cols + j];
      if (v === v) column[n++] = v;
    }
    const values = column.subarray(0, n);
    features.push(kinds?.[j] === 'categorical' ? categoricalBins(values, valueBins) : numericBins(values, valueBins, counts));
  }
  const offsets = new Int32Array(features.length + 1);
  let maxFeatureBins = 1;
  for (let j = 0; j < features.length; j++) {
    offsets[j + 1] = offsets[j] + features[j].nBins;
    maxFeatureBins = Math.max(maxFeatureBins, features[j].nBins);
  }
  return { features, offsets, totalBins: offsets[features.length], maxFeatureBins };
}

/** Bin index of one raw value. */
export function binOf(fb: FeatureBins, v: number): number {
  const missing = fb.nBins - 1;
  if (v !== v) return missing;
  if (fb.categorical) {
    return v >= 0 && v < fb.codeToBin.length && Math.floor(v) === v ? fb.codeToBin[v] : missing;
  }
  // First edge with v <= edge; the last edge is +Infinity so the search always lands on a value bin.
  const upper = fb.upper;
  let lo = 0;
  let hi = upper.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (v <= upper[mid]) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Bins a whole matrix into a column-major byte matrix (feature j occupies [j * rows, (j + 1) * rows)). */
export function binMatrix(X: Matrix, mapper: BinMapper, capacityRows = X.rows): Uint8Array {
  // Every cell is written below, so an array reused from an earlier fit (fit-scratch) is safe.
  const out = take(Uint8Array, X.rows * X.cols, capacityRows * X.cols);
  for (let j = 0; j < X.cols; j++) {
    const fb = mapper.features[j];
    const base = j * X.rows;
    for (let i = 0; i < X.rows; i++) out[base + i] = binOf(fb, X.data[i * X.cols + j]);
  }
  return out;
}

/** The rows binning samples, in order; null for every row (the data is no larger than the sample). */
function sampleRows(n: number, rng: Rng): Int32Array | null {
  if (n <= BIN_SAMPLE_ROWS) return null;
  const all = new Int32Array(n);
  for (let i = 0; i < n; i++) all[i] = i;
  // Partial Fisher-Yates, then sort so the column scan stays sequential.
  for (let i = 0; i < BIN_SAMPLE_ROWS; i++) {
    const j = i + rng.int(n - i);
    const t = all[i];
    all[i] = all[j];
    all[j] = t;
  }
  return all.subarray(0, BIN_SAMPLE_ROWS).sort();
}

/** A float32 cut strictly below `b` and at least `a`, so values a and b land in different bins. */
function cutBetween(a: number, b: number): number {
  const mid = Math.fround(a + (b - a) / 2);
  return mid < b ? mid : a; // NaN (from infinities) also falls back to a
}

/**
 * Greedy quantile edges over distinct values: each bin takes roughly an equal share of the remaining rows,
 * a heavy value starts its own bin, and when few distinct values remain each gets its own bin.
 */
function numericBins(values: Float32Array, valueBins: number, counts: Int32Array): FeatureBins {
  values.sort();
  // Distinct values move to the front of `values` itself (the write index never passes the read index).
  const distinct = values;
  const total = values.length;
  let m = 0;
  for (let i = 0; i < total; i++) {
    if (i > 0 && values[i] === distinct[m - 1]) counts[m - 1]++;
    else {
      distinct[m] = values[i];
      counts[m++] = 1;
    }
  }
  const edges: number[] = [];
  if (m <= valueBins) {
    for (let i = 0; i + 1 < m; i++) edges.push(cutBetween(distinct[i], distinct[i + 1]));
  } else {
    let remaining = values.length;
    let binsLeft = valueBins;
    let size = remaining / binsLeft;
    let acc = 0;
    for (let i = 0; i + 1 < m && binsLeft > 1; i++) {
      acc += counts[i];
      const distinctAfter = m - 1 - i;
      if (acc >= size || counts[i + 1] >= size || distinctAfter < binsLeft) {
        edges.push(cutBetween(distinct[i], distinct[i + 1]));
        remaining -= acc;
        acc = 0;
        binsLeft--;
        size = remaining / binsLeft;
      }
    }
  }
  edges.push(Infinity);
  const upper = Float32Array.from(edges);
  return { categorical: false, nBins: upper.length + 1, upper, codeToBin: new Int32Array(0) };
}

/** Keeps the most frequent codes (ties by code) as bins in code order; the rest share the missing bin. */
function categoricalBins(values: Float32Array, valueBins: number): FeatureBins {
  let maxCode = -1;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v >= 0 && v < MAX_CATEGORY_CODE && Math.floor(v) === v && v > maxCode) maxCode = v;
  }
  const counts = new Int32Array(maxCode + 1);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v >= 0 && v <= maxCode && Math.floor(v) === v) counts[v]++;
  }
  const seen: number[] = [];
  for (let c = 0; c <= maxCode; c++) if (counts[c] > 0) seen.push(c);
  const kept = seen.length <= valueBins ? seen : seen.sort((a, b) => counts[b] - counts[a] || a - b).slice(0, valueBins).sort((a, b) => a - b);
  const missing = kept.length;
  const codeToBin = new Int32Array(maxCode + 1).fill(missing);
  kept.forEach((code, bin) => (codeToBin[code] = bin));
  return { categorical: true, nBins: kept.length + 1, upper: new Float32Array(0), codeToBin };
}
