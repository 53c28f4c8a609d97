/**
 * A series whose timestamps were all written at one UTC offset other than UTC (India's `+05:30`, Brazil's
 * `-03:00`): upload keeps that offset with the column (NumericColumn.fixedUtcOffset) through storage,
 * selections and appends; the series still reads as its instants, and its forecasts, history and series
 * ends are written at that offset, the same instants as before, and so are the times its refusals and
 * reasons name, and a business-hours refusal's opening hours, days and grid minutes. An envelope without
 * the offset (made before it was kept) and a UTC series answer in UTC as they always did.
 */
import { describe, expect, it } from 'vitest';
import { appendRows } from '../../src/engine/data/append-rows';
import { decodeDataset, encodeDataset } from '../../src/engine/data/columnar-codec';
import { parseCsv } from '../../src/engine/data/csv';
import type { Dataset, NumericColumn } from '../../src/engine/data/dataset';
import { selectRows } from '../../src/engine/data/select-rows';
import { advanceEnvelope, extractSeries, type ForecastEnvelope, loadForecaster, parseForecastEnvelope, runForecastTrial } from '../../src/engine/forecast';
import { firstRepeatedPoint } from '../../src/engine/forecast/repeated-points';
import { datasetFromCsv } from './forecast-fixtures';
import { engineError } from './helpers/assertions';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** An instant as an export at `offset` (e.g. "+05:30", 330 minutes) writes it. */
const atOffset = (instant: number, text: string, minutes: number) => `${new Date(instant + minutes * MINUTE).toISOString().slice(0, 19)}${text}`;

/** A `t,y` table of `n` points `step` apart from `start`, written at one offset, with a daily pattern. */
function seriesAt(start: number, step: number, n: number, text: string, minutes: number): { ds: Dataset; instants: number[] } {
  const instants = Array.from({ length: n }, (_, i) => start + i * step);
  const rows = instants.map((t, i) => `${atOffset(t, text, minutes)},${(50 + 10 * Math.sin((2 * Math.PI * i) / 24) + (i % 5)).toFixed(2)}`);
  return { ds: datasetFromCsv(['t,y', ...rows].join('\n')), instants };
}

/** A `t,y` table of monthly points on the 1st at local midnight, written at one offset. */
function monthlyAt(months: number, text: string, minutes: number): Dataset {
  const rows = Array.from({ length: months }, (_, m) => `${atOffset(Date.UTC(2020, m, 1) - minutes * MINUTE, text, minutes)},${100 + (m % 12) * 3 + m}`);
  return datasetFromCsv(['t,y', ...rows].join('\n'));
}

const timeColumn = (ds: Dataset) => ds.columns.find((c) => c.name === 't') as NumericColumn;
const spec = (horizon: number) => ({ target: 'y', horizon, seed: 1, family: 'seasonal_naive' as const, params: {} });

async function trained(ds: Dataset, horizon: number): Promise<ForecastEnvelope> {
  const out = await runForecastTrial(ds, spec(horizon));
  if (out.status !== 'complete') throw new Error(out.reason);
  // Through JSON, as stored.
  return JSON.parse(JSON.stringify(out.envelope)) as ForecastEnvelope;
}

/** The times a loaded envelope forecasts and its history's last, and its series' end. */
async function answers(envelope: unknown, horizon: number) {
  const model = await loadForecaster(envelope);
  const out = { forecasts: model.forecast(horizon).map((p) => p.time as string), last: model.recent().at(-1)!.time as string, end: model.ends[0].lastTime as string };
  model.dispose();
  return out;
}

