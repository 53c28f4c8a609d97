/**
 * Warm start for retraining jobs: the champion's configurations come first, fitted into this job's space
 * (disallowed families skipped, values clamped, missing parameters defaulted), then the wrapped sampler
 * continues; and the shared sampler contract holds for the wrapped sampler.
 */
import { describe, expect, it } from 'vitest';
import type { SamplerContext } from '../../src/engine/search/sampler';
import { samplerFor, tpeSampler, withWarmStart } from '../../src/engine/search/samplers';
import type { FrozenTrial, TrialConfig } from '../../src/engine/search/trial';
import { describeSamplerContract, expectInSpace } from '../contracts/sampler.contract';

const gbdtChampion: TrialConfig = {
  family: 'gbdt',
  params: { learning_rate: 0.07, num_leaves: 24, min_data_in_leaf: 12, lambda_l2: 0.5, feature_fraction: 0.8, bagging_fraction: 0.9, n_estimators: 300, class_weight: 'balanced', fe_select: 'none', fe_select_keep: 1 },
};
/** Trained on other data: values out of this job's bounds, a parameter missing, one unknown. */
const linearChampion: TrialConfig = { family: 'linear', params: { C: 1e9, surprise: 'yes' } };

describeSamplerContract('warm-start+tpe', () => withWarmStart([gbdtChampion, linearChampion], tpeSampler()));

const ctx: SamplerContext = { families: ['gbdt', 'linear'], shape: { rows: 800, cols: 6, task: 'binary', nClasses: 2 }, seed: 3 };

describe('withWarmStart', () => {
  it('tries the configurations first, in order, then defers to the wrapped sampler with the full history', () => {
    const tpe = tpeSampler();
    const sampler = withWarmStart([gbdtChampion, linearChampion], tpe);
    const first = sampler.suggest([], ctx);
    expect(first).toEqual(gbdtChampion);
    const history = [{ ...first, number: 0, state: 'complete' as const, loss: 0.2 }];
    const second = sampler.suggest(history, ctx);
    expect(second.family).toBe('linear');
    const both = [...history, { ...second, number: 1, state: 'running' as const }];
    expect(sampler.suggest(both, ctx)).toEqual(tpe.suggest(both, ctx));
  });

  it('fits a configuration from other data into this space', () => {
    const fitted = withWarmStart([linearChampion], tpeSampler()).suggest([], ctx);
    expectInSpace(fitted, ctx);
    expect(fitted.params).not.toHaveProperty('surprise');
    // Clamped to the top of its bound rather than replaced by the default.
    const defaults = samplerFor('auto').suggest([], { ...ctx, families: ['linear'] });
    expect(fitted.params.C).toBeGreaterThan(defaults.params.C as number);
    const tiny = { ...ctx, shape: { ...ctx.shape, rows: 40 } };
    const onTiny = withWarmStart([gbdtChampion], tpeSampler()).suggest([], tiny);
    expectInSpace(onTiny, tiny);
    expect(onTiny.params.num_leaves).toBeLessThan(24);
    expect(onTiny.params.learning_rate).toBe(0.07);
  });

  it("puts a forecast job's parameter-free baselines right after the champion's configurations, unless they are among them", () => {
    const series: SamplerContext = {
      families: ['seasonal_naive', 'drift', 'linear', 'gbdt'],
      shape: { rows: 120, cols: 1, task: 'regression', nClasses: 0, forecast: { length: 120, season: 12, groups: 1, horizon: 12 } },
      seed: 3,
    };
    const champion = samplerFor('auto').suggest([{ family: 'seasonal_naive', params: {}, number: 0, state: 'complete', loss: 1 }, { family: 'drift', params: {}, number: 1, state: 'complete', loss: 1 }], series);
    expect(champion.family).toBe('linear');
    const tpe = tpeSampler();
    const sampler = withWarmStart([champion], tpe);
    const suggested: TrialConfig[] = [];
    const history: FrozenTrial[] = [];
    for (let n = 0; n < 3; n++) {
      const next = sampler.suggest(history, series);
      suggested.push(next);
      history.push({ ...next, number: n, state: 'complete', loss: 1 });
    }
    expect(suggested.map((c) => c.family)).toEqual(['linear', 'seasonal_naive', 'drift']);
    expect(suggested[1].params).toEqual({});
    expect(sampler.suggest(history, series)).toEqual(tpe.suggest(history, series));
    // A champion that is a baseline is not tried twice; a table job has no parameter-free family to add.
    const naive = withWarmStart([{ family: 'seasonal_naive', params: {} }], tpe);
    expect(naive.suggest([], series).family).toBe('seasonal_naive');
    expect(naive.suggest([{ family: 'seasonal_naive', params: {}, number: 0, state: 'complete', loss: 1 }], series).family).toBe('drift');
  });

  it('skips configurations of families the job does not allow', () => {
    const only = { ...ctx, families: ['linear' as const] };
    expect(withWarmStart([gbdtChampion, linearChampion], tpeSampler()).suggest([], only).family).toBe('linear');
  });
});

describe('samplerFor with warmStart', () => {
  it('replaces the portfolio under auto, and precedes the strategy otherwise', () => {
    const auto = samplerFor('auto', { warmStart: [gbdtChampion] });
    expect(auto.name).toBe('warm-start+tpe');
    expect(auto.suggest([], ctx)).toEqual(gbdtChampion);
    expect(samplerFor('random', { warmStart: [gbdtChampion] }).name).toBe('warm-start+random');
    expect(samplerFor('auto', { warmStart: [] }).name).toBe('portfolio+tpe');
  });
});
