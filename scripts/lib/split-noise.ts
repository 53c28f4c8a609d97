/**
 * The split noise of a held-out score: how far the score would move had the test split held other rows
 * from the same population, estimated by resampling the test rows with replacement (the bootstrap).
 * Issue 4's bar allows a job to trail the tuned scikit-learn search "by no more than the split noise";
 * this puts a number on that per dataset instead of a judgement by eye.
 */
import { Rng } from '../../src/engine/core/rng';
import type { MetricName } from '../../src/engine/eval/metrics';
import { heldOutScore } from './tables';

/** Predictions as the API answers them (see heldOutScore). */
export interface HeldOutResult {
  readonly predictions: (string | number)[];
  readonly probabilities?: Record<string, number>[];
}

/** A 95% bootstrap interval of a held-out score and its half-width. */
export interface SplitNoise {
  readonly low: number;
  readonly high: number;
  /** (high − low) / 2: the ± to quote beside the score. */
  readonly halfWidth: number;
  readonly resamples: number;
}

/** The held-out score of the rows `picks` (with repeats) of the test split. */
function resampledScore(metric: MetricName, truth: readonly string[], result: HeldOutResult, classes: string[], picks: Int32Array): number {
  const pick = <T>(xs: readonly T[]) => Array.from(picks, (i) => xs[i]);
  return heldOutScore(metric, pick(truth), { predictions: pick(result.predictions), ...(result.probabilities ? { probabilities: pick(result.probabilities) } : {}) }, classes);
}

/**
 * The percentile bootstrap interval (2.5% and 97.5%) of `metric` over `resamples` resamples of the test
 * rows, seeded so a report can be reproduced. Resamples whose score is not finite (a ROC AUC drawn with one
 * class only) are drawn again.
 * @throws Error when the test split has no rows
 */
export function splitNoise(metric: MetricName, truth: readonly string[], result: HeldOutResult, classes: string[], resamples = 1000, seed = 1): SplitNoise {
  const n = truth.length;
  if (n === 0) throw new Error('split noise needs at least one test row');
  const rng = new Rng(seed);
  const picks = new Int32Array(n);
  const scores: number[] = [];
  for (let tries = 0; scores.length < resamples && tries < 10 * resamples; tries++) {
    for (let i = 0; i < n; i++) picks[i] = rng.int(n);
    const s = resampledScore(metric, truth, result, classes, picks);
    if (Number.isFinite(s)) scores.push(s);
  }
  scores.sort((a, b) => a - b);
  const at = (q: number) => scores[Math.min(scores.length - 1, Math.max(0, Math.round(q * (scores.length - 1))))];
  const low = at(0.025);
  const high = at(0.975);
  return { low, high, halfWidth: (high - low) / 2, resamples: scores.length };
}