describe('one UTC offset throughout, kept with a date column', () => {
  it('keeps an offset other than UTC, and nothing for UTC, none, offsets that change or cells without one', () => {
    expect(timeColumn(datasetFromCsv('t,y\n2024-04-01T05:30:00+05:30,1\n,2\n2024-04-01T06:30:00+05:30,3')).fixedUtcOffset).toBe(330);
    expect(timeColumn(datasetFromCsv('t,y\n2024-04-01T05:30:00-03:00,1\n2024-04-01T06:30:00-0300,3')).fixedUtcOffset).toBe(-180);
    for (const text of ['t,y\n2024-04-01T05:30:00Z,1\n2024-04-01T06:30:00Z,2', 't,y\n2024-04-01T05:30:00+00:00,1\n2024-04-01T06:30:00+00:00,2', 't,y\n2024-04-01 05:30,1\n2024-04-01 06:30,2', 't,y\n2024-04-01T05:30:00+05:30,1\n2024-04-01 06:30,2']) {
      expect(timeColumn(datasetFromCsv(text)).fixedUtcOffset, text).toBeUndefined();
    }
    const changing = timeColumn(datasetFromCsv('t,y\n2024-03-30T12:00:00+01:00,1\n2024-03-31T12:00:00+02:00,2'));
    expect(changing.fixedUtcOffset).toBeUndefined();
    expect(changing.utcOffsets).toEqual([[0, 60], [1, 120]]);
  });

  it('keeps it through storage, a selection of rows and appended rows at that offset', () => {
    const { ds, instants } = seriesAt(Date.UTC(2024, 3, 1), HOUR, 3, '+05:30', 330);
    expect(timeColumn(decodeDataset(encodeDataset(ds))).fixedUtcOffset).toBe(330);
    expect(timeColumn(selectRows(ds, Int32Array.from([2, 0]))).fixedUtcOffset).toBe(330);
    const next = instants[2] + HOUR;
    const longer = appendRows(ds, parseCsv(`t,y\n${atOffset(next, '+05:30', 330)},4`), 'line', 1000).dataset;
    // Written back at +05:30 (not UTC), the longer column is still at one offset, not read on a local clock.
    expect(timeColumn(longer).fixedUtcOffset).toBe(330);
    expect(timeColumn(longer).utcOffsets).toBeUndefined();
    expect(Array.from(timeColumn(longer).values)).toEqual([...instants, next]);
    // Rows appended in UTC meet the stored ones in UTC, as before the offset was kept: one offset (UTC), no local clock.
    const inUtc = appendRows(ds, parseCsv(`t,y\n${new Date(next).toISOString()},4`), 'line', 1000).dataset;
    expect(timeColumn(inUtc).fixedUtcOffset).toBeUndefined();
    expect(timeColumn(inUtc).utcOffsets).toBeUndefined();
    expect(Array.from(timeColumn(inUtc).values)).toEqual([...instants, next]);
    // A stored offset that is none is refused.
    const bytes = encodeDataset({ ...ds, columns: ds.columns.map((c) => (c.name === 't' ? { ...(c as NumericColumn), fixedUtcOffset: 0 } : c)) });
    expect(engineError(() => decodeDataset(bytes)).code).toBe('bad_artifact');
  });

  it('reads the series as its instants, as before', () => {
    const { ds, instants } = seriesAt(Date.UTC(2024, 2, 31, 23, 0), HOUR, 24 * 14, '+05:30', 330);
    const { info, series } = extractSeries(ds, { target: 'y' });
    expect(info).toMatchObject({ frequency: { kind: 'fixed', stepMs: HOUR }, utcOffset: 330 });
    expect(info.localClock).toBeUndefined();
    expect(Array.from(series[0].times)).toEqual(instants);
    // forecast.timezone is for offsets that change; its refusal says how this series' forecasts are written.
    expect(engineError(() => extractSeries(ds, { target: 'y', timezone: 'Asia/Kolkata' })).message).toContain(
      'its timestamps carry no UTC offsets that change (they are read as the instants they are, and forecasts are written at their offset, +05:30)',
    );
  });
});

