/**
 * @module engine/models/linear/weights
 * Per-row weights the losses use: the caller's sample weights times the class weights, normalised to
 * sum to 1 so that the data term is a weighted mean and tolerances mean the same at any row count.
 */
import { EngineError } from '../../core/errors';
import type { ClassWeight } from './options';

/** Normalised row weights and the total before normalisation (which scales the penalty, as in scikit-learn). */
export interface RowWeights {
  readonly weights: Float64Array;
  readonly total: number;
}

/**
 * Combines sample weights with class weights. 'balanced' gives class c the weight W / (K · W_c), with W_c
 * the class's total sample weight (the row count when no weights are given, which is scikit-learn's
 * n / (K · n_c)), so every class present carries the same total weight.
 *
 * @param classes number of classes, or 0 for regression (class weights do not apply)
 */
export function rowWeights(y: Float32Array, sampleWeights: Float32Array | undefined, classWeight: ClassWeight, classes: number): RowWeights {
  const n = y.length;
  const weights = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const w = sampleWeights ? sampleWeights[i] : 1;
    if (!(w >= 0) || !Number.isFinite(w)) throw new EngineError('invalid_input', `row ${i} has weight ${w}; weights must be finite and non-negative`, { row: i });
    weights[i] = w;
  }
  if (classWeight === 'balanced' && classes > 0) {
    const perClass = new Float64Array(classes);
    let sum = 0;
    for (let i = 0; i < n; i++) {
      perClass[y[i]] += weights[i];
      sum += weights[i];
    }
    for (let c = 0; c < classes; c++) perClass[c] = perClass[c] > 0 ? sum / (classes * perClass[c]) : 0;
    for (let i = 0; i < n; i++) weights[i] *= perClass[y[i]];
  }
  let total = 0;
  for (let i = 0; i < n; i++) total += weights[i];
  if (!(total > 0)) throw new EngineError('invalid_input', 'training rows have zero total weight');
  for (let i = 0; i < n; i++) weights[i] /= total;
  return { weights, total };
}
