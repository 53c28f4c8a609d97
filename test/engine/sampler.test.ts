/**
 * Every sampler passes the same contract (test/contracts/sampler.contract.ts), and each strategy name
 * maps to the intended sampler.
 */
import { describe, expect, it } from 'vitest';
import { evolutionSampler, gridSampler, randomSampler, samplerFor, tpeSampler, withPortfolio } from '../../src/engine/search/samplers';
import { registrySpace } from '../../src/engine/search/space-provider';
import { Rng } from '../../src/engine/core/rng';
import { mutateValue } from '../../src/engine/search/samplers/evolution';
import { float, int } from '../../src/engine/search/space';
import { describeSamplerContract } from '../contracts/sampler.contract';
import { bestLoss, mixedObjective, type Objective, registryObjective, runSearch } from './sampler-objectives';

describeSamplerContract('random', () => randomSampler);
describeSamplerContract('grid', () => gridSampler());
describeSamplerContract('tpe', () => tpeSampler());
// A short startup so the contract's 25-45 trial searches spend most suggestions in the model-based phase.
describeSamplerContract('tpe (nStartup 4)', () => tpeSampler({ nStartup: 4 }));
describeSamplerContract('portfolio+tpe', () => withPortfolio(tpeSampler()));
describeSamplerContract('evolution', () => evolutionSampler());
// A small population so the contract's short searches reach the tournament-and-mutation phase.
describeSamplerContract('evolution (population 4)', () => evolutionSampler({ populationSize: 4, sampleSize: 2 }));

describe('evolution sampler', () => {
  const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const TRIALS = 80;
  const regret = (objective: Objective, sampler: 'random' | 'evolution', parallel: number) =>
    SEEDS.map((seed) => {
      const s = sampler === 'random' ? evolutionSampler({ spaceOf: objective.spaceOf, populationSize: 10_000 }) : evolutionSampler({ spaceOf: objective.spaceOf });
      return bestLoss(runSearch(s, objective, seed, TRIALS, parallel)) - objective.optimum;
    });

  for (const objective of [registryObjective, mixedObjective]) {
    for (const parallel of [1, 4]) {
      it(`beats random search in ${TRIALS} trials on ${objective.name} with ${parallel} worker(s), over ${SEEDS.length} seeds`, () => {
        // The same sampler with a population it never fills is random search with the same draws.
        const random = regret(objective, 'random', parallel);
        const evo = regret(objective, 'evolution', parallel);
        const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
        const wins = evo.filter((e, i) => e < random[i]).length;
        console.log(`${objective.name}, ${parallel} worker(s): mean regret random ${mean(random).toFixed(4)}, evolution ${mean(evo).toFixed(4)}, evolution wins ${wins}/${SEEDS.length}`);
        expect(mean(evo)).toBeLessThan(mean(random));
        expect(wins).toBeGreaterThanOrEqual(5);
      });
    }
  }

  it('never proposes a running or finished configuration again when a new one exists', () => {
    const objective = mixedObjective;
    const history = runSearch(evolutionSampler({ spaceOf: objective.spaceOf, populationSize: 4, sampleSize: 2 }), objective, 3, 60, 3);
    const keys = history.map((t) => JSON.stringify([t.family, Object.entries(t.params).sort()]));
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('keeps a parameter whose range is one value at that value (a forecast\'s past_lags of [1, 1]), never NaN', () => {
    const rng = new Rng(4);
    for (const [d, only] of [[int(1, 1), 1], [int(2, 2), 2], [float(0.5, 0.5), 0.5], [float(3, 3, true), 3]] as const) {
      for (let i = 0; i < 20; i++) expect(mutateValue(d, only, rng)).toBe(only);
    }
    for (let i = 0; i < 50; i++) {
      const v = mutateValue(int(1, 3), 2, rng) as number;
      expect([1, 3]).toContain(v);
    }
  });

  it('mutates exactly one parameter of a tournament winner once the population is full', () => {
    const objective = mixedObjective;
    const ctx = { families: objective.families, shape: { rows: 100, cols: 3, task: 'binary' as const, nClasses: 2 }, seed: 9 };
    const sampler = evolutionSampler({ spaceOf: objective.spaceOf, populationSize: 3, sampleSize: 3, familyMutationRate: 0 });
    const history = runSearch(sampler, objective, 9, 3);
    const child = sampler.suggest(history, ctx);
    // With S = P the tournament always picks the population's best.
    const best = history.reduce((a, b) => (a.loss! <= b.loss! ? a : b));
    const changed = Object.keys(child.params).filter((k) => child.params[k] !== best.params[k]);
    expect(changed.length).toBe(1);
  });
});

describe('samplerFor', () => {
  it('maps each strategy to its sampler', () => {
    expect(samplerFor('auto').name).toBe('portfolio+tpe');
    expect(samplerFor('bayes').name).toBe('tpe');
    expect(samplerFor('grid').name).toBe('grid');
    expect(samplerFor('random').name).toBe('random');
    expect(samplerFor('evolution').name).toBe('evolution');
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
