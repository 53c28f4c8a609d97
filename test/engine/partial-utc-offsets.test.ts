/**
 * Times some of which carry a UTC offset and some none are read all the same (those without as UTC), but
 * the profile says how many of each, naming a line of each, and the column keeps which rows carry none
 * through storage, so that a forecast refusing two rows of one instant says when only that made them one.
 */
import { describe, expect, it } from 'vitest';
import { decodeDataset, encodeDataset } from '../../src/engine/data/columnar-codec';
import { parseCsv } from '../../src/engine/data/csv';
import { inferDataset } from '../../src/engine/data/infer-schema';
import { extractSeries } from '../../src/engine/forecast';
import { engineError } from './helpers/assertions';

const HOUR = 3_600_000;

/** `n` hourly wall times from 2024-03-01 00:00, as `write` gives each (k counts the hours). */
function hours(n: number, write: (wall: string, k: number) => string): string[] {
  return Array.from({ length: n }, (_, k) => write(new Date(Date.UTC(2024, 2, 1) + k * HOUR).toISOString().slice(0, 19), k));
}

const read = (cells: readonly string[]) => inferDataset(parseCsv(['ts,y', ...cells.map((c, i) => `${c},${i % 7}`)].join('\n')));

describe('times with a UTC offset on some cells only', () => {
  it('are warned of, counting both kinds and naming a line of each', () => {
    const { profile } = read(hours(40, (wall, k) => (k % 2 ? `${wall}+01:00` : wall)));
    expect(profile[0].type).toBe('datetime');
    expect(profile[0].warnings).toEqual([
      '20 of 40 times carry a UTC offset (line 3 holds "2024-03-01T01:00:00+01:00") and 20 carry none (line 2 holds "2024-03-01T00:00:00"), which are read as UTC: ' +
        "if they are local times as well, each is read its offset away from the others' and may fall on another row's time; write every time with its offset, or none",
    ]);
    // Not when every offset given is UTC, or every cell gives one.
    expect(read(hours(40, (wall, k) => (k % 2 ? `${wall}Z` : wall))).profile[0].warnings).toBeUndefined();
    expect(read(hours(40, (wall) => `${wall}+01:00`)).profile[0].warnings).toBeUndefined();
    expect(read(hours(40, (wall) => wall)).dataset.columns[0]).not.toHaveProperty('zonelessRows');
  });

  it('keep the rows without one through storage, and a forecast says they make two rows one instant', () => {
    const ds = decodeDataset(encodeDataset(read(hours(40, (wall, k) => (k % 2 ? `${wall}+01:00` : wall))).dataset));
    const col = ds.columns[0];
    expect(col.storage === 'f64' && col.zonelessRows).toEqual(Array.from({ length: 20 }, (_, i) => [2 * i, 2 * i + 1]));
    const e = engineError(() => extractSeries(ds, { target: 'y', horizon: 2 }));
    expect(e.message).toBe(
      'time column "ts" repeats 2024-03-01T00:00:00.000Z at data rows 1 and 2: data row 1 carries no UTC offset, so it is read as UTC, and data row 2 carries one, which makes them one instant; ' +
        'write every time with its offset, or none (each timestamp must appear once per series)',
    );
    // A repeat of two rows both without an offset is said as before: data rows 3 and 4 are both 02:00, and the
    // rows with an offset come later and fall on no other row's time.
    const cells = hours(40, (wall, k) => (k >= 30 ? `${wall}+00:30` : wall));
    cells[3] = cells[2];
    expect(engineError(() => extractSeries(read(cells).dataset, { target: 'y', horizon: 2 })).message).toBe('time column "ts" repeats 2024-03-01T02:00:00.000Z at data rows 3 and 4; each timestamp must appear once per series (add a group column for several series)');
  });
});
