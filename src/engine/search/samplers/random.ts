/**
 * @module engine/search/samplers/random
 * Random search: a family chosen uniformly among the allowed ones, then each of its parameters drawn from
 * its declared distribution. Seeded by (job seed, trial number), so it is reproducible and replayable.
 */
import { Rng, seedFrom } from '../../core/rng';
import { getModelSpec } from '../../models/registry';
import { sampleSpace } from '../sample-distribution';
import type { Sampler } from '../sampler';

export const randomSampler: Sampler = {
  name: 'random',
  suggest(history, ctx) {
    const rng = new Rng(seedFrom(ctx.seed, `random-${history.length}`));
    const family = ctx.families[rng.int(ctx.families.length)];
    return { family, params: sampleSpace(getModelSpec(family).space(ctx.shape), rng) };
  },
};
