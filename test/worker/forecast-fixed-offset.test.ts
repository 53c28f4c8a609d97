/**
 * A forecast job in workerd on an hourly series written at one UTC offset throughout (India, `+05:30`
 * on every cell; engine side: test/engine/forecast-fixed-offset.test.ts), uploaded as a CSV and appended
 * to at that offset: its forecasts, history and the model view's series end are written at `+05:30`, the
 * same instants a series written in UTC answers with `Z`; so are the times a job's warnings and the
 * refusal of an appended repeated point name.
 */
import { describe, expect, it } from 'vitest';
import { trainAndForecast } from './forecast-helpers';
import { call, json, waitForJob } from './helpers';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** 2024-04-01T00:00:00+05:30. */
const START = Date.UTC(2024, 2, 31, 18, 30);

/** An instant as written at `text` (`+05:30`, 330 minutes; `Z`, 0). */
const written = (instant: number, text: string, minutes: number) => `${new Date(instant + minutes * MINUTE).toISOString().slice(0, 19)}${text}`;
/** Hours `from` to `to` (exclusive) of a daily swing from START, as `time,sales` rows written at one offset. */
const hours = (from: number, to: number, text: string, minutes: number) =>
  Array.from({ length: to - from }, (_, k) => `${written(START + (from + k) * HOUR, text, minutes)},${(60 + 20 * Math.sin((2 * Math.PI * (from + k)) / 24) + ((from + k) % 4)).toFixed(1)}`);

const timesOf = (points: { time: string }[]) => points.map((p) => p.time);

describe('a forecast job on a series written at one UTC offset throughout', () => {
  it('writes forecasts, history and the series end at +05:30, the instants a UTC series writes with Z', async () => {
    const rows = hours(0, 24 * 14, '+05:30', 330);
    expect(rows[0].startsWith('2024-04-01T00:00:00+05:30,')).toBe(true);
    expect((await call('PUT', '/v1/datasets/india-hourly', ['time,sales', ...rows].join('\n'))).status).toBe(201);
    const india = await trainAndForecast({ dataset: 'india-hourly', model: 'india-hourly', target: 'sales', horizon: 3 });
    const last = START + (24 * 14 - 1) * HOUR;
    const ahead = [1, 2, 3].map((h) => last + h * HOUR);
    expect(timesOf(india.body.forecasts)).toEqual(['2024-04-15T00:00:00+05:30', '2024-04-15T01:00:00+05:30', '2024-04-15T02:00:00+05:30']);
    expect(timesOf(india.body.forecasts).map(Date.parse)).toEqual(ahead);
    expect(india.body.history.at(-1).time).toBe('2024-04-14T23:00:00+05:30');
    expect(india.model.forecast.series).toEqual([{ last_time: '2024-04-14T23:00:00+05:30', points: 24 * 14 }]);
    // Not read on a local clock: nothing says so.
    expect(india.body.local_time).toBeUndefined();
    expect(india.model.forecast.local_time).toBeUndefined();

    // The same hours written in UTC answer the same instants in UTC, as before.
    expect((await call('PUT', '/v1/datasets/utc-hourly', ['time,sales', ...hours(0, 24 * 14, 'Z', 0)].join('\n'))).status).toBe(201);
    const utc = await trainAndForecast({ dataset: 'utc-hourly', model: 'utc-hourly', target: 'sales', horizon: 3 });
    expect(timesOf(utc.body.forecasts)).toEqual(ahead.map((t) => new Date(t).toISOString()));
    expect(utc.body.history.at(-1).time).toBe('2024-04-14T17:30:00.000Z');

    // A day appended at +05:30 keeps the series at one offset: the retrained model forecasts on from it.
    expect((await call('POST', '/v1/datasets/india-hourly/rows', ['time,sales', ...hours(24 * 14, 24 * 15, '+05:30', 330)].join('\n'))).status).toBe(201);
    const longer = await trainAndForecast({ dataset: 'india-hourly', model: 'india-hourly-2', target: 'sales', horizon: 1 });
    expect(timesOf(longer.body.forecasts)).toEqual(['2024-04-16T00:00:00+05:30']);
    expect(longer.model.forecast.series).toEqual([{ last_time: '2024-04-15T23:00:00+05:30', points: 24 * 15 }]);
  }, 200_000);

  it("names times at +05:30 in a job's warnings and in the refusal of an appended repeated point", async () => {
    // Two weeks of hours without 2024-04-05T10:00:00+05:30 (hour 106): the job adds it, and says so at +05:30.
    const rows = hours(0, 24 * 14, '+05:30', 330).filter((_, i) => i !== 106);
    expect((await call('PUT', '/v1/datasets/india-gap', ['time,sales', ...rows].join('\n'))).status).toBe(201);
    const created = await call('POST', '/v1/jobs', { dataset: 'india-gap', target: 'sales', task: 'forecast', models: ['seasonal_naive'], budget: { trials: 1 }, model: 'india-gap' });
    expect(created.status).toBe(202);
    const answer = await json(created);
    expect(answer.warnings).toContain('1 missing timestamp was added to fill short gaps in the series (2024-04-05T10:00:00+05:30); its value is interpolated');
    expect((await waitForJob(answer.id)).status).toBe('succeeded');
    // A row repeating an hour the model was trained on is refused naming it as written, not again in UTC.
    const repeat = await call('POST', '/v1/datasets/india-gap/rows', ['time,sales', `${written(START + 5 * HOUR, '+05:30', 330)},1`].join('\n'));
    expect(repeat.status).toBe(400);
    const message = (await json(repeat)).error.message as string;
    expect(message).toContain('"time" "2024-04-01T05:00:00+05:30" is already at data row 6');
    expect(message).not.toContain('Z)');
  }, 200_000);
});
