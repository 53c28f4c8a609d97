/**
 * @module engine/features/target-encode
 * High-cardinality categorical columns for dense models: each category becomes the smoothed mean of the
 * target over its training rows (one column for regression and binary; one per class, up to the
 * MAX_CLASS_COLUMNS most frequent, for multiclass), pulled toward the prior by SMOOTHING pseudo-rows so a
 * rare category cannot claim an extreme value. Training rows get out-of-fold values (K-fold inside the
 * training rows), because a row's own target leaking into its feature is exactly the overfit target
 * encoding is known for. Serving uses the encoding fitted on all training rows; missing and unseen
 * categories get the prior. Outputs are standardised with the target's own statistics.
 */
import { EngineError } from '../core/errors';
import type { Rng } from '../core/rng';
import type { Task } from '../core/task';
import type { Column } from '../data/dataset';
import { type EncoderState, type FittedEncoder, rowAt, rowCount } from './encoder';

/** A coded categorical column with more levels than this (in the training rows) is target encoded. */
export const TARGET_ENCODE_MIN_LEVELS = 32;
/** Pseudo-rows at the prior added to every category's statistics. */
const SMOOTHING = 10;
/** Inner folds for the out-of-fold training encoding. */
const INNER_FOLDS = 5;
/** Multiclass targets get one column for each of at most this many classes (the most frequent). */
const MAX_CLASS_COLUMNS = 8;

export interface TargetEncodeState extends EncoderState {
  readonly kind: 'target';
  /** Per output column: the class it encodes, or -1 for a regression target. */
  readonly outputs: readonly number[];
  readonly prior: readonly number[];
  readonly mean: readonly number[];
  readonly scale: readonly number[];
  /** Codes seen in training, and their smoothed encodings (codes.length × outputs.length, row-major). */
  readonly codes: readonly number[];
  readonly values: readonly number[];
}

/** The fitted encoder plus out-of-fold training values (rows.length × width, aligned with `rows`). */
export interface TargetEncodeFit {
  readonly encoder: FittedEncoder;
  readonly oof: Float32Array;
}

/** Number of distinct categories present in the given rows of a coded column. */
export function presentLevels(col: Column, rows: ArrayLike<number>): number {
  if (col.storage !== 'codes') return 0;
  const seen = new Uint8Array(col.levels.length);
  let n = 0;
  for (let i = 0; i < rows.length; i++) {
    const c = col.codes[rows[i]];
    if (c >= 0 && seen[c] === 0) {
      seen[c] = 1;
      n++;
    }
  }
  return n;
}

/**
 * Fits a target encoder on the training rows. `y` is aligned with `rows` (class index or value).
 * `rng` only shuffles rows into inner folds.
 */
