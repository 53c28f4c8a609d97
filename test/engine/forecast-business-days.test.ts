/**
 * Business-day series (Monday to Friday, the weekend skipped): detection with the stray tolerance the
 * other frequencies have (a holiday is a short gap, added and interpolated; many gaps are refused naming
 * the first), what stays daily or hourly, stepping over weekends at the same time of day, the
 * weekday phase, the envelope (old kinds unchanged), and end to end: a synthetic weekday pattern is
 * forecast on the following business days, better than seasonal naive and with its weekday shape.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../src/engine/core/rng';
import { describeSeries, extractSeries, forecastDefaults, loadForecaster, parseForecastEnvelope, type SeriesFrequency } from '../../src/engine/forecast';
import { detectFrequency, naturalSeason, phaseOf, seasonFor, stepTime } from '../../src/engine/forecast/frequency';
import { daySeries } from './forecast-fixtures';
import { engineError } from './helpers/assertions';
import { expectWorkWeekStepping } from './helpers/work-week';
import { heldOutSeries } from './helpers/held-out-series';

const DAY = 86_400_000;
const BUSINESS: SeriesFrequency = { kind: 'business_days', name: 'business_daily', weekStart: 1 };
const weekday = (t: number) => new Date(t).getUTCDay();
const isWeekend = (t: number) => weekday(t) === 0 || weekday(t) === 6;

/** `n` consecutive business days from `start` (UTC), at `start`'s time of day. */
function businessDays(start: number, n: number): number[] {
  const out: number[] = [];
  for (let t = start; out.length < n; t += DAY) if (!isWeekend(t)) out.push(t);
  return out;
}

