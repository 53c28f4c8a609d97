/**
 * Reading the season on the clock (engine/forecast/clock-alignment) for business hours whose days open for
 * different hours: the mapping to the same clock slot on the last open day holding it across a short
 * Saturday, a lunch break and a Saturday slot no weekday holds, the week's wrap and a series starting
 * mid-week; none for every other series. In models: a noiseless time-of-day pattern forecast exactly over
 * a week by seasonal differencing on the clock (and not positionally), a held-out week of a simulated shop
 * forecast better on the clock by seasonal differencing and by ets, ets with a covariate reading its season
 * on the clock too (a short Friday's hours keep their pattern), the artifacts' flags of the tabular
 * families, ets and the rnn (aligned ones say so, ones without read positionally as before, a flag on
 * another frequency is refused), the search space's room for the clock's longer reach on a short series,
 * and series whose days are alike trained alike whatever `clock_aligned` says, with no new field (the
 * positional code is the one every model ran before).
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../src/engine/core/rng';
import { type ForecastEnvelope, type ForecastFamily, forecastDefaults, forecastShapeOf, forecastSpace, loadForecaster, runForecastTrial } from '../../src/engine/forecast';
import type { Calendar } from '../../src/engine/forecast/calendar';
import { backReader, clockAlignmentOf, daysReach, weekPositionAt } from '../../src/engine/forecast/clock-alignment';
import { fitForecastModel, loadForecastModel } from '../../src/engine/forecast/families';
import { detectFrequency, phaseOf, seasonFor } from '../../src/engine/forecast/frequency';
import type { Params } from '../../src/engine/search/space';
import { daySeries } from './forecast-fixtures';
import { heldOutSeries } from './helpers/held-out-series';
import { DAY, HOUR, iso, MINUTE, MONDAY } from './helpers/opening-hours';

/** Open runs per UTC weekday (0 = Sunday), [from, to) in hours; none: closed. */
type WeekRuns = (weekday: number) => readonly (readonly [number, number])[];

/** 09:00 to 18:00 Monday to Friday, 10:00 to 16:00 on Saturday. */
const SHOP: WeekRuns = (w) => (w === 0 ? [] : w === 6 ? [[10, 16]] : [[9, 18]]);
/** 08:30 to 12:30 and 14:30 to 18:30 on weekdays, 09:00 to 13:00 on Saturday (half-hourly). */
const PHARMACY: WeekRuns = (w) => (w === 0 ? [] : w === 6 ? [[9, 13]] : [[8.5, 12.5], [14.5, 18.5]]);
/** 09:00 to 18:00 Monday to Thursday, 09:00 to 15:00 on Friday. */
const SHORT_FRIDAY: WeekRuns = (w) => (w === 0 || w === 6 ? [] : w === 5 ? [[9, 15]] : [[9, 18]]);
/** 09:00 to 17:00 every weekday: days alike. */
const OFFICE: WeekRuns = (w) => (w === 0 || w === 6 ? [] : [[9, 17]]);

/** `weeks` weeks of points every `stepMinutes` during `runs`, from `start` (a UTC midnight). */
function weekTimes(weeks: number, runs: WeekRuns, stepMinutes = 60, start = MONDAY): number[] {
  const out: number[] = [];
  for (let day = start; day < start + weeks * 7 * DAY; day += DAY) {
    for (const [from, to] of runs(new Date(day).getUTCDay())) for (let t = from * HOUR; t < to * HOUR; t += stepMinutes * MINUTE) out.push(day + t);
  }
  return out;
}

/** The calendar a job on these times would train with, its season checked to be the schedule's. */
function calendarOf(times: readonly number[]): Calendar {
  const frequency = detectFrequency(Float64Array.from(times), true);
  return { frequency, season: seasonFor(frequency, times.length), anchor: times[0] };
}

/** Each index's source `days` open days back on the clock, for a series of `times` from its first point. */
function sources(cal: Calendar, times: readonly number[], days = 1): number[] {
  const al = clockAlignmentOf(cal)!;
  const back = backReader(al, weekPositionAt(al, cal, times[0]))!;
  return times.map((_, u) => back(u, days * cal.season));
}

