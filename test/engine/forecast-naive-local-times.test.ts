/**
 * Hourly times written without a UTC offset, as meters and exports write local time, across the autumn
 * change in Paris: 27 October 2024 shows 02:00 twice. Read as UTC the series was refused for repeating a
 * time, and forecast.timezone refused for a series without offsets. Named, the zone places them
 * (engine/forecast/naive-local-times): read on the local clock, the repeated hour one point (the mean of
 * its two values), forecasts written at the zone's offsets. Without it, the refusal says what to name.
 */
import { describe, expect, it } from 'vitest';
import { extractSeries, loadForecaster, runForecastTrial } from '../../src/engine/forecast';
import { localClockWarnings, localTimeNote } from '../../src/engine/forecast/local-clock';
import { firstRepeatedPoint } from '../../src/engine/forecast/repeated-points';
import { appendRows } from '../../src/engine/data/append-rows';
import { decodeDataset, encodeDataset } from '../../src/engine/data/columnar-codec';
import { parseCsv } from '../../src/engine/data/csv';
import { datasetFromCsv } from './forecast-fixtures';
import { engineError } from './helpers/assertions';

/** Two stores' hourly load from 20 October 2024, two weeks of wall-clock hours, 02:00 on the 27th twice. */
function csv(): string {
  const rows: string[] = [];
  for (const [store, base] of [['a', 100], ['b', 300]] as const) {
    for (let i = 0; i < 24 * 14; i++) {
      const wall = new Date(Date.UTC(2024, 9, 20) + i * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
      rows.push(`${wall},${store},${base + (i % 24)}`);
      if (wall === '2024-10-27 02:00') rows.push(`${wall},${store},${base + 50}`);
    }
  }
  return ['time,store,load', ...rows].join('\n');
}

describe('local times without offsets in a job naming their zone', () => {
  const columns = { target: 'load', groupColumn: 'store' };

  it('are refused without the zone, saying to name it', () => {
    expect(engineError(() => extractSeries(datasetFromCsv(csv()), columns)).message).toContain('name their zone in forecast.timezone (such as "Europe/Paris")');
  });

  it('are read on the local clock in it, the repeated hour one point', () => {
    const { info, series } = extractSeries(datasetFromCsv(csv()), { ...columns, timezone: 'Europe/Paris' });
    expect(info.lengths).toEqual({ a: 336, b: 336 });
    expect(info.localClock).toMatchObject({ offsets: [60, 120], timezone: 'Europe/Paris', placed: true });
    expect(info.localClock?.repeated?.a).toHaveLength(1);
    // 02:00 on the 27th is hour 170 of the series: the mean of 102 and 150.
    expect(series[0].values[170]).toBe(126);
    expect(localClockWarnings('time', info.localClock!)[0]).toContain('carry no UTC offset and are read as local times in Europe/Paris');
  });

  it('forecast at the zone offsets, after the last local hour', async () => {
    const out = await runForecastTrial(datasetFromCsv(csv()), { seed: 1, family: 'seasonal_naive', params: {}, target: 'load', groupColumn: 'store', horizon: 3, timezone: 'Europe/Paris' });
    if (out.status !== 'complete') throw new Error(out.reason);
    const f = await loadForecaster(out.envelope);
    expect(f.forecast(2, { group: 'b' }).map((p) => [p.time, p.value])).toEqual([['2024-11-03T00:00:00+01:00', 300], ['2024-11-03T01:00:00+01:00', 301]]);
    // The forecast route's note (localTimeNote) says the zone placed times written without an offset.
    expect(f.description.localTime).toEqual({ timezone: 'Europe/Paris', placed: true });
    const note = localTimeNote(f.description.localTime?.timezone, f.description.localTime?.placed);
    expect(note).toContain('carry no UTC offset and are read as local times in Europe/Paris');
    expect(note).not.toContain('carry UTC offsets');
  });

  it('stay local times once stored and appended to, where times written in UTC are not placed', () => {
    const stored = decodeDataset(encodeDataset(datasetFromCsv(csv())));
    const appended = appendRows(stored, parseCsv('time,store,load\n2024-11-03 00:00,a,100\n2024-11-03 00:00,b,300\n'), 'line', 10_000).dataset;
    expect(extractSeries(appended, { ...columns, timezone: 'Europe/Paris' }).info.lengths).toEqual({ a: 337, b: 337 });
    // The same hours written with Z are instants: the zone is refused for them, as before.
    const utc = datasetFromCsv(csv().replace(/(\d\d:\d\d),/g, '$1:00Z,'));
    expect(engineError(() => extractSeries(utc, { ...columns, timezone: 'Europe/Paris' })).message).toContain('Leave forecast.timezone out');
  });
});

describe('an append to local times without offsets, for a model naming their zone', () => {
  it('takes the hour the autumn change repeats, and still refuses a real repeat', () => {
    const base = csv().split('\n').filter((l) => !l.startsWith('2024-10-27 02:00')).join('\n');
    const ds = datasetFromCsv(`${base}\n2024-10-27 02:00,a,102\n2024-10-27 02:00,a,150\n`);
    const columns = { timeColumn: 'time', groupColumn: 'store', timezone: 'Europe/Paris' };
    expect(firstRepeatedPoint(ds, ds.rows - 2, columns)).toBeNull();
    expect(firstRepeatedPoint(ds, ds.rows - 2, { timeColumn: 'time', groupColumn: 'store' })).toMatchObject({ row: ds.rows - 1 });
    const thrice = datasetFromCsv(`${base}\n2024-10-27 02:00,a,102\n2024-10-27 02:00,a,150\n2024-10-27 02:00,a,151\n`);
    expect(firstRepeatedPoint(thrice, thrice.rows - 3, columns)).toMatchObject({ row: thrice.rows - 1 });
  });
});

describe('planned rows at the hour the autumn change repeats, then their observations', () => {
  it('pair each observation with its own plan: planned rows take summer then winter apart from observed ones', () => {
    // Store a's hours up to 01:00 on the 27th observed; 02:00 (twice) and 03:00 planned, then observed.
    const history = csv().split('\n').filter((l) => l.startsWith('time') || (l.includes(',a,') && l < '2024-10-27 02:00'));
    const planned = ['2024-10-27 02:00,a,', '2024-10-27 02:00,a,', '2024-10-27 03:00,a,'];
    const observed = ['2024-10-27 02:00,a,102', '2024-10-27 02:00,a,150', '2024-10-27 03:00,a,103'];
    const ds = datasetFromCsv([...history, ...planned, ...observed].join('\n'));
    const columns = { timeColumn: 'time', groupColumn: 'store', target: 'load', timezone: 'Europe/Paris' };
    expect(firstRepeatedPoint(ds, ds.rows - 3, columns)).toBeNull();
    const { series, info } = extractSeries(ds, { target: 'load', groupColumn: 'store', timezone: 'Europe/Paris' });
    // The repeated hour is one point, the mean of its two observations; the plans are answered, none left.
    expect(Array.from(series[0].values.slice(-2))).toEqual([126, 103]);
    expect(info.trailingMissing).toBeUndefined();
    expect(info.localClock?.repeated?.a).toHaveLength(1);
  });
});