describe('business-day detection', () => {
  const days = businessDays(Date.UTC(2024, 0, 1), 60);

  it('reads Monday-to-Friday dates as business days with a season of a week, in any row order', () => {
    const dates = days.map((t) => new Date(t).toISOString().slice(0, 10));
    const info = describeSeries(daySeries([...dates].reverse(), dates.map((_, i) => i).reverse()), { target: 'y' });
    expect(info.frequency).toEqual(BUSINESS);
    expect(info.season).toBe(5);
    expect(info.lengths).toEqual({ '': 60 });
  });

  it('keeps the time of day, and reads local midnights east of UTC on their local weekdays', () => {
    // A 16:00Z close: steps of a day and of three days over the weekend.
    const closes = days.map((t) => t + 16 * 3_600_000);
    expect(detectFrequency(Float64Array.from(closes), true)).toEqual(BUSINESS);
    // Local midnights at +01:00 are 23:00Z the day before: Monday is a UTC Sunday, so the week starts on Sunday.
    const local = days.map((t) => `${new Date(t).toISOString().slice(0, 10)}T00:00:00+01:00`);
    const { info, series } = extractSeries(daySeries(local, days.map((_, i) => i)), { target: 'y' });
    expect(info.frequency).toEqual({ ...BUSINESS, weekStart: 0 });
    const last = series[0].times[59];
    expect(new Date(last).toISOString()).toBe('2024-03-21T23:00:00.000Z'); // Friday 22 March, local
    expect(new Date(stepTime(info.frequency, last, 1)).toISOString()).toBe('2024-03-24T23:00:00.000Z'); // Monday 25 March, local
    expect(phaseOf(info.frequency, 5, last, series[0].times[0])).toBe(4);
  });

  it('adds a missing business day (a holiday) and interpolates it; refuses a series missing too many, naming the first gap', () => {
    // 15 January 2024 (a Monday, between rows 10 and 11) is missing: a stock-price export leaves holidays out.
    const holiday = days.filter((t) => t !== Date.UTC(2024, 0, 15));
    const { info, series } = extractSeries(daySeries(holiday, holiday.map((_, i) => i)), { target: 'y' });
    expect(info).toMatchObject({ frequency: BUSINESS, season: 5, lengths: { '': 60 }, interpolated: { '': 0 }, added: { '': [Date.UTC(2024, 0, 15)] } });
    // Rows 10 and 11 hold 9 and 10: the added Monday lies between them.
    expect(series[0].values[10]).toBe(9.5);
    // The same day given with an empty target is an interpolated cell, not an added timestamp.
    const empty = describeSeries(daySeries(days, days.map((t, i) => (t === Date.UTC(2024, 0, 15) ? '' : i))), { target: 'y' });
    expect(empty).toMatchObject({ frequency: BUSINESS, interpolated: { '': 1 } });
    expect(empty.added).toBeUndefined();
    // The Wednesdays of weeks 2 to 8 missing are 7 of 60 points, more than a holiday calendar's share: refused at the first.
    const holes = days.filter((t) => !(weekday(t) === 3 && t > days[4] && t < days[40]));
    expect(holes).toHaveLength(53);
    const err = engineError(() => describeSeries(daySeries(holes, holes.map((_, i) => i)), { target: 'y' }));
    expect(err.code).toBe('invalid_dataset');
    expect(err.details).toMatchObject({ row: 8, missing: 7 });
    expect(err.message).toBe(
      'time column "day" misses 7 of 60 timestamps (12%), the first between rows 7 (2024-01-09T00:00:00.000Z) and 8 (2024-01-11T00:00:00.000Z); ' +
        'gaps of up to 3 steps are added by themselves while they come to at most 10% of the series: add the missing timestamps with an empty target (they are interpolated) or resample the series',
    );
    // One fewer hole is under a tenth: every one is added.
    const fewer = days.filter((t) => !(weekday(t) === 3 && t > days[4] && t < days[35]));
    expect(describeSeries(daySeries(fewer, fewer.map((_, i) => i)), { target: 'y' }).added?.['']).toHaveLength(6);
  });

  it('names a weekend point among business days as a stray rather than reading the series as daily', () => {
    // Saturday 13 January after Friday 12 (row 10).
    const stray = [...days.slice(0, 10), Date.UTC(2024, 0, 13), ...days.slice(10)];
    expect(detectFrequency(Float64Array.from(stray), true)).toEqual(BUSINESS);
    const err = engineError(() => describeSeries(daySeries(stray, stray.map((_, i) => i)), { target: 'y' }));
    expect(err.details.row).toBe(11);
    expect(err.message).toContain('row 11 (2024-01-13T00:00:00.000Z) follows row 10');
    expect(err.message).toContain('it falls on a weekend, which a business-day series skips');
    // On the first row too: nothing before it to step from, so it is checked against the week itself.
    const sundayFirst = [Date.UTC(2023, 11, 31), ...days];
    expect(detectFrequency(Float64Array.from(sundayFirst), true)).toEqual(BUSINESS);
    const first = engineError(() => describeSeries(daySeries(sundayFirst, sundayFirst.map((_, i) => i)), { target: 'y' }));
    expect(first.details.row).toBe(1);
    expect(first.message).toContain('row 1 (2023-12-31T00:00:00.000Z) starts the series on a day the series skips');
    expect(first.message).toContain('it falls on a weekend, which a business-day series skips');
  });

  it('leaves daily, weekend-free short and business-hours series as they were; reads Monday to Saturday as a six-day week', () => {
    const daily = Array.from({ length: 60 }, (_, i) => Date.UTC(2024, 0, 1 + i));
    expect(detectFrequency(Float64Array.from(daily), true)).toMatchObject({ kind: 'fixed', name: 'daily' });
    // Six days a week skip one closed day: a working week of six (./forecast-working-days.test.ts), regular, no gaps.
    const sixDays = daily.filter((t) => weekday(t) !== 0);
    expect(detectFrequency(Float64Array.from(sixDays), true)).toEqual({ kind: 'business_days', name: 'working_daily', weekStart: 1, workDays: 6 });
    expect(describeSeries(daySeries(sixDays, sixDays.map((_, i) => i)), { target: 'y' })).toMatchObject({ season: 6, lengths: { '': 52 }, interpolated: { '': 0 } });
    // Monday to Friday of one week never skips a weekend: nothing tells it from daily.
    expect(detectFrequency(Float64Array.from(days.slice(0, 5)), true)).toMatchObject({ kind: 'fixed', name: 'daily' });
    // Business hours (9:00 to 16:00, Monday to Friday) are hours, not days (./forecast-business-hours.test.ts).
    const hours = days.slice(0, 20).flatMap((t) => Array.from({ length: 8 }, (_, h) => t + (9 + h) * 3_600_000));
    expect(detectFrequency(Float64Array.from(hours), true)).toMatchObject({ kind: 'business_hours', firstHour: 9, hours: 8 });
    // A numeric index is never read as days.
    expect(detectFrequency(Float64Array.from([1, 2, 3, 6, 7, 8, 9, 10, 13]), false)).toMatchObject({ kind: 'index', step: 1 });
  });
});

