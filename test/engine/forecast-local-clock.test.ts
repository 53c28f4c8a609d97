/**
 * Sub-daily series whose timestamps carry UTC offsets that follow daylight saving time (Paris, +01:00 in
 * winter and +02:00 in summer), read on their local clock (engine/forecast/local-clock): the offsets kept
 * by a column only when they change, through storage, selections and appends; half-hourly business hours
 * with a lunch break across both changes read with their local hours; 24-hour hourly, half-hourly and
 * quarter-hourly data regular but for the hour spring skips (added) and the one autumn repeats (merged);
 * forecast times local without an offset, or with the offsets of forecast.timezone; and refusals that
 * speak of daylight saving time only where it may be the cause; a retraining's reason not to advance the
 * model names its local times too.
 */
import { describe, expect, it } from 'vitest';
import { encodeDataset, decodeDataset } from '../../src/engine/data/columnar-codec';
import { parseCsv } from '../../src/engine/data/csv';
import type { Dataset, NumericColumn } from '../../src/engine/data/dataset';
import { appendRows } from '../../src/engine/data/append-rows';
import { selectRows } from '../../src/engine/data/select-rows';
import { advanceEnvelope, describeSeries, extractSeries, loadForecaster, parseForecastEnvelope, runForecastTrial, withoutSeriesTail } from '../../src/engine/forecast';
import { offsetOfWallTime, zoneOffsetAt } from '../../src/engine/forecast/time-zone';
import { datasetFromCsv } from './forecast-fixtures';
import { engineError } from './helpers/assertions';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Day of the month of the last Sunday of `month` (0-based). */
const lastSunday = (year: number, month: number) => {
  const last = new Date(Date.UTC(year, month + 1, 0));
  return last.getUTCDate() - last.getUTCDay();
};
/** Paris' offset in minutes at an instant: summer time from 01:00Z on the last Sunday of March to 01:00Z on the last Sunday of October. */
const parisOffset = (instant: number) => {
  const y = new Date(instant).getUTCFullYear();
  return instant >= Date.UTC(y, 2, lastSunday(y, 2), 1) && instant < Date.UTC(y, 9, lastSunday(y, 9), 1) ? 120 : 60;
};
/** An instant as a Paris export writes it: local time and that day's offset. */
const parisText = (instant: number) => {
  const off = parisOffset(instant);
  return `${new Date(instant + off * MINUTE).toISOString().slice(0, 19)}+0${off / 60}:00`;
};
/** The instant of a Paris wall-clock time of the day (UTC fields), outside the night of a change. */
const parisInstant = (wall: number) => (parisOffset(wall - 2 * HOUR) === 120 ? wall - 2 * HOUR : wall - HOUR);
const local = (s: string) => Date.parse(`${s}Z`);

/** Monday-to-Friday half-hours from `from` to `to` (minutes past midnight) per run, local, for `weeks` weeks from the Monday `start`. */
function shopWallTimes(start: number, weeks: number, runs: readonly (readonly [number, number])[]): number[] {
  const out: number[] = [];
  for (let d = 0; d < 7 * weeks; d++) {
    const day = start + d * DAY;
    if (new Date(day).getUTCDay() % 6 === 0) continue;
    for (const [from, to] of runs) for (let m = from; m <= to; m += 30) out.push(day + m * MINUTE);
  }
  return out;
}

/** A `t,y` table of instants written as Paris writes them, with a value that follows the local time of day. */
function parisTable(instants: readonly number[], value: (i: number, instant: number) => number | string = (i, t) => (100 + ((t + parisOffset(t) * MINUTE) % DAY) / HOUR + (i % 7)).toFixed(2)): Dataset {
  return datasetFromCsv(['t,y', ...instants.map((t, i) => `${parisText(t)},${value(i, t)}`)].join('\n'));
}

const timeColumn = (ds: Dataset) => ds.columns.find((c) => c.name === 't') as NumericColumn;

// Mondays 4 March to Friday 8 November 2024: both changes (31 March, 27 October) inside.
const MARCH_4 = Date.UTC(2024, 2, 4);
const LUNCH: readonly (readonly [number, number])[] = [
  [8 * 60 + 30, 12 * 60],
  [13 * 60 + 30, 18 * 60],
];
const lunchShop = () => parisTable(shopWallTimes(MARCH_4, 36, LUNCH).map(parisInstant));
const HALF_HOURLY_LUNCH = { kind: 'business_hours', name: 'business_half_hourly', weekStart: 1, workDays: 5, firstHour: 8, minute: 30, hours: 18, stepMinutes: 30, breakAfter: 8, breakPoints: 2 };

