/**
 * Six-day working weeks (a shop closed on Sundays), the generalisation of business days
 * (./forecast-business-days.test.ts): detection (Monday to Saturday, Sunday to Friday, local midnights
 * east of UTC) and what stays five-day or daily, stepping over the one closed day at the same time of
 * day, the phase Monday 0 .. Saturday 5 and a season of 6, a holiday added and a closed-day point refused,
 * the envelope (older business-day ones load unchanged), and end to end: a synthetic Saturday-peaking
 * pattern is forecast on the following working days only, with its weekday shape.
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
const SIX: SeriesFrequency = { kind: 'business_days', name: 'working_daily', weekStart: 1, workDays: 6 };
const weekday = (t: number) => new Date(t).getUTCDay();
const iso = (t: number) => new Date(t).toISOString();

/** `n` consecutive days from `start` (UTC) that are not `closed` (a UTC day of the week), at `start`'s time of day. */
function workingDays(start: number, n: number, closed = 0): number[] {
  const out: number[] = [];
  for (let t = start; out.length < n; t += DAY) if (weekday(t) !== closed) out.push(t);
  return out;
}

describe('six-day week detection', () => {
  const days = workingDays(Date.UTC(2024, 0, 1), 60); // Monday 1 January, Sundays closed

  it('reads Monday-to-Saturday dates as working days with a season of 6, in any row order', () => {
    const dates = days.map((t) => iso(t).slice(0, 10));
    const info = describeSeries(daySeries([...dates].reverse(), dates.map((_, i) => i).reverse()), { target: 'y' });
    expect(info).toMatchObject({ frequency: SIX, season: 6, lengths: { '': 60 }, interpolated: { '': 0 } });
    expect(info.added).toBeUndefined();
  });

  it('reads a Sunday-to-Friday week, and Monday to Saturday at local midnights east of UTC, as weeks starting on Sunday', () => {
    const sunToFri = workingDays(Date.UTC(2024, 0, 7), 60, 6);
    expect(detectFrequency(Float64Array.from(sunToFri), true)).toEqual({ ...SIX, weekStart: 0 });
    const local = days.map((t) => `${iso(t).slice(0, 10)}T00:00:00+01:00`);
    const { info, series } = extractSeries(daySeries(local, days.map((_, i) => i)), { target: 'y' });
    expect(info.frequency).toEqual({ ...SIX, weekStart: 0 });
    const last = series[0].times[59];
    expect(iso(last)).toBe('2024-03-08T23:00:00.000Z'); // Saturday 9 March, local
    expect(iso(stepTime(info.frequency, last, 1))).toBe('2024-03-10T23:00:00.000Z'); // Monday 11 March, local
    expect(phaseOf(info.frequency, 6, last, 0)).toBe(5);
  });

  it('keeps five-day and daily series as they were, even with a stray or a missing day', () => {
    const five = days.filter((t) => weekday(t) !== 6);
    expect(detectFrequency(Float64Array.from(five), true)).toEqual({ kind: 'business_days', name: 'business_daily', weekStart: 1 });
    // A Saturday in a Monday-to-Friday series is a stray: five days explain more steps than six.
    const stray = [...five.slice(0, 10), Date.UTC(2024, 0, 13), ...five.slice(10)];
    expect(detectFrequency(Float64Array.from(stray), true)).toMatchObject({ name: 'business_daily' });
    // Six of seven days hold 86% of a daily series: one missing Sunday is a gap, not a closed day.
    const daily = Array.from({ length: 60 }, (_, i) => Date.UTC(2024, 0, 1 + i)).filter((t) => t !== Date.UTC(2024, 0, 14));
    expect(detectFrequency(Float64Array.from(daily), true)).toMatchObject({ kind: 'fixed', name: 'daily' });
    expect(describeSeries(daySeries(daily, daily.map((_, i) => i)), { target: 'y' }).added).toEqual({ '': [Date.UTC(2024, 0, 14)] });
    // One week of Monday to Saturday never skips a Sunday: nothing tells it from daily.
    expect(detectFrequency(Float64Array.from(days.slice(0, 6)), true)).toMatchObject({ kind: 'fixed', name: 'daily' });
  });

  it('adds a missing working day (a holiday) and interpolates it; refuses a Sunday point naming its row', () => {
    // Saturday 13 January (between rows 11 and 12, holding 10 and 11) is missing.
    const holiday = days.filter((t) => t !== Date.UTC(2024, 0, 13));
    const { info, series } = extractSeries(daySeries(holiday, holiday.map((_, i) => i)), { target: 'y' });
    expect(info).toMatchObject({ frequency: SIX, season: 6, lengths: { '': 60 }, added: { '': [Date.UTC(2024, 0, 13)] } });
    expect(series[0].values[11]).toBe(10.5);
    // Sunday 14 January after Saturday 13 (row 12).
    const sunday = [...days.slice(0, 12), Date.UTC(2024, 0, 14), ...days.slice(12)];
    expect(detectFrequency(Float64Array.from(sunday), true)).toEqual(SIX);
    const err = engineError(() => describeSeries(daySeries(sunday, sunday.map((_, i) => i)), { target: 'y' }));
    expect(err.details.row).toBe(13);
    expect(err.message).toContain('row 13 (2024-01-14T00:00:00.000Z) follows row 12');
    expect(err.message).toContain('steps by 1 working day; it falls on the closed day of the week, which a working-day series skips');
  });
});

