/**
 * @module engine/eval/metrics-classification
 * Classification scores over a model's raw output (see core/task): binary outputs are one probability of
 * class index 1 per row, multiclass outputs are K probabilities per row, row-major. Every score accepts
 * optional per-row weights and follows scikit-learn's definitions (1.2), so numbers reported by a job can
 * be compared with the reference tables. F1 is the one binary score that depends on which class counts as
 * positive (ROC AUC, log loss and the accuracies read the same for either class), so it takes the positive
 * class's index (./positive-class). Pure functions over typed arrays; the registry lives in metrics.ts.
 */
import { EngineError } from '../core/errors';

/** Probabilities are clipped to [EPS, 1 - EPS] before taking logs, as scikit-learn does. */
const LOG_LOSS_EPS = 1e-15;

/**
 * Output columns per row, checked against the labels: 1 means binary (probability of class 1),
 * anything else must equal nClasses.
 */
export function outputColumns(yTrue: Float32Array, output: Float32Array, nClasses: number): number {
  const n = yTrue.length;
  if (n === 0) throw new EngineError('invalid_input', 'cannot score an empty set of rows');
  const width = output.length / n;
  if (width !== 1 && !(Number.isInteger(width) && width === nClasses && width >= 2)) {
    throw new EngineError('invalid_input', `model output has ${output.length} values for ${n} rows; expected ${n} or ${n * nClasses}`, {
      rows: n,
      outputLength: output.length,
      nClasses,
    });
  }
  // A label outside the output's classes would index past the row; reject it instead of scoring NaN.
  const labels = width === 1 ? 2 : width;
  for (let i = 0; i < n; i++) {
    const t = yTrue[i];
    if (!(t >= 0 && t < labels && Number.isInteger(t))) {
      throw new EngineError('invalid_target', `label ${t} at row ${i} is not a class index in 0..${labels - 1}`, { row: i, label: t });
    }
  }
  return width;
}

/** Predicted class index of row i: binary thresholds at 0.5, multiclass takes the first argmax. */
export function predictedLabel(output: Float32Array, i: number, width: number): number {
  if (width === 1) return output[i] >= 0.5 ? 1 : 0;
  const off = i * width;
  let best = 0;
  let bestValue = output[off];
  for (let k = 1; k < width; k++) {
    if (output[off + k] > bestValue) {
      bestValue = output[off + k];
      best = k;
    }
  }
  return best;
}

/**
 * Weighted ROC AUC of one score column against a 0/1 relevance, computed as the Mann-Whitney statistic:
 * the weighted share of (positive, negative) pairs ordered correctly, tied scores counting one half. This is
 * exactly the trapezoidal area under the weighted ROC curve with tied thresholds merged (average ranks).
 * Returns NaN when one class has no weight (the AUC is undefined) or a score is NaN.
 *
 * @param isPositive  returns true when row i belongs to the positive class
 * @param score       returns the score of row i
 */
function binaryAuc(n: number, isPositive: (i: number) => boolean, score: (i: number) => number, weights?: Float32Array): number {
  // Sorting an index array keeps the scores and labels where they are; Float64Array sort is numeric.
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    keys[i] = score(i);
    // A NaN score has no rank; sorting it would silently scramble the order instead.
    if (Number.isNaN(keys[i])) return Number.NaN;
  }
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => keys[a] - keys[b] || a - b);

  return aucOverOrder(order, (i) => keys[i], isPositive, weights);
}

/**
 * The weighted Mann-Whitney AUC of rows already in increasing score order (`order`, ties adjacent):
 * positives in a group of tied scores beat every lower negative and half of the tied ones. NaN when a
 * class has no weight. Shared with the paired bootstrap (./paired-bootstrap), which sorts once and
 * reweights many times.
 */
export function aucOverOrder(order: Uint32Array, score: (i: number) => number, isPositive: (i: number) => boolean, weights?: Float32Array): number {
  const n = order.length;
  let negBelow = 0;
  let totalPos = 0;
  let area = 0;
  let g = 0;
  while (g < n) {
    let pos = 0;
    let neg = 0;
    const value = score(order[g]);
    let e = g;
    while (e < n && score(order[e]) === value) {
      const i = order[e];
      const w = weights ? weights[i] : 1;
      if (isPositive(i)) pos += w;
      else neg += w;
      e++;
    }
    area += pos * (negBelow + 0.5 * neg);
    negBelow += neg;
    totalPos += pos;
    g = e;
  }
  return totalPos > 0 && negBelow > 0 ? area / (totalPos * negBelow) : Number.NaN;
}

/**
 * ROC AUC. Binary: class index 1 is positive. Multiclass: macro average of one-vs-rest AUCs over the classes
 * for which the AUC is defined (the class and its complement both occur); NaN when none is.
 */
