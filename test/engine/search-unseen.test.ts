/**
 * A search proposes no configuration it has tried, and knows when it has tried them all
 * (engine/search/samplers/unseen): the forecast baselines (no parameters) and ets (a few choices) run
 * out; spaces with a float never do; a repeat is replaced by a new proposal, the same one for the same
 * history.
 */
import { describe, expect, it } from 'vitest';
import type { DataShape } from '../../src/engine/models/model';
import { configKey, proposeUnseen, randomSampler, samplerFor, searchExhausted, spaceSize } from '../../src/engine/search/samplers';
import type { SamplerContext } from '../../src/engine/search/sampler';
import { categorical, float, int } from '../../src/engine/search/space';
import type { FrozenTrial, SearchFamily } from '../../src/engine/search/trial';

const FORECAST: DataShape = { rows: 108, cols: 1, task: 'regression', nClasses: 0, forecast: { length: 108, season: 12, groups: 1, horizon: 12, positive: true } };
const ctxOf = (families: SearchFamily[], shape: DataShape = FORECAST): SamplerContext => ({ families, shape, seed: 3 });

/** Proposes until the search says it has nothing new, recording each proposal as a finished trial. */
function searchToTheEnd(ctx: SamplerContext, strategy: 'random' | 'auto', limit: number): FrozenTrial[] {
  const sampler = strategy === 'random' ? randomSampler : samplerFor('auto');
  const history: FrozenTrial[] = [];
  for (let n = 0; n < limit; n++) {
    const next = proposeUnseen(sampler, history, ctx);
    if (next === undefined) break;
    history.push({ ...next, number: n, state: 'complete', loss: n });
  }
  return history;
}

describe('proposals that repeat no tried configuration', () => {
  it('counts a space: the product of its choices, infinite with a float', () => {
    expect(spaceSize({})).toBe(1);
    expect(spaceSize({ a: categorical('x', 'y', 'z'), b: int(2, 5), c: categorical(true, false) })).toBe(24);
    expect(spaceSize({ a: categorical('x', 'y'), b: float(0, 1) })).toBe(Number.POSITIVE_INFINITY);
  });

  it('runs the forecast baselines once each, then has nothing new to propose', () => {
    for (const strategy of ['random', 'auto'] as const) {
      const trials = searchToTheEnd(ctxOf(['seasonal_naive', 'drift']), strategy, 50);
      expect(trials.map((t) => t.family).sort()).toEqual(['drift', 'seasonal_naive']);
    }
  });

  it('tries every ets structure once (transform x trend x season) and then stops', () => {
    for (const strategy of ['random', 'auto'] as const) {
      const trials = searchToTheEnd(ctxOf(['ets', 'seasonal_naive']), strategy, 200);
      const keys = trials.map(configKey);
      // 3 transforms x 3 trends x season or not, and the baseline.
      expect(new Set(keys).size).toBe(19);
      // Never a repeat: the last untried ones are drawn directly when the sampler keeps returning to tried ones.
      expect(trials).toHaveLength(19);
    }
  });

  it('never runs out where a family searches a float, and replaces a repeat with a new proposal', () => {
    const ctx = ctxOf(['ets', 'linear']);
    const history = searchToTheEnd(ctx, 'random', 60);
    expect(history).toHaveLength(60);
    expect(searchExhausted(history, ctx)).toBe(false);
    // The random sampler's next draw, made a tried one: the proposal is another, the same each time asked.
    const repeat = randomSampler.suggest(history, ctx);
    const withRepeat: FrozenTrial[] = [...history.slice(0, 59), { ...repeat, number: 59, state: 'complete', loss: 0 }];
    expect(configKey(randomSampler.suggest(withRepeat, ctx))).toBe(configKey(repeat));
    const next = proposeUnseen(randomSampler, withRepeat, ctx);
    expect(next).toBeDefined();
    expect(withRepeat.map(configKey)).not.toContain(configKey(next!));
    expect(proposeUnseen(randomSampler, withRepeat, ctx)).toEqual(next);
  });

  it('does not count tried values the space does not offer (a warm start from another space) towards running out', () => {
    const ctx = ctxOf(['drift', 'seasonal_naive']);
    // Parameters a parameter-free family does not have do not make a second configuration of it.
    const history: FrozenTrial[] = [{ family: 'drift', params: {}, number: 0, state: 'complete', loss: 1 }];
    expect(searchExhausted(history, ctx)).toBe(false);
    expect(searchExhausted([...history, { family: 'seasonal_naive', params: { stale: 1 }, number: 1, state: 'complete', loss: 1 }], ctx)).toBe(true);
  });
});