describe('forecasts of a series written at one offset', () => {
  it('writes hourly forecasts, history and the series end at +05:30, the same instants an envelope without it writes in UTC', async () => {
    // From 2024-04-01T00:00:00+05:30 (2024-03-31T18:30Z), two weeks of hours.
    const { ds, instants } = seriesAt(Date.UTC(2024, 2, 31, 18, 30), HOUR, 24 * 14, '+05:30', 330);
    const envelope = await trained(ds, 3);
    expect(envelope.utcOffset).toBe(330);
    const last = instants.at(-1)!;
    const at = await answers(envelope, 3);
    expect(at.last).toBe(atOffset(last, '+05:30', 330));
    expect(at.end).toBe(at.last);
    expect(at.forecasts).toEqual([1, 2, 3].map((h) => atOffset(last + h * HOUR, '+05:30', 330)));
    expect(at.forecasts[0]).toBe('2024-04-15T00:00:00+05:30');
    // An envelope made before the offset was kept answers the same instants in UTC, as before.
    const { utcOffset: _kept, ...before } = envelope;
    const utc = await answers(before, 3);
    expect(utc.forecasts).toEqual([1, 2, 3].map((h) => new Date(last + h * HOUR).toISOString()));
    expect(utc.forecasts.map(Date.parse)).toEqual(at.forecasts.map(Date.parse));
    expect(utc.last).toBe(new Date(last).toISOString());
  });

  it('writes daily forecasts at -03:00 (local midnights, which were instants at 03:00Z)', async () => {
    const { ds, instants } = seriesAt(Date.UTC(2024, 0, 1, 3), DAY, 60, '-03:00', -180);
    const envelope = await trained(ds, 2);
    expect(envelope.utcOffset).toBe(-180);
    const at = await answers(envelope, 2);
    expect(at.last).toBe('2024-02-29T00:00:00-03:00');
    expect(at.forecasts).toEqual(['2024-03-01T00:00:00-03:00', '2024-03-02T00:00:00-03:00']);
    expect(at.forecasts.map(Date.parse)).toEqual([instants.at(-1)! + DAY, instants.at(-1)! + 2 * DAY]);
  });

  it('writes monthly forecasts on the 1st at local midnight, at +05:30 and at -03:00', async () => {
    for (const [text, minutes] of [['+05:30', 330], ['-03:00', -180]] as const) {
      const envelope = await trained(monthlyAt(60, text, minutes), 2);
      expect(envelope.utcOffset).toBe(minutes);
      const at = await answers(envelope, 2);
      expect(at.last).toBe(`2024-12-01T00:00:00${text}`);
      expect(at.forecasts).toEqual([`2025-01-01T00:00:00${text}`, `2025-02-01T00:00:00${text}`]);
    }
  });

  it('keeps a UTC series in UTC, and refuses an envelope offset that is none', async () => {
    const { ds } = seriesAt(Date.UTC(2024, 2, 31, 23, 0), HOUR, 24 * 14, 'Z', 0);
    const envelope = await trained(ds, 1);
    expect(envelope.utcOffset).toBeUndefined();
    expect((await answers(envelope, 1)).forecasts).toEqual(['2024-04-14T23:00:00.000Z']);
    for (const utcOffset of [0, 90.5, 19 * 60, '+05:30']) expect(engineError(() => parseForecastEnvelope({ ...envelope, utcOffset })).code).toBe('bad_artifact');
    expect(engineError(() => parseForecastEnvelope({ ...envelope, utcOffset: 330, localClock: {} })).message).toContain('utcOffset and localClock');
  });
});

describe('messages about a series written at one offset', () => {
  // From 2024-04-01T00:00:00+05:30 (2024-03-31T18:30Z), hourly.
  const START = Date.UTC(2024, 2, 31, 18, 30);
  /** `n` hourly rows at `text`, the row at `moved` (from 0) half an hour late and the one at `repeat` repeating the time before it. */
  const rowsAt = (n: number, text: string, minutes: number, edit: { moved?: number; repeat?: number }) =>
    ['t,y', ...Array.from({ length: n }, (_, i) => `${atOffset(START + (i === edit.repeat ? i - 1 : i) * HOUR + (i === edit.moved ? 30 * MINUTE : 0), text, minutes)},${10 + (i % 7)}`)].join('\n');

  it('names the times of an irregular step and of a repeated time at +05:30, and in UTC for a UTC series', () => {
    const irregular = engineError(() => extractSeries(datasetFromCsv(rowsAt(48, '+05:30', 330, { moved: 30 })), { target: 'y' }));
    expect(irregular.code).toBe('invalid_dataset');
    expect(irregular.message).toContain('row 31 (2024-04-02T06:30:00+05:30) follows row 30 (2024-04-02T05:00:00+05:30)');
    const repeated = engineError(() => extractSeries(datasetFromCsv(rowsAt(48, '+05:30', 330, { repeat: 10 })), { target: 'y' }));
    expect(repeated.message).toContain('time column "t" repeats 2024-04-01T09:00:00+05:30 at data rows 10 and 11');
    // The same instants written in UTC are named in UTC, as before.
    const utc = engineError(() => extractSeries(datasetFromCsv(rowsAt(48, 'Z', 0, { moved: 30 })), { target: 'y' }));
    expect(utc.message).toContain('row 31 (2024-04-02T01:00:00.000Z) follows row 30 (2024-04-01T23:30:00.000Z)');
  });

  it('names an appended repeated point and why a model does not advance at +05:30', async () => {
    const ds = datasetFromCsv(rowsAt(24 * 7, '+05:30', 330, {}));
    const longer = appendRows(ds, parseCsv(`t,y\n${atOffset(START + 5 * HOUR, '+05:30', 330)},99`), 'line', 1000).dataset;
    expect(firstRepeatedPoint(longer, ds.rows, { timeColumn: 't' })).toMatchObject({ row: 24 * 7, earlier: 5, time: '2024-04-01T05:00:00+05:30' });
    const envelope = await trained(ds, 2);
    // The newest value replaced: the data do not continue the series the model knows, and the reason names its time at +05:30.
    const corrected = datasetFromCsv(rowsAt(24 * 7, '+05:30', 330, {}).replace(/,\d+$/, ',99'));
    const outcome = advanceEnvelope(envelope, corrected, { target: 'y' });
    expect(outcome.advanced).toEqual([]);
    expect(outcome.left[0].reason).toContain('its value at 2024-04-07T23:00:00+05:30 is 99 in the new data');
  });
});