describe('business-day steps and phases', () => {
  const friday = Date.UTC(2024, 0, 5, 16, 30);
  const iso = (t: number) => new Date(t).toISOString();

  it('steps over weekends, over several weeks and backwards, at the same time of day', () => {
    expect(iso(stepTime(BUSINESS, friday, 1))).toBe('2024-01-08T16:30:00.000Z');
    expect(iso(stepTime(BUSINESS, friday, 5))).toBe('2024-01-12T16:30:00.000Z');
    expect(iso(stepTime(BUSINESS, friday, 6))).toBe('2024-01-15T16:30:00.000Z');
    expect(iso(stepTime(BUSINESS, friday, 16))).toBe('2024-01-29T16:30:00.000Z');
    expect(iso(stepTime(BUSINESS, friday, -1))).toBe('2024-01-04T16:30:00.000Z');
    expect(iso(stepTime(BUSINESS, Date.UTC(2024, 0, 8, 9), -1))).toBe('2024-01-05T09:00:00.000Z');
    // Across a year end and a leap day, and before 1970.
    expect(iso(stepTime(BUSINESS, Date.UTC(2023, 11, 29), 1))).toBe('2024-01-01T00:00:00.000Z');
    expect(iso(stepTime(BUSINESS, Date.UTC(2024, 1, 28), 2))).toBe('2024-03-01T00:00:00.000Z');
    expect(iso(stepTime(BUSINESS, Date.UTC(1969, 11, 31), 3))).toBe('1970-01-05T00:00:00.000Z');
    // From a weekend day (never in a checked series): forward to the Monday, back to the Friday.
    expect(iso(stepTime(BUSINESS, Date.UTC(2024, 0, 6, 12), 1))).toBe('2024-01-08T12:00:00.000Z');
    expect(iso(stepTime(BUSINESS, Date.UTC(2024, 0, 7, 12), -1))).toBe('2024-01-05T12:00:00.000Z');
    expect(stepTime(BUSINESS, friday, 0)).toBe(friday);
  });

  it('k steps forward then back return to the start, land on weekdays and agree with k single steps', () => {
    expectWorkWeekStepping(BUSINESS, 5, isWeekend, 7);
  });

  it('gives Monday 0 to Friday 4 whatever the anchor, and a season of 5 once the series can validate it', () => {
    const week = businessDays(Date.UTC(2024, 4, 6, 8), 10); // Monday 6 May
    for (const anchor of [0, week[2], Date.UTC(2001, 6, 4)]) expect(week.map((t) => phaseOf(BUSINESS, 5, t, anchor))).toEqual([0, 1, 2, 3, 4, 0, 1, 2, 3, 4]);
    expect(week.map((t) => phaseOf(BUSINESS, 1, t, 0))).toEqual(new Array(10).fill(0));
    expect(naturalSeason(BUSINESS)).toBe(5);
    expect(seasonFor(BUSINESS, 21)).toBe(5);
    expect(seasonFor(BUSINESS, 20)).toBe(1);
  });
});

/** 300 business days: a weekday pattern on a rising trend, with noise. */
function weekdaySeries(): { times: number[]; values: number[] } {
  const pattern = [14, 5, 0, -4, -12];
  const rng = new Rng(11);
  const times = businessDays(Date.UTC(2023, 0, 2), 300);
  const values = times.map((t, i) => 200 + 0.15 * i + pattern[weekday(t) - 1] + 1.5 * rng.normal());
  return { times, values };
}

