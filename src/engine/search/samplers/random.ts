/**
 * @module engine/search/samplers/random
 * Random search: a family chosen uniformly among the allowed ones, then each of its parameters (model and
 * pipeline, see space-provider's trialSpace) drawn from its declared distribution. Seeded by (job seed,
 * trial number), so it is reproducible and replayable.
 */
import { Rng, seedFrom } from '../../core/rng';
import type { Sampler } from '../sampler';
import { randomConfig, trialSpace } from '../space-provider';

export const randomSampler: Sampler = {
  name: 'random',
  suggest(history, ctx) {
    return randomConfig(ctx, trialSpace, new Rng(seedFrom(ctx.seed, `random-${history.length}`)));
  },
};
