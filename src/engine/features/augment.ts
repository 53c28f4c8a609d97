/**
 * @module engine/features/augment
 * Training-set changes that exist only while fitting: SMOTE-style oversampling of minority classes (new
 * rows on the segment between a minority row and one of its nearest same-class neighbours, in the final
 * dense feature space), gaussian-noise copies for regression, and balanced class weights. run-trial applies
 * them to the training fold after the pipeline is fitted, so validation rows and serving never see them,
 * and nothing here is saved in the artifact.
 */
import { type Matrix, matrix } from '../core/matrix';
import type { Rng } from '../core/rng';

/** A training set as run-trial hands it to a model. */
export interface TrainRows {
  readonly X: Matrix;
  readonly y: Float32Array;
}

/** Nearest neighbours considered per minority row. */
const NEIGHBOURS = 5;
/** Neighbour search runs against at most this many rows of a class (a seeded sample), to bound the cost. */
const MAX_POOL = 1000;
/** Standard deviation of regression noise, in standardised feature units. */
const NOISE_SD = 0.1;

function appendRows(set: TrainRows, X: Float32Array, y: number[]): TrainRows {
  const rows = set.X.rows + y.length;
  const data = new Float32Array(rows * set.X.cols);
  data.set(set.X.data);
  data.set(X.subarray(0, y.length * set.X.cols), set.X.data.length);
  const labels = new Float32Array(rows);
  labels.set(set.y);
  labels.set(y, set.y.length);
  return { X: matrix(rows, set.X.cols, data), y: labels };
}

/** The most rows SMOTE adds, per original row (see smote). */
export const SMOTE_MAX_NEW_PER_ROW = 2;

/**
 * Oversamples every class up to the largest class's count (new rows capped at twice the original count,
 * scaled down evenly beyond that). Original rows come first and are unchanged.
 */
export function smote(set: TrainRows, nClasses: number, rng: Rng): TrainRows {
  const d = set.X.cols;
  const byClass: number[][] = Array.from({ length: nClasses }, () => []);
  for (let i = 0; i < set.y.length; i++) byClass[set.y[i]].push(i);
  const largest = Math.max(...byClass.map((r) => r.length));
  let needs = byClass.map((r) => (r.length > 0 ? largest - r.length : 0));
  const total = needs.reduce((a, b) => a + b, 0);
  const cap = SMOTE_MAX_NEW_PER_ROW * set.y.length;
  if (total > cap) needs = needs.map((n) => Math.floor((n * cap) / total));
  const newCount = needs.reduce((a, b) => a + b, 0);
  if (newCount === 0) return set;
  const X = new Float32Array(newCount * d);
  const y: number[] = [];
  const src = set.X.data;
  byClass.forEach((members, c) => {
    if (needs[c] === 0) return;
    const pool = members.length > MAX_POOL ? Array.from(rng.shuffle(Int32Array.from(members)).subarray(0, MAX_POOL)) : members;
    const neighbours = new Map<number, number[]>();
    const neighboursOf = (i: number): number[] => {
      let nn = neighbours.get(i);
      if (nn) return nn;
      const dist = pool.filter((p) => p !== i).map((p) => {
        let s = 0;
        for (let k = 0; k < d; k++) s += (src[i * d + k] - src[p * d + k]) ** 2;
        return { p, s };
      });
      nn = dist.sort((a, b) => a.s - b.s || a.p - b.p).slice(0, NEIGHBOURS).map((e) => e.p);
      neighbours.set(i, nn);
      return nn;
    };
    for (let r = 0; r < needs[c]; r++) {
      const i = members[rng.int(members.length)];
      const nn = neighboursOf(i);
      const at = y.length * d;
      // A class with one row has no neighbour: the synthetic row is a copy.
      const j = nn.length > 0 ? nn[rng.int(nn.length)] : i;
      const gap = rng.next();
      for (let k = 0; k < d; k++) X[at + k] = src[i * d + k] + gap * (src[j * d + k] - src[i * d + k]);
      y.push(c);
    }
  });
  return appendRows(set, X, y);
}

/** Appends one noisy copy of every row (features only; the target is kept), for regression. */
export function gaussianNoise(set: TrainRows, rng: Rng): TrainRows {
  const X = Float32Array.from(set.X.data, (v) => v + NOISE_SD * rng.normal());
  return appendRows(set, X, Array.from(set.y));
}

/** Balanced class weights n / (K · n_c) per row, K counting the classes present; undefined for one class. */
export function balancedWeights(y: Float32Array, nClasses: number): Float32Array | undefined {
  const counts = new Float64Array(nClasses);
  for (const v of y) counts[v]++;
  const present = counts.filter((c) => c > 0).length;
  if (present < 2) return undefined;
  return Float32Array.from(y, (v) => y.length / (present * counts[v]));
}
