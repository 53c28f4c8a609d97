/**
 * Every sampler passes the same contract (test/contracts/sampler.contract.ts), and each strategy name
 * maps to the intended sampler.
 */
import { describe, expect, it } from 'vitest';
import { gridSampler, randomSampler, samplerFor, tpeSampler, withPortfolio } from '../../src/engine/search/samplers';
import { registrySpace } from '../../src/engine/search/space-provider';
import { describeSamplerContract } from '../contracts/sampler.contract';

describeSamplerContract('random', () => randomSampler);
describeSamplerContract('grid', () => gridSampler());
describeSamplerContract('tpe', () => tpeSampler());
// A short startup so the contract's 25-45 trial searches spend most suggestions in the model-based phase.
describeSamplerContract('tpe (nStartup 4)', () => tpeSampler({ nStartup: 4 }));
describeSamplerContract('portfolio+tpe', () => withPortfolio(tpeSampler()));

describe('samplerFor', () => {
  it('maps each strategy to its sampler', () => {
    expect(samplerFor('auto').name).toBe('portfolio+tpe');
    expect(samplerFor('bayes').name).toBe('tpe');
    expect(samplerFor('grid').name).toBe('grid');
    expect(samplerFor('random').name).toBe('random');
  });

  it('passes sampler options through', () => {
    const ctx = { families: ['linear'] as const, shape: { rows: 100, cols: 3, task: 'regression' as const, nClasses: 0 }, seed: 1 };
    // With one point per dimension the linear grid (model parameters only) has a single point: the second
    // suggestion must fall back.
    const grid = samplerFor('grid', { grid: { pointsPerDim: 1, spaceOf: registrySpace } });
    const first = grid.suggest([], ctx);
    expect(first.params).toEqual({ C: 0.1, l1_ratio: 0.5 });
    const second = grid.suggest([{ ...first, number: 0, state: 'running' }], ctx);
    expect(second.params).not.toEqual(first.params);
  });
});
