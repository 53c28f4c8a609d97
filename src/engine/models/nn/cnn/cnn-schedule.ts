/**
 * @module engine/models/nn/cnn/cnn-schedule
 * The CNN's learning-rate schedule. 'cosine' anneals the rate over the epochs of the fit, so the weights a
 * fit ends with come from small steps rather than from wherever the last full-size step of a constant rate
 * threw them: a refit that runs a fixed epoch count (no validation rows to pick the best epoch by) keeps
 * its final weights, and with a constant rate those varied from seed to seed by several test errors.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { CnnLrSchedule } from './cnn-options';

/** Rate of epoch `epoch` (1-based) of `epochs`: `base`, or half a cosine from nearly `base` down to nearly 0. */
export function learningRateAt(schedule: CnnLrSchedule, base: number, epoch: number, epochs: number): number {
  if (schedule === 'constant' || epochs <= 1) return base;
  // The middle of the epoch on the curve: the first epoch trains at almost the full rate, the last at a
  // small but non-zero one (a zero rate would waste the epoch).
  const progress = (epoch - 0.5) / epochs;
  return base * 0.5 * (1 + Math.cos(Math.PI * Math.min(1, progress)));
}

/**
 * Sets an optimizer's rate between steps. tfjs' SGD and momentum optimizers hold the rate as a scalar
 * tensor (setLearningRate replaces it); Adam and RMSProp read their `learningRate` field at every step.
 */
export function setLearningRate(optimizer: tf.Optimizer, rate: number): void {
  const o = optimizer as unknown as { learningRate: number; setLearningRate?: (rate: number) => void };
  if (typeof o.setLearningRate === 'function') o.setLearningRate(rate);
  else o.learningRate = rate;
}