export function fitTargetEncoder(col: Column, rows: ArrayLike<number>, y: Float32Array, task: Task, nClasses: number, rng: Rng): TargetEncodeFit {
  if (col.storage !== 'codes') throw new TypeError(`column "${col.name}" is not coded`);
  const n = rows.length;
  const outputs = outputClasses(y, task, nClasses);
  const width = outputs.length;
  const t = (i: number, j: number): number => (outputs[j] < 0 ? y[i] : y[i] === outputs[j] ? 1 : 0);
  const prior = outputs.map((_, j) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += t(i, j);
    return n > 0 ? s / n : 0;
  });
  const mean = [...prior];
  const scale = outputs.map((c, j) => {
    if (c >= 0) return Math.max(1e-6, Math.sqrt(prior[j] * (1 - prior[j])));
    let ss = 0;
    for (let i = 0; i < n; i++) ss += (y[i] - prior[j]) ** 2;
    return n > 0 && ss > 1e-12 ? Math.sqrt(ss / n) : 1;
  });

  // Inner folds: a seeded permutation cut round-robin, so every fold holds about n / K rows.
  const fold = new Int32Array(n);
  const order = rng.shuffle(Int32Array.from({ length: n }, (_, i) => i));
  const k = Math.min(INNER_FOLDS, Math.max(2, n));
  for (let r = 0; r < n; r++) fold[order[r]] = r % k;

  const levels = col.levels.length;
  // Per fold and level: count and per-output sums; the out-of-fold statistics are total minus own fold.
  const count = new Float64Array((k + 1) * levels);
  const sum = new Float64Array((k + 1) * levels * width);
  for (let i = 0; i < n; i++) {
    const c = col.codes[rows[i]];
    if (c < 0) continue;
    for (const f of [fold[i], k]) {
      count[f * levels + c]++;
      for (let j = 0; j < width; j++) sum[(f * levels + c) * width + j] += t(i, j);
    }
  }
  const smooth = (s: number, m: number, p: number): number => (s + SMOOTHING * p) / (m + SMOOTHING);
  // Each inner fold's prior comes from the other folds too, so not even the prior holds a row's own target.
  const foldRows = new Float64Array(k);
  const foldSum = new Float64Array(k * width);
  for (let i = 0; i < n; i++) {
    foldRows[fold[i]]++;
    for (let j = 0; j < width; j++) foldSum[fold[i] * width + j] += t(i, j);
  }
  const oof = new Float32Array(n * width);
  for (let i = 0; i < n; i++) {
    const c = col.codes[rows[i]];
    const f = fold[i];
    for (let j = 0; j < width; j++) {
      const rest = n - foldRows[f];
      let v = rest > 0 ? (prior[j] * n - foldSum[f * width + j]) / rest : prior[j];
      if (c >= 0) {
        const m = count[k * levels + c] - count[f * levels + c];
        const s = sum[(k * levels + c) * width + j] - sum[(f * levels + c) * width + j];
        v = smooth(s, m, v);
      }
      oof[i * width + j] = (v - mean[j]) / scale[j];
    }
  }
  const codes: number[] = [];
  const values: number[] = [];
  for (let c = 0; c < levels; c++) {
    const m = count[k * levels + c];
    if (m === 0) continue;
    codes.push(c);
    for (let j = 0; j < width; j++) values.push(smooth(sum[(k * levels + c) * width + j], m, prior[j]));
  }
  const encoder = targetEncoder({ kind: 'target', column: col.name, outputs, prior, mean, scale, codes, values });
  return { encoder, oof };
}

/** Output classes: -1 (regression), class 1 (binary), or the most frequent classes (multiclass). */
function outputClasses(y: Float32Array, task: Task, nClasses: number): number[] {
  if (task === 'regression') return [-1];
  if (task === 'binary') return [1];
  const counts = new Float64Array(nClasses);
  for (const v of y) counts[v]++;
  return Array.from(counts, (count, c) => ({ count, c }))
    .sort((a, b) => b.count - a.count || a.c - b.c)
    .slice(0, MAX_CLASS_COLUMNS)
    .map((e) => e.c)
    .sort((a, b) => a - b);
}

/** Rebuilds a target encoder from its state; serving uses the full-training encoding. */
export function targetEncoder(s: TargetEncodeState): FittedEncoder {
  const width = s.outputs.length;
  if (s.prior.length !== width || s.mean.length !== width || s.scale.length !== width || s.values.length !== s.codes.length * width) {
    throw new EngineError('bad_artifact', `target encoder for "${s.column}" has inconsistent sizes`);
  }
  if (![...s.prior, ...s.mean, ...s.scale, ...s.values].every(Number.isFinite)) {
    throw new EngineError('bad_artifact', `target encoder for "${s.column}" has non-finite statistics`);
  }
  const slot = new Map(s.codes.map((code, k) => [code, k]));
  const names = s.outputs.map((c) => (width === 1 ? `${s.column}__target` : `${s.column}__target_${c}`));
  return {
    names,
    kinds: names.map(() => 'numeric' as const),
    write(col, rows, out, stride, offset) {
      if (col.storage !== 'codes') throw new TypeError(`column "${col.name}" is not coded`);
      const n = rowCount(col, rows);
      for (let i = 0; i < n; i++) {
        const k = slot.get(col.codes[rowAt(rows, i)]);
        const at = i * stride + offset;
        for (let j = 0; j < width; j++) out[at + j] = ((k === undefined ? s.prior[j] : s.values[k * width + j]) - s.mean[j]) / s.scale[j];
      }
    },
    toJSON: () => s,
  };
}
