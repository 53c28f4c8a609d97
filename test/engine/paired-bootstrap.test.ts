/**
 * The paired bootstrap of a champion/challenger score difference (src/engine/eval/paired-bootstrap.ts),
 * on simulated held-out rows where the true difference is known from a large sample: its 90% interval
 * covers the true difference about 90% of the time, lies above 0 for a clearly better challenger (below
 * for a lower loss), is 0 for identical models, is the same on every call, reads ROC AUC on each
 * resample exactly as the metric does (though it sorts each model once), and bounds its work on large
 * holdouts.
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/engine/core/rng';
import { METRICS } from '../../src/engine/eval/metrics';
import { pairedDifference } from '../../src/engine/eval/paired-bootstrap';
import { decideChallenge } from '../../src/durable/retrain-rules';

/**
 * Binary rows whose label follows a latent score; each model scores the latent plus its own noise (and a
 * share of noise common to both, as two models of one table share their hard rows).
 */
function holdout(rng: Rng, rows: number, championNoise: number, challengerNoise: number) {
  const truth = new Float32Array(rows);
  const champion = new Float32Array(rows);
  const challenger = new Float32Array(rows);
  for (let i = 0; i < rows; i++) {
    const latent = rng.normal();
    truth[i] = rng.next() < 1 / (1 + Math.exp(-2.2 * latent)) ? 1 : 0;
    const shared = 0.5 * rng.normal();
    champion[i] = 1 / (1 + Math.exp(-(latent + championNoise * (shared + rng.normal()))));
    challenger[i] = 1 / (1 + Math.exp(-(latent + challengerNoise * (shared + rng.normal()))));
  }
  return { truth, champion, challenger };
}

const auc = METRICS.roc_auc.score;

describe('the paired bootstrap of a score difference', () => {
  it('covers the true ROC AUC difference about 9 times in 10', () => {
    const big = holdout(new Rng(99), 100_000, 0.8, 0.55);
    const trueDifference = auc(big.truth, big.challenger, 2) - auc(big.truth, big.champion, 2);
    expect(trueDifference).toBeGreaterThan(0.03);
    const rng = new Rng(5);
    let covered = 0;
    const holdouts = 150;
    for (let h = 0; h < holdouts; h++) {
      const s = holdout(rng, 120, 0.8, 0.55);
      const d = pairedDifference(s.truth, s.challenger, s.champion, 2, 'roc_auc')!;
      expect(d.value).toBeCloseTo(auc(s.truth, s.challenger, 2) - auc(s.truth, s.champion, 2), 12);
      expect(d.interval[0]).toBeLessThanOrEqual(d.interval[1]);
      if (d.interval[0] <= trueDifference && trueDifference <= d.interval[1]) covered++;
    }
    // Measured: 88-93% over holdouts of 75 to 1,000 rows, 300 holdouts each.
    expect(covered / holdouts).toBeGreaterThan(0.8);
    expect(covered / holdouts).toBeLessThan(0.97);
  }, 60_000);

  it('lies above 0 for a clearly better challenger, and holds 0 for one no better', () => {
    const better = holdout(new Rng(11), 200, 1.2, 0.2);
    const d = pairedDifference(better.truth, better.challenger, better.champion, 2, 'roc_auc')!;
    expect(d.interval[0]).toBeGreaterThan(0);
    // The same model on both sides: every resample reads exactly 0.
    expect(pairedDifference(better.truth, better.champion, better.champion, 2, 'roc_auc')).toEqual({ value: 0, interval: [0, 0], bootstraps: 1000 });
    // Two equally good models on 60 rows: the rows cannot tell them apart.
    const equal = holdout(new Rng(12), 60, 0.8, 0.8);
    const e = pairedDifference(equal.truth, equal.challenger, equal.champion, 2, 'roc_auc')!;
    expect(e.interval[0]).toBeLessThan(0);
    expect(e.interval[1]).toBeGreaterThan(0);
  });

  it('reads a loss in its own direction: a challenger with lower RMSE has an interval below 0', () => {
    const rng = new Rng(3);
    const rows = 150;
    const truth = new Float32Array(rows);
    const champion = new Float32Array(rows);
    const challenger = new Float32Array(rows);
    for (let i = 0; i < rows; i++) {
      truth[i] = 10 * rng.normal();
      champion[i] = truth[i] + 4 * rng.normal();
      challenger[i] = truth[i] + 2 * rng.normal();
    }
    const d = pairedDifference(truth, challenger, champion, 0, 'rmse')!;
    expect(d.value).toBeLessThan(0);
    expect(d.interval[1]).toBeLessThan(0);
  });

  it('gives the same interval on every call, and none without rows to resample or with one class', () => {
    const s = holdout(new Rng(21), 80, 0.8, 0.6);
    expect(pairedDifference(s.truth, s.challenger, s.champion, 2, 'roc_auc')).toEqual(pairedDifference(s.truth, s.challenger, s.champion, 2, 'roc_auc'));
    expect(pairedDifference(s.truth.subarray(0, 1), s.challenger.subarray(0, 1), s.champion.subarray(0, 1), 2, 'roc_auc')).toBeUndefined();
    expect(pairedDifference(new Float32Array(10).fill(1), s.challenger.subarray(0, 10), s.champion.subarray(0, 10), 2, 'roc_auc')).toBeUndefined();
  });

  it('reads ROC AUC on each resample exactly as the metric does, though it sorts each model once', () => {
    // The metric itself on the same resamples (seed 1, each row drawn as the bootstrap draws it): the same
    // 5th and 95th percentiles, for a binary model and a 3-class one (scores on a grid of 1/64: ties).
    const metricInterval = (truth: Float32Array, a: Float32Array, b: Float32Array, classes: number): number[] => {
      const rng = new Rng(1);
      const n = truth.length;
      const w = new Float32Array(n);
      const diffs: number[] = [];
      for (let r = 0; r < 1000; r++) {
        w.fill(0);
        for (let i = 0; i < n; i++) w[rng.int(n)]++;
        const d = auc(truth, a, classes, w) - auc(truth, b, classes, w);
        if (Number.isFinite(d)) diffs.push(d);
      }
      diffs.sort((x, y) => x - y);
      return [diffs[Math.floor(0.05 * diffs.length)], diffs[Math.floor(0.95 * diffs.length)]];
    };
    const grid = (x: Float32Array) => x.map((v) => Math.round(v * 64) / 64);
    const s = holdout(new Rng(41), 150, 0.8, 0.6);
    const [challenger, champion] = [grid(s.challenger), grid(s.champion)];
    const binary = pairedDifference(s.truth, challenger, champion, 2, 'roc_auc')!;
    expect(binary.bootstraps).toBe(1000);
    expect(binary.interval).toEqual(metricInterval(s.truth, challenger, champion, 2));

    const r = new Rng(42);
    const rows = 90;
    const truth = Float32Array.from({ length: rows }, () => r.int(3));
    const probs = () => grid(Float32Array.from({ length: 3 * rows }, (_, k) => (truth[Math.floor(k / 3)] === k % 3 ? 0.45 : 0.3) + 0.25 * r.next()));
    const [a, b] = [probs(), probs()];
    const multi = pairedDifference(truth, a, b, 3, 'roc_auc')!;
    expect(multi.value).toBeCloseTo(auc(truth, a, 3) - auc(truth, b, 3), 12);
    expect(multi.interval).toEqual(metricInterval(truth, a, b, 3));
  });

  it('takes fewer resamples on a large holdout, never under 200', () => {
    // 40,000 rows: 500 resamples, and a narrow interval.
    const s = holdout(new Rng(31), 40_000, 0.8, 0.6);
    const d = pairedDifference(s.truth, s.challenger, s.champion, 2, 'roc_auc')!;
    expect(d.bootstraps).toBe(500);
    expect(d.interval[0]).toBeGreaterThan(0);
    expect(d.interval[1] - d.interval[0]).toBeLessThan(0.02);
    // 150,000 rows get the floor of 200 (the work of 1,000 resamples of 20,000).
    const rows = 150_000;
    const r = new Rng(32);
    const truth = Float32Array.from({ length: rows }, () => r.normal());
    const noisy = (sd: number) => truth.map((t) => t + sd * r.normal());
    const big = pairedDifference(truth, noisy(1), noisy(1.1), 0, 'rmse')!;
    expect(big.bootstraps).toBe(200);
    expect(big.interval[1]).toBeLessThan(0);
  }, 60_000);
});

