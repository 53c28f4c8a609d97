/**
 * The conditioning rule that makes a parallel search's proposals independent of the order its trials
 * finish in (engine/search/conditioning): its pieces, and a simulated coordinator with `parallel` slots
 * whose trials take different times. With the rule, the samplers that learn from results (TPE, the
 * portfolio before it, evolution) propose the same trials whatever the durations; without it they do not.
 */
import { describe, expect, it } from 'vitest';
import { conditionedHistory, proposalLag, proposalReady, resultVisible } from '../../src/engine/search/conditioning';
import type { Sampler, SamplerContext } from '../../src/engine/search/sampler';
import { evolutionSampler } from '../../src/engine/search/samplers/evolution';
import { withPortfolio } from '../../src/engine/search/samplers/portfolio';
import { tpeSampler } from '../../src/engine/search/samplers/tpe';
import type { FrozenTrial, TrialState } from '../../src/engine/search/trial';
import { registryObjective, runSearch, SHAPE } from './sampler-objectives';

const objective = registryObjective;
const ctxOf = (seed: number): SamplerContext => ({ families: objective.families, shape: SHAPE, seed });

/** Trial durations: every trial alike, cost rising or falling with the trial number, and seeded noise over a 30x range. */
const DURATIONS: Record<string, (k: number) => number> = {
  even: () => 1,
  rising: (k) => 1 + k,
  falling: (k) => 100 - k,
  noisy: (k) => Math.exp(3.4 * (((k * 2654435761) >>> 0) / 2 ** 32)),
};

/**
 * A coordinator with `parallel` slots in virtual time: a slot that frees starts the next trial (when the
 * rule allows it), and the trial that ends first reports first (ties: the lower number). With `rule`
 * each proposal sees conditionedHistory and waits for proposalReady; without it, the history as it is.
 */
function simulate(sampler: Sampler, seed: number, trials: number, parallel: number, duration: (k: number) => number, rule: boolean): FrozenTrial[] {
  const lag = proposalLag(parallel);
  const history: FrozenTrial[] = [];
  const running: { k: number; end: number }[] = [];
  let now = 0;
  for (;;) {
    while (running.length < parallel && history.length < trials && (!rule || proposalReady(history, lag))) {
      const k = history.length;
      const config = sampler.suggest(rule ? conditionedHistory(history, lag) : history, ctxOf(seed));
      history.push({ ...config, number: k, state: 'running' });
      running.push({ k, end: now + duration(k) });
    }
    if (running.length === 0) return history;
    running.sort((a, b) => a.end - b.end || a.k - b.k);
    const { k, end } = running.shift()!;
    now = end;
    const t = history[k];
    history[k] = { ...t, state: 'complete', loss: objective.loss(t.family, t.params) };
  }
}

const configs = (h: readonly FrozenTrial[]) => h.map((t) => JSON.stringify([t.family, t.params]));

describe('the conditioning rule', () => {
  it('hides the results of the lag trials before the next one, keeping their configurations and every number', () => {
    expect([1, 2, 3, 4, 32].map(proposalLag)).toEqual([0, 2, 4, 6, 62]);
    const history: FrozenTrial[] = [0, 1, 2, 3, 4].map((number) => ({ number, family: 'linear', params: { C: number + 1 }, state: 'complete', loss: number / 10 }));
    const seen = conditionedHistory(history, 2);
    expect(seen.map((t) => [t.number, t.state, t.loss])).toEqual([
      [0, 'complete', 0],
      [1, 'complete', 0.1],
      [2, 'complete', 0.2],
      [3, 'running', undefined],
      [4, 'running', undefined],
    ]);
    expect(seen.map((t) => t.params)).toEqual(history.map((t) => t.params));
    // Lag 0 (one slot): every result is seen, as a sequential search always saw them.
    expect(conditionedHistory(history, 0)).toEqual(history);
    expect(resultVisible(2, 5, 2)).toBe(true);
    expect(resultVisible(3, 5, 2)).toBe(false);
  });

  it('lets the next trial be proposed only once every trial whose result it sees has finished', () => {
    const trials = (states: TrialState[]) => states.map((state, number) => ({ number, state }));
    // Trial 5 with lag 2 sees trials 0..2.
    expect(proposalReady(trials(['complete', 'failed', 'cancelled', 'running', 'running']), 2)).toBe(true);
    expect(proposalReady(trials(['complete', 'complete', 'running', 'complete', 'complete']), 2)).toBe(false);
    expect(proposalReady(trials(['running', 'complete', 'complete', 'complete', 'complete']), 2)).toBe(false);
    expect(proposalReady([], 0)).toBe(true);
    expect(proposalReady(trials(['running']), 0)).toBe(false);
  });

  const samplers: [string, () => Sampler][] = [
    ['tpe', () => tpeSampler({ spaceOf: objective.spaceOf, nStartup: 5 })],
    ['portfolio then tpe', () => withPortfolio(tpeSampler({ spaceOf: objective.spaceOf, nStartup: 5 }))],
    ['evolution', () => evolutionSampler({ spaceOf: objective.spaceOf, populationSize: 5 })],
  ];
  for (const [name, make] of samplers) {
    for (const parallel of [3, 4]) {
      it(`${name}, ${parallel} slots: the same trials whatever the trials' durations, and not without the rule`, () => {
        for (const seed of [1, 2]) {
          const runs = Object.values(DURATIONS).map((d) => configs(simulate(make(), seed, 30, parallel, d, true)));
          for (const run of runs.slice(1)) expect(run).toEqual(runs[0]);
          // The same search seen as it arrives: the order of results changes what is proposed.
          const free = Object.values(DURATIONS).map((d) => configs(simulate(make(), seed, 30, parallel, d, false)));
          expect(free.some((run) => JSON.stringify(run) !== JSON.stringify(free[0]))).toBe(true);
        }
      });
    }
  }

  it('with one slot, proposes what a sequential search proposes', () => {
    const sampler = tpeSampler({ spaceOf: objective.spaceOf, nStartup: 5 });
    const ruled = simulate(sampler, 3, 25, 1, DURATIONS.noisy, true);
    expect(configs(ruled)).toEqual(configs(runSearch(sampler, objective, 3, 25, 1)));
  });

  it('searches about as well as the free order: TPE with the rule beats random search', () => {
    const tpe = tpeSampler({ spaceOf: objective.spaceOf });
    const random = tpeSampler({ spaceOf: objective.spaceOf, nStartup: Infinity });
    const best = (h: readonly FrozenTrial[]) => Math.min(...h.map((t) => t.loss ?? Infinity));
    const seeds = [1, 2, 3, 4, 5, 6];
    const wins = seeds.filter((seed) => best(simulate(tpe, seed, 60, 4, DURATIONS.noisy, true)) < best(simulate(random, seed, 60, 4, DURATIONS.noisy, true))).length;
    expect(wins).toBeGreaterThanOrEqual(5);
  });
});
