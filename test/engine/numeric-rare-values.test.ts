/**
 * Dense models clip a numeric column to its 0.5%..99.5% training quantiles against outliers. From a
 * read-only audit of the engine: when one value fills more than 99.5% of the rows those quantiles are
 * that value, every row was clipped to it, and the column (ames_housing's Pool_Area: 10 pools in 2197
 * houses) was lost to linear, mlp and knn models, though pruning keeps such columns for trees. Such a
 * column keeps its range; one with a spread of values is clipped as before.
 */
import { describe, expect, it } from 'vitest';
import type { NumericColumn } from '../../src/engine/data/dataset';
import { fitNumeric } from '../../src/engine/features/numeric';

const column = (values: number[]): NumericColumn => ({ name: 'pool_area', type: 'numeric', storage: 'f64', values: Float64Array.from(values) });
const rows = (n: number) => Array.from({ length: n }, (_, i) => i);

function encoded(train: number[], serve: number[]): number[] {
  const enc = fitNumeric(column(train), rows(train.length), true);
  const out = new Float32Array(serve.length * enc.names.length);
  enc.write(column(serve), null, out, enc.names.length, 0);
  return Array.from(out);
}

describe('a numeric column of one value but for a few rows', () => {
  const pools = [...Array(2187).fill(0), 512, 648, 800, 480, 576, 519, 738, 368, 444, 561];

  it('tells those rows apart for dense models', () => {
    const [none, pool, big] = encoded(pools, [0, 800, 5000]);
    expect(pool).toBeGreaterThan(none! + 1);
    // Past the training range it is clipped to the largest value seen.
    expect(big).toBe(pool);
  });

  it('is still clipped at its quantiles when its values spread', () => {
    const spread = Array.from({ length: 1000 }, (_, i) => i);
    const [inside, outlier, top] = encoded(spread, [500, 1e9, 995]);
    expect(outlier).toBe(top);
    expect(inside).toBeCloseTo(0, 1);
  });
});
