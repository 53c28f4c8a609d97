/**
 * The bench's split noise (scripts/lib/split-noise): a bootstrap interval of a held-out score, checked
 * against what sampling theory says it should be, on made-up predictions whose error law is known.
 */
import { describe, expect, it } from 'vitest';
import { splitNoise } from '../../scripts/lib/split-noise';
import { Rng } from '../../src/engine/core/rng';

/** n regression rows with truth 0 and standard normal errors. */
function normalErrors(n: number, seed: number) {
  const rng = new Rng(seed);
  return { truth: Array.from({ length: n }, () => '0'), result: { predictions: Array.from({ length: n }, () => rng.normal()) } };
}

describe('split noise', () => {
  it('matches the sampling spread of an RMSE (delta method) and shrinks as 1/sqrt(rows)', () => {
    // With N(0,1) errors, RMSE ≈ 1 and sd(RMSE) ≈ sqrt(Var(e²)) / (2 sqrt(n)) = sqrt(2) / (2 sqrt(n)):
    // a 95% half-width of 1.96 · 0.0354 = 0.069 at n = 400, and half that at n = 1,600.
    const { truth, result } = normalErrors(400, 3);
    const small = splitNoise('rmse', truth, result, []);
    expect(small.halfWidth).toBeGreaterThan(0.055);
    expect(small.halfWidth).toBeLessThan(0.085);
    expect(small.low).toBeLessThan(1);
    expect(small.high).toBeGreaterThan(1);
    const large = normalErrors(1600, 4);
    const ratio = small.halfWidth / splitNoise('rmse', large.truth, large.result, []).halfWidth;
    expect(ratio).toBeGreaterThan(1.6);
    expect(ratio).toBeLessThan(2.5);
  });

  it('is zero for a classifier that ranks every row right, and redraws resamples holding one class', () => {
    // 3 rows of 10 positive: some resamples hold no positive, whose ROC AUC is undefined; they are drawn again.
    const truth = Array.from({ length: 10 }, (_, i) => (i < 3 ? 'yes' : 'no'));
    const probabilities = truth.map((t) => (t === 'yes' ? { no: 0.1, yes: 0.9 } : { no: 0.9, yes: 0.1 }));
    const noise = splitNoise('roc_auc', truth, { predictions: truth, probabilities }, ['no', 'yes'], 200);
    expect(noise).toEqual({ low: 1, high: 1, halfWidth: 0, resamples: 200 });
  });

  it('is the same for the same seed and refuses an empty test split', () => {
    const { truth, result } = normalErrors(50, 5);
    expect(splitNoise('mae', truth, result, [], 300, 9)).toEqual(splitNoise('mae', truth, result, [], 300, 9));
    expect(() => splitNoise('rmse', [], { predictions: [] }, [])).toThrow(/at least one test row/);
  });
});
