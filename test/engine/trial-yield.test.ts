/**
 * Tree fits give the host a turn every few boosting rounds or trees (FitContext.yieldControl), not only
 * between folds: that is where a trial the job no longer wants is stopped (the host's yield throws), so
 * an abandoned trial frees its consumer within a few rounds instead of after its whole fit.
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/engine/core/rng';
import { parseCsv } from '../../src/engine/data/csv';
import { inferDataset } from '../../src/engine/data/infer-schema';
import { runTrial } from '../../src/engine/run-trial';

function table() {
  const rng = new Rng(4);
  const lines = ['a,b,y'];
  for (let i = 0; i < 400; i++) {
    const a = rng.next();
    const b = rng.next();
    lines.push(`${a},${b},${a + 0.3 * b + 0.2 * rng.next() > 0.7 ? 'p' : 'q'}`);
  }
  return inferDataset(parseCsv(lines.join('\n'))).dataset;
}

describe('yields inside tree fits', () => {
  const ds = table();
  const base = { target: 'y', metric: 'roc_auc' as const, seed: 1, folds: 2 };

  it('boosting and forests yield within each fit, not only between folds', async () => {
    for (const [family, params, atLeast] of [
      // 160 fixed rounds per fit (no early stopping): 10 turns each, 3 fits.
      ['gbdt', { n_estimators: 160, early_stopping_rounds: 0 }, 30],
      // 64 trees per fit: 8 turns each, 3 fits (cross-validated: out of bag, a forest fits once).
      ['random_forest', { n_estimators: 64 }, 24],
    ] as const) {
      let turns = 0;
      const out = await runTrial(ds, { ...base, family, params, outOfBag: false, yieldControl: async () => void turns++ });
      expect(out.status).toBe('complete');
      expect(turns).toBeGreaterThanOrEqual(atLeast);
    }
  });

  it('a yield that throws stops the trial in the middle of a fit', async () => {
    let turns = 0;
    const out = await runTrial(ds, {
      ...base,
      family: 'random_forest',
      params: { n_estimators: 400 },
      yieldControl: async () => {
        if (++turns === 3) throw new Error('stopped: the job no longer wants this trial');
      },
    });
    expect(out).toMatchObject({ status: 'failed', reason: 'stopped: the job no longer wants this trial' });
    // Stopped inside the first fold's fit: 400 trees would have given 50 turns in that fit alone.
    expect(turns).toBe(3);
  });
});
