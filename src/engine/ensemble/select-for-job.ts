/**
 * @module engine/ensemble/select-for-job
 * The end-of-search ensemble for one job: rebuilds the target exactly as every trial saw it (same column
 * overrides, same target preparation, so out-of-fold rows line up), runs greedy selection over the trials'
 * out-of-fold predictions, and says whether the blend beats the best single trial. Multiclass jobs scored
 * by log loss pool their members log-linearly instead (./log-linear-pool), when the fit's work is small
 * enough for one invocation; every other job averages the greedy selection's picks.
 *
 * An averaged blend's probabilities are not recalibrated. A temperature fitted on the blend's out-of-fold rows
 * (multiclass log loss) always sharpened them (T 0.2-0.9) and on held-out data was worse in 8 of 12
 * in-process jobs (penguins, soybean, segment x 4 seeds; segment 4 of 4, penguins once 0.040 -> 0.139):
 * the rows it is fitted on are the fold models', not the served refits' and bags'. Measured with an
 * in-process job harness not kept in the repository; protocol and figures in issue 4's session-9 note.
 * The log-linear pool also sharpens, but together with weighing two or more members, and that held up
 * (figures in ./log-linear-pool).
 */
import type { Task } from '../core/task';
import type { Dataset } from '../data/dataset';
import { prepareTarget } from '../data/target';
import { type MetricName, toLoss } from '../eval/metrics';
import { positiveClassIndex } from '../eval/positive-class';
import { type EnsembleCandidate, type EnsembleSelection, greedyEnsembleSelection } from './greedy-selection';
import { LOG_LINEAR_MAX_WORK, type LogLinearSelection, logLinearSelection, logLinearWork } from './log-linear-pool';

export interface JobEnsembleSpec {
  readonly target: string;
  readonly task: Task;
  readonly metric: MetricName;
  /** Binary only: the class a per-class metric (f1) speaks for, as the trials scored it; absent: class index 1. */
  readonly positiveClass?: string;
  /** Most distinct members: each adds its prediction cost to every request. */
  readonly maxMembers?: number;
  /** Cap on the summed serving cost of the members (candidates' `cost`, µs per row; see serving-cost). */
  readonly maxCostMicros?: number;
}

/** An averaged greedy selection, or a log-linear pool (`combine: "log_linear"`). */
export type JobSelection = (EnsembleSelection & { readonly combine?: undefined }) | LogLinearSelection;

export interface JobEnsembleResult {
  readonly selection: JobSelection;
  /** True when the blend has more than one member and a strictly lower out-of-fold loss than the best trial. */
  readonly improves: boolean;
}

/** Default cap on distinct members, keeping single-row latency within a few times one model's. */
export const DEFAULT_MAX_MEMBERS = 6;

/**
 * Default cap on an ensemble's estimated single-row prediction time, µs (engine/serialize/serving-cost).
 * A few forests or a dozen boosted models fit; the answer stays well under a millisecond of CPU.
 */
export const DEFAULT_MAX_SERVING_MICROS = 400;

export function selectJobEnsemble(ds: Dataset, spec: JobEnsembleSpec, candidates: readonly EnsembleCandidate[]): JobEnsembleResult {
  const target = prepareTarget(ds, spec.target, spec.task);
  const nClasses = target.classes.length;
  if (target.task === 'multiclass' && spec.metric === 'log_loss' && logLinearWork(target.y.length, nClasses, candidates.length) <= LOG_LINEAR_MAX_WORK) {
    const pooled = logLinearSelection({ y: target.y, task: target.task, nClasses }, candidates, {
      maxMembers: spec.maxMembers ?? DEFAULT_MAX_MEMBERS,
      maxCost: spec.maxCostMicros ?? DEFAULT_MAX_SERVING_MICROS,
    });
    // One member alone would be a temperature on one model, measured worse (above): a pool needs two.
    return { selection: pooled, improves: pooled.members.length > 1 && pooled.loss < pooled.bestSingle.score };
  }
  const positive = target.task === 'binary' ? positiveClassIndex(target.classes, spec.positiveClass) : undefined;
  const selection = greedyEnsembleSelection({ y: target.y, task: target.task, nClasses, ...(positive !== undefined ? { positive } : {}) }, spec.metric, candidates, {
    rounds: 25,
    maxMembers: spec.maxMembers ?? DEFAULT_MAX_MEMBERS,
    maxCost: spec.maxCostMicros ?? DEFAULT_MAX_SERVING_MICROS,
  });
  // Scores are in the metric's own direction; compare as losses so both directions work.
  const improves = selection.members.length > 1 && selection.loss < toLoss(spec.metric, selection.bestSingle.score);
  return { selection, improves };
}
