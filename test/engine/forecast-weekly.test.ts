/**
 * The weekly second season of series whose season is a day (engine/forecast/frequency weekPeriod):
 * hourly data (168 steps a week, UTC weekdays) and business hours (the hours of a working week, days
 * counted from the start of the working week, a run past UTC midnight on the day of its first hour).
 * The tabular families may read a one-hot day of the week and the value a week before; the search offers
 * them (the weekly lag only when a week fits the earliest origin's reach), the defaults use them, other
 * series refuse them by name; and on held-out days a weekly pattern (quiet weekends, busy Mondays) is
 * forecast far better with them than with the daily season alone.
 */
import { describe, expect, it } from 'vitest';
import { forecastDefaults, forecastShapeOf, forecastSpace, loadForecaster, runForecastTrial, weekPeriod } from '../../src/engine/forecast';
import { weekdayOf } from '../../src/engine/forecast/frequency';
import type { SeriesFrequency } from '../../src/engine/forecast';
import type { Params } from '../../src/engine/search/space';
import { daySeries } from './forecast-fixtures';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const MONDAY = Date.UTC(2024, 0, 1);
const HOURLY: SeriesFrequency = { kind: 'fixed', name: 'hourly', stepMs: HOUR };
const NINE_TO_FIVE: SeriesFrequency = { kind: 'business_hours', name: 'business_hourly', weekStart: 1, workDays: 5, firstHour: 9, minute: 0, hours: 9 };

/** Pseudo-random noise in [-1, 1), the same for the same i. */
const noise = (i: number) => {
  const x = Math.sin(i * 12.9898) * 43758.5453;
  return 2 * (x - Math.floor(x)) - 1;
};

describe('the week of a daily season', () => {
  it('has 168 hourly steps or the hours of a working week, and none for other series', () => {
    expect(weekPeriod(HOURLY, 24)).toBe(168);
    expect(weekPeriod(HOURLY, 1)).toBe(0);
    expect(weekPeriod(NINE_TO_FIVE, 9)).toBe(45);
    expect(weekPeriod({ kind: 'fixed', name: 'daily', stepMs: DAY }, 7)).toBe(0);
    expect(weekPeriod({ kind: 'months', name: 'monthly', months: 1, monthEnd: false }, 12)).toBe(0);
  });

  it('counts UTC weekdays for hourly data and working days from the week start for business hours', () => {
    expect(weekdayOf(HOURLY, MONDAY + 23 * HOUR)).toBe(1);
    expect(weekdayOf(HOURLY, MONDAY + 6 * DAY)).toBe(0);
    expect(weekdayOf(NINE_TO_FIVE, MONDAY + 9 * HOUR)).toBe(0);
    expect(weekdayOf(NINE_TO_FIVE, MONDAY + 4 * DAY + 17 * HOUR)).toBe(4);
    expect(weekdayOf(NINE_TO_FIVE, MONDAY + 7 * DAY + 9 * HOUR)).toBe(0);
    // Local hours west of UTC: a run from 20:00 to 03:00 UTC is the day of its first hour.
    const evenings: SeriesFrequency = { kind: 'business_hours', name: 'business_hourly', weekStart: 1, workDays: 5, firstHour: 20, minute: 0, hours: 8 };
    expect(weekdayOf(evenings, MONDAY + DAY + 2 * HOUR)).toBe(0);
    expect(weekdayOf(evenings, MONDAY + DAY + 20 * HOUR)).toBe(1);
  });
});

/** Eight weeks of hourly visits: a daily shape, weekends at a third, Mondays busier, noise. */
function hourlyVisits(weeks = 8) {
  const times: number[] = [];
  const values: number[] = [];
  for (let i = 0; i < weeks * 168; i++) {
    const t = MONDAY + i * HOUR;
    const hour = new Date(t).getUTCHours();
    const day = new Date(t).getUTCDay();
    const shape = 20 + 30 * Math.max(0, Math.sin(((hour - 6) / 16) * Math.PI));
    const weekly = day === 0 || day === 6 ? 0.35 : day === 1 ? 1.3 : 1;
    times.push(t);
    values.push(shape * weekly + 2 * noise(i));
  }
  return { times, values };
}

/** Eight weeks of a call centre's calls, 09:00 to 17:00 Monday to Friday: a lunch peak, Mondays double, Fridays quiet. */
function businessCalls(weeks = 8) {
  const times: number[] = [];
  const values: number[] = [];
  for (let w = 0; w < weeks; w++) {
    for (let d = 0; d < 5; d++) {
      for (let h = 0; h < 9; h++) {
        times.push(MONDAY + (7 * w + d) * DAY + (9 + h) * HOUR);
        values.push((30 + 20 * Math.exp(-((h - 3) ** 2) / 4)) * [2, 1.2, 1, 1, 0.6][d] + 2 * noise(times.length));
      }
    }
  }
  return { times, values };
}

