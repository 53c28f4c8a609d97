/**
 * @module engine/features/mutual-info
 * Binned mutual information between each feature of an encoded matrix and the target, the cheap
 * model-free relevance score used by the selection filter and to pick features for construction.
 * Numeric features are cut at training quantiles (missing values get a bin of their own), categorical
 * codes are their own bins, and a regression target is cut into quantile bins too. Plug-in estimate in nats.
 */
import type { Matrix } from '../core/matrix';
import type { Task } from '../core/task';
import type { FeatureKind } from './encoder';

const FEATURE_BINS = 16;
const TARGET_BINS = 10;
/** Categorical codes beyond this share one overflow bin, so MI stays cheap on huge vocabularies. */
const MAX_CODE_BINS = 64;

/** Quantile bin of every value (0..bins-1), NaN to bin `bins`; returns the bin count used (+1 for NaN). */
function quantileBins(values: Float32Array, bins: number, out: Int32Array): number {
  const present = values.filter((v) => !Number.isNaN(v)).sort();
  const edges: number[] = [];
  for (let q = 1; q < bins; q++) {
    const e = present[Math.floor((q * present.length) / bins)];
    if (e !== undefined && (edges.length === 0 || e > edges[edges.length - 1])) edges.push(e);
  }
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isNaN(v)) {
      out[i] = edges.length + 1;
      continue;
    }
    let lo = 0;
    let hi = edges.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (v >= edges[mid]) lo = mid + 1;
      else hi = mid;
    }
    out[i] = lo;
  }
  return edges.length + 2;
}

/** Mutual information of two discrete vectors taking values in [0, nx) and [0, nt). */
function discreteMi(x: Int32Array, nx: number, t: Int32Array, nt: number): number {
  const n = x.length;
  if (n === 0) return 0;
  const joint = new Float64Array(nx * nt);
  const px = new Float64Array(nx);
  const pt = new Float64Array(nt);
  for (let i = 0; i < n; i++) {
    joint[x[i] * nt + t[i]]++;
    px[x[i]]++;
    pt[t[i]]++;
  }
  let mi = 0;
  for (let a = 0; a < nx; a++) {
    if (px[a] === 0) continue;
    for (let b = 0; b < nt; b++) {
      const j = joint[a * nt + b];
      if (j > 0) mi += (j / n) * Math.log((j * n) / (px[a] * pt[b]));
    }
  }
  return Math.max(0, mi);
}

/**
 * Mutual information of every column of X with the target y (class indices or values).
 * @param kinds per-column kind; categorical columns hold integer codes
 */
export function mutualInformation(X: Matrix, y: Float32Array, task: Task, nClasses: number, kinds: readonly FeatureKind[]): Float64Array {
  const n = X.rows;
  const t = new Int32Array(n);
  let nt: number;
  if (task === 'regression') nt = quantileBins(y, TARGET_BINS, t);
  else {
    for (let i = 0; i < n; i++) t[i] = y[i];
    nt = Math.max(2, nClasses);
  }
  const col = new Float32Array(n);
  const bins = new Int32Array(n);
  const mi = new Float64Array(X.cols);
  for (let j = 0; j < X.cols; j++) {
    for (let i = 0; i < n; i++) col[i] = X.data[i * X.cols + j];
    let nx: number;
    if (kinds[j] === 'categorical') {
      for (let i = 0; i < n; i++) bins[i] = Number.isNaN(col[i]) ? MAX_CODE_BINS + 1 : Math.min(MAX_CODE_BINS, Math.max(0, col[i]));
      nx = MAX_CODE_BINS + 2;
    } else nx = quantileBins(col, FEATURE_BINS, bins);
    mi[j] = discreteMi(bins, nx, t, nt);
  }
  return mi;
}

/** Column indices of the `count` highest scores (ties to the lower index), in increasing index order. */
export function topColumns(scores: ArrayLike<number>, count: number, among?: readonly number[]): number[] {
  const pool = among ?? Array.from({ length: scores.length }, (_, j) => j);
  return [...pool]
    .sort((a, b) => scores[b] - scores[a] || a - b)
    .slice(0, Math.max(0, count))
    .sort((a, b) => a - b);
}