describe('UTC offsets kept with a date column', () => {
  it('keeps offsets that change, as runs of rows, and nothing for none, one offset throughout, or some cells without one', () => {
    const ds = datasetFromCsv('t,y\n2024-03-30T12:00:00+01:00,1\n2024-03-31T12:00:00+02:00,2\n,3\n2024-04-01T12:00:00+02:00,4\n2024-11-01T12:00:00+01:00,5');
    expect(timeColumn(ds).utcOffsets).toEqual([[0, 60], [1, 120], [4, 60]]);
    expect(Array.from(timeColumn(ds).values.slice(0, 2))).toEqual([Date.UTC(2024, 2, 30, 11), Date.UTC(2024, 2, 31, 10)]);
    for (const text of ['t,y\n2024-03-30T12:00:00Z,1\n2024-03-31T12:00:00Z,2', 't,y\n2024-03-30T12:00:00+10:00,1\n2024-03-31T12:00:00+10:00,2', 't,y\n2024-03-30 12:00,1\n2024-03-31 12:00,2', 't,y\n2024-03-30T12:00:00+01:00,1\n2024-03-31 12:00,2']) {
      expect(timeColumn(datasetFromCsv(text)).utcOffsets).toBeUndefined();
    }
  });

  it('keeps them through storage, a selection of rows and appended rows', () => {
    const ds = datasetFromCsv('t,y\n2024-03-30T12:00:00+01:00,1\n2024-03-31T12:00:00+02:00,2\n2024-04-01T12:00:00+02:00,3');
    expect(timeColumn(decodeDataset(encodeDataset(ds))).utcOffsets).toEqual([[0, 60], [1, 120]]);
    // Rows 3 and 1 of 3: one offset each, kept in the selection's order.
    expect(timeColumn(selectRows(ds, Int32Array.from([2, 0]))).utcOffsets).toEqual([[0, 120], [1, 60]]);
    // A selection of one offset keeps it: its rows read on the clock the whole column reads on.
    expect(timeColumn(selectRows(ds, Int32Array.from([1, 2]))).utcOffsets).toEqual([[0, 120]]);
    const longer = appendRows(ds, parseCsv('t,y\n2024-11-01T12:00:00+01:00,4'), 'line', 1000).dataset;
    expect(timeColumn(longer).utcOffsets).toEqual([[0, 60], [1, 120], [3, 60]]);
    expect(Array.from(timeColumn(longer).values)).toEqual([...Array.from(timeColumn(ds).values), Date.UTC(2024, 10, 1, 11)]);
  });
});

