/**
 * A trial artifact's serving metadata (worker/queue/serving-metadata), which the ensemble builder reads
 * with a HEAD: the estimate and its trees' shapes come back as the engine computes them, a model without
 * trees writes no shapes, and metadata written before the shapes existed (or malformed) reads as the
 * estimate alone, which a blend adds as before.
 */
import { describe, expect, it } from 'vitest';
import { forestShapes, runTrial, servingCostMicros } from '../../src/engine';
import { parseCsv } from '../../src/engine/data/csv';
import { inferDataset } from '../../src/engine/data/infer-schema';
import { getModelSpec } from '../../src/engine/models/registry';
import type { Params } from '../../src/engine/search/space';
import { blendServingMicros } from '../../src/engine/serialize/serving-cost';
import { SERVING_COST_METADATA, SERVING_FORESTS_METADATA, servingMetadata, servingProfileOf } from '../../src/worker/queue/serving-metadata';
import { blobsCsv } from './mlp-member-fixture';

async function trained(family: 'random_forest' | 'linear', params: Params) {
  const ds = inferDataset(parseCsv(blobsCsv(160, 3))).dataset;
  const outcome = await runTrial(ds, { family, params, target: 'label', task: 'binary', metric: 'roc_auc', seed: 1, folds: 2 });
  if (outcome.status !== 'complete') throw new Error(outcome.reason);
  return outcome.envelope;
}

describe('serving metadata of a trial artifact', () => {
  it("carries the estimate and the trees' shapes, read back as the engine has them", async () => {
    const forest = await trained('random_forest', { ...getModelSpec('random_forest').defaults({ rows: 160, cols: 4, task: 'binary', nClasses: 2 }), n_estimators: 20 });
    const { micros, metadata } = servingMetadata(forest);
    expect(micros).toBe(servingCostMicros(forest));
    expect(metadata[SERVING_COST_METADATA]).toBe(micros.toFixed(2));
    const profile = servingProfileOf(metadata);
    expect(profile.micros).toBeCloseTo(micros, 2);
    expect(profile.forests).toEqual(forestShapes(forest));
    expect(profile.forests).toHaveLength(1);
  });

  it('writes no shapes for a model without trees', async () => {
    const linear = await trained('linear', { C: 1, l1_ratio: 0, class_weight: 'none' });
    const { metadata } = servingMetadata(linear);
    expect(Object.keys(metadata)).toEqual([SERVING_COST_METADATA]);
    expect(servingProfileOf(metadata).forests).toEqual([]);
  });

  it('reads older or malformed metadata as the estimate alone, which a blend adds as before', () => {
    expect(servingProfileOf(undefined)).toEqual({ micros: 0, forests: [] });
    expect(servingProfileOf({ [SERVING_COST_METADATA]: '12.50' })).toEqual({ micros: 12.5, forests: [] });
    for (const bad of ['300:x:5000', '300:181200', '0:10:10', '300:181200:5560000,']) {
      expect(servingProfileOf({ [SERVING_COST_METADATA]: '220', [SERVING_FORESTS_METADATA]: bad }).forests, bad).toEqual([]);
    }
    const legacy = [servingProfileOf({ [SERVING_COST_METADATA]: '220' }), servingProfileOf({ [SERVING_COST_METADATA]: '180' })];
    expect(blendServingMicros(legacy)).toBeCloseTo(220 + 180 - 0.5, 9);
    // With the shapes of two large forests, the blend is estimated over that sum.
    const shapes = '300:181200:5560000';
    const profiled = [220, 180].map((us) => servingProfileOf({ [SERVING_COST_METADATA]: String(us), [SERVING_FORESTS_METADATA]: shapes }));
    expect(blendServingMicros(profiled)).toBeGreaterThan(220 + 180);
  });
});
