/**
 * @module engine/features/importance
 * Model-based feature scores for selection: a quick, shallow GBDT (through the model registry, so it is
 * the same learner the search uses) is fitted on part of the given training rows and each feature's score
 * is how much the held-out loss grows when that feature's values are shuffled (permutation importance).
 * Model-agnostic and honest about interactions, and it only ever sees the training fold it is given.
 */
import { type Matrix, takeRows, takeValues } from '../core/matrix';
import type { Rng } from '../core/rng';
import type { Task } from '../core/task';
import { getModelSpec } from '../models/registry';
import type { FeatureKind } from './encoder';

/** A small boosted model: enough to rank features, cheap next to the trial's own fit. */
const QUICK_GBDT = { n_estimators: 60, learning_rate: 0.1, num_leaves: 15, min_data_in_leaf: 5 };
const MAX_FIT_ROWS = 4000;
const MAX_HOLDOUT_ROWS = 1000;

/** Mean loss of raw outputs: squared error, or log loss of the true class. */
function loss(out: Float32Array, y: Float32Array, task: Task, nClasses: number): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) {
    if (task === 'regression') s += (out[i] - y[i]) ** 2;
    else {
      const p = task === 'binary' ? (y[i] === 1 ? out[i] : 1 - out[i]) : out[i * nClasses + y[i]];
      s -= Math.log(Math.max(1e-7, p));
    }
  }
  return s / Math.max(1, y.length);
}

/** Permutation importance of every column of X (never negative); all zeros when X is too small to split. */
export async function permutationImportance(X: Matrix, y: Float32Array, task: Task, nClasses: number, kinds: readonly FeatureKind[], rng: Rng): Promise<Float64Array> {
  const scores = new Float64Array(X.cols);
  const order = rng.shuffle(Int32Array.from({ length: X.rows }, (_, i) => i));
  const nHold = Math.min(MAX_HOLDOUT_ROWS, Math.floor(X.rows / 4));
  if (nHold < 5) return scores;
  const hold = order.subarray(0, nHold);
  const fit = order.subarray(nHold, nHold + MAX_FIT_ROWS);
  const spec = getModelSpec('gbdt');
  const model = await spec.fit({ X: takeRows(X, fit), y: takeValues(y, fit) }, QUICK_GBDT, { task, nClasses, rng: rng.fork(1), columnKinds: kinds });
  const Xh = takeRows(X, hold);
  const yh = takeValues(y, hold);
  const base = loss(model.predict(Xh), yh, task, nClasses);
  const perm = rng.shuffle(Int32Array.from({ length: nHold }, (_, i) => i));
  const saved = new Float32Array(nHold);
  for (let j = 0; j < X.cols; j++) {
    for (let i = 0; i < nHold; i++) saved[i] = Xh.data[i * X.cols + j];
    for (let i = 0; i < nHold; i++) Xh.data[i * X.cols + j] = saved[perm[i]];
    scores[j] = Math.max(0, loss(model.predict(Xh), yh, task, nClasses) - base);
    for (let i = 0; i < nHold; i++) Xh.data[i * X.cols + j] = saved[i];
  }
  model.dispose();
  return scores;
}