describe('business hours on the local clock', () => {
  it('reads Paris half-hourly business hours with a lunch break across both changes as business_half_hourly, 08:30 to 18:00 local', () => {
    const ds = lunchShop();
    const info = describeSeries(ds, { target: 'y' });
    expect(info.frequency).toEqual(HALF_HOURLY_LUNCH);
    expect(info).toMatchObject({ season: 18, lengths: { '': 36 * 5 * 18 }, localClock: { offsets: [60, 120] } });
    expect(info.added).toBeUndefined();
    expect(info.localClock?.repeated).toBeUndefined();
    // Its times are the local ones: 08:30 on the first day, in winter, and in summer alike.
    const { series } = extractSeries(ds, { target: 'y' });
    expect(series[0].times[0]).toBe(local('2024-03-04T08:30:00'));
    expect(series[0].times[18 * 20]).toBe(local('2024-04-01T08:30:00'));
  });

  it('reads them without lunch too (the audit: not 08:00 to 14:30 UTC and a regular row refused)', () => {
    const ds = parisTable(shopWallTimes(MARCH_4, 36, [[9 * 60, 18 * 60]]).map(parisInstant));
    expect(describeSeries(ds, { target: 'y' }).frequency).toEqual({ kind: 'business_hours', name: 'business_half_hourly', weekStart: 1, workDays: 5, firstHour: 9, minute: 0, hours: 19, stepMinutes: 30 });
  });

  it('forecasts local times without an offset, or with the offsets of forecast.timezone across the autumn change', async () => {
    const ds = lunchShop();
    const spec = { target: 'y', horizon: 18, seed: 1, family: 'seasonal_naive' as const, params: {} };
    const plain = await runForecastTrial(ds, spec);
    if (plain.status !== 'complete') throw new Error(plain.reason);
    expect(plain.envelope.localClock).toEqual({});
    const model = await loadForecaster(JSON.parse(JSON.stringify(plain.envelope)));
    expect(model.description.localTime).toEqual({});
    expect(model.recent().at(-1)!.time).toBe('2024-11-08T18:00:00');
    // Friday 18:00, then Monday 08:30 local.
    expect(model.forecast(3).map((p) => p.time)).toEqual(['2024-11-11T08:30:00', '2024-11-11T09:00:00', '2024-11-11T09:30:00']);
    model.dispose();

    // Up to Thursday 24 October (summer time): Friday's forecasts at +02:00, Monday 28 October's at +01:00.
    const upToChange = parisTable(shopWallTimes(MARCH_4, 34, LUNCH).map(parisInstant).filter((t) => t < Date.UTC(2024, 9, 25)));
    const zoned = await runForecastTrial(upToChange, { ...spec, timezone: 'europe/paris' });
    if (zoned.status !== 'complete') throw new Error(zoned.reason);
    expect(zoned.envelope.localClock).toEqual({ timezone: 'Europe/Paris' });
    const paris = await loadForecaster(JSON.parse(JSON.stringify(zoned.envelope)));
    expect(paris.description.localTime).toEqual({ timezone: 'Europe/Paris' });
    const times = paris.forecast(20).map((p) => p.time);
    expect(times.slice(0, 2)).toEqual(['2024-10-25T08:30:00+02:00', '2024-10-25T09:00:00+02:00']);
    expect(times.slice(17)).toEqual(['2024-10-25T18:00:00+02:00', '2024-10-28T08:30:00+01:00', '2024-10-28T09:00:00+01:00']);
    // Each written time is the instant the data would have written for it.
    for (const t of times) expect(parisText(Date.parse(t as string))).toBe(t);
    paris.dispose();
    // A zone that is none, or an envelope naming one, is refused.
    expect(engineError(() => parseForecastEnvelope({ ...zoned.envelope, localClock: { timezone: 'Mars/Olympus' } })).code).toBe('bad_artifact');
  });

  it('keeps the offsets through a retraining holdout: the series without its tail reads as the whole does', () => {
    const ds = lunchShop();
    const whole = extractSeries(ds, { target: 'y' });
    const cut = extractSeries(withoutSeriesTail(ds, { target: 'y' }, 36), { target: 'y' });
    expect(cut.info.frequency).toEqual(HALF_HOURLY_LUNCH);
    expect(cut.info.localClock).toEqual(whole.info.localClock);
    expect(Array.from(cut.series[0].times)).toEqual(Array.from(whole.series[0].times.slice(0, -36)));
  });
});

