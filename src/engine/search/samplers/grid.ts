/**
 * @module engine/search/samplers/grid
 * Grid search over the conditional space. Each numeric dimension is cut into `pointsPerDim` equal cells
 * on its own scale (log where declared) and represented by the cell centres, so no grid point sits on an
 * extreme bound where configurations are usually worst; integers take the rounded centres (all values
 * when the range is that small) and categoricals every choice. Families take turns (round-robin in
 * priority order) and each family's grid is walked in a seeded pseudo-random order, so early trials
 * cover the whole grid instead of varying one parameter at a time. Points already in the history, in any
 * state, are skipped. When every family's grid is exhausted the sampler falls back to random search.
 */
import { EngineError } from '../../core/errors';
import { Rng, seedFrom } from '../../core/rng';
import type { SearchFamily } from '../trial';
import type { Sampler } from '../sampler';
import type { Distribution, Params } from '../space';
import { randomConfig, requireFamilies, type SpaceProvider, trialSpace } from '../space-provider';
import { permuteIndex } from './index-permutation';

/** Grid settings; every field is optional and defaults to GRID_DEFAULTS. */
export interface GridOptions {
  /** Points per float/int dimension (fewer for integer ranges that hold fewer values). */
  readonly pointsPerDim?: number;
  /** Where family spaces come from; model plus pipeline parameters unless a test injects synthetic ones. */
  readonly spaceOf?: SpaceProvider;
}

/** Defaults: three points per numeric dimension, model plus pipeline spaces (trialSpace). */
export const GRID_DEFAULTS: Readonly<Required<GridOptions>> = Object.freeze({ pointsPerDim: 3, spaceOf: trialSpace });

/** Merges options over GRID_DEFAULTS and checks them. */
export function resolveGridOptions(options: GridOptions = {}): Required<GridOptions> {
  const o = { ...GRID_DEFAULTS, ...options };
  if (!(Number.isInteger(o.pointsPerDim) && o.pointsPerDim >= 1)) {
    throw new EngineError('invalid_params', `grid pointsPerDim must be a positive integer, got ${o.pointsPerDim}`);
  }
  return o;
}

/** The grid values of one dimension, in increasing order (choices in declared order). */
export function gridValues(d: Distribution, pointsPerDim: number): readonly (string | number | boolean)[] {
  if (d.type === 'categorical') return d.choices;
  if (d.type === 'int' && d.high - d.low + 1 <= pointsPerDim) return Array.from({ length: d.high - d.low + 1 }, (_, i) => d.low + i);
  const widen = d.type === 'int' ? 0.5 : 0;
  const lo = d.low - widen;
  const hi = d.high + widen;
  const log = d.log === true && lo > 0;
  const [a, b] = log ? [Math.log(lo), Math.log(hi)] : [lo, hi];
  const values: number[] = [];
  for (let i = 0; i < pointsPerDim; i++) {
    const t = a + ((i + 0.5) * (b - a)) / pointsPerDim;
    // 12 significant digits: exp(log(x)) noise like 0.10000000000000006 should not reach the journal or the UI.
    let v = log ? Number(Math.exp(t).toPrecision(12)) : t;
    if (d.type === 'int') v = Math.round(v);
    v = Math.min(d.high, Math.max(d.low, v));
    if (values[values.length - 1] !== v) values.push(v);
  }
  return values;
}

/** One family's grid: its axes (sorted parameter names) and the number of points. */
interface FamilyGrid {
  readonly family: SearchFamily;
  readonly names: readonly string[];
  readonly axes: readonly (readonly (string | number | boolean)[])[];
  readonly size: number;
  readonly key: number;
}

/**
 * A canonical text of a family's parameters, so a grid point and a history entry compare equal exactly
 * when they are the same configuration; undefined for entries with other parameter names (never a point).
 */
function pointKey(g: FamilyGrid, params: Params): string | undefined {
  if (Object.keys(params).length !== g.names.length) return undefined;
  let key = '';
  for (const name of g.names) {
    if (!(name in params)) return undefined;
    key += `${JSON.stringify(params[name])},`;
  }
  return key;
}

/**
 * A grid sampler.
 * @example
 * const sampler = gridSampler({ pointsPerDim: 4 });
 */
export function gridSampler(options: GridOptions = {}): Sampler {
  const o = resolveGridOptions(options);
  return {
    name: 'grid',
    suggest(history, ctx) {
      requireFamilies(ctx);
      const grids: FamilyGrid[] = ctx.families.map((family) => {
        const space = o.spaceOf(family, ctx.shape);
        const names = Object.keys(space).sort();
        const axes = names.map((n) => gridValues(space[n], o.pointsPerDim));
        // Grids beyond 2^32 points cannot be exhausted by any job; the permutation only covers that many.
        const size = Math.min(axes.reduce((p, a) => p * a.length, 1), 2 ** 32);
        return { family, names, axes, size, key: seedFrom(ctx.seed, `grid-${family}`) };
      });
      const seen = new Map<SearchFamily, Set<string | undefined>>(grids.map((g) => [g.family, new Set()]));
      for (const t of history) {
        const g = grids.find((x) => x.family === t.family);
        if (g) seen.get(g.family)!.add(pointKey(g, t.params));
      }
      const rounds = Math.max(...grids.map((g) => g.size));
      // Walking from the start each time keeps the sampler a pure function of the history; every step
      // skipped is a point already tried, so the walk is O(history) plus one.
      for (let r = 0; r < rounds; r++) {
        for (const g of grids) {
          if (r >= g.size) continue;
          const params = pointAt(g, permuteIndex(r, g.size, g.key));
          if (!seen.get(g.family)!.has(pointKey(g, params))) return { family: g.family, params };
        }
      }
      return randomConfig(ctx, o.spaceOf, new Rng(seedFrom(ctx.seed, `grid-random-${history.length}`)));
    },
  };
}

/** Mixed-radix decoding of a grid index into parameter values. */
function pointAt(g: FamilyGrid, index: number): Params {
  const params: Params = {};
  let rest = index;
  for (let d = g.axes.length - 1; d >= 0; d--) {
    const axis = g.axes[d];
    params[g.names[d]] = axis[rest % axis.length];
    rest = Math.floor(rest / axis.length);
  }
  return params;
}
