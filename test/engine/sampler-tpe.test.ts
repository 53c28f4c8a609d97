/**
 * TPE specifics: it beats random search at equal trial counts on synthetic objectives (sequentially and
 * with parallel workers), its startup phase is exactly random search, running trials push suggestions
 * away (constant liar), failures count against a region, and a suggestion stays fast at 1,000 trials.
 */
import { describe, expect, it } from 'vitest';
import { randomSampler } from '../../src/engine/search/samplers/random';
import { tpeSampler } from '../../src/engine/search/samplers/tpe';
import type { SamplerContext } from '../../src/engine/search/sampler';
import type { FrozenTrial } from '../../src/engine/search/trial';
import { registrySpace } from '../../src/engine/search/space-provider';
import type { Params } from '../../src/engine/search/space';
import { bestLoss, braninObjective, FAMILIES, mixedObjective, type Objective, registryObjective, runSearch, SHAPE, unit } from './sampler-objectives';

const SEEDS = Array.from({ length: 10 }, (_, i) => i + 1);
const TRIALS = 60;

function meanRegret(objective: Objective, random: boolean, parallel: number): { mean: number; perSeed: number[] } {
  // Random search through TPE with an endless startup: the same draws as randomSampler, but honouring spaceOf.
  const sampler = tpeSampler({ spaceOf: objective.spaceOf, ...(random ? { nStartup: Infinity } : {}) });
  const perSeed = SEEDS.map((seed) => bestLoss(runSearch(sampler, objective, seed, TRIALS, parallel)) - objective.optimum);
  return { mean: perSeed.reduce((a, b) => a + b, 0) / perSeed.length, perSeed };
}

describe('TPE search quality', () => {
  const rows: string[] = [];
  for (const objective of [registryObjective, braninObjective, mixedObjective]) {
    for (const parallel of [1, 4]) {
      it(`reaches a lower best loss than random search in ${TRIALS} trials on ${objective.name}, ${parallel} worker(s)`, () => {
        const random = meanRegret(objective, true, parallel);
        const tpe = meanRegret(objective, false, parallel);
        const wins = tpe.perSeed.filter((r, i) => r < random.perSeed[i]).length;
        rows.push(`| ${objective.name} | ${parallel} | ${random.mean.toFixed(4)} | ${tpe.mean.toFixed(4)} | ${wins}/${SEEDS.length} |`);
        expect(tpe.mean).toBeLessThan(0.5 * random.mean);
        expect(wins).toBeGreaterThanOrEqual(7);
      });
    }
  }
  it('prints the table', () => {
    console.log(`mean regret (best loss - optimum) over ${SEEDS.length} seeds\n| objective | workers | random | tpe | tpe wins |\n|---|---|---|---|---|\n${rows.join('\n')}`);
  });
});

const ctx: SamplerContext = { families: FAMILIES, shape: SHAPE, seed: 42 };

/** Random-search history of `n` trials with losses from the registry objective. */
function randomHistory(n: number, stateOf: (i: number, family: string) => FrozenTrial['state'] = () => 'complete'): FrozenTrial[] {
  const history: FrozenTrial[] = [];
  for (let i = 0; i < n; i++) {
    const c = randomSampler.suggest(history, ctx);
    const state = stateOf(i, c.family);
    history.push({ ...c, number: i, state, ...(state === 'complete' ? { loss: registryObjective.loss(c.family, c.params) } : {}) });
  }
  return history;
}

/** Share of suggestions (one per seed) that pick `family`. */
function familyShare(sampler: ReturnType<typeof tpeSampler>, history: readonly FrozenTrial[], family: string): number {
  const seeds = Array.from({ length: 60 }, (_, i) => i);
  return seeds.filter((seed) => sampler.suggest(history, { ...ctx, seed }).family === family).length / seeds.length;
}

describe('TPE behaviour', () => {
  it('is random search, draw for draw, during the startup phase', () => {
    const history = randomHistory(9);
    for (let n = 0; n <= 9; n++) expect(tpeSampler().suggest(history.slice(0, n), ctx)).toEqual(randomSampler.suggest(history.slice(0, n), ctx));
    expect(tpeSampler().suggest(randomHistory(10), ctx)).not.toEqual(randomSampler.suggest(randomHistory(10), ctx));
  });

  it('steers away from what is already running (constant liar)', () => {
    // Three workers are busy on the best configuration so far. Ignoring them, TPE keeps proposing close
    // neighbours of it; counting them as bad (the liar), it proposes almost none.
    const history = randomHistory(30);
    const best = [...history].sort((a, b) => a.loss! - b.loss!)[0];
    for (let i = 0; i < 3; i++) history.push({ family: best.family, params: best.params, number: 30 + i, state: 'running' });
    const space = registrySpace(best.family, SHAPE);
    const distance = (params: Params) =>
      Math.hypot(...Object.entries(space).map(([k, d]) => (d.type === 'categorical' ? Number(params[k] !== best.params[k]) : unit(d, params[k]) - unit(d, best.params[k]))));
    const nearDuplicates = (sampler: ReturnType<typeof tpeSampler>) =>
      Array.from({ length: 100 }, (_, seed) => sampler.suggest(history, { ...ctx, seed })).filter((c) => c.family === best.family && distance(c.params) < 0.35).length;
    const without = nearDuplicates(tpeSampler({ constantLiar: false }));
    expect(without).toBeGreaterThanOrEqual(8);
    expect(nearDuplicates(tpeSampler())).toBeLessThanOrEqual(without / 4);
  });

  it('counts failures against their region: a family that always fails is rarely proposed', () => {
    const history = randomHistory(40, (_, family) => (family === 'mlp' ? 'failed' : 'complete'));
    expect(familyShare(tpeSampler(), history, 'mlp')).toBeLessThan(0.15);
  });

  it('suggests in well under 10 ms at 1,000 trials of history', () => {
    const history = randomHistory(1000, (i) => (i % 50 === 7 ? 'failed' : i >= 992 ? 'running' : 'complete'));
    const sampler = tpeSampler();
    for (let i = 0; i < 20; i++) sampler.suggest(history, { ...ctx, seed: i });
    const cpu: number[] = [];
    const wall: number[] = [];
    for (let i = 0; i < 50; i++) {
      const c0 = process.cpuUsage();
      const w0 = performance.now();
      sampler.suggest(history, { ...ctx, seed: 100 + i });
      wall.push(performance.now() - w0);
      const c = process.cpuUsage(c0);
      cpu.push((c.user + c.system) / 1000);
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
    console.log(`tpe suggest at 1,000 trials: median ${median(wall).toFixed(2)} ms wall, ${median(cpu).toFixed(2)} ms cpu`);
    // CPU time, not wall time: a loaded CI machine stretches wall time without the code being slower.
    expect(median(cpu)).toBeLessThan(10);
  });
});