describe('24-hour series on the local clock', () => {
  // 1 March to 30 November 2024, every `step` minutes (UTC instants, written as Paris writes them).
  const around = (stepMinutes: number) => Array.from({ length: (274 * DAY) / (stepMinutes * MINUTE) }, (_, i) => Date.UTC(2024, 2, 1) + i * stepMinutes * MINUTE);

  it('reads hourly Paris data as hourly local time: the hour spring skips added, the one autumn repeats read once with the mean', () => {
    const instants = around(60);
    const ds = parisTable(instants, (i) => String(i));
    const { info, series } = extractSeries(ds, { target: 'y' });
    expect(info).toMatchObject({ frequency: { kind: 'fixed', name: 'hourly', stepMs: HOUR }, season: 24, localClock: { offsets: [60, 120] } });
    expect(info.added).toEqual({ '': [local('2024-03-31T02:00:00')] });
    // 02:00 local on 27 October: 00:00Z (+02:00) and 01:00Z (+01:00), rows 5689 and 5690 from 1 March 00:00Z.
    const repeatRow = (Date.UTC(2024, 9, 27, 0) - Date.UTC(2024, 2, 1)) / HOUR;
    expect(info.localClock?.repeated).toEqual({ '': [{ time: local('2024-10-27T02:00:00'), rows: [repeatRow + 1, repeatRow + 2] }] });
    const s = series[0];
    expect(s.times.length).toBe(instants.length);
    for (let i = 1; i < s.times.length; i++) expect(s.times[i] - s.times[i - 1]).toBe(HOUR);
    const at = (wall: string) => s.values[s.times.indexOf(local(wall))];
    expect(at('2024-10-27T02:00:00')).toBe(repeatRow + 0.5);
    expect(at('2024-10-27T03:00:00')).toBe(repeatRow + 2);
    // The skipped hour is interpolated between 01:00 and 03:00.
    expect(at('2024-03-31T02:00:00')).toBe((at('2024-03-31T01:00:00') + at('2024-03-31T03:00:00')) / 2);
  });

  it('adds every slot spring skips, four quarter-hours too, beyond the three a gap is filled over', () => {
    for (const [step, skipped, repeated] of [
      [30, 2, 2],
      [15, 4, 4],
    ] as const) {
      const { info, series } = extractSeries(parisTable(around(step)), { target: 'y' });
      expect(info.frequency).toMatchObject({ kind: 'fixed', stepMs: step * MINUTE });
      expect(info.added?.['']).toHaveLength(skipped);
      expect(info.localClock?.repeated?.['']).toHaveLength(repeated);
      const t = series[0].times;
      for (let i = 1; i < t.length; i++) expect(t[i] - t[i - 1]).toBe(step * MINUTE);
    }
  });

  it('forecasts with the zone across the spring change: the skipped hour at the offset before it', async () => {
    // From 20 October 2023 (summer time until the 29th) to Saturday 30 March 2024 12:00 local.
    const instants = Array.from({ length: (Date.UTC(2024, 2, 30, 12) - Date.UTC(2023, 9, 20)) / HOUR }, (_, i) => Date.UTC(2023, 9, 20) + i * HOUR);
    const out = await runForecastTrial(parisTable(instants), { target: 'y', horizon: 24, seed: 1, family: 'seasonal_naive', params: {}, timezone: 'Europe/Paris' });
    if (out.status !== 'complete') throw new Error(out.reason);
    const model = await loadForecaster(out.envelope);
    const times = model.forecast(24).map((p) => p.time);
    // Saturday 13:00 local onwards; Sunday 01:00 and 02:00 (which the clock skips) at +01:00, 03:00 at +02:00.
    expect(times[0]).toBe('2024-03-30T13:00:00+01:00');
    expect(times.slice(12, 15)).toEqual(['2024-03-31T01:00:00+01:00', '2024-03-31T02:00:00+01:00', '2024-03-31T03:00:00+02:00']);
    model.dispose();
  });
});

describe('the time zone', () => {
  it('gives the offset of an instant and of a wall-clock time, the repeated hour at the summer offset and the skipped one at the winter offset', () => {
    expect(zoneOffsetAt(Date.UTC(2024, 0, 1, 12), 'Europe/Paris')).toBe(60);
    expect(zoneOffsetAt(Date.UTC(2024, 6, 1, 12), 'Europe/Paris')).toBe(120);
    expect(zoneOffsetAt(Date.UTC(2024, 6, 1, 12), 'America/New_York')).toBe(-240);
    expect(zoneOffsetAt(Date.UTC(2024, 6, 1, 12), 'Asia/Kolkata')).toBe(330);
    expect(offsetOfWallTime(local('2024-03-31T02:30:00'), 'Europe/Paris')).toBe(60);
    expect(offsetOfWallTime(local('2024-03-31T03:00:00'), 'Europe/Paris')).toBe(120);
    expect(offsetOfWallTime(local('2024-10-27T02:30:00'), 'Europe/Paris')).toBe(120);
    expect(offsetOfWallTime(local('2024-10-27T03:00:00'), 'Europe/Paris')).toBe(60);
  });

  it('refuses a zone that is none, a series not read on its local clock, and a zone its offsets disagree with, naming the row', () => {
    const unknown = engineError(() => describeSeries(lunchShop(), { target: 'y', timezone: 'Mars/Olympus' }));
    expect(unknown).toMatchObject({ code: 'invalid_params', details: { field: 'forecast.timezone' } });
    expect(unknown.message).toContain('forecast.timezone "Mars/Olympus" is no time zone this runtime knows');
    const utc = datasetFromCsv(['t,y', ...Array.from({ length: 48 }, (_, i) => `${new Date(Date.UTC(2024, 0, 1, i)).toISOString()},${i}`)].join('\n'));
    expect(engineError(() => describeSeries(utc, { target: 'y', timezone: 'Europe/Paris' })).message).toBe(
      'forecast.timezone applies to a sub-daily series whose timestamps carry UTC offsets that follow daylight saving time; time column "t" is none: its timestamps carry no UTC offsets that change (they are read as the instants they are, and forecasts are written in UTC). Leave forecast.timezone out',
    );
    // London is an hour behind Paris all year.
    const london = engineError(() => describeSeries(lunchShop(), { target: 'y', timezone: 'Europe/London' }));
    expect(london.details).toMatchObject({ field: 'forecast.timezone', row: 1 });
    expect(london.message).toBe('forecast.timezone "Europe/London" does not fit time column "t": data row 1 (2024-03-04T08:30:00+01:00) is written at +01:00, but Europe/London is at +00:00 then; name the zone the times were written in, or leave forecast.timezone out');
  });
});

