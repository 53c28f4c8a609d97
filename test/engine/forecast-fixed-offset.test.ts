/**
 * A series whose timestamps were all written at one UTC offset other than UTC (India's `+05:30`, Brazil's
 * `-03:00`): upload keeps that offset with the column (NumericColumn.fixedUtcOffset) through storage,
 * selections and appends; the series still reads as its instants, and its forecasts, history and series
 * ends are written at that offset, the same instants as before, and so are the times its refusals and
 * reasons name. An envelope without the offset (made before it was kept) and a UTC series answer in UTC
 * as they always did.
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