describe('six-day week steps and phases', () => {
  const saturday = Date.UTC(2024, 0, 6, 17, 30);

  it('steps over the closed day, over several weeks and backwards, at the same time of day', () => {
    expect(iso(stepTime(SIX, saturday, 1))).toBe('2024-01-08T17:30:00.000Z');
    expect(iso(stepTime(SIX, saturday, 6))).toBe('2024-01-13T17:30:00.000Z');
    expect(iso(stepTime(SIX, saturday, 7))).toBe('2024-01-15T17:30:00.000Z');
    expect(iso(stepTime(SIX, saturday, 19))).toBe('2024-01-29T17:30:00.000Z');
    expect(iso(stepTime(SIX, Date.UTC(2024, 0, 8, 9), -1))).toBe('2024-01-06T09:00:00.000Z');
    expect(iso(stepTime(SIX, Date.UTC(2024, 0, 8, 9), -7))).toBe('2023-12-30T09:00:00.000Z');
    expect(iso(stepTime(SIX, Date.UTC(1970, 0, 3), 1))).toBe('1970-01-05T00:00:00.000Z'); // Saturday to Monday across 1970
    expect(iso(stepTime(SIX, Date.UTC(1970, 0, 5), -2))).toBe('1970-01-02T00:00:00.000Z');
    // From a Sunday (never in a checked series): forward to the Monday, back to the Saturday.
    expect(iso(stepTime(SIX, Date.UTC(2024, 0, 7, 12), 1))).toBe('2024-01-08T12:00:00.000Z');
    expect(iso(stepTime(SIX, Date.UTC(2024, 0, 7, 12), -1))).toBe('2024-01-06T12:00:00.000Z');
    expect(stepTime(SIX, saturday, 0)).toBe(saturday);
  });

  it('k steps forward then back return to the start, skip Sundays and agree with k single steps', () => {
    expectWorkWeekStepping(SIX, 6, (t) => weekday(t) === 0, 13);
  });

  it('gives Monday 0 to Saturday 5 whatever the anchor, and a season of 6 once the series can validate it', () => {
    const weeks = workingDays(Date.UTC(2024, 4, 6, 8), 12); // Monday 6 May
    for (const anchor of [0, weeks[2], Date.UTC(2001, 6, 4)]) expect(weeks.map((t) => phaseOf(SIX, 6, t, anchor))).toEqual([0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 5]);
    expect(naturalSeason(SIX)).toBe(6);
    expect(seasonFor(SIX, 100)).toBe(6);
    expect(seasonFor(SIX, 20)).toBe(1);
  });
});

/** 300 working days, Monday to Saturday: a Saturday-peaking weekday pattern on a rising trend, with noise. */
function shopSeries(): { times: number[]; values: number[] } {
  const pattern = [-2, -6, -8, -4, 6, 20]; // Monday .. Saturday
  const rng = new Rng(5);
  const times = workingDays(Date.UTC(2023, 0, 2), 300);
  const values = times.map((t, i) => 150 + 0.1 * i + pattern[weekday(t) - 1] + 1.5 * rng.normal());
  return { times, values };
}

describe('six-day week forecasts end to end', () => {
  const { times, values } = shopSeries();
  const HELD = 24; // four weeks
  const { shape, rmse, trial } = heldOutSeries(times, values, HELD, 6);

  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('forecasts the next working days, never a Sunday, with Saturday the peak and Wednesday the trough of every week', async () => {
    const envelope = await trial('linear', forecastDefaults('linear', shape));
    expect(envelope.frequency).toEqual(SIX);
    expect(envelope.season).toBe(6);
    const model = await loadForecaster(JSON.parse(JSON.stringify(envelope)));
    expect(model.description.frequency).toBe('working_daily');
    const points = model.forecast(HELD, { level: 0.9 });
    expect(points.map((p) => p.time)).toEqual(times.slice(-HELD).map(iso));
    expect(points.every((p) => weekday(Date.parse(p.time as string)) !== 0)).toBe(true);
    const forecast = points.map((p) => p.value);
    for (let w = 0; w < HELD / 6; w++) {
      const week = forecast.slice(6 * w, 6 * w + 6); // Monday .. Saturday
      expect(week.indexOf(Math.max(...week))).toBe(5);
      expect(week.indexOf(Math.min(...week))).toBe(2);
    }
    // Saturday about 28 above Wednesday on average, and within a few noise levels of what happened.
    const mean = (d: number) => forecast.filter((_, i) => weekday(times[times.length - HELD + i]) === d).reduce((a, b) => a + b, 0) / (HELD / 6);
    expect(mean(6) - mean(3)).toBeGreaterThan(24);
    expect(mean(6) - mean(3)).toBeLessThan(32);
    expect(rmse(forecast)).toBeLessThan(4);
    model.dispose();
  });

  it('envelopes: a six-day week round-trips, a mismatched one is refused, a five-day one without workDays loads as before', async () => {
    const envelope = JSON.parse(JSON.stringify(await trial('drift', {})));
    expect(parseForecastEnvelope(envelope).frequency).toEqual(SIX);
    for (const frequency of [
      { ...SIX, workDays: undefined },
      { ...SIX, workDays: 7 },
      { ...SIX, name: 'business_daily' },
      { kind: 'business_days', name: 'working_daily', weekStart: 7, workDays: 6 },
    ]) {
      expect(engineError(() => parseForecastEnvelope({ ...envelope, frequency })).code).toBe('bad_artifact');
    }
    // An envelope stored before six-day weeks: business days, no workDays, still steps over the weekend.
    const old = await loadForecaster({ ...envelope, frequency: { kind: 'business_days', name: 'business_daily', weekStart: 1 } });
    const last = times[times.length - HELD - 1]; // a Saturday: Monday, Tuesday, Wednesday follow
    expect(iso(last).slice(0, 10)).toBe('2023-11-18');
    expect(old.forecast(3).map((p) => p.time)).toEqual([2, 3, 4].map((k) => iso(last + k * DAY)));
    expect(old.description.frequency).toBe('business_daily');
    old.dispose();
  });
});
