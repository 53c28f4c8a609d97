/**
 * Grid sampler specifics: the discretisation of each kind of dimension, round-robin over families,
 * exhaustion of small grids with no repeats, skipping points already tried, and the random fallback.
 */
import { describe, expect, it } from 'vitest';
import type { SearchFamily } from '../../src/engine/search/trial';
import type { SamplerContext } from '../../src/engine/search/sampler';
import { gridSampler, gridValues } from '../../src/engine/search/samplers/grid';
import { permuteIndex } from '../../src/engine/search/samplers/index-permutation';
import { categorical, float, int, type SearchSpace } from '../../src/engine/search/space';
import type { FrozenTrial } from '../../src/engine/search/trial';

describe('gridValues', () => {
  it('takes cell centres on a linear scale', () => {
    const v = gridValues(float(0, 1), 3) as number[];
    expect(v[0]).toBeCloseTo(1 / 6, 12);
    expect(v[1]).toBeCloseTo(0.5, 12);
    expect(v[2]).toBeCloseTo(5 / 6, 12);
  });

  it('takes cell centres on a log scale, without exp/log noise', () => {
    expect(gridValues(float(1e-4, 1e2, true), 3)).toEqual([0.001, 0.1, 10]);
  });

  it('lists every integer of a small range and rounds, deduplicated, on larger ones', () => {
    expect(gridValues(int(1, 3), 3)).toEqual([1, 2, 3]);
    expect(gridValues(int(1, 2), 3)).toEqual([1, 2]);
    // log centres of [49.5, 1000.5] in 3 cells: 81.7, 222.6, 606.0
    expect(gridValues(int(50, 1000, true), 3)).toEqual([82, 223, 606]);
    const v = gridValues(int(0, 100), 4);
    // centres of [-0.5, 100.5] in 4 cells: 12.125, 37.375, 62.625, 87.875
    expect(v).toEqual([12, 37, 63, 88]);
  });

  it('keeps every categorical choice in declared order', () => {
    expect(gridValues(categorical('a', 'b', 'c'), 2)).toEqual(['a', 'b', 'c']);
  });
});

describe('permuteIndex', () => {
  it('is a bijection of 0..size-1 for any size and key', () => {
    for (const size of [1, 2, 3, 7, 16, 17, 100, 1000]) {
      for (const key of [0, 1, 0xdeadbeef]) {
        const seen = new Set(Array.from({ length: size }, (_, i) => permuteIndex(i, size, key)));
        expect(seen.size).toBe(size);
        expect(Math.max(...seen)).toBe(size - 1);
      }
    }
  });
});

const SPACES: Record<string, SearchSpace> = {
  gbdt: { a: int(1, 2), b: categorical('x', 'y') },
  linear: { c: float(0, 3) },
};
const ctx: SamplerContext = { families: ['gbdt', 'linear'], shape: { rows: 100, cols: 2, task: 'regression', nClasses: 0 }, seed: 5 };
const sampler = gridSampler({ spaceOf: (f: SearchFamily) => SPACES[f] });

function run(n: number, seed = ctx.seed): FrozenTrial[] {
  const history: FrozenTrial[] = [];
  for (let i = 0; i < n; i++) history.push({ ...sampler.suggest(history, { ...ctx, seed }), number: i, state: i % 2 ? 'complete' : 'running', loss: 1 });
  return history;
}

describe('gridSampler', () => {
  it('visits families round-robin until the smaller grid runs out, then finishes the larger one', () => {
    expect(run(7).map((t) => t.family)).toEqual(['gbdt', 'linear', 'gbdt', 'linear', 'gbdt', 'linear', 'gbdt']);
  });

  it('covers the whole grid (4 + 3 points) with no repeats', () => {
    const keys = run(7).map((t) => `${t.family}:${JSON.stringify(t.params)}`);
    expect(new Set(keys).size).toBe(7);
    const gbdt = run(7).filter((t) => t.family === 'gbdt').map((t) => `${t.params.a}${t.params.b}`);
    expect(gbdt.sort()).toEqual(['1x', '1y', '2x', '2y']);
  });

  it('orders each grid by the seed', () => {
    const orders = [1, 2, 3, 4, 5].map((seed) => JSON.stringify(run(7, seed).map((t) => t.params)));
    expect(new Set(orders).size).toBeGreaterThan(1);
  });

  it('skips points already in the history, whatever their state', () => {
    const first = sampler.suggest([], ctx);
    for (const state of ['running', 'failed', 'complete', 'cancelled'] as const) {
      const next = sampler.suggest([{ ...first, number: 0, state }], ctx);
      expect(next).not.toEqual(first);
    }
  });

  it('falls back to random search once the grid is exhausted', () => {
    const history = run(7);
    const fallback = run(12).slice(7);
    for (const t of fallback) {
      expect(['gbdt', 'linear']).toContain(t.family);
      if (t.family === 'linear') expect(t.params.c).toBeGreaterThanOrEqual(0);
    }
    // Continuous values drawn at random are (almost surely) off the grid.
    expect(fallback.some((t) => t.family === 'linear' && !history.some((h) => h.params.c === t.params.c))).toBe(true);
  });
});
