/**
 * The fewest points a group needs to be in a grouped forecast's model (engine/forecast/group-length).
 * The job's season is its shortest series', so one group of 30 months among 144-month ones took the
 * yearly season from every group (forecast audit): it is now left out, forecast by its own rule, when at
 * least half of the groups can learn the season. Checked on what the job then reads: the season.
 */
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/engine/data/csv';
import { inferDataset } from '../../src/engine/data/infer-schema';
import { extractSeries, shortGroupLength } from '../../src/engine/forecast/index';
import type { SeriesFrequency } from '../../src/engine/forecast/types';

const MONTHLY: SeriesFrequency = { kind: 'months', name: 'monthly', months: 1, monthEnd: false };
const month = (i: number) => `${1949 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}-01`;

describe('the shortest group a grouped forecast keeps', () => {
  it('is what validating takes, unless most groups can learn the season and one could validate without it', () => {
    expect(shortGroupLength([144, 30], MONTHLY)).toEqual({ minLength: 49, season: 12 });
    expect(shortGroupLength([144, 144, 30, 30], MONTHLY)).toEqual({ minLength: 49, season: 12 });
    // Most groups are short: the season goes for all, as before.
    expect(shortGroupLength([144, 30, 30], MONTHLY)).toEqual({ minLength: 21 });
    // No group between 21 and 48 points: both rules leave out the same groups, and the job says what it always said.
    expect(shortGroupLength([144, 15], MONTHLY)).toEqual({ minLength: 21 });
    // One series has nothing to leave out for.
    expect(shortGroupLength([30], MONTHLY)).toEqual({ minLength: 21 });
  });

  it('keeps the yearly season of the long groups, the short one read apart', () => {
    const wave = (i: number, level: number) => (level * (1 + 0.3 * Math.sin((2 * Math.PI * i) / 12))).toFixed(2);
    const rows = ['date,store,sales', ...Array.from({ length: 144 }, (_, i) => `${month(i)},a,${wave(i, 100)}`), ...Array.from({ length: 144 }, (_, i) => `${month(i)},b,${wave(i, 300)}`), ...Array.from({ length: 30 }, (_, i) => `${month(114 + i)},c,${wave(114 + i, 50)}`)];
    const { dataset } = inferDataset(parseCsv(rows.join('\n')));
    const columns = { target: 'sales', timeColumn: 'date', groupColumn: 'store', horizon: 12 };
    const whole = extractSeries(dataset, { ...columns, minLength: 2 });
    expect(whole.info.season).toBe(1);
    const { minLength } = shortGroupLength(Object.values(whole.info.lengths), whole.info.frequency);
    const kept = extractSeries(dataset, { ...columns, minLength });
    expect(kept.info.season).toBe(12);
    expect(kept.info.skipped).toEqual({ c: 30 });
    expect(kept.short?.map((s) => s.group)).toEqual(['c']);
  });
});
