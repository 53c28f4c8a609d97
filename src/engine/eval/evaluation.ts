/**
 * @module engine/eval/evaluation
 * A model's evaluation from predictions it never trained on (out-of-fold, or a holdout): every metric
 * that applies to the task, and what a model page plots: the ROC curve (binary), the confusion matrix
 * (classification) and a residual sample (regression). A binary evaluation names its positive class
 * (./positive-class): F1 and the ROC curve speak for it. Pure: the caller brings the labels and outputs.
 */
import { EngineError } from '../core/errors';
import type { Task } from '../core/task';
import { confusionMatrix } from './confusion';
import { METRIC_NAMES, METRICS } from './metrics';
import { positiveClassIndex } from './positive-class';
import { residualSample, type ResidualSample } from './residuals';
import { type RocCurve, rocCurve, thinCurve } from './roc';

/** Most points of a ROC curve or residual plot in one answer: plenty for a chart, small on the wire. */
export const MAX_PLOT_POINTS = 400;

export interface Evaluation {
  readonly rows: number;
  /** Metric name → value in the metric's own direction (null when undefined on these rows). */
  readonly metrics: Record<string, number | null>;
  /** Metric name → whether a greater value is better (every score carries its direction). */
  readonly greater_is_better: Record<string, boolean>;
  /** Binary only: the class F1 and the ROC curve speak for. */
  readonly positive_class?: string;
  /** Binary only; `positive_class` is the class the scores speak for (its probability is the score). */
  readonly roc?: RocCurve & { readonly positive_class: string };
  readonly confusion?: { readonly labels: readonly string[]; readonly matrix: number[][] };
  readonly residuals?: ResidualSample;
}

/**
 * @param y       truth per row: class index (as float) or value
 * @param output  raw model output per row (see core/task): 1 value, or one probability per class
 * @param classes class labels by index (empty for regression)
 * @param positiveClass binary only: the class F1 and the ROC curve speak for (default: class index 1, as
 *   evaluations read before jobs recorded one); one of `classes`, else EngineError
 */
export function evaluatePredictions(task: Task, y: Float32Array, output: Float32Array, classes: readonly string[], positiveClass?: string): Evaluation {
  const n = y.length;
  if (n === 0) throw new EngineError('invalid_input', 'evaluation: no rows to evaluate');
  const width = task === 'multiclass' ? classes.length : 1;
  if (output.length !== n * width) {
    throw new EngineError('invalid_input', `evaluation: ${output.length} predicted values for ${n} rows of a ${task} task (expected ${n * width})`, { rows: n, values: output.length });
  }
  const positive = task === 'binary' ? positiveClassIndex(classes, positiveClass) : 1;
  const metrics: Record<string, number | null> = {};
  const directions: Record<string, boolean> = {};
  for (const name of METRIC_NAMES) {
    const spec = METRICS[name];
    if (!spec.tasks.includes(task)) continue;
    const value = spec.score(y, output, classes.length, undefined, positive);
    metrics[name] = Number.isFinite(value) ? value : null;
    directions[name] = spec.greaterIsBetter;
  }
  const scored = { rows: n, metrics, greater_is_better: directions };
  if (task === 'regression') return { ...scored, residuals: residualSample(y, output, MAX_PLOT_POINTS) };
  const confusion = { labels: classes, matrix: confusionMatrix(y, output, classes.length) };
  if (task === 'multiclass') return { ...scored, confusion };
  // The output is the probability of class index 1; the positive class's is its complement when that is class 0.
  const positives = Array.from(y, (v) => (v === positive ? 1 : 0));
  const scores = positive === 1 ? output : Array.from(output, (p) => 1 - p);
  const hasBoth = positives.some((p) => p === 1) && positives.some((p) => p === 0);
  const roc = hasBoth ? { ...thinCurve(rocCurve(positives, scores), MAX_PLOT_POINTS), positive_class: classes[positive] } : undefined;
  return { ...scored, positive_class: classes[positive], confusion, ...(roc ? { roc } : {}) };
}
