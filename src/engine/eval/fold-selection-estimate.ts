/**
 * @module engine/eval/fold-selection-estimate
 * The optimism of picking the best of many trials, for searches whose trials report an error per fold
 * but no per-row predictions: forecast trials, validated on a few rolling origins (a fold is an origin).
 * It is bootstrap bias-corrected cross-validation (as ./selection-estimate) over whole folds: draw the
 * folds with replacement, pick the trial with the lowest error on the drawn folds, and score that pick on
 * the folds the draw left out. With the three origins of a forecast job there are only 27 draws, so every
 * one is taken (no randomness); more folds are drawn at random from a seed.
 *
 * Why forecasts need it: the search publishes the best of hundreds of configurations on the same three
 * origins, so the winner's validation errors, from which its prediction intervals are built, are its
 * luckiest. Measured (`npm run bench:intervals`): the best of 30 configurations' 80% intervals held 75%
 * of the truth, and widened by this estimate over the winner's own error, 83%.
 */
import { Rng } from '../core/rng';

export interface FoldSelectionEstimate {
  /** The pick's estimated RMSE on new data (averaged in squares over the draws). */
  readonly score: number;
  /**
   * 5th and 95th percentile of the draws' RMSEs; their whole range when there are fewer than
   * FEW_DRAWS draws (a forecast job's three origins give 21), too few to cut off 5% tails.
   */
  readonly interval: readonly [number, number];
  /** Draws that left a fold out (the others say nothing about the pick). */
  readonly bootstraps: number;
  readonly candidates: number;
  /** score over the best trial's own RMSE, at least 1: how much wider its errors should be taken to be. */
  readonly optimism: number;
}

/** Folds up to this many are drawn exhaustively (4^4 = 256 draws); more are drawn at random. */
const EXHAUSTIVE_MAX_FOLDS = 4;
const RANDOM_DRAWS = 500;
/**
 * Under this many draws the interval is the draws' range. With 21 draws the 95th percentile is the
 * second-worst draw, and one bad origin (the worst draw) lifted the mean-square score above it: the job
 * said "expect 8.69 (90%: 5.72 to 7.30)". The range always holds the score, since the score's square is
 * the mean of the draws' squares.
 */
const FEW_DRAWS = 100;

/**
 * @param foldRmse every candidate trial's RMSE per fold (or another error, see `squared`), all over the same folds with the same number of
 *   points each (a forecast job's origins); trials with another fold count or a non-finite error are left out
 * @param squared whether the fold errors are root-mean-squares (rmse, the default: averaged in squares) or
 *   plain means (mae, mase, mape: averaged as they are)
 * @returns undefined with fewer than two folds (no fold can be left out) or no candidate
 */
export function foldSelectionEstimate(foldRmse: readonly (readonly number[])[], seed = 1, squared = true): FoldSelectionEstimate | undefined {
  const folds = foldRmse.reduce((most, f) => Math.max(most, f.length), 0);
  // `mse` holds what averages over folds: squares of RMSEs; a mean error (mae, mase, mape: squared false) itself.
  const root = squared ? Math.sqrt : (v: number) => v;
  const mse = foldRmse.filter((f) => f.length === folds && f.every(Number.isFinite)).map((f) => f.map((r) => (squared ? r * r : r)));
  if (folds < 2 || mse.length === 0) return undefined;
  const draws: number[][] = folds <= EXHAUSTIVE_MAX_FOLDS ? everyDraw(folds) : randomDraws(folds, new Rng(seed));
  const picked: number[] = [];
  for (const counts of draws) {
    const out = counts.flatMap((c, j) => (c === 0 ? [j] : []));
    if (out.length === 0) continue;
    let pick = 0;
    let pickLoss = Number.POSITIVE_INFINITY;
    for (let t = 0; t < mse.length; t++) {
      let loss = 0;
      for (let j = 0; j < folds; j++) loss += counts[j] * mse[t][j];
      // Ties go to the earlier trial, as the search's own ranking does.
      if (loss < pickLoss) [pick, pickLoss] = [t, loss];
    }
    picked.push(out.reduce((a, j) => a + mse[pick][j], 0) / out.length);
  }
  const score = root(picked.reduce((a, v) => a + v, 0) / picked.length);
  const best = Math.min(...mse.map((f) => root(f.reduce((a, v) => a + v, 0) / folds)));
  const rmses = picked.map(root).sort((a, b) => a - b);
  const at = (q: number) => rmses[Math.min(rmses.length - 1, Math.floor(q * rmses.length))];
  const interval: [number, number] = rmses.length < FEW_DRAWS ? [rmses[0], rmses[rmses.length - 1]] : [at(0.05), at(0.95)];
  return { score, interval, bootstraps: picked.length, candidates: mse.length, optimism: best > 0 ? Math.max(1, score / best) : 1 };
}

/** Every ordered draw of `folds` folds with replacement, as counts per fold. */
function everyDraw(folds: number): number[][] {
  const out: number[][] = [];
  for (let d = 0; d < folds ** folds; d++) {
    const counts = new Array<number>(folds).fill(0);
    for (let j = 0, x = d; j < folds; j++, x = Math.floor(x / folds)) counts[x % folds]++;
    out.push(counts);
  }
  return out;
}

function randomDraws(folds: number, rng: Rng): number[][] {
  return Array.from({ length: RANDOM_DRAWS }, () => {
    const counts = new Array<number>(folds).fill(0);
    for (let j = 0; j < folds; j++) counts[rng.int(folds)]++;
    return counts;
  });
}