describe('refusals and daylight saving time', () => {
  it('names local times and says nothing of daylight saving time where the offsets do not change', () => {
    const walls = shopWallTimes(MARCH_4, 36, LUNCH);
    // A point off the half-hour grid in June (summer time throughout the week).
    const stray = local('2024-06-12T10:15:00');
    const instants = [...walls, stray].sort((a, b) => a - b).map(parisInstant);
    const err = engineError(() => describeSeries(parisTable(instants), { target: 'y' }));
    expect(err.message).toContain('(2024-06-12T10:15:00) follows row');
    expect(err.message).toContain('its opening hours are every 30 minutes from 08:30 to 12:00 and from 13:30 to 18:00 local time, Monday to Friday');
    expect(err.message).not.toMatch(/daylight saving/);
  });

  it('says the offset changes between the rows a refusal names when it does', () => {
    // Hourly, with 03:00 to 06:00 local missing after the spring change: four missing hours besides the skipped one.
    const instants = Array.from({ length: 24 * 20 }, (_, i) => Date.UTC(2024, 2, 21) + i * HOUR).filter((t) => t < Date.UTC(2024, 2, 31, 1) || t >= Date.UTC(2024, 2, 31, 5));
    const err = engineError(() => describeSeries(parisTable(instants), { target: 'y' }));
    expect(err.message).toContain('(2024-03-31T07:00:00) follows row');
    expect(err.message).toContain('(2024-03-31T01:00:00)');
    expect(err.message).toContain('Between these rows the UTC offset changes from +01:00 to +02:00 (daylight saving time): the series is read on its local clock (each time plus its offset), on which that change skips 60 minutes');
  });

  it('on the UTC clock, speaks of daylight saving time only for a point an hour from the opening hours', () => {
    // Monday to Friday, hourly 08:00 to 11:00 and 15:00 to 19:00 UTC (a long break), three weeks.
    const times: number[] = [];
    for (let d = 0; d < 21; d++) {
      const day = Date.UTC(2024, 0, 1) + d * DAY;
      if (new Date(day).getUTCDay() % 6 === 0) continue;
      for (const h of [8, 9, 10, 11, 15, 16, 17, 18, 19]) times.push(day + h * HOUR);
    }
    const refusal = (extra: number) => {
      const all = [...times, extra].sort((a, b) => a - b);
      return engineError(() => describeSeries(datasetFromCsv(['t,y', ...all.map((t, i) => `${new Date(t).toISOString()},${i}`)].join('\n')), { target: 'y' })).message;
    };
    // In the middle of the break, and far past closing: nothing of daylight saving.
    expect(refusal(Date.UTC(2024, 0, 10, 13))).toContain('it falls in the daily break (closed 12:00 to 15:00 UTC)');
    expect(refusal(Date.UTC(2024, 0, 10, 13))).not.toMatch(/daylight saving/);
    expect(refusal(Date.UTC(2024, 0, 10, 23))).not.toMatch(/daylight saving/);
    // An hour into the break, or an hour past closing: local hours written in UTC would be.
    for (const hour of [12, 20]) expect(refusal(Date.UTC(2024, 0, 10, hour))).toContain('if the times are local hours written in UTC or at one fixed offset, daylight saving time moves them by an hour twice a year');
  });

  it("names local times, not UTC ones, where the newer data do not continue a local series' model", async () => {
    const wall = shopWallTimes(MARCH_4, 36, LUNCH);
    const trained = await runForecastTrial(parisTable(wall.map(parisInstant)), { target: 'y', horizon: 18, seed: 1, family: 'seasonal_naive', params: {} });
    if (trained.status !== 'complete') throw new Error(trained.reason);
    // The same data with the newest value corrected: the series the model knows is not continued.
    const corrected = parisTable(wall.map(parisInstant), (i, t) => (i === wall.length - 1 ? '999' : (100 + ((t + parisOffset(t) * MINUTE) % DAY) / HOUR + (i % 7)).toFixed(2)));
    const outcome = advanceEnvelope(trained.envelope, corrected, { target: 'y' });
    expect(outcome.advanced).toEqual([]);
    // Friday 8 November, 18:00 in Paris (17:00Z): named as the series and its forecasts name it.
    expect(outcome.left[0].reason).toContain('its value at 2024-11-08T18:00:00 is 999 in the new data');
  });
});