describe('the promotion rules on simulated holdouts (durable/challenge-noise)', () => {
  /** How often each rule promotes a challenger of this noise over a champion of 0.8, on holdouts of `rows`. */
  function promotionRates(challengerNoise: number, rows: number, holdouts: number): { margin: number; beyondNoise: number } {
    const rng = new Rng(1_000 + rows + Math.round(100 * challengerNoise));
    let margin = 0;
    let beyondNoise = 0;
    for (let h = 0; h < holdouts; h++) {
      const s = holdout(rng, rows, 0.8, challengerNoise);
      const difference = pairedDifference(s.truth, s.challenger, s.champion, 2, 'roc_auc')!;
      const report = { status: 'complete' as const, challenger_score: auc(s.truth, s.challenger, 2), champion_score: auc(s.truth, s.champion, 2), champion_version: 1, holdout_rows: rows, difference };
      if (decideChallenge('roc_auc', 2, 1, { margin: 0.002, promotion: 'margin', report }).promote) margin++;
      if (decideChallenge('roc_auc', 2, 1, { margin: 0.002, promotion: 'beyond_noise', report }).promote) beyondNoise++;
    }
    return { margin: margin / holdouts, beyondNoise: beyondNoise / holdouts };
  }

  it('rarely promotes a worse or an equal challenger beyond noise, where the margin alone often does', () => {
    // About 0.03 ROC AUC worse, and equal, on 75 rows. Measured (300 holdouts): margin 31% and 50%, beyond noise 2% and 4%.
    const worse = promotionRates(1.0, 75, 150);
    expect(worse.margin).toBeGreaterThan(0.15);
    expect(worse.beyondNoise).toBeLessThanOrEqual(0.05);
    const equal = promotionRates(0.8, 75, 150);
    expect(equal.margin).toBeGreaterThan(0.3);
    expect(equal.beyondNoise).toBeLessThanOrEqual(0.1);
  }, 60_000);

  it('still promotes a better challenger once the holdout shows it', () => {
    // About 0.075 better: measured 54% of holdouts of 75 rows, 95% of 300.
    const small = promotionRates(0.35, 75, 100);
    const large = promotionRates(0.35, 300, 100);
    expect(small.beyondNoise).toBeGreaterThan(0.3);
    expect(large.beyondNoise).toBeGreaterThan(0.85);
    expect(large.margin).toBeGreaterThanOrEqual(large.beyondNoise);
  }, 60_000);
});

