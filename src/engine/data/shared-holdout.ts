/**
 * @module engine/data/shared-holdout
 * The rows a trial validates on, drawn from a fold seed rather than from the trial's own seed. Trials of a
 * job given the same fold seed validate on the same folds (for a single split, the same holdout), so their
 * held-out predictions line up row for row and the job's ensemble can be selected on them. The harness
 * (run-trial) and the ensemble step both derive the split here, so they cannot drift apart.
 */
import { Rng } from '../core/rng';
import type { Task } from '../core/task';
import { assignFolds, foldSplit } from './folds';

/** A single split holds out one fold of this many: 20% of the rows. */
export const HOLDOUT_FOLDS = 5;

/** The fold index a single split validates on (run-trial runs fold 0 only when `folds` is 1). */
export const HOLDOUT_FOLD = 0;

/** Fold of each row under a fold seed, as run-trial assigns it (the seed's first fork, as a trial's own seed gives). */
export function seededFolds(y: Float32Array, task: Task, k: number, foldSeed: number): Int32Array {
  return assignFolds(y, task, k, new Rng(foldSeed).fork(1));
}

/**
 * Target-row positions (increasing) of the single holdout every trial of a job with this fold seed
 * validates on. `y` is the target as the trials prepared it (data/target, after any retraining holdout).
 */
export function holdoutPositions(y: Float32Array, task: Task, foldSeed: number): Int32Array {
  return foldSplit(seededFolds(y, task, HOLDOUT_FOLDS, foldSeed), HOLDOUT_FOLD).valid;
}

/** The given target rows of a rows × width array (labels when width is 1, predictions otherwise). */
export function takeRows(values: Float32Array, positions: Int32Array, width: number): Float32Array {
  const out = new Float32Array(positions.length * width);
  for (let r = 0; r < positions.length; r++) for (let c = 0; c < width; c++) out[r * width + c] = values[positions[r] * width + c];
  return out;
}