describe('daily and monthly series written at local midnight far from UTC', () => {
  /** New York's offset in minutes at local midnight of a day (UTC fields): -04:00 from 11 March to 3 November 2024, else -05:00. */
  const newYorkOffset = (day: number) => (day >= Date.UTC(2024, 2, 11) && day <= Date.UTC(2024, 10, 3) ? -240 : -300);
  const newYorkMidnight = (day: number) => `${new Date(day).toISOString().slice(0, 10)}T00:00:00-0${-newYorkOffset(day) / 60}:00`;
  const table = (days: readonly number[]) => datasetFromCsv(['t,y', ...days.map((d, i) => `${newYorkMidnight(d)},${100 + (i % 7) * 3 + i / 50}`)].join('\n'));

  it('reads New York midnights (04:00Z in summer, 05:00Z in winter) as their local dates, and forecasts the next dates', async () => {
    const days = Array.from({ length: 340 }, (_, i) => Date.UTC(2024, 0, 1) + i * DAY);
    const ds = table(days);
    expect(describeSeries(ds, { target: 'y' }).frequency).toMatchObject({ name: 'daily' });
    const trial = await runForecastTrial(ds, { target: 'y', horizon: 3, seed: 1, family: 'seasonal_naive', params: {} });
    if (trial.status !== 'complete') throw new Error(trial.reason);
    const model = await loadForecaster(JSON.parse(JSON.stringify(trial.envelope)));
    // The last row is 2024-12-05 (winter, 05:00Z); the summer dates before it are not 23:00 of the day before.
    expect(model.recent().at(-1)!.time).toBe('2024-12-05T00:00:00.000Z');
    expect(model.recent().map((p) => p.time).every((t) => String(t).endsWith('T00:00:00.000Z'))).toBe(true);
    expect(model.forecast(3).map((p) => p.time)).toEqual(['2024-12-06T00:00:00.000Z', '2024-12-07T00:00:00.000Z', '2024-12-08T00:00:00.000Z']);
    model.dispose();
  });

  it('reads monthly New York midnights as the first of each month, and forecasts the next firsts', async () => {
    const months = Array.from({ length: 36 }, (_, i) => Date.UTC(2022, i, 1));
    const ds = table(months);
    expect(describeSeries(ds, { target: 'y' }).frequency).toEqual({ kind: 'months', name: 'monthly', months: 1, monthEnd: false });
    const trial = await runForecastTrial(ds, { target: 'y', horizon: 2, seed: 1, family: 'drift', params: {} });
    if (trial.status !== 'complete') throw new Error(trial.reason);
    const model = await loadForecaster(JSON.parse(JSON.stringify(trial.envelope)));
    expect(model.forecast(2).map((p) => p.time)).toEqual(['2025-01-01T00:00:00.000Z', '2025-02-01T00:00:00.000Z']);
    model.dispose();
  });
});

describe('a third row at the local time the autumn change repeats', () => {
  it('is refused as the repeat of the row of its offset, not averaged into the point', () => {
    // Hourly Paris times from 24 to 29 October 2024, written with their offsets; 02:00 on the 27th is
    // 02:00+02:00 then 02:00+01:00, and a third row repeats 02:00+01:00 with another value.
    const lines = ['time,y'];
    const change = Date.UTC(2024, 9, 27, 1);
    for (let at = Date.UTC(2024, 9, 23, 22); at < Date.UTC(2024, 9, 29, 23); at += HOUR) {
      const offset = at < change ? 2 : 1;
      const wall = new Date(at + offset * HOUR).toISOString().slice(0, 19);
      lines.push(`${wall}+0${offset}:00,${100 + (lines.length % 24)}`);
      if (wall === '2024-10-27T02:00:00' && offset === 1) lines.push(`${wall}+01:00,999`);
    }
    const thirdRow = lines.findIndex((l) => l.endsWith(',999'));
    const error = engineError(() => extractSeries(datasetFromCsv(lines.join('\n')), { target: 'y' }));
    expect(error.message).toContain(`at data rows ${thirdRow - 1} and ${thirdRow}`);
    // Without the third row the repeated hour is one point, the mean of its two rows.
    const clean = lines.filter((l) => !l.endsWith(',999'));
    const { series } = extractSeries(datasetFromCsv(clean.join('\n')), { target: 'y' });
    expect(series[0].values.length).toBe(clean.length - 2);
  });
});
