/**
 * @module engine/data/folds
 * Assigns rows to cross-validation folds: stratified by class for classification (every fold keeps the
 * class balance, which matters for rare classes), shuffled for regression. Indices only, no data copies.
 */
import type { Rng } from '../core/rng';
import type { Task } from '../core/task';

/** Fold number (0..k-1) of each row. */
export function assignFolds(y: Float32Array, task: Task, k: number, rng: Rng): Int32Array {
  const n = y.length;
  const fold = new Int32Array(n);
  if (task === 'regression') {
    const order = rng.shuffle(Int32Array.from({ length: n }, (_, i) => i));
    for (let i = 0; i < n; i++) fold[order[i]] = i % k;
    return fold;
  }
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const list = byClass.get(y[i]);
    if (list) list.push(i);
    else byClass.set(y[i], [i]);
  }
  // Deal each class's shuffled rows round-robin, continuing the rotation across classes so fold sizes stay even.
  let next = 0;
  for (const cls of [...byClass.keys()].sort((a, b) => a - b)) {
    const rows = rng.shuffle(byClass.get(cls) as number[]);
    for (const r of rows) {
      fold[r] = next;
      next = (next + 1) % k;
    }
  }
  return fold;
}

/** Row positions in and out of one fold. */
export function foldSplit(fold: Int32Array, f: number): { train: Int32Array; valid: Int32Array } {
  let nValid = 0;
  for (const v of fold) if (v === f) nValid++;
  const train = new Int32Array(fold.length - nValid);
  const valid = new Int32Array(nValid);
  let a = 0;
  let b = 0;
  for (let i = 0; i < fold.length; i++) {
    if (fold[i] === f) valid[b++] = i;
    else train[a++] = i;
  }
  return { train, valid };
}