describe('business-hours refusals of a series written at one offset', () => {
  /** Local opening and closing (minutes past local midnight) per weekday (0 = Sunday), or null when closed. */
  type LocalHours = (weekday: number) => readonly [number, number] | null;
  const NINE_TO_FIVE: LocalHours = (w) => (w === 0 || w === 6 ? null : [9 * 60, 18 * 60]);
  /** 09:00 to 18:00 Monday to Friday, 10:00 to 16:00 on Saturday (last points 17:00 and 15:00). */
  const SHOP: LocalHours = (w) => (w === 0 ? null : w === 6 ? [10 * 60, 16 * 60] : [9 * 60, 18 * 60]);

  /**
   * A `t,y` table of `weeks` weeks of points every `step` minutes during `hours` on the clock `local`
   * minutes east of UTC, from Monday 2024-01-01 there, without the wall times in `drop` and with those in
   * `add` ("YYYY-MM-DDTHH:MM" on that clock); written at `text` (`minutes`): the offset itself, or "Z", 0
   * for the same instants in UTC.
   */
  function openingAt(weeks: number, hours: LocalHours, local: number, [text, minutes]: readonly [string, number], edit: { drop?: readonly string[]; add?: readonly string[]; step?: number } = {}): Dataset {
    const walls: number[] = [];
    for (let day = Date.UTC(2024, 0, 1); day < Date.UTC(2024, 0, 1) + weeks * 7 * DAY; day += DAY) {
      const open = hours(new Date(day).getUTCDay());
      if (open !== null) for (let m = open[0]; m < open[1]; m += edit.step ?? 60) walls.push(day + m * MINUTE);
    }
    const dropped = new Set((edit.drop ?? []).map((w) => Date.parse(`${w}Z`)));
    const kept = [...walls.filter((w) => !dropped.has(w)), ...(edit.add ?? []).map((w) => Date.parse(`${w}Z`))].sort((a, b) => a - b);
    const rows = kept.map((w, i) => `${atOffset(w - local * MINUTE, text, minutes)},${10 + (i % 9)}`);
    return datasetFromCsv(['t,y', ...rows].join('\n'));
  }
  const refusal = (ds: Dataset) => engineError(() => extractSeries(ds, { target: 'y' })).message;

  it('names the hours, days and times of a point outside the hours at +05:30, where UTC names 03:30 to 11:30', () => {
    // 09:00 to 17:00 at +05:30 is 03:30Z to 11:30Z; a point at 18:00 local (12:30Z) on Tuesday 2 January.
    const late = { add: ['2024-01-02T18:00'] };
    const message = refusal(openingAt(3, NINE_TO_FIVE, 330, ['+05:30', 330], late));
    expect(message).toContain(
      'row 19 (2024-01-02T18:00:00+05:30) follows row 18 (2024-01-02T17:00:00+05:30), but the series steps by 1 opening hour (hourly from 09:00 to 17:00 at +05:30, Monday to Friday); ' +
        'it falls outside the opening hours, which a business-hours series skips (its opening hours are hourly from 09:00 to 17:00 at +05:30, Monday to Friday)',
    );
    expect(message).not.toContain('UTC,');
    // The same instants written in UTC are named in UTC, as before.
    expect(refusal(openingAt(3, NINE_TO_FIVE, 330, ['Z', 0], late))).toContain(
      'row 19 (2024-01-02T12:30:00.000Z) follows row 18 (2024-01-02T11:30:00.000Z), but the series steps by 1 opening hour (hourly from 03:30 to 11:30 UTC, Monday to Friday)',
    );
  });

  it('names the local days at +10:00, whose Monday opens on the UTC Sunday, and a missing whole day at the offset', () => {
    // 09:00 to 17:00 at +10:00 is 23:00Z to 07:00Z the next UTC day, Sunday to Thursday on the UTC clock.
    const holiday = { drop: Array.from({ length: 9 }, (_, h) => `2024-01-10T${String(9 + h).padStart(2, '0')}:00`) };
    const message = refusal(openingAt(3, NINE_TO_FIVE, 600, ['+10:00', 600], holiday));
    expect(message).toContain('row 64 (2024-01-11T09:00:00+10:00) follows row 63 (2024-01-09T17:00:00+10:00)');
    expect(message).toContain('the series misses the whole working day of Wednesday 2024-01-10 (its 9 opening hours, 2024-01-10T09:00:00+10:00 to 2024-01-10T17:00:00+10:00)');
    expect(message).toContain('hourly from 09:00 to 17:00 at +10:00, Monday to Friday');
    expect(message).not.toContain('the next UTC day');
    const utc = refusal(openingAt(3, NINE_TO_FIVE, 600, ['Z', 0], holiday));
    expect(utc).toContain('the series misses the whole working day of Tuesday 2024-01-09 (its 9 opening hours, 2024-01-09T23:00:00.000Z to 2024-01-10T07:00:00.000Z)');
    expect(utc).toContain('hourly from 23:00 to 07:00 the next UTC day UTC, Sunday to Thursday');
  });

  it("names a day's own hours of a schedule, the next opening slot and the grid's minutes at the offset, east and west", () => {
    // Saturday opens 10:00 to 15:00 local; a point at Saturday 09:00 local is outside its own hours.
    const early = refusal(openingAt(3, SHOP, 330, ['+05:30', 330], { add: ['2024-01-13T09:00'] }));
    expect(early).toContain('row 97 (2024-01-13T09:00:00+05:30) follows row 96 (2024-01-12T17:00:00+05:30)');
    expect(early).toContain(
      "it falls outside Saturday's opening hours (from 10:00 to 15:00 at +05:30), which a business-hours series skips (its opening hours are hourly from 09:00 to 17:00 at +05:30, Monday to Friday; from 10:00 to 15:00 at +05:30, Saturday)",
    );
    expect(refusal(openingAt(3, SHOP, 330, ['Z', 0], { add: ['2024-01-13T09:00'] }))).toContain("it falls outside Saturday's opening hours (from 04:30 to 09:30 UTC)");
    // West of UTC: five hours missing on Wednesday 3 January at -03:00 (a gap, not a whole day), then a point at 10:30 local.
    const gap = refusal(openingAt(3, NINE_TO_FIVE, -180, ['-03:00', -180], { drop: ['2024-01-03T10:00', '2024-01-03T11:00', '2024-01-03T12:00', '2024-01-03T13:00', '2024-01-03T14:00'] }));
    expect(gap).toContain('the next opening hour is 2024-01-03T10:00:00-03:00: add the missing hours with an empty target');
    const offGrid = refusal(openingAt(3, NINE_TO_FIVE, 330, ['+05:30', 330], { add: ['2024-01-02T10:30'] }));
    // On the UTC clock the points are at :30 past the hour (03:30Z); at +05:30 they are on the hour.
    expect(offGrid).toContain('row 12 (2024-01-02T10:30:00+05:30) follows row 11 (2024-01-02T10:00:00+05:30)');
    expect(offGrid).toContain('it is not at :00 past the hour as the other points are (its opening hours are hourly from 09:00 to 17:00 at +05:30, Monday to Friday)');
    expect(refusal(openingAt(3, NINE_TO_FIVE, 330, ['Z', 0], { add: ['2024-01-02T10:30'] }))).toContain('it is not at :30 past the hour as the other points are (its opening hours are hourly from 03:30 to 11:30 UTC');
  });

  it('names a daily break at the offset where the UTC clock splits the day at midnight (+10:00)', () => {
    // 09:00 to 11:00 and 13:00 to 17:00 at +10:00 (23:00Z to 01:00Z, closed 02:00Z, 03:00Z to 07:00Z); a point at 12:00 local on Wednesday 10 January.
    const lunches = Array.from({ length: 21 }, (_, d) => `${new Date(Date.UTC(2024, 0, 1 + d)).toISOString().slice(0, 10)}T12:00`);
    const edit = (at: string) => ({ drop: lunches.filter((l) => l !== at) });
    const message = refusal(openingAt(3, NINE_TO_FIVE, 600, ['+10:00', 600], edit('2024-01-10T12:00')));
    expect(message).toContain('row 60 (2024-01-10T12:00:00+10:00) follows row 59 (2024-01-10T11:00:00+10:00)');
    expect(message).toContain(
      '(hourly from 09:00 to 11:00 and from 13:00 to 17:00 at +10:00, Monday to Friday); it falls in the daily break (closed 12:00 to 13:00 at +10:00), which a business-hours series skips',
    );
    expect(refusal(openingAt(3, NINE_TO_FIVE, 600, ['Z', 0], edit('2024-01-10T12:00')))).toContain(
      '(hourly from 23:00 to 01:00 the next UTC day and from 03:00 to 07:00 UTC, Sunday to Thursday); it falls in the daily break (closed 02:00 to 03:00 UTC)',
    );
  });
});
