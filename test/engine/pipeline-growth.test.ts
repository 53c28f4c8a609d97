/**
 * What a dense pipeline adds to a trial's memory plan (trial-memory PipelineGrowth): fe_construct writes
 * up to 51 more columns into new matrices, augment adds rows (SMOTE as many as the target's classes
 * need, noise one copy). Uncounted, a linear trial with pairs on 40,000 x 30 held 50 MiB against a plan of
 * 17 (npm run bench:memory -- --families linear --rows 40000 --cols 30 --categorical 2 --pipeline fe_construct=pairs).
 */
import { describe, expect, it } from 'vitest';
import type { Dataset } from '../../src/engine/data/dataset';
import { MAX_CONSTRUCTED_TERMS } from '../../src/engine/features/construct';
import { planTrialMemory, runTrial } from '../../src/engine/run-trial';
import { pipelineGrowth } from '../../src/engine/trial-memory';
import { Rng } from '../../src/engine/core/rng';

function table(rows: number, positives: number): Dataset {
  const rng = new Rng(3);
  const columns: Dataset['columns'] = Array.from({ length: 8 }, (_, j) => ({ name: `x${j}`, type: 'numeric' as const, storage: 'f64' as const, values: Float64Array.from({ length: rows }, () => rng.normal()) }));
  return { rows, columns: [...columns, { name: 'y', type: 'categorical', storage: 'codes', codes: Int32Array.from({ length: rows }, (_, i) => (i < positives ? 1 : 0)), levels: ['no', 'yes'] }] };
}

const spec = (family: 'linear' | 'gbdt', params: Record<string, string | number>) => ({ family, params, target: 'y', metric: 'roc_auc' as const, seed: 1, folds: 1 });

describe('a dense pipeline\'s growth in the memory plan', () => {
  it('counts constructed columns in the features and the model, for dense models only', () => {
    const ds = table(20_000, 5_000);
    const plain = planTrialMemory(ds, spec('linear', {}));
    const pairs = planTrialMemory(ds, spec('linear', { fe_construct: 'pairs' }));
    // Two matrices of the constructed width, every matrix row of them (a fifth of the rows validate).
    expect(pairs.features - plain.features).toBeGreaterThanOrEqual(2 * 4 * 20_000 * (8 + MAX_CONSTRUCTED_TERMS));
    expect(pairs.model).toBeGreaterThan(plain.model);
    expect(pipelineGrowth('trees', { construct: 'pairs', augment: 'smote', select: 'none', selectKeep: 1 }, 'binary')).toEqual({ columns: 0, rowsPerRow: 0, keep: 1 });
    // Selection keeps a share of the columns for the model: less to fit.
    const selected = planTrialMemory(ds, spec('linear', { fe_construct: 'pairs', fe_select: 'mutual_info', fe_select_keep: 0.3 }));
    expect(selected.model).toBeLessThan(pairs.model);
    expect(selected.features).toBe(pairs.features);
  });

  it('counts SMOTE\'s rows from the target\'s classes, and noise as one copy', () => {
    const prep = (augment: 'smote' | 'noise') => ({ construct: 'none' as const, augment, select: 'none' as const, selectKeep: 1 });
    expect(pipelineGrowth('dense', prep('smote'), 'binary', [0, 0, 0, 1])).toEqual({ columns: 0, rowsPerRow: 0.5, keep: 1 });
    expect(pipelineGrowth('dense', prep('smote'), 'multiclass', [0, 0, 0, 0, 0, 0, 0, 0, 1, 2])).toEqual({ columns: 0, rowsPerRow: 1.4, keep: 1 });
    expect(pipelineGrowth('dense', prep('smote'), 'multiclass', [...Array(20).fill(0), 1, 2, 3, 4])).toEqual({ columns: 0, rowsPerRow: 2, keep: 1 });
    expect(pipelineGrowth('dense', prep('noise'), 'regression')).toEqual({ columns: 0, rowsPerRow: 1, keep: 1 });
    expect(pipelineGrowth('dense', prep('smote'), 'regression')).toEqual({ columns: 0, rowsPerRow: 0, keep: 1 });
    const skewed = table(20_000, 2_000);
    const balanced = table(20_000, 10_000);
    const extra = (ds: Dataset) => planTrialMemory(ds, spec('linear', { augment: 'smote' })).total - planTrialMemory(ds, spec('linear', {})).total;
    expect(extra(balanced)).toBe(0);
    expect(extra(skewed)).toBeGreaterThan(4 * 16_000 * 8);
  });

  it('refuses a dense trial whose construction would not fit, where it ran uncounted before', async () => {
    const ds = table(20_000, 5_000);
    const need = planTrialMemory(ds, spec('linear', { fe_construct: 'pairs' })).total;
    const plain = planTrialMemory(ds, spec('linear', {})).total;
    const limit = Math.floor((need + plain) / 2);
    const refused = await runTrial(ds, { ...spec('linear', { fe_construct: 'pairs' }), memoryLimitBytes: limit });
    expect(refused).toMatchObject({ status: 'failed', code: 'insufficient_budget' });
    expect((await runTrial(ds, { ...spec('linear', {}), memoryLimitBytes: limit })).status).toBe('complete');
  });
});