export function rocAuc(yTrue: Float32Array, output: Float32Array, nClasses: number, weights?: Float32Array): number {
  const width = outputColumns(yTrue, output, nClasses);
  const n = yTrue.length;
  if (width === 1) return binaryAuc(n, (i) => yTrue[i] === 1, (i) => output[i], weights);
  let sum = 0;
  let count = 0;
  for (let k = 0; k < width; k++) {
    const auc = binaryAuc(n, (i) => yTrue[i] === k, (i) => output[i * width + k], weights);
    if (!Number.isNaN(auc)) {
      sum += auc;
      count++;
    }
  }
  return count > 0 ? sum / count : Number.NaN;
}

/**
 * Weighted mean negative log-likelihood of the true class. Probabilities are clipped to [1e-15, 1 - 1e-15]
 * and multiclass rows renormalised after clipping, as in scikit-learn 1.2, so a confident mistake costs
 * about 34.5 rather than infinity.
 */
export function logLoss(yTrue: Float32Array, output: Float32Array, nClasses: number, weights?: Float32Array): number {
  const width = outputColumns(yTrue, output, nClasses);
  const n = yTrue.length;
  let total = 0;
  let totalWeight = 0;
  for (let i = 0; i < n; i++) {
    const w = weights ? weights[i] : 1;
    let p: number;
    if (width === 1) {
      const p1 = clip(output[i]);
      p = yTrue[i] === 1 ? p1 : 1 - p1;
    } else {
      const off = i * width;
      let rowSum = 0;
      for (let k = 0; k < width; k++) rowSum += clip(output[off + k]);
      p = clip(output[off + yTrue[i]]) / rowSum;
    }
    total += w * -Math.log(p);
    totalWeight += w;
  }
  return total / totalWeight;
}

function clip(p: number): number {
  return p < LOG_LOSS_EPS ? LOG_LOSS_EPS : p > 1 - LOG_LOSS_EPS ? 1 - LOG_LOSS_EPS : p;
}

/** Weighted share of rows whose predicted class equals the true class. */
export function accuracy(yTrue: Float32Array, output: Float32Array, nClasses: number, weights?: Float32Array): number {
  const width = outputColumns(yTrue, output, nClasses);
  let hit = 0;
  let total = 0;
  for (let i = 0; i < yTrue.length; i++) {
    const w = weights ? weights[i] : 1;
    if (predictedLabel(output, i, width) === yTrue[i]) hit += w;
    total += w;
  }
  return hit / total;
}

/**
 * Weighted confusion counts per class: true positives, predicted totals and actual totals, plus a flag
 * for classes that occur at all (in labels or predictions, whatever their weight).
 */
function confusion(yTrue: Float32Array, output: Float32Array, nClasses: number, weights?: Float32Array) {
  const width = outputColumns(yTrue, output, nClasses);
  // outputColumns has checked that every label and prediction is below this count.
  const k = width === 1 ? 2 : width;
  const tp = new Float64Array(k);
  const predicted = new Float64Array(k);
  const actual = new Float64Array(k);
  const seen = new Uint8Array(k);
  for (let i = 0; i < yTrue.length; i++) {
    const w = weights ? weights[i] : 1;
    const t = yTrue[i];
    const p = predictedLabel(output, i, width);
    actual[t] += w;
    predicted[p] += w;
    if (t === p) tp[t] += w;
    seen[t] = 1;
    seen[p] = 1;
  }
  return { k, tp, predicted, actual, seen };
}

/** Mean recall over the classes present in the labels (scikit-learn's balanced_accuracy_score). */
export function balancedAccuracy(yTrue: Float32Array, output: Float32Array, nClasses: number, weights?: Float32Array): number {
  const { k, tp, actual } = confusion(yTrue, output, nClasses, weights);
  let sum = 0;
  let count = 0;
  for (let c = 0; c < k; c++) {
    if (actual[c] > 0) {
      sum += tp[c] / actual[c];
      count++;
    }
  }
  return sum / count;
}

/**
 * F1 score. Binary: of the class at index `positive` (default 1, the rule before a job could name its
 * positive class; scikit-learn's pos_label); the labels are still read as the model predicts them
 * (probability of class 1 ≥ 0.5), only the class scored changes. Multiclass: unweighted mean of per-class
 * F1 over the classes that occur in the labels or the predictions (scikit-learn's average='macro'), and
 * `positive` is ignored. An undefined F1 (no positives predicted or present) counts as 0, like
 * scikit-learn's zero_division default.
 */
export function f1(yTrue: Float32Array, output: Float32Array, nClasses: number, weights?: Float32Array, positive = 1): number {
  const width = outputColumns(yTrue, output, nClasses);
  const { k, tp, predicted, actual, seen } = confusion(yTrue, output, nClasses, weights);
  const f1Of = (c: number) => {
    const denominator = predicted[c] + actual[c];
    return denominator > 0 ? (2 * tp[c]) / denominator : 0;
  };
  if (width === 1) {
    if (positive !== 0 && positive !== 1) throw new EngineError('invalid_params', `the positive class of a binary F1 is class index 0 or 1, got ${positive}`, { positive });
    return f1Of(positive);
  }
  let sum = 0;
  let count = 0;
  for (let c = 0; c < k; c++) {
    if (seen[c]) {
      sum += f1Of(c);
      count++;
    }
  }
  return sum / count;
}
