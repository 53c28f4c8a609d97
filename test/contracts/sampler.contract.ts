/**
 * The sampler contract: what every Sampler must do, whatever its algorithm (optuna's
 * BasicSamplerTestCase idea). A new sampler passes by calling `describeSamplerContract` from a test file,
 * unchanged. Spaces come from the real model registry, so the contract also covers conditional spaces
 * (a family's parameters exist only under that family) and shape-dependent bounds.
 */
import { describe, expect, it } from 'vitest';
import type { DataShape } from '../../src/engine/models/model';
import type { SearchFamily } from '../../src/engine/search/trial';
import { getModelSpec, MODEL_FAMILIES } from '../../src/engine/models/registry';
import type { Sampler, SamplerContext } from '../../src/engine/search/sampler';
import { trialSpace } from '../../src/engine/search/space-provider';
import type { Distribution, Params } from '../../src/engine/search/space';
import type { FrozenTrial, TrialConfig, TrialState } from '../../src/engine/search/trial';

const CONTEXTS: readonly SamplerContext[] = [
  // Every registered family, so a newly registered family's space is covered without editing this file.
  { families: MODEL_FAMILIES, shape: { rows: 750, cols: 20, task: 'binary', nClasses: 2 }, seed: 7 },
  { families: ['linear', 'gbdt'], shape: { rows: 5000, cols: 8, task: 'regression', nClasses: 0 }, seed: 11 },
  { families: ['mlp'], shape: { rows: 2000, cols: 50, task: 'multiclass', nClasses: 4 }, seed: 3 },
];

/** Fails with a message naming the parameter when a configuration leaves the declared space. */
export function expectInSpace(config: TrialConfig, ctx: SamplerContext): void {
  expect(ctx.families, `family ${config.family} is not allowed`).toContain(config.family);
  // The searched space: the family's model parameters plus the pipeline options it may use.
  const space = trialSpace(config.family, ctx.shape);
  expect(Object.keys(config.params).sort(), `parameters of ${config.family}`).toEqual(Object.keys(space).sort());
  for (const [name, d] of Object.entries(space)) expectInDistribution(d, config.params[name], `${config.family}.${name}`);
}

function expectInDistribution(d: Distribution, v: Params[string], where: string): void {
  if (d.type === 'categorical') {
    expect(d.choices, where).toContain(v);
    return;
  }
  expect(typeof v, where).toBe('number');
  const x = v as number;
  expect(Number.isFinite(x), `${where} = ${x} is finite`).toBe(true);
  expect(x >= d.low && x <= d.high, `${where} = ${x} within [${d.low}, ${d.high}]`).toBe(true);
  if (d.type === 'int') expect(Number.isInteger(x), `${where} = ${x} is an integer`).toBe(true);
}

/** A deterministic synthetic loss over any configuration (lower for mid-range values, family offsets). */
function syntheticLoss(config: TrialConfig, shape: DataShape): number {
  const space = trialSpace(config.family, shape);
  let loss = config.family.length / 100;
  for (const [name, d] of Object.entries(space)) {
    const v = config.params[name];
    if (d.type === 'categorical') loss += 0.01 * d.choices.indexOf(v);
    else {
      const [lo, hi, x] = d.log ? [Math.log(d.low), Math.log(d.high), Math.log(v as number)] : [d.low, d.high, v as number];
      loss += 0.05 * ((x - lo) / (hi - lo) - 0.4) ** 2;
    }
  }
  return loss;
}

/**
 * Runs the sampler like a coordinator with `parallel` workers: a trial's result arrives `parallel - 1`
 * suggestions later; every `failEvery`-th trial fails. Returns the history (all suggestions, in order).
 */
