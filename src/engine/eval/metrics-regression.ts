/**
 * @module engine/eval/metrics-regression
 * Regression scores over one predicted value per row, with optional per-row weights, following
 * scikit-learn's definitions (1.2) so a job's numbers compare with the reference tables. The registry
 * that names them and says which direction is better lives in metrics.ts.
 */
import { EngineError } from '../core/errors';

/** scikit-learn guards the MAPE denominator with float64 machine epsilon rather than skipping zero targets. */
const MAPE_EPS = 2.220446049250313e-16;

function checkShape(yTrue: Float32Array, output: Float32Array): void {
  if (yTrue.length === 0) throw new EngineError('invalid_input', 'cannot score an empty set of rows');
  if (output.length !== yTrue.length) {
    throw new EngineError('invalid_input', `regression output has ${output.length} values for ${yTrue.length} rows`, {
      rows: yTrue.length,
      outputLength: output.length,
    });
  }
}

/** Weighted mean of f(truth, prediction) over rows. */
function weightedMean(yTrue: Float32Array, output: Float32Array, weights: Float32Array | undefined, f: (t: number, p: number) => number): number {
  checkShape(yTrue, output);
  let total = 0;
  let totalWeight = 0;
  for (let i = 0; i < yTrue.length; i++) {
    const w = weights ? weights[i] : 1;
    total += w * f(yTrue[i], output[i]);
    totalWeight += w;
  }
  return total / totalWeight;
}

/** Root of the weighted mean squared error. */
export function rmse(yTrue: Float32Array, output: Float32Array, _nClasses: number, weights?: Float32Array): number {
  return Math.sqrt(weightedMean(yTrue, output, weights, (t, p) => (t - p) * (t - p)));
}

/** Weighted mean absolute error. */
export function mae(yTrue: Float32Array, output: Float32Array, _nClasses: number, weights?: Float32Array): number {
  return weightedMean(yTrue, output, weights, (t, p) => Math.abs(t - p));
}

/** Weighted mean absolute percentage error as a fraction (0.05 means 5%), not a percentage. */
export function mape(yTrue: Float32Array, output: Float32Array, _nClasses: number, weights?: Float32Array): number {
  return weightedMean(yTrue, output, weights, (t, p) => Math.abs(t - p) / Math.max(Math.abs(t), MAPE_EPS));
}

/**
 * Coefficient of determination 1 - SS_res / SS_tot around the weighted mean. A constant target gives 1
 * for a perfect prediction and 0 otherwise, as scikit-learn does, instead of dividing by zero.
 */
export function r2(yTrue: Float32Array, output: Float32Array, _nClasses: number, weights?: Float32Array): number {
  const mean = weightedMean(yTrue, yTrue, weights, (t) => t);
  let ssRes = 0;
  let ssTot = 0;
  for (let i = 0; i < yTrue.length; i++) {
    const w = weights ? weights[i] : 1;
    const r = yTrue[i] - output[i];
    const d = yTrue[i] - mean;
    ssRes += w * r * r;
    ssTot += w * d * d;
  }
  if (ssTot === 0) return ssRes === 0 ? 1 : 0;
  return 1 - ssRes / ssTot;
}
