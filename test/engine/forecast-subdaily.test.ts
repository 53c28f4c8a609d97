/**
 * Sub-daily steps other than the hour (engine/forecast/frequency naturalSeason): a fixed step that
 * divides a day into at most 96 steps (30 minutes, 15 minutes, 2 hours) gets the day as its season, its
 * phase the step of the UTC day whatever the anchor, and the week as a second season; finer steps (5
 * minutes, a minute) get none. On a held-out day of half-hourly electricity-like load, the default linear
 * model reading the day's shape beats the same model without it.
 */
import { describe, expect, it } from 'vitest';
import { describeSeries, forecastDefaults, forecastShapeOf, loadForecaster, naturalSeason, runForecastTrial, type SeriesFrequency, weekPeriod } from '../../src/engine/forecast';
import { phaseOf } from '../../src/engine/forecast/frequency';
import type { Params } from '../../src/engine/search/space';
import { daySeries } from './forecast-fixtures';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const MONDAY = Date.UTC(2024, 0, 1);
const fixed = (stepMs: number): SeriesFrequency => ({ kind: 'fixed', name: 'fixed', stepMs });

describe('the daily season of sub-daily steps', () => {
  it('is the steps of a day for steps that divide one into at most 96, none for finer or uneven steps', () => {
    expect(naturalSeason(fixed(30 * MIN))).toBe(48);
    expect(naturalSeason(fixed(15 * MIN))).toBe(96);
    expect(naturalSeason(fixed(2 * HOUR))).toBe(12);
    expect(naturalSeason({ kind: 'fixed', name: 'hourly', stepMs: HOUR })).toBe(24);
    expect(naturalSeason(fixed(5 * MIN))).toBe(1);
    expect(naturalSeason({ kind: 'fixed', name: 'minutely', stepMs: MIN })).toBe(1);
    expect(naturalSeason(fixed(7 * HOUR))).toBe(1);
    expect(weekPeriod(fixed(30 * MIN), 48)).toBe(336);
    expect(weekPeriod(fixed(30 * MIN), 1)).toBe(0);
  });

  it('has the step of the UTC day as its phase, whatever the anchor', () => {
    const half = fixed(30 * MIN);
    for (const anchor of [MONDAY, MONDAY + 7 * 30 * MIN]) {
      expect(phaseOf(half, 48, MONDAY + 3 * DAY, anchor)).toBe(0);
      expect(phaseOf(half, 48, MONDAY + 30 * MIN, anchor)).toBe(1);
      expect(phaseOf(half, 48, MONDAY + DAY - 30 * MIN, anchor)).toBe(47);
      // Points at a quarter past and to the hour still count the half hour they fall in.
      expect(phaseOf(half, 48, MONDAY + 13 * HOUR + 45 * MIN, anchor)).toBe(27);
    }
  });

  it('is detected from a half-hourly series long enough to learn it', () => {
    const times = Array.from({ length: 14 * 48 }, (_, i) => MONDAY + i * 30 * MIN);
    const info = describeSeries(daySeries(times, times.map((_, i) => i % 48)), { target: 'y' });
    expect(info).toMatchObject({ frequency: { kind: 'fixed', stepMs: 30 * MIN }, season: 48 });
  });
});

/** Pseudo-random noise in [-1, 1), the same for the same i. */
const noise = (i: number) => {
  const x = Math.sin(i * 12.9898) * 43758.5453;
  return 2 * (x - Math.floor(x)) - 1;
};

/** Three weeks of half-hourly load: a morning and an evening peak, lower at weekends, noise. */
function halfHourlyLoad() {
  const times: number[] = [];
  const values: number[] = [];
  for (let i = 0; i < 21 * 48; i++) {
    const t = MONDAY + i * 30 * MIN;
    const h = (t % DAY) / HOUR;
    const day = new Date(t).getUTCDay();
    const shape = 50 + 30 * Math.exp(-((h - 8) ** 2) / 3) + 45 * Math.exp(-((h - 19) ** 2) / 4);
    times.push(t);
    values.push(shape * (day === 0 || day === 6 ? 0.8 : 1) + 3 * noise(i));
  }
  return { times, values };
}

describe('forecasting half-hourly data', () => {
  it("reads the day's shape: a held-out day forecast far better than without the daily season", async () => {
    const { times, values } = halfHourlyLoad();
    const held = 48;
    const train = daySeries(times.slice(0, -held), values.slice(0, -held).map((v) => v.toFixed(3)));
    const truth = values.slice(-held);
    const spec = { target: 'y', horizon: held, seed: 1 };
    const shape = forecastShapeOf(train, spec);
    expect(shape).toMatchObject({ season: 48, week: 336 });
    const rmse = async (params: Params) => {
      const out = await runForecastTrial(train, { ...spec, family: 'linear', params });
      if (out.status !== 'complete') throw new Error(out.reason);
      const points = (await loadForecaster(out.envelope)).forecast(held);
      return Math.sqrt(truth.reduce((a, v, i) => a + (v - points[i].value) ** 2, 0) / held);
    };
    const daily = await rmse(forecastDefaults('linear', shape));
    // What the search had before: no season, so four lags of the first differences and no calendar.
    const before = await rmse({ ...forecastDefaults('linear', { ...shape, season: 1, week: undefined }), calendar: false });
    // Measured: 2.1 against 13.2.
    expect(before).toBeGreaterThan(8);
    expect(daily).toBeLessThan(before / 3);
  });
});
