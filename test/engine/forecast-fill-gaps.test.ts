/**
 * Short gaps in a series (a missing month, a few missing days or hours) are added and interpolated
 * instead of refused: what counts as short, the tenth-of-the-series limit, other irregular steps left
 * for checkRegular, and the series as extractSeries then reads it (lengths, rows in refusals, groups).
 */
import { describe, expect, it } from 'vitest';
import { extractSeries } from '../../src/engine/forecast';
import { fillGaps } from '../../src/engine/forecast/fill-gaps';
import { MAX_GAP_POINTS } from '../../src/engine/forecast/gap-limits';
import type { SeriesFrequency } from '../../src/engine/forecast/types';
import { datasetFromCsv } from './forecast-fixtures';
import { engineError } from './helpers/assertions';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const MONTHLY: SeriesFrequency = { kind: 'months', name: 'monthly', months: 1, monthEnd: false };
const DAILY: SeriesFrequency = { kind: 'fixed', name: 'daily', stepMs: DAY };

const months = (n: number) => Array.from({ length: n }, (_, i) => Date.UTC(2020, i, 1));
const iso = (t: number) => new Date(t).toISOString().slice(0, 10);

describe('fillGaps', () => {
  it('adds the missing timestamps of short gaps with empty values, and says where each point came from', () => {
    const all = months(40);
    const kept = all.filter((_, i) => i !== 5 && !(i >= 20 && i < 23));
    const out = fillGaps(MONTHLY, Float64Array.from(kept), Float64Array.from(kept, (_, i) => i));
    expect(Array.from(out.times)).toEqual(all);
    expect(out.added).toEqual([all[5], all[20], all[21], all[22]]);
    expect(Array.from(out.values).map((v, i) => (Number.isNaN(v) ? i : -1)).filter((i) => i >= 0)).toEqual([5, 20, 21, 22]);
    expect(out.source[4]).toBe(4);
    expect(out.source[5]).toBe(-1);
    expect(out.source[6]).toBe(5);
    expect(out.source[23]).toBe(19);
  });

  it(`leaves a gap of more than ${MAX_GAP_POINTS} steps, a step that is no whole number of steps, and too many gaps`, () => {
    const days = Array.from({ length: 60 }, (_, i) => Date.UTC(2024, 0, 1) + i * DAY);
    const longHole = days.filter((_, i) => i < 10 || i >= 10 + MAX_GAP_POINTS + 1);
    expect(fillGaps(DAILY, Float64Array.from(longHole), new Float64Array(longHole.length)).added).toEqual([]);
    // A stray hour stays for checkRegular to name, while the short gap elsewhere is still filled.
    const stray = days.filter((_, i) => i !== 40).map((t, i) => (i === 10 ? t + 6 * HOUR : t));
    const strayOut = fillGaps(DAILY, Float64Array.from(stray), new Float64Array(stray.length));
    expect(strayOut.added).toEqual([days[40]]);
    expect(strayOut.times[10]).toBe(days[10] + 6 * HOUR);
    // Every seventh day missing (a shop shut on Sundays) is more than a tenth: nothing is added.
    const sundays = days.filter((_, i) => i % 7 !== 6);
    expect(fillGaps(DAILY, Float64Array.from(sundays), new Float64Array(sundays.length)).added).toEqual([]);
  });
});

describe('extractSeries with short gaps', () => {
  it('reads a monthly series missing a month as whole, warning material in info.added, and interpolates the month', () => {
    const all = months(60);
    const csv = ['date,y', ...all.filter((_, i) => i !== 30).map((t) => `${iso(t)},${all.indexOf(t) * 2}`)].join('\n');
    const { info, series } = extractSeries(datasetFromCsv(csv), { target: 'y' });
    expect(info).toMatchObject({ frequency: { name: 'monthly' }, lengths: { '': 60 }, interpolated: { '': 0 }, added: { '': [all[30]] } });
    expect(series[0].values[30]).toBe(60);
    expect(series[0].interpolated).toBe(1);
  });

  it('names data rows, not positions, when a series with an added point is still irregular', () => {
    // Day 5 missing (added), then day 20 at 06:00 (a stray the rows must name as data row 19).
    const days = Array.from({ length: 40 }, (_, i) => Date.UTC(2024, 0, 1) + i * DAY);
    const rows = days.filter((_, i) => i !== 5).map((t, i) => `${new Date(i === 18 ? t + 6 * HOUR : t).toISOString()},${i}`);
    const err = engineError(() => extractSeries(datasetFromCsv(['day,y', ...rows].join('\n')), { target: 'y' }));
    expect(err.details.row).toBe(19);
    expect(err.message).toContain('row 19 (2024-01-20T06:00:00.000Z) follows row 18 (2024-01-19T00:00:00.000Z)');
    expect(err.message).toContain('gaps of up to 3 steps are added by themselves');
  });

  it('adds gaps per group, each group on its own limit', () => {
    const all = months(50);
    const lines = ['date,store,y'];
    for (const [store, skip] of [['a', 10], ['b', -1]] as const) for (const [i, t] of all.entries()) if (i !== skip) lines.push(`${iso(t)},${store},${i}`);
    const { info } = extractSeries(datasetFromCsv(lines.join('\n')), { target: 'y', groupColumn: 'store' });
    expect(info.added).toEqual({ a: [all[10]] });
    expect(info.lengths).toEqual({ a: 50, b: 50 });
  });
});
