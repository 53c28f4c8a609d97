/**
 * engine/data/images/pixel-like: which runs of numbered columns read as possible pixels (at least 16 side
 * by side, one prefix, counting up by one from 0 or 1, all numbers, together from 0 to at most 255), the
 * square shape guessed for them, and their pooled statistics against the values themselves.
 */
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/engine/data/csv';
import type { ColumnProfile } from '../../src/engine/data/infer-schema';
import { inferDataset } from '../../src/engine/data/infer-schema';
import { pixelLikeRuns, squareImage } from '../../src/engine/data/images/pixel-like';

/** A numeric column profile of values in min..max. */
const col = (name: string, min = 0, max = 255, over: Partial<ColumnProfile> = {}): ColumnProfile => ({ name, type: 'numeric', missing: 0, unique: 10, min, max, mean: (min + max) / 2, std: 1, ...over });
const run = (prefix: string, from: number, count: number, min = 0, max = 255) => Array.from({ length: count }, (_, i) => col(`${prefix}${from + i}`, min, max));
const names = (profile: ColumnProfile[]) => pixelLikeRuns(profile, 100).map((r) => r.name);

describe('pixel-like runs', () => {
  it('finds runs from 0 or 1 of at least 16 columns, named after their first and last', () => {
    expect(names([col('label'), ...run('p', 0, 64)])).toEqual(['p0..p63']);
    expect(names([...run('pixel', 1, 784), col('label')])).toEqual(['pixel1..pixel784']);
    expect(names(run('x_', 0, 16, 0, 1))).toEqual(['x_0..x_15']);
    expect(names([...run('a', 0, 16), ...run('b', 0, 20)])).toEqual(['a0..a15', 'b0..b19']);
    // Fewer than 16, or counting from elsewhere, or with a gap: numbered columns, not an image.
    expect(names(run('p', 0, 15))).toEqual([]);
    expect(names(run('p', 2, 64))).toEqual([]);
    expect(names([...run('p', 0, 10), ...run('p', 11, 53)])).toEqual([]);
    // The px_r{row}_c{col} names are a grid of their own (one px_* entry), not a run of px_r0_c.
    expect(names(Array.from({ length: 32 }, (_, c) => col(`px_r0_c${c}`)))).toEqual([]);
    // Leading zeros are not the names an image job's columns are counted by here.
    expect(names(Array.from({ length: 20 }, (_, i) => col(`p${String(i).padStart(2, '0')}`)))).toEqual([]);
  });

  it('asks for numbers from exactly 0 to at most 255', () => {
    expect(names(run('q', 1, 20, 1, 5))).toEqual([]);
    expect(names(run('m', 0, 24, 0, 90_000))).toEqual([]);
    expect(names([...run('p', 0, 63), col('p63', 0, 256)])).toEqual([]);
    expect(names([...run('p', 0, 63), col('p63', 0, 3, { type: 'categorical', min: undefined, max: undefined, mean: undefined })])).toEqual([]);
    // A blank corner is a constant column of zeros, still a pixel.
    expect(names([col('p0', 0, 0, { type: 'constant', unique: 1 }), ...run('p', 1, 63)])).toEqual(['p0..p63']);
  });

  it('guesses a square shape, gray before RGB, and none for other counts', () => {
    expect(squareImage(64)).toEqual({ height: 8, width: 8, channels: 1 });
    expect(squareImage(784)).toEqual({ height: 28, width: 28, channels: 1 });
    expect(squareImage(3072)).toEqual({ height: 32, width: 32, channels: 3 });
    expect(squareImage(60)).toBeUndefined();
    expect(pixelLikeRuns(run('p', 0, 60), 100)[0].image).toBeUndefined();
  });

  it('pools min, max, missing cells, mean and std over every present value', () => {
    const rows = Array.from({ length: 40 }, (_, r) => Array.from({ length: 16 }, (_, c) => ((r * 7 + c * 13) % 11 === 3 ? '' : String((r * 31 + c * 17) % 200))));
    const csv = [Array.from({ length: 16 }, (_, c) => `v${c}`).join(','), ...rows.map((r) => r.join(','))].join('\n');
    const { profile, dataset } = inferDataset(parseCsv(csv), Object.create(null));
    const values = rows.flat().filter((v) => v !== '').map(Number);
    const mean = values.reduce((t, v) => t + v, 0) / values.length;
    const std = Math.sqrt(values.reduce((t, v) => t + (v - mean) ** 2, 0) / values.length);
    const [got] = pixelLikeRuns(profile, dataset.rows);
    expect(got).toMatchObject({ name: 'v0..v15', missing: rows.flat().filter((v) => v === '').length, min: Math.min(...values), max: Math.max(...values), image: { height: 4, width: 4, channels: 1 } });
    expect(got.min).toBe(0);
    expect(got.mean).toBeCloseTo(mean, 9);
    expect(got.std).toBeCloseTo(std, 9);
  });
});
