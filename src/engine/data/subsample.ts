/**
 * @module engine/data/subsample
 * Deterministic row subsamples for low-fidelity trials (multi-fidelity search trains on a fraction of the
 * rows). Classification keeps each class's share, and every class present keeps at least one row, so a
 * small subsample never drops a rare class the model must still be able to predict. Positions only, no
 * data copies; the result is in ascending order, so learners see rows in their original order.
 */
import { EngineError } from '../core/errors';
import type { Rng } from '../core/rng';

/**
 * A `fraction` of `positions`, drawn with `rng`. With `labels` (class codes indexed by position value)
 * each class contributes round(fraction · its count), at least one; without, round(fraction · n), at least
 * one. The same rng state always picks the same rows.
 * @example
 * const rows = subsamplePositions(trainPositions, y, 1 / 9, new Rng(seedFrom(seed, 'fidelity-fold-0')));
 */
export function subsamplePositions(positions: Int32Array, labels: Float32Array | undefined, fraction: number, rng: Rng): Int32Array {
  if (!(fraction > 0 && fraction <= 1)) throw new EngineError('invalid_params', `the training fraction must be in (0, 1], got ${fraction}`);
  if (fraction === 1 || positions.length === 0) return positions;
  const picked = new Uint8Array(positions.length);
  if (labels) {
    for (const group of groupByClass(positions, labels)) pickInto(picked, group, quota(group.length, fraction), rng);
  } else {
    pickInto(picked, Int32Array.from({ length: positions.length }, (_, i) => i), quota(positions.length, fraction), rng);
  }
  let n = 0;
  for (let i = 0; i < picked.length; i++) n += picked[i];
  const out = new Int32Array(n);
  for (let i = 0, j = 0; i < picked.length; i++) if (picked[i]) out[j++] = positions[i];
  return out;
}

const quota = (count: number, fraction: number) => Math.max(1, Math.round(count * fraction));

/** Indices into `positions`, one array per class, classes in ascending code order (a fixed draw order). */
function groupByClass(positions: Int32Array, labels: Float32Array): Int32Array[] {
  const counts = new Map<number, number>();
  for (let i = 0; i < positions.length; i++) {
    const c = labels[positions[i]];
    counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  const classes = [...counts.keys()].sort((a, b) => a - b);
  const groups = new Map(classes.map((c) => [c, { at: 0, idx: new Int32Array(counts.get(c)!) }]));
  for (let i = 0; i < positions.length; i++) {
    const g = groups.get(labels[positions[i]])!;
    g.idx[g.at++] = i;
  }
  return classes.map((c) => groups.get(c)!.idx);
}

/** Marks `m` of `candidates` as picked: a partial Fisher-Yates shuffle (shuffles `candidates` in place). */
function pickInto(picked: Uint8Array, candidates: Int32Array, m: number, rng: Rng): void {
  const n = candidates.length;
  for (let i = 0; i < m; i++) {
    const j = i + rng.int(n - i);
    const tmp = candidates[i];
    candidates[i] = candidates[j];
    candidates[j] = tmp;
    picked[candidates[i]] = 1;
  }
}
