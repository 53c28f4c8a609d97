/**
 * A dataset's profile stays storable in one Registry row: columns of distinct long cells (up to the 64-KiB
 * field limit) would list megabytes of `top` values; past the budget every listed value is cut to the
 * longest length that fits and marked truncated, its count kept. Short categories are left alone.
 */
import { describe, expect, it } from 'vitest';
import { inferDataset } from '../../src/engine/data/infer-schema';
import { TOP_VALUES_BUDGET } from '../../src/engine/data/profile-size';

describe('the profile of long categorical cells', () => {
  it('cuts listed values to fit the budget, keeping their counts, and leaves a table of short ones as it is', () => {
    // 12 columns of 10 distinct 8,000-character texts (each twice): 960,000 characters of top values.
    const long = (c: number, k: number) => `${String.fromCharCode(97 + c)}${k}`.padEnd(8000, 'x');
    const header = [...Array.from({ length: 12 }, (_, c) => `c${c}`), 'short'];
    const rows = Array.from({ length: 20 }, (_, i) => [...Array.from({ length: 12 }, (_, c) => long(c, i % 10)), ['red', 'blue'][i % 2]]);
    const { profile } = inferDataset({ header, rows }, Object.fromEntries(header.map((h) => [h, 'categorical' as const])));
    const tops = profile.flatMap((p) => p.top ?? []);
    expect(tops.reduce((s, t) => s + t.value.length, 0)).toBeLessThanOrEqual(TOP_VALUES_BUDGET);
    const c0 = profile.find((p) => p.name === 'c0')!.top!;
    expect(c0).toHaveLength(10);
    expect(c0.every((t) => t.truncated === true && t.count === 2 && long(0, 0).startsWith(t.value.slice(0, 1)))).toBe(true);
    expect(c0[0].value).toBe(long(0, 0).slice(0, c0[0].value.length));
    expect(profile.find((p) => p.name === 'short')!.top).toEqual([
      { value: 'blue', count: 10 },
      { value: 'red', count: 10 },
    ]);
    // A table within the budget is profiled as before.
    const small = inferDataset({ header: ['t'], rows: [['a'.repeat(5000)], ['b']] }, { t: 'categorical' }).profile[0].top!;
    expect(small.map((t) => [t.value.length, t.truncated])).toEqual([
      [5000, undefined],
      [1, undefined],
    ]);
  });
});
