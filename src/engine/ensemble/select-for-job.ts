/**
 * @module engine/ensemble/select-for-job
 * The end-of-search ensemble for one job: rebuilds the target exactly as every trial saw it (same column
 * overrides, same target preparation, so out-of-fold rows line up), runs greedy selection over the trials'
 * out-of-fold predictions, and says whether the blend beats the best single trial. Multiclass jobs scored
 * by log loss pool their members log-linearly instead (./log-linear-pool), when the fit's work is small
 * enough for one invocation; every other job averages the greedy selection's picks. A job whose trials
 * shared one holdout (a single split over large data) is selected on that holdout's rows alone.
 *
 * An averaged blend's probabilities are not recalibrated. A temperature fitted on the blend's out-of-fold rows
 * (multiclass log loss) always sharpened them (T 0.2-0.9) and on held-out data was worse in 8 of 12
 * in-process jobs (penguins, soybean, segment x 4 seeds; segment 4 of 4, penguins once 0.040 -> 0.139):
 * the rows it is fitted on are the fold models', not the served refits' and bags'. Measured with an
 * in-process job harness not kept in the repository; protocol and figures in issue 4's session-9 note.
 * The log-linear pool also sharpens, but together with weighing two or more members, and that held up
 * (figures in ./log-linear-pool).
 */
import { EngineError } from '../core/errors';
import { outputWidth, type Task } from '../core/task';
import type { Dataset } from '../data/dataset';
import { holdoutPositions, takeRows } from '../data/shared-holdout';
import { prepareTarget } from '../data/target';
import { type MetricName, toLoss } from '../eval/metrics';
import { positiveClassIndex } from '../eval/positive-class';
import { blendServingMicros, type ServingProfile } from '../serialize/serving-cost';
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
  /**
   * Cap on the blend's estimated serving time, µs per row (serialize/serving-cost): blendServingMicros of
   * the members' `serving` profiles, or of their `cost` (each a whole artifact's estimate) where a
   * candidate has none.
   */
  readonly maxCostMicros?: number;
  /**
   * A job whose trials all validated on one shared holdout (their fold seed, data/shared-holdout): their
   * out-of-fold arrays fill those rows only, so the selection scores and weighs them on those rows alone.
   */
  readonly holdoutSeed?: number;
}

/**
 * A trial offered to the job's ensemble. `serving` (its estimate and its trees' shapes) lets the cap count
 * what the blend's trees add to each other (serialize/serving-cache); a candidate known only by its `cost`
 * (an artifact stored before profiles were kept) adds its estimate alone.
 */
export interface JobEnsembleCandidate extends EnsembleCandidate {
  readonly serving?: ServingProfile;
}

/** An averaged greedy selection, or a log-linear pool (`combine: "log_linear"`). */
export type JobSelection = (EnsembleSelection & { readonly combine?: undefined }) | LogLinearSelection;

export interface JobEnsembleResult {
  /** The selection; its `cost` is the blend's estimated serving time (blendServingMicros of its members). */
  readonly selection: JobSelection;
  /** True when the blend has more than one member and a strictly lower out-of-fold loss than the best trial. */
  readonly improves: boolean;
}

/** Default cap on distinct members, keeping single-row latency within a few times one model's. */
export const DEFAULT_MAX_MEMBERS = 6;

/**
 * Default cap on an ensemble's estimated single-row prediction time, µs (engine/serialize/serving-cost).
 * A few forests of a small table's size, or a few bags of boosted models, fit; forests of megabytes
 * (deep trees on thousands of rows) are estimated at 160-220 µs each, so one fits, with smaller members
 * (two of them together are estimated at 500-630 µs: they slow each other down, serialize/serving-cache).
 */
export const DEFAULT_MAX_SERVING_MICROS = 400;

export function selectJobEnsemble(ds: Dataset, spec: JobEnsembleSpec, all: readonly JobEnsembleCandidate[]): JobEnsembleResult {
  const prepared = prepareTarget(ds, spec.target, spec.task);
  const nClasses = prepared.classes.length;
  const { y, candidates } = onScoredRows(prepared.y, prepared.task, nClasses, spec.holdoutSeed, all);
  const target = { ...prepared, y };
  // The cap bounds the blend's own estimate, not a sum of its members': the request overhead is paid once,
  // and the members' trees slow each other down by sharing the cache.
  const maxCost = spec.maxCostMicros ?? DEFAULT_MAX_SERVING_MICROS;
  const setCost = (members: readonly number[]) => blendServingMicros(members.map((i) => candidates[i].serving ?? candidates[i].cost ?? 0));
  if (target.task === 'multiclass' && spec.metric === 'log_loss' && logLinearWork(target.y.length, nClasses, candidates.length) <= LOG_LINEAR_MAX_WORK) {
    const pooled = logLinearSelection({ y: target.y, task: target.task, nClasses }, candidates, { maxMembers: spec.maxMembers ?? DEFAULT_MAX_MEMBERS, maxCost, setCost });
    // One member alone would be a temperature on one model, measured worse (above): a pool needs two.
    return { selection: pooled, improves: pooled.members.length > 1 && pooled.loss < pooled.bestSingle.score };
  }
  const positive = target.task === 'binary' ? positiveClassIndex(target.classes, spec.positiveClass) : undefined;
  const selection = greedyEnsembleSelection({ y: target.y, task: target.task, nClasses, ...(positive !== undefined ? { positive } : {}) }, spec.metric, candidates, {
    rounds: 25,
    maxMembers: spec.maxMembers ?? DEFAULT_MAX_MEMBERS,
    maxCost,
    setCost,
  });
  // Scores are in the metric's own direction; compare as losses so both directions work.
  const improves = selection.members.length > 1 && selection.loss < toLoss(spec.metric, selection.bestSingle.score);
  return { selection, improves };
}

/**
 * The target and the candidates' out-of-fold rows the selection scores on: every row after cross-validation,
 * the shared holdout's rows only (in target order) when the trials validated on one.
 */
export function onScoredRows<C extends EnsembleCandidate>(y: Float32Array, task: Task, nClasses: number, holdoutSeed: number | undefined, candidates: readonly C[]): { y: Float32Array; candidates: readonly C[] } {
  if (holdoutSeed === undefined) return { y, candidates };
  const rows = holdoutPositions(y, task, holdoutSeed);
  const width = outputWidth(task, nClasses);
  // Checked before gathering, which would read a short array's missing rows as NaN.
  const bad = candidates.find((c) => c.oof.length !== y.length * width);
  if (bad) throw new EngineError('invalid_params', `candidate "${bad.id}" has ${bad.oof.length} OOF values, expected ${y.length} rows × ${width}`, { candidate: bad.id });
  return { y: takeRows(y, rows, 1), candidates: candidates.map((c) => ({ ...c, oof: takeRows(c.oof, rows, width) })) };
}
