/**
 * BBC-CV over whole folds (engine/eval/fold-selection-estimate), as a forecast job estimates the optimism
 * of its pick: the best of many equally good trials is found optimistic, a trial better on every fold is
 * not, a lone trial is its own estimate, and the draws are exhaustive (deterministic) for few folds.
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/engine/core/rng';
import { foldSelectionEstimate } from '../../src/engine/eval/fold-selection-estimate';

/** `trials` trials whose RMSE per fold is 10 times noise around 1: none is really better. */
function equallyGood(trials: number, folds: number, seed: number, noise = 0.3): number[][] {
  const rng = new Rng(seed);
  return Array.from({ length: trials }, () => Array.from({ length: folds }, () => 10 * (1 + noise * rng.normal())));
}

describe('foldSelectionEstimate', () => {
  it('finds the best of many equally good trials optimistic, and estimates it near their common error', () => {
    const scores: number[] = [];
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      const trials = equallyGood(200, 3, seed);
      const best = Math.min(...trials.map((f) => Math.sqrt(f.reduce((a, r) => a + r * r, 0) / f.length)));
      const e = foldSelectionEstimate(trials)!;
      // The luckiest of 200 looks twice as good as any trial is.
      expect(best).toBeLessThan(6.5);
      expect(e.optimism).toBeGreaterThan(1.4);
      expect(e.score).toBeCloseTo(best * e.optimism, 10);
      expect(e.interval[0]).toBeLessThanOrEqual(e.score);
      expect(e.interval[1]).toBeGreaterThanOrEqual(e.score);
      // 27 ordered draws of 3 folds, less the 6 that draw every fold.
      expect(e).toMatchObject({ candidates: 200, bootstraps: 21 });
      scores.push(e.score);
    }
    // Every trial's expected RMSE is about 10.4 (10 × sqrt(1 + 0.3²)); one job's estimate is noisy (3 folds).
    const mean = scores.reduce((a, v) => a + v, 0) / scores.length;
    expect(mean).toBeGreaterThan(8.5);
    expect(mean).toBeLessThan(12.5);
  });

  it('sees no optimism in a trial better than the others on every fold, nor in a lone trial', () => {
    // Others within 10% of 10 on each fold: the good trial wins every draw, so its estimate is its own error.
    const trials = [...equallyGood(50, 3, 4, 0.03), [5, 5.5, 4.8]];
    expect(foldSelectionEstimate(trials)!.optimism).toBeCloseTo(1, 12);
    const lone = foldSelectionEstimate([[9, 11, 10]])!;
    expect(lone.optimism).toBeCloseTo(1, 12);
    expect(lone.score).toBeCloseTo(Math.sqrt((81 + 121 + 100) / 3), 12);
  });

  it('holds its score inside its interval when one origin is much worse than the others', () => {
    // A trial far better on origin 1 only wins the one draw of origin 1 alone, and then scores 20 on the
    // two left out; every other draw picks the steady trial (6). The mean-square score (about 7.3) lies
    // above 20 of the 21 draws: the 95th percentile (the second worst, 6) put it outside its own interval.
    const e = foldSelectionEstimate([[1, 20, 20], [6, 6, 6]])!;
    expect(e.bootstraps).toBe(21);
    expect(e.score).toBeCloseTo(Math.sqrt((20 * 36 + 400) / 21), 10);
    expect(e.interval).toEqual([6, 20]);
    for (const seed of [1, 2, 3]) {
      const skewed = equallyGood(100, 3, seed).map(([a, b, c]) => [a, b, 3 * c]);
      const s = foldSelectionEstimate(skewed)!;
      expect(s.interval[0]).toBeLessThanOrEqual(s.score);
      expect(s.interval[1]).toBeGreaterThanOrEqual(s.score);
    }
  });

  it('says nothing with one fold or no usable trial; leaves out trials over other folds or with a failed fold', () => {
    expect(foldSelectionEstimate([[3], [4]])).toBeUndefined();
    expect(foldSelectionEstimate([])).toBeUndefined();
    const e = foldSelectionEstimate([[9, 11, 10], [1, 1], [Number.NaN, 1, 1]])!;
    expect(e.candidates).toBe(1);
  });

  it('draws five or more folds at random, the same for the same seed', () => {
    const trials = equallyGood(40, 6, 5);
    const a = foldSelectionEstimate(trials, 7)!;
    expect(foldSelectionEstimate(trials, 7)).toEqual(a);
    expect(a.optimism).toBeGreaterThan(1);
    expect(a.bootstraps).toBeGreaterThan(450);
  });
});
