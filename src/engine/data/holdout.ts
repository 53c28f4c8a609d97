/**
 * @module engine/data/holdout
 * A held-out part of a dataset that a whole search never sees: a seeded fraction of the rows that have a
 * target, stratified by class for classification, so that a retrained model (the challenger) and the
 * model it may replace (the champion) can be scored on the same fresh rows. Every class keeps at least
 * one row on each side when it has two or more, so the search never loses a class the champion knows.
 * The split depends only on the data, the target, the task and the spec's seed, so the consumer that runs
 * a trial and the one that runs the comparison draw exactly the same rows.
 */
import { EngineError } from '../core/errors';
import { Rng } from '../core/rng';
import type { Task } from '../core/task';
import type { Dataset } from './dataset';
import { selectRows } from './select-rows';
import { prepareTarget } from './target';

/** How a job's holdout is drawn (journaled with the job, so every consumer draws the same rows). */
export interface HoldoutSpec {
  /** Share of the rows with a target that is held out, in (0, 1) (of the rows from `from_row` on, when given). */
  readonly fraction: number;
  readonly seed: number;
  /**
   * Only rows at this index or later may be held out: the rows appended since the champion's data, which
   * the champion never trained on. Without it the champion may have trained on held-out rows, and the
   * comparison favours it. Earlier rows always belong to the search.
   */
  readonly from_row?: number;
}

/** Row indices of `ds`, ascending: the part the search may use, and the held-out part. */
export interface HoldoutSplit {
  readonly train: Int32Array;
  readonly holdout: Int32Array;
}

/**
 * Splits the rows that have a target. Rows without one belong to neither part (no trial could learn
 * from them, and no score could be computed on them).
 * @example
 * const { train, holdout } = splitHoldout(ds, 'label', 'binary', { fraction: 0.2, seed: 7 });
 */
export function splitHoldout(ds: Dataset, target: string, task: Task, spec: HoldoutSpec): HoldoutSplit {
  if (!(spec.fraction > 0 && spec.fraction < 1)) throw new EngineError('invalid_params', `the holdout fraction must be in (0, 1), got ${spec.fraction}`);
  const { rows, y } = prepareTarget(ds, target, task);
  const held = new Uint8Array(rows.length);
  const rng = new Rng(spec.seed);
  const candidate = (position: number) => spec.from_row === undefined || rows[position] >= spec.from_row;
  // Groups in a fixed order (ascending class code; one group for regression) so the draw is reproducible.
  for (const group of groupPositions(y, task, candidate)) {
    const n = group.length;
    const take = n < 2 ? 0 : Math.min(n - 1, Math.max(1, Math.round(n * spec.fraction)));
    // Partial Fisher-Yates: the first `take` positions after shuffling are held out.
    for (let i = 0; i < take; i++) {
      const j = i + rng.int(n - i);
      const tmp = group[i];
      group[i] = group[j];
      group[j] = tmp;
      held[group[i]] = 1;
    }
  }
  let nHeld = 0;
  for (let i = 0; i < held.length; i++) nHeld += held[i];
  const train = new Int32Array(rows.length - nHeld);
  const holdout = new Int32Array(nHeld);
  for (let i = 0, a = 0, b = 0; i < rows.length; i++) {
    if (held[i]) holdout[b++] = rows[i];
    else train[a++] = rows[i];
  }
  return { train, holdout };
}

/** The part of `ds` a search with this holdout trains and validates on. */
export function trainingPart(ds: Dataset, target: string, task: Task, spec: HoldoutSpec): Dataset {
  return selectRows(ds, splitHoldout(ds, target, task, spec).train);
}

/** The held-out part of `ds`. */
export function holdoutPart(ds: Dataset, target: string, task: Task, spec: HoldoutSpec): Dataset {
  return selectRows(ds, splitHoldout(ds, target, task, spec).holdout);
}

/**
 * Positions into the target vector that may be held out (`candidate`), one array per class (ascending
 * code), or a single array for regression.
 */
function groupPositions(y: Float32Array, task: Task, candidate: (position: number) => boolean): Int32Array[] {
  const positions = Array.from({ length: y.length }, (_, i) => i).filter(candidate);
  if (task === 'regression') return [Int32Array.from(positions)];
  let maxClass = -1;
  for (const i of positions) if (y[i] > maxClass) maxClass = y[i];
  const groups: number[][] = Array.from({ length: maxClass + 1 }, () => []);
  for (const i of positions) groups[y[i]].push(i);
  return groups.filter((g) => g.length > 0).map((g) => Int32Array.from(g));
}