describe('business-day forecasts end to end', () => {
  const { times, values } = weekdaySeries();
  // Four weeks held out: long enough for seasonal naive to lag behind the trend.
  const HELD = 20;
  const { shape, rmse, trial } = heldOutSeries(times, values, HELD, 5);
  /** Mondays about 26 above Fridays, and in every forecast week Monday the highest day and Friday the lowest. */
  function expectWeekdayShape(forecast: number[]): void {
    const byDay = (d: number) => forecast.filter((_, i) => weekday(times[times.length - HELD + i]) === d);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(byDay(1)) - mean(byDay(5))).toBeGreaterThan(22);
    expect(mean(byDay(1)) - mean(byDay(5))).toBeLessThan(30);
    for (let w = 0; w < HELD / 5; w++) {
      const week = forecast.slice(5 * w, 5 * w + 5);
      expect(week.indexOf(Math.max(...week))).toBe(0);
      expect(week.indexOf(Math.min(...week))).toBe(4);
    }
  }

  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('forecasts the next business days with the weekday pattern, better than seasonal naive', async () => {
    const naive = await loadForecaster(await trial('seasonal_naive', {}));
    const envelope = await trial('linear', forecastDefaults('linear', shape));
    expect(envelope.frequency).toEqual(BUSINESS);
    expect(envelope.season).toBe(5);
    const model = await loadForecaster(JSON.parse(JSON.stringify(envelope)));
    expect(model.description.frequency).toBe('business_daily');
    const points = model.forecast(HELD, { level: 0.9 });
    // The held-out days, Monday to Friday, across the weekends.
    expect(points.map((p) => p.time)).toEqual(times.slice(-HELD).map((t) => new Date(t).toISOString()));
    expect(points.every((p) => !isWeekend(Date.parse(p.time as string)))).toBe(true);
    const forecast = points.map((p) => p.value);
    const modelRmse = rmse(forecast);
    const naiveRmse = rmse(naive.forecast(HELD).map((p) => p.value));
    expect(modelRmse).toBeLessThan(naiveRmse);
    expectWeekdayShape(forecast);
    // The history it starts from ends on the last training day.
    const history = model.recent();
    expect(history.at(-1)!.time).toBe(new Date(times[times.length - HELD - 1]).toISOString());
    expect(history.every((p) => !isWeekend(Date.parse(p.time as string)))).toBe(true);
    naive.dispose();
    model.dispose();
  });

  it('learns the weekday pattern from the calendar phase alone, so training and forecasting agree on it', async () => {
    // One lag of the first differences cannot tell the weekday: only the phase one-hot can.
    const params = { transform: 'none', lags: 1, calendar: true, seasonal_lags: 0, rolling_window: 0, differencing: 'first' };
    const withPhase = await loadForecaster(await trial('linear', params));
    const forecast = withPhase.forecast(HELD).map((p) => p.value);
    expectWeekdayShape(forecast);
    expect(rmse(forecast)).toBeLessThan(3);
    const without = await loadForecaster(await trial('linear', { ...params, calendar: false }));
    expect(rmse(without.forecast(HELD).map((p) => p.value))).toBeGreaterThan(8);
    withPhase.dispose();
    without.dispose();
  });

  it('trains the tree and recurrent families on business days', async () => {
    for (const [family, params] of [
      ['gbdt', forecastDefaults('gbdt', shape)],
      ['rnn', { ...forecastDefaults('rnn', shape), units: 8, epochs: 10 }],
    ] as const) {
      const f = await loadForecaster(await trial(family, params, 1));
      const points = f.forecast(HELD);
      expect(points.map((p) => p.time)).toEqual(times.slice(-HELD).map((t) => new Date(t).toISOString()));
      expect(points.every((p) => Number.isFinite(p.value))).toBe(true);
      // Far from a flat forecast: within a few noise levels of what happened.
      expect(rmse(points.map((p) => p.value))).toBeLessThan(family === 'rnn' ? 12 : 6);
      f.dispose();
    }
  });

  it('envelopes: a business-day frequency round-trips, a bad one is refused, the older kinds load unchanged', async () => {
    const envelope = JSON.parse(JSON.stringify(await trial('drift', {})));
    expect(parseForecastEnvelope(envelope).frequency).toEqual(BUSINESS);
    for (const weekStart of [7, -1, 1.5, undefined]) {
      expect(engineError(() => parseForecastEnvelope({ ...envelope, frequency: { kind: 'business_days', name: 'business_daily', weekStart } })).code).toBe('bad_artifact');
    }
    // An envelope stored before business days existed (a daily one) still forecasts calendar days.
    const daily = await loadForecaster({ ...envelope, frequency: { kind: 'fixed', name: 'daily', stepMs: DAY } });
    const last = times[times.length - HELD - 1]; // a Friday
    expect(daily.forecast(3).map((p) => p.time)).toEqual([1, 2, 3].map((k) => new Date(last + k * DAY).toISOString()));
    expect(daily.description.frequency).toBe('daily');
  });
});