/** What index u of `times` reads one open day back on the clock, as an ISO time. */
const readAt = (cal: Calendar, times: readonly number[], from: string, days = 1) => {
  const u = times.indexOf(Date.parse(from));
  expect(u).toBeGreaterThanOrEqual(0);
  return iso(times[sources(cal, times, days)[u]]);
};

/**
 * The property of the mapping on every point with a source in the series: the source is earlier, has the
 * same phase (the same clock slot), and is the latest earlier point that has it.
 */
function expectLatestSamePhase(cal: Calendar, times: readonly number[]): void {
  const phase = (t: number) => phaseOf(cal.frequency, cal.season, t, cal.anchor);
  sources(cal, times).forEach((src, u) => {
    if (src < 0) return;
    expect(src).toBeLessThan(u);
    expect(phase(times[src])).toBe(phase(times[u]));
    for (let v = src + 1; v < u; v++) expect(phase(times[v])).not.toBe(phase(times[u]));
  });
}

describe('clock alignment: the mapping', () => {
  it('reads the same time on the last open day holding it across a short Saturday, a week back exactly, other steps positionally', () => {
    const times = weekTimes(3, SHOP);
    const cal = calendarOf(times);
    expect(cal.season).toBe(9);
    expect(readAt(cal, times, '2024-01-09T09:00:00.000Z')).toBe('2024-01-08T09:00:00.000Z');
    expect(readAt(cal, times, '2024-01-13T10:00:00.000Z')).toBe('2024-01-12T10:00:00.000Z');
    // Monday reads Saturday where Saturday is open, and Friday before 10:00 and after 15:00.
    expect(readAt(cal, times, '2024-01-15T10:00:00.000Z')).toBe('2024-01-13T10:00:00.000Z');
    expect(readAt(cal, times, '2024-01-15T15:00:00.000Z')).toBe('2024-01-13T15:00:00.000Z');
    expect(readAt(cal, times, '2024-01-15T09:00:00.000Z')).toBe('2024-01-12T09:00:00.000Z');
    expect(readAt(cal, times, '2024-01-15T17:00:00.000Z')).toBe('2024-01-12T17:00:00.000Z');
    // Two open days back: Monday 10:00, Saturday 10:00, Friday 10:00.
    expect(readAt(cal, times, '2024-01-15T10:00:00.000Z', 2)).toBe('2024-01-12T10:00:00.000Z');
    expectLatestSamePhase(cal, times);
    const al = clockAlignmentOf(cal)!;
    const back = backReader(al, weekPositionAt(al, cal, times[0]))!;
    const u = times.indexOf(Date.parse('2024-01-15T09:00:00.000Z'));
    expect(al.week).toBe(51);
    expect([back(u, 51), back(u, 1), back(u, 5)]).toEqual([u - 51, u - 1, u - 5]);
    // The reach of a day back is the farthest any point reads: Monday 09:00 back to Friday 09:00.
    expect(daysReach(al, 1)).toBe(Math.max(...sources(cal, times).map((src, v) => (src < 0 ? 0 : v - src))));
    expect(daysReach(al, 1)).toBeGreaterThan(cal.season);
  });

  it('steps over breaks, and reads a slot no weekday holds (Saturday’s 12:30 in the weekdays’ lunch break) a week back', () => {
    const times = weekTimes(3, PHARMACY, 30);
    const cal = calendarOf(times);
    expect(cal.frequency).toMatchObject({ kind: 'business_hours', stepMinutes: 30, hours: 17 });
    expect(readAt(cal, times, '2024-01-15T14:30:00.000Z')).toBe('2024-01-12T14:30:00.000Z');
    expect(readAt(cal, times, '2024-01-15T12:00:00.000Z')).toBe('2024-01-13T12:00:00.000Z');
    expect(readAt(cal, times, '2024-01-15T08:30:00.000Z')).toBe('2024-01-12T08:30:00.000Z');
    expect(readAt(cal, times, '2024-01-16T14:30:00.000Z')).toBe('2024-01-15T14:30:00.000Z');
    expect(readAt(cal, times, '2024-01-20T12:30:00.000Z')).toBe('2024-01-13T12:30:00.000Z');
    expectLatestSamePhase(cal, times);
  });

  it('wraps the week: a series starting mid-week, and any part of one, reads the same points', () => {
    const times = weekTimes(4, SHOP, 60, MONDAY + 2 * DAY);
    const cal = calendarOf(times);
    const al = clockAlignmentOf(cal)!;
    const whole = sources(cal, times, 2);
    expectLatestSamePhase(cal, times);
    for (const from of [1, 9, 33, 51, 60]) {
      const part = times.slice(from);
      // Placed by its first point, or by its last as a forecast's tail is: the same week position.
      const fromLast = weekPositionAt(al, cal, part[part.length - 1]) - (part.length - 1);
      expect((((fromLast - weekPositionAt(al, cal, part[0])) % al.week) + al.week) % al.week).toBe(0);
      expect(sources(cal, part, 2).map((src) => (src < 0 ? -1 : src + from))).toEqual(whole.slice(from).map((src) => (src < from ? -1 : src)));
    }
  });

  it('has none where every day is alike, for a fixed step, or when the season was dropped', () => {
    const office = weekTimes(4, OFFICE);
    expect(clockAlignmentOf(calendarOf(office))).toBeNull();
    const hourly = Array.from({ length: 24 * 14 }, (_, i) => MONDAY + i * HOUR);
    expect(clockAlignmentOf(calendarOf(hourly))).toBeNull();
    const shop = calendarOf(weekTimes(3, SHOP));
    expect(clockAlignmentOf({ ...shop, season: 1 })).toBeNull();
  });
});

