/**
 * Synthetic objectives for sampler quality tests: cheap loss functions over (a) the real registry's
 * conditional space (three families with different best losses, a learning-rate × rounds ridge for
 * gbdt) and (b) small classic functions (Branin, a mixed int/categorical bowl) through an injected space
 * provider. Plus a driver that runs a sampler sequentially or with parallel (running) trials.
 */
import type { DataShape } from '../../src/engine/models/model';
import type { SearchFamily } from '../../src/engine/search/trial';
import type { Sampler, SamplerContext } from '../../src/engine/search/sampler';
import { categorical, float, int, type Distribution, type Params, type SearchSpace } from '../../src/engine/search/space';
import type { SpaceProvider } from '../../src/engine/search/space-provider';
import { registrySpace } from '../../src/engine/search/space-provider';
import type { FrozenTrial } from '../../src/engine/search/trial';

export const SHAPE: DataShape = { rows: 5000, cols: 20, task: 'binary', nClasses: 2 };
export const FAMILIES: readonly SearchFamily[] = ['gbdt', 'linear', 'mlp'];

/** Position of a value in [0, 1] on its distribution's own (log) scale. */
export function unit(d: Distribution, v: unknown): number {
  if (d.type === 'categorical') return d.choices.indexOf(v as string) / Math.max(1, d.choices.length - 1);
  const x = Number(v);
  return d.log ? (Math.log(x) - Math.log(d.low)) / (Math.log(d.high) - Math.log(d.low)) : (x - d.low) / (d.high - d.low);
}

export interface Objective {
  readonly name: string;
  readonly families: readonly SearchFamily[];
  readonly spaceOf: SpaceProvider;
  readonly loss: (family: SearchFamily, params: Params) => number;
  /** The best loss attainable (for reporting regret). */
  readonly optimum: number;
}

/** Quadratic bowls over the registry spaces; gbdt has a ridge (learning rate trades off against rounds). */
export const registryObjective: Objective = {
  name: 'registry-bowls',
  families: FAMILIES,
  spaceOf: registrySpace,
  optimum: 0.1,
  loss(family, p) {
    const s = registrySpace(family, SHAPE);
    const u = (k: string) => unit(s[k], p[k]);
    switch (family) {
      case 'gbdt':
        return 0.1 + 0.3 * (u('learning_rate') + u('n_estimators') - 1) ** 2 + 0.1 * (u('num_leaves') - 0.6) ** 2 + 0.05 * (u('min_data_in_leaf') - 0.3) ** 2
          + 0.05 * (u('lambda_l2') - 0.5) ** 2 + 0.05 * (u('feature_fraction') - 0.8) ** 2 + 0.03 * (u('bagging_fraction') - 0.9) ** 2;
      case 'linear':
        return 0.2 + 0.1 * (u('C') - 0.7) ** 2 + 0.05 * (u('l1_ratio') - 0.2) ** 2 + (p.class_weight === 'balanced' ? 0 : 0.01);
      case 'mlp':
        return 0.13 + 0.2 * (u('learning_rate') - 0.6) ** 2 + 0.1 * (u('hidden_units') - 0.5) ** 2 + 0.05 * (u('dropout') - 0.2) ** 2
          + 0.05 * (u('l2') - 0.3) ** 2 + 0.03 * (u('epochs') - 0.7) ** 2 + 0.02 * Math.abs(Number(p.hidden_layers) - 2) + (p.batch_size === 64 ? 0 : 0.01);
      default:
        throw new Error(`registryObjective has no loss for family ${family}`);
    }
  },
};

const fixedSpace = (space: SearchSpace): SpaceProvider => () => space;

/** Branin on one fake family (2 floats); minimum 0.397887. */
export const braninObjective: Objective = {
  name: 'branin-2d',
  families: ['gbdt'],
  spaceOf: fixedSpace({ x1: float(-5, 10), x2: float(0, 15) }),
  optimum: 0.397887,
  loss(_f, p) {
    const x1 = Number(p.x1);
    const x2 = Number(p.x2);
    const b = 5.1 / (4 * Math.PI * Math.PI);
    return (x2 - b * x1 * x1 + (5 / Math.PI) * x1 - 6) ** 2 + 10 * (1 - 1 / (8 * Math.PI)) * Math.cos(x1) + 10;
  },
};

/** A 4-dimensional mixed bowl: a log float, a float, a log int and a categorical; minimum 0. */
export const mixedObjective: Objective = {
  name: 'mixed-4d',
  families: ['gbdt'],
  spaceOf: fixedSpace({ lr: float(1e-4, 1, true), frac: float(0, 1), width: int(1, 1024, true), act: categorical('relu', 'tanh', 'gelu') }),
  optimum: 0,
  loss(_f, p) {
    return (Math.log10(Number(p.lr)) + 2.5) ** 2 / 4 + 4 * (Number(p.frac) - 0.3) ** 2 + (Math.log2(Number(p.width)) - 7) ** 2 / 25 + (p.act === 'gelu' ? 0 : 0.3);
  },
};

/**
 * Runs `n` trials. With `parallel` > 1, a trial's loss is revealed only `parallel - 1` suggestions later,
 * so the sampler sees that many running trials, as a coordinator with that parallelism would show it.
 */
export function runSearch(sampler: Sampler, objective: Objective, seed: number, n: number, parallel = 1): FrozenTrial[] {
  const ctx: SamplerContext = { families: objective.families, shape: SHAPE, seed };
  const history: FrozenTrial[] = [];
  for (let i = 0; i < n; i++) {
    const c = sampler.suggest(history, ctx);
    history.push({ ...c, number: i, state: 'running' });
    const done = i - (parallel - 1);
    if (done >= 0) finish(history, done, objective);
  }
  for (let i = Math.max(0, n - parallel + 1); i < n; i++) finish(history, i, objective);
  return history;
}

function finish(history: FrozenTrial[], i: number, objective: Objective): void {
  const t = history[i];
  history[i] = { ...t, state: 'complete', loss: objective.loss(t.family, t.params) };
}

export const bestLoss = (h: readonly FrozenTrial[]): number => Math.min(...h.map((t) => t.loss ?? Infinity));