export function simulate(sampler: Sampler, ctx: SamplerContext, n: number, parallel = 3, failEvery = 7): FrozenTrial[] {
  const history: FrozenTrial[] = [];
  const finish = (i: number) => {
    const t = history[i];
    history[i] = i % failEvery === failEvery - 1 ? { ...t, state: 'failed' } : { ...t, state: 'complete', loss: syntheticLoss(t, ctx.shape) };
  };
  for (let i = 0; i < n; i++) {
    history.push({ ...sampler.suggest(history, ctx), number: i, state: 'running' });
    if (i - parallel + 1 >= 0) finish(i - parallel + 1);
  }
  return history;
}

function deepFreeze<T>(x: T): T {
  if (x && typeof x === 'object') {
    Object.values(x).forEach(deepFreeze);
    Object.freeze(x);
  }
  return x;
}

/** A history no sampler produced: odd states, missing and out-of-range values, a family now disallowed. */
function messyHistory(ctx: SamplerContext): FrozenTrial[] {
  const states: TrialState[] = ['complete', 'failed', 'running', 'cancelled'];
  const trials: FrozenTrial[] = [];
  for (let i = 0; i < 24; i++) {
    const family = ctx.families[i % ctx.families.length];
    const space = getModelSpec(family).space(ctx.shape);
    const params: Params = {};
    for (const [name, d] of Object.entries(space)) {
      if (i % 5 === 0 && name === Object.keys(space)[0]) continue; // a missing parameter
      params[name] = d.type === 'categorical' ? d.choices[i % d.choices.length] : i % 4 === 0 ? d.high * 10 : d.low;
    }
    const state = states[i % states.length];
    trials.push({ family, params, number: i, state, ...(state === 'complete' ? { loss: i % 8 === 0 ? Number.NaN : 1 / (i + 1) } : {}) });
  }
  // A family the job does not allow (or, when all are allowed, an allowed one with unknown parameters).
  const outsider: SearchFamily = MODEL_FAMILIES.find((f) => !ctx.families.includes(f)) ?? ctx.families[0];
  trials.push({ family: outsider, params: { surprise: 'yes' }, number: 24, state: 'complete', loss: 0 });
  return trials;
}

/**
 * Registers the contract for one sampler. `make` must return a fresh sampler each call, so the suite can
 * check that nothing leaks between instances or calls.
 */
export function describeSamplerContract(name: string, make: () => Sampler): void {
  describe(`sampler contract: ${name}`, () => {
    for (const ctx of CONTEXTS) {
      const label = `${ctx.shape.task}, families ${ctx.families.join('+')}`;

      it(`proposes a valid configuration on an empty history (${label})`, () => {
        expectInSpace(make().suggest([], ctx), ctx);
      });

      it(`stays inside the declared spaces through a search with running and failed trials (${label})`, () => {
        const history = simulate(make(), ctx, 45);
        for (const t of history) expectInSpace(t, ctx);
        expect(history.some((t) => t.state === 'failed')).toBe(true);
      });

      it(`is a pure function of seed and history (${label})`, () => {
        const history = deepFreeze(simulate(make(), ctx, 30));
        const shared = make();
        for (const n of [0, 5, 12, 30]) {
          const prefix = history.slice(0, n);
          const first = shared.suggest(prefix, ctx);
          expect(shared.suggest(prefix, ctx), `same instance, ${n} trials`).toEqual(first);
          expect(make().suggest(prefix, ctx), `fresh instance, ${n} trials`).toEqual(first);
        }
        expect(simulate(make(), ctx, 30)).toEqual(history);
      });

      it(`gives different searches for different seeds (${label})`, () => {
        const a = simulate(make(), ctx, 25).map(({ family, params }) => ({ family, params }));
        const b = simulate(make(), { ...ctx, seed: ctx.seed + 1 }, 25).map(({ family, params }) => ({ family, params }));
        expect(a).not.toEqual(b);
      });

      it(`copes with a messy history without throwing (${label})`, () => {
        const history = deepFreeze(messyHistory(ctx));
        for (const n of [1, 7, history.length]) expectInSpace(make().suggest(history.slice(0, n), ctx), ctx);
      });
    }
  });
}
