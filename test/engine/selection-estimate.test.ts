/**
 * The search's pick estimated without the optimism of picking (engine/eval/selection-estimate, BBC-CV):
 * on labels with no signal the best of many trials scores well above chance out of fold, and the estimate
 * is back at chance; with one clearly better trial the estimate stays near its score; it is seeded.
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/engine/core/rng';
import { METRICS } from '../../src/engine/eval/metrics';
import { selectionEstimate } from '../../src/engine/eval/selection-estimate';

const n = 300;

describe('selectionEstimate', () => {
  it('puts the best of 60 trials on pure noise back at chance, where its out-of-fold score is not', () => {
    const rng = new Rng(3);
    const y = Float32Array.from({ length: n }, () => rng.int(2));
    const oofs = Array.from({ length: 60 }, () => Float32Array.from({ length: n }, () => rng.next()));
    const best = Math.max(...oofs.map((o) => METRICS.roc_auc.score(y, o, 2)));
    expect(best).toBeGreaterThan(0.56);
    const estimate = selectionEstimate(y, 2, 'roc_auc', oofs)!;
    expect(Math.abs(estimate.score - 0.5)).toBeLessThan(0.025);
    expect(estimate.interval[0]).toBeLessThan(0.5);
    expect(estimate.interval[1]).toBeGreaterThan(0.5);
    expect(estimate).toMatchObject({ candidates: 60, rows: n, bootstraps: 100 });
    expect(selectionEstimate(y, 2, 'roc_auc', oofs)).toEqual(estimate);
  });

  it('keeps a clearly better trial near its own score (regression, a loss metric), on a sample of a large table', () => {
    const rng = new Rng(5);
    const big = 6_000;
    const y = Float32Array.from({ length: big }, () => rng.uniform(0, 10));
    const noisy = (scale: number) => Float32Array.from(y, (v) => v + rng.uniform(-scale, scale));
    const oofs = [noisy(1), noisy(3), noisy(3), noisy(4)];
    const own = METRICS.rmse.score(y, oofs[0], 0);
    const estimate = selectionEstimate(y, 0, 'rmse', oofs)!;
    expect(estimate.rows).toBe(2_000);
    expect(Math.abs(estimate.score - own) / own).toBeLessThan(0.05);
    expect(estimate.interval[0]).toBeLessThanOrEqual(estimate.score);
  });

  it('averages rmse as rmse pools rows: one model with one large error is estimated at its own rmse, not below', () => {
    const n = 200;
    const y = Float32Array.from({ length: n }, (_, i) => 2 * i);
    // Off by 1 everywhere, and by 1,000 on one row: the pooled rmse is sqrt((199 + 1e6) / 200) = 70.7.
    const oof = Float32Array.from(y, (v, i) => v + (i === 50 ? 1_000 : 1));
    const pooled = Math.sqrt((199 + 1e6) / 200);
    const estimate = selectionEstimate(y, 0, 'rmse', [oof])!;
    // A single candidate has no optimism of picking to remove: the estimate is its own score, give or take.
    expect(Math.abs(estimate.score - pooled) / pooled).toBeLessThan(0.1);
  });

  it('says nothing about fewer than 20 rows', () => {
    expect(selectionEstimate(new Float32Array(10), 2, 'roc_auc', [new Float32Array(10)])).toBeUndefined();
  });
});
