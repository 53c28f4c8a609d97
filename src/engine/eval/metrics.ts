/**
 * @module engine/eval/metrics
 * The metrics registry: every score a job may optimise or report, with its direction and the tasks it
 * applies to. Internally the search always minimises, so toLoss/fromLoss convert between a metric's
 * natural value and a loss (greater-is-better metrics are negated). The formulas live in
 * metrics-classification.ts and metrics-regression.ts.
 */
import type { Task } from '../core/task';
import { accuracy, balancedAccuracy, f1, logLoss, rocAuc } from './metrics-classification';
import { mae, mape, r2, rmse } from './metrics-regression';

/** Names of the supported metrics (also the values accepted in a job's `metric` field). */
export type MetricName = 'roc_auc' | 'log_loss' | 'accuracy' | 'balanced_accuracy' | 'f1' | 'rmse' | 'mae' | 'r2' | 'mape' | 'mase';

/**
 * Scores a model's raw output (see core/task) against the truth.
 * @param yTrue   target values; for classification, class indices stored as floats
 * @param output  raw model output: one value per row, or nClasses probabilities per row for multiclass
 * @param nClasses  number of classes (ignored for regression)
 * @param weights optional per-row weights
 * @param positive binary only: the index of the class a per-class score (f1) speaks for; default 1
 *   (see ./positive-class). Scores that read the same for either class ignore it.
 */
export type ScoreFn = (yTrue: Float32Array, output: Float32Array, nClasses: number, weights?: Float32Array, positive?: number) => number;

/** A metric's description: its name, its direction, the tasks it applies to, and how to compute it. */
export interface MetricSpec {
  readonly name: MetricName;
  readonly greaterIsBetter: boolean;
  readonly tasks: readonly Task[];
  readonly score: ScoreFn;
}

const CLASSIFICATION: readonly Task[] = Object.freeze(['binary', 'multiclass']);
const REGRESSION: readonly Task[] = Object.freeze(['regression']);

function spec(name: MetricName, greaterIsBetter: boolean, tasks: readonly Task[], score: ScoreFn): MetricSpec {
  return Object.freeze({ name, greaterIsBetter, tasks, score });
}

/**
 * Every metric by name. Classification labels are argmax of the output (binary: probability ≥ 0.5 is class 1);
 * binary f1 is of the positive class (ScoreFn `positive`, class index 1 unless given), binary roc_auc the
 * same for either class; for multiclass both macro-average one-vs-rest.
 * Undefined values (for example AUC when only one class is present) are NaN.
 */
export const METRICS: Readonly<Record<MetricName, MetricSpec>> = Object.freeze({
  roc_auc: spec('roc_auc', true, CLASSIFICATION, rocAuc),
  log_loss: spec('log_loss', false, CLASSIFICATION, logLoss),
  accuracy: spec('accuracy', true, CLASSIFICATION, accuracy),
  balanced_accuracy: spec('balanced_accuracy', true, CLASSIFICATION, balancedAccuracy),
  f1: spec('f1', true, CLASSIFICATION, f1),
  rmse: spec('rmse', false, REGRESSION, rmse),
  mae: spec('mae', false, REGRESSION, mae),
  r2: spec('r2', true, REGRESSION, r2),
  mape: spec('mape', false, REGRESSION, mape),
  // Forecast jobs only (engine/forecast/forecast-metric computes it): each series' errors are divided by that
  // series' own in-sample seasonal-naive error, which rows scored on their own do not carry; so it applies
  // to no table task, and a row score of it is undefined.
  mase: spec('mase', false, [], () => Number.NaN),
});

/** All metric names, in registry order. */
export const METRIC_NAMES: readonly MetricName[] = Object.freeze(Object.keys(METRICS) as MetricName[]);

/** Type guard for untrusted input (job requests, artifacts). */
export function isMetricName(value: unknown): value is MetricName {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(METRICS, value);
}

/** The metric optimised when a job names none: ROC AUC for binary, log loss for multiclass, RMSE for regression. */
export function defaultMetric(task: Task): MetricName {
  switch (task) {
    case 'binary':
      return 'roc_auc';
    case 'multiclass':
      return 'log_loss';
    case 'regression':
      return 'rmse';
  }
}

/** Whether the metric can score the task's output. */
export function isMetricForTask(metric: MetricName, task: Task): boolean {
  return METRICS[metric].tasks.includes(task);
}

/** Converts a metric value to the internal loss (lower is better): greater-is-better metrics are negated. */
export function toLoss(metric: MetricName, value: number): number {
  return METRICS[metric].greaterIsBetter ? -value : value;
}

/** Inverse of toLoss: the metric's natural value for an internal loss. */
export function fromLoss(metric: MetricName, loss: number): number {
  return METRICS[metric].greaterIsBetter ? -loss : loss;
}