/** A series of `times` whose value is a time-of-day shape by the clock, times a factor per weekday, times noise. */
function shopSeries(times: readonly number[], seed: number, noise: number, weekdayFactor: (w: number) => number): number[] {
  const rng = new Rng(seed);
  let ar = 0;
  return times.map((t) => {
    const hour = (t % DAY) / HOUR;
    ar = 0.4 * ar + noise * rng.normal();
    return (40 + 60 * Math.exp(-((hour - 12.5) ** 2) / 3) + 25 * Math.exp(-((hour - 16) ** 2) / 1.5)) * weekdayFactor(new Date(t).getUTCDay()) * Math.exp(ar);
  });
}

/** One trial's envelope, failing the test with its reason. */
async function envelopeOf(times: readonly number[], values: readonly number[], family: ForecastFamily, params: Params, horizon: number): Promise<ForecastEnvelope> {
  const out = await runForecastTrial(daySeries(times, values.map((v) => v.toFixed(3))), { family, params, target: 'y', horizon, seed: 3 });
  if (out.status !== 'complete') throw new Error(`${family}: ${out.reason}`);
  return out.envelope;
}

describe('clock alignment in models', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('forecasts a noiseless time-of-day pattern exactly over a week (the wrap to Monday included) by seasonal differencing on the clock', async () => {
    const times = weekTimes(7, SHOP);
    const values = shopSeries(times, 1, 0, () => 1);
    const split = heldOutSeries(times, values, 51, 9);
    const params = { transform: 'none', differencing: 'seasonal', lags: 2, calendar: false };
    const forecast = async (clock: boolean) => {
      const model = await loadForecaster(JSON.parse(JSON.stringify(await split.trial('linear', { ...params, clock_aligned: clock }))));
      const values = model.forecast(51).map((p) => p.value);
      model.dispose();
      return values;
    };
    // Every difference on the clock is 0 (each value is its clock time's): the forecast repeats the pattern.
    expect(split.rmse(await forecast(true))).toBeLessThan(1e-2);
    // Positionally, Monday and Saturday difference against other hours, which the model cannot tell apart.
    expect(split.rmse(await forecast(false))).toBeGreaterThan(1);
  });

  it('forecasts a held-out week of a simulated shop better on the clock by seasonal differencing and by ets', async () => {
    // Ten weeks of a short-Saturday shop, Saturday quieter and Monday busier, AR(1) noise; the tenth held out.
    const times = weekTimes(10, SHOP);
    const values = shopSeries(times, 7, 0.06, (w) => (w === 6 ? 0.7 : w === 1 ? 1.2 : 1));
    const split = heldOutSeries(times, values, 51, 9);
    const shape = { ...split.shape, week: 51 };
    const rmse = async (family: ForecastFamily, params: Params) => {
      const model = await loadForecaster(await split.trial(family, params));
      const out = split.rmse(model.forecast(51).map((p) => p.value));
      model.dispose();
      return out;
    };
    for (const [family, params] of [
      ['linear', { ...forecastDefaults('linear', shape), differencing: 'seasonal' }],
      ['ets', forecastDefaults('ets', shape)],
    ] as const) {
      const positional = await rmse(family, { ...params, clock_aligned: false });
      const clock = await rmse(family, params);
      expect(clock, family).toBeLessThan(0.9 * positional);
    }
  });

  it('artifacts: aligned ones say so, ones without the field read positionally as before, a field on another frequency is refused', async () => {
    const times = weekTimes(8, SHOP);
    const values = shopSeries(times, 2, 0.05, (w) => (w === 6 ? 0.8 : 1));
    const cal = calendarOf(times);
    const fit = [{ values: Float64Array.from(values), times: Float64Array.from(times), scale: 50 }];
    const ctx = { calendar: cal, rng: new Rng(1), target: 'y' };
    const state = { tail: Float64Array.from(values.slice(-80)), lastTime: times[times.length - 1], scale: 50, first: values[0], count: values.length };
    const cases: [ForecastFamily, Params, string][] = [
      ['linear', { differencing: 'seasonal', lags: 3 }, 'clockAligned'],
      ['linear', { differencing: 'first', lags: 3, seasonal_lags: 2 }, 'clockAligned'],
      ['ets', { trend: 'damped', seasonal: true }, 'phased'],
      ['rnn', { differencing: 'seasonal', input_window: 4, units: 4, epochs: 2 }, 'clockAligned'],
    ];
    for (const [family, params, field] of cases) {
      const clock = await fitForecastModel(family, params, fit, ctx);
      const positional = await fitForecastModel(family, { ...params, clock_aligned: false }, fit, ctx);
      const stored = JSON.parse(JSON.stringify(positional.toArtifact()));
      expect(stored[field]).toBeUndefined();
      expect(clock.toArtifact()[field]).toBe(true);
      // An artifact without the field (every one stored before) forecasts as the positional model does.
      const reloaded = await loadForecastModel(stored, cal);
      expect(Array.from(reloaded.forecast(state, 60))).toEqual(Array.from(positional.forecast(state, 60)));
      const reloadedClock = await loadForecastModel(JSON.parse(JSON.stringify(clock.toArtifact())), cal);
      expect(Array.from(reloadedClock.forecast(state, 60))).toEqual(Array.from(clock.forecast(state, 60)));
      expect(Array.from(clock.forecast(state, 60))).not.toEqual(Array.from(positional.forecast(state, 60)));
      // The field on a frequency whose days are alike, or not `true`, is refused.
      const office = calendarOf(weekTimes(8, OFFICE));
      await expect(loadForecastModel({ ...clock.toArtifact(), ...(family === 'ets' ? { season: office.season, window: 72 } : {}) }, office)).rejects.toMatchObject({ code: 'bad_artifact' });
      await expect(loadForecastModel({ ...clock.toArtifact(), [field]: 'yes' }, cal)).rejects.toMatchObject({ code: 'bad_artifact' });
      [clock, positional, reloaded, reloadedClock].forEach((m) => m.dispose());
    }
  });

  it('reads ets’s season on the clock with covariates too: a short Friday’s shift does not move the hours’ pattern', async () => {
    // Monday to Thursday 09:00 to 18:00, Friday 09:00 to 15:00: positionally, each week moves the season by 6 of its 9 points.
    const times = weekTimes(9, SHORT_FRIDAY);
    const cal = calendarOf(times);
    expect(cal.season).toBe(9);
    const rng = new Rng(11);
    const promo = times.map(() => (rng.next() < 0.25 ? 1 : 0));
    const hourShape = (t: number) => 40 + 30 * Math.sin(((t % DAY) / HOUR - 9) * 0.7);
    const values = times.map((t, i) => hourShape(t) + 20 * promo[i] + 0.3 * rng.normal());
    // The last week (42 points) held out, its promotions known.
    const held = 42;
    const n = times.length - held;
    const fit = [{ values: Float64Array.from(values.slice(0, n)), times: Float64Array.from(times.slice(0, n)), scale: 40, covariates: [Float64Array.from(promo.slice(0, n))] }];
    const ctx = { calendar: cal, rng: new Rng(1), target: 'y' };
    const tail = 100;
    const state = { tail: Float64Array.from(values.slice(n - tail, n)), lastTime: times[n - 1], scale: 40, first: values[0], count: n, covariates: [Float64Array.from(promo.slice(n - tail))] };
    const params = { trend: 'none', seasonal: true, transform: 'none' };
    const clock = await fitForecastModel('ets', params, fit, ctx);
    const positional = await fitForecastModel('ets', { ...params, clock_aligned: false }, fit, ctx);
    const artifact = JSON.parse(JSON.stringify(clock.toArtifact()));
    expect(artifact).toMatchObject({ phased: true });
    expect(artifact.coefficients).toHaveLength(1);
    // The promotion's effect is read either way; the hours' pattern only on the clock.
    expect(artifact.coefficients[0]).toBeCloseTo(20 / 40, 1);
    const truth = values.slice(n);
    const errors = (f: Float64Array) => Array.from(f, (v, i) => Math.abs(v - truth[i]));
    const onClock = errors(clock.forecast(state, held));
    const byPosition = errors(positional.forecast(state, held));
    // Every held-out hour, Friday's short day and the following Monday included, is its own hour's value.
    expect(Math.max(...onClock)).toBeLessThan(3);
    expect(Math.max(...byPosition)).toBeGreaterThan(15);
    // Stored and loaded, each forecasts as it did; one stored without the field (every ets with covariates before) reads positionally.
    const reloaded = await loadForecastModel(artifact, cal);
    expect(Array.from(reloaded.forecast(state, held))).toEqual(Array.from(clock.forecast(state, held)));
    const stored = JSON.parse(JSON.stringify(positional.toArtifact()));
    expect(stored.phased).toBeUndefined();
    const before = await loadForecastModel(stored, cal);
    expect(Array.from(before.forecast(state, held))).toEqual(Array.from(positional.forecast(state, held)));
    [clock, positional, reloaded, before].forEach((m) => m.dispose());
  });

  it('leaves room in the search space for the clock’s reach, so the longest lags and windows of a short series still train', async () => {
    // Two weeks: the earliest origin keeps four seasons; Monday 09:00 reads Friday 09:00, 15 points back.
    const times = weekTimes(2, SHOP);
    const values = shopSeries(times, 5, 0.05, () => 1);
    const ds = daySeries(times, values.map((v) => v.toFixed(3)));
    const shape = forecastShapeOf(ds, { target: 'y', horizon: 51 });
    expect(shape).toMatchObject({ season: 9, seasonReach: 15 });
    const longest = (family: ForecastFamily, key: string) => (forecastSpace(family, shape)[key] as { high: number }).high;
    for (const [family, params] of [
      ['linear', { ...forecastDefaults('linear', shape), differencing: 'seasonal', lags: longest('linear', 'lags') }],
      ['rnn', { ...forecastDefaults('rnn', shape), epochs: 2, input_window: longest('rnn', 'input_window') }],
    ] as const) {
      const out = await runForecastTrial(ds, { family, params, target: 'y', horizon: 51, seed: 1 });
      expect(out.status === 'failed' ? out.reason : out.status, family).toBe('complete');
    }
    expect(forecastShapeOf(daySeries(weekTimes(2, OFFICE), weekTimes(2, OFFICE).map(() => 1)), { target: 'y', horizon: 8 }).seasonReach).toBeUndefined();
  });

  it('trains series whose days are alike bit for bit as before, whatever clock_aligned says', async () => {
    const times = weekTimes(8, OFFICE);
    const values = shopSeries(times, 4, 0.05, (w) => (w === 1 ? 1.2 : 1));
    const cases: [ForecastFamily, Params][] = [
      ['gbdt', { differencing: 'seasonal', lags: 4, m_n_estimators: 20 }],
      ['linear', { differencing: 'first', lags: 3, seasonal_lags: 2 }],
      ['ets', { trend: 'damped', seasonal: true }],
    ];
    for (const [family, params] of cases) {
      const before = await envelopeOf(times, values, family, { ...params, clock_aligned: false }, 40);
      const after = await envelopeOf(times, values, family, params, 40);
      expect(JSON.stringify(after)).toBe(JSON.stringify(before));
      expect(JSON.stringify(after.model)).not.toMatch(/clockAligned|phased/);
    }
  });
});