async function heldOutRmse(times: number[], values: number[], held: number, params: (shape: ReturnType<typeof forecastShapeOf>) => Params) {
  const train = daySeries(times.slice(0, -held), values.slice(0, -held).map((v) => v.toFixed(3)));
  const spec = { target: 'y', horizon: held, seed: 1 };
  const shape = forecastShapeOf(train, spec);
  const out = await runForecastTrial(train, { ...spec, family: 'linear', params: params(shape) });
  if (out.status !== 'complete') throw new Error(out.reason);
  const points = (await loadForecaster(JSON.parse(JSON.stringify(out.envelope)))).forecast(held);
  const truth = values.slice(-held);
  return { rmse: Math.sqrt(truth.reduce((a, v, i) => a + (v - points[i].value) ** 2, 0) / held), shape, envelope: out.envelope };
}

const withoutWeek = (p: Params): Params => {
  const { weekday: _w, weekly_lag: _l, ...rest } = p;
  return rest;
};

describe('weekly features of the tabular families', () => {
  it('forecast a held-out weekend and Monday of hourly data far better than the daily season alone', async () => {
    const { times, values } = hourlyVisits();
    // Held out: Saturday, Sunday and Monday of the last week.
    const { times: t, values: v } = { times: times.slice(0, -4 * 24), values: values.slice(0, -4 * 24) };
    const weekly = await heldOutRmse(t, v, 72, (s) => forecastDefaults('linear', s));
    expect(weekly.shape.week).toBe(168);
    expect(weekly.envelope.model.layout).toMatchObject({ weekdayColumns: 7, seasonalLags: expect.arrayContaining([168]) });
    const daily = await heldOutRmse(t, v, 72, (s) => withoutWeek(forecastDefaults('linear', s)));
    expect(daily.envelope.model.layout).not.toHaveProperty('weekdayColumns');
    expect(daily.rmse).toBeGreaterThan(8);
    // Measured: 3.1 against 25.1.
    expect(weekly.rmse).toBeLessThan(daily.rmse / 2);
  });

  it('forecast the held-out week of a call centre (busy Monday, quiet Friday) far better than the daily season alone', async () => {
    const { times, values } = businessCalls();
    const weekly = await heldOutRmse(times, values, 45, (s) => forecastDefaults('linear', s));
    expect(weekly.shape.week).toBe(45);
    expect(weekly.envelope.model.layout).toMatchObject({ weekdayColumns: 5 });
    const daily = await heldOutRmse(times, values, 45, (s) => withoutWeek(forecastDefaults('linear', s)));
    expect(daily.rmse).toBeGreaterThan(8);
    // Measured: 1.2 against 24.0.
    expect(weekly.rmse).toBeLessThan(daily.rmse / 2);
  });

  it('are searched for such series only, the weekly lag only when a week fits the earliest origin', () => {
    const hourly = { length: 8 * 168, season: 24, groups: 1, horizon: 24, week: 168 };
    expect(forecastSpace('gbdt', hourly)).toHaveProperty('weekday');
    expect(forecastSpace('gbdt', hourly)).toHaveProperty('weekly_lag');
    const tenDays = { ...hourly, length: 240 };
    expect(forecastSpace('linear', tenDays)).toHaveProperty('weekday');
    expect(forecastSpace('linear', tenDays)).not.toHaveProperty('weekly_lag');
    expect(forecastDefaults('linear', tenDays)).toMatchObject({ weekday: true });
    expect(forecastDefaults('linear', tenDays)).not.toHaveProperty('weekly_lag');
    const monthly = { length: 120, season: 12, groups: 1, horizon: 12 };
    expect(forecastSpace('linear', monthly)).not.toHaveProperty('weekday');
    expect(forecastDefaults('linear', monthly)).not.toHaveProperty('weekday');
  });

  it('are refused by name on a series without a weekly second season', async () => {
    const days = Array.from({ length: 120 }, (_, i) => MONDAY + i * DAY);
    const ds = daySeries(days, days.map((_, i) => 10 + (i % 7)));
    const out = await runForecastTrial(ds, { target: 'y', horizon: 7, seed: 1, family: 'linear', params: { lags: 7, weekly_lag: true } });
    expect(out).toMatchObject({ status: 'failed', code: 'invalid_params', reason: expect.stringMatching(/^weekly_lag applies to hourly and business-hours series only/) });
  });
});
