/**
 * Early stopping never watches the rows a trial is scored on. On labels that are pure noise no model can
 * beat chance, so an out-of-fold AUC above it is exactly the flattery of picking the best boosting round
 * on the scored fold itself (measured: mean 0.545 over these ten sets when the fold was watched, 0.491
 * now). A flattering score ranks early-stopping families above honest ones and skews the ensemble.
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/engine/core/rng';
import { parseCsv } from '../../src/engine/data/csv';
import { inferDataset } from '../../src/engine/data/infer-schema';
import { getModelSpec } from '../../src/engine/models/registry';
import { runTrial } from '../../src/engine/run-trial';

/** 300 rows of four uniform features and a coin-flip label. */
function noiseTable(seed: number) {
  const rng = new Rng(seed);
  const lines = ['a,b,c,d,y'];
  for (let i = 0; i < 300; i++) lines.push([rng.next(), rng.next(), rng.next(), rng.next(), rng.next() < 0.5 ? 'p' : 'q'].join(','));
  return inferDataset(parseCsv(lines.join('\n'))).dataset;
}

describe('early stopping in cross-validation', () => {
  it('gives chance-level out-of-fold AUC on noise labels (the scored fold is not watched)', async () => {
    const scores: number[] = [];
    for (let seed = 0; seed < 10; seed++) {
      const out = await runTrial(noiseTable(seed), { family: 'gbdt', params: {}, target: 'y', metric: 'roc_auc', seed, folds: 5 });
      if (out.status !== 'complete') throw new Error(out.reason);
      // The refit still learns a tree count from the folds' watched rows.
      expect(out.fitInfo.refit_iterations).toBeGreaterThan(0);
      scores.push(out.score);
    }
    const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
    expect(mean).toBeLessThan(0.52);
  }, 120_000);

  it('does not stop early at all when a fold has too few training rows to set some aside (it watched the scored rows)', async () => {
    // 12 rows in 3 folds: 8 training rows a fold, under the 10 that a watched fifth needs.
    const rng = new Rng(4);
    const lines = ['a,b,y', ...Array.from({ length: 12 }, (_, i) => [rng.next(), rng.next(), i % 2 ? 'p' : 'q'].join(','))];
    const out = await runTrial(inferDataset(parseCsv(lines.join('\n'))).dataset, { family: 'gbdt', params: {}, target: 'y', metric: 'roc_auc', seed: 1, folds: 3 });
    if (out.status !== 'complete') throw new Error(out.reason);
    // Every fold trained all its rounds, hundreds (not the few picked on the rows it is scored on: 18), and so does the refit.
    const rounds = Number(getModelSpec('gbdt').defaults({ rows: 12, cols: 2, task: 'binary', nClasses: 2 }).n_estimators);
    expect(out.fitInfo.refit_iterations).toBeGreaterThanOrEqual(rounds);
  });
});
