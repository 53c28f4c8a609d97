/**
 * The floor of forecast intervals (engine/forecast/spread-floor): a series that repeats exactly is fitted
 * exactly, its validation errors are all zero, and without a floor its intervals had zero width. With it
 * they are narrow but positive and widen with the step ahead, within the validated steps and beyond; a
 * series that never moves gets a floor from its magnitude; a blend keeps its members' floor. On a noisy
 * series the floor is far below the measured spread, so its intervals are exactly, bit for bit, the ones
 * computed from the validation errors alone; and an envelope stored without a floor serves the intervals
 * it always did.
 */
import { describe, expect, it } from 'vitest';
import { buildForecastBlendEnvelope, extractSeries, forecastDefaults, forecastOriginTruth, loadForecaster, parseForecastEnvelope, runForecastTrial } from '../../src/engine/forecast';
import type { Calendar } from '../../src/engine/forecast/calendar';
import { spreadAt, stepSpread, zForLevel } from '../../src/engine/forecast/intervals';
import { seriesPlan } from '../../src/engine/forecast/origin-truth';
import { rollingOrigin } from '../../src/engine/forecast/rolling-origin';
import { flooredSpread, SPREAD_FLOOR_FRACTION, spreadFloor } from '../../src/engine/forecast/spread-floor';
import { airpassengers, datasetFromCsv, HORIZON, TARGET } from './forecast-fixtures';

/** Monthly points from January 2000, the value of month i from `value(i)` (written as given: exact repeats stay exact). */
function monthly(n: number, value: (i: number) => number): ReturnType<typeof datasetFromCsv> {
  const lines = ['month,y'];
  for (let i = 0; i < n; i++) lines.push(`${2000 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}-01,${value(i)}`);
  return datasetFromCsv(lines.join('\n'), { month: 'datetime' });
}

const PATTERN = [112, 118, 132, 129, 121, 135, 148, 148, 136, 119, 104, 118];
const periodic = () => monthly(96, (i) => PATTERN[i % 12]);

async function envelopeOf(ds: ReturnType<typeof datasetFromCsv>, family: 'seasonal_naive' | 'linear', target: string, horizon: number, params: Record<string, string | number | boolean> = {}) {
  const out = await runForecastTrial(ds, { family, params, target, horizon, seed: 1 });
  if (out.status !== 'complete') throw new Error(out.reason);
  return out;
}

const widths = (points: readonly { lower: number; upper: number }[]) => points.map((p) => p.upper - p.lower);

describe('the interval floor', () => {
  it('gives an exactly periodic series intervals of positive width that widen with the horizon', async () => {
    const { envelope } = await envelopeOf(periodic(), 'seasonal_naive', 'y', 12);
    // Seasonal naive forecasts every validation point exactly: the spread is the floor, step by step.
    const floor = envelope.spreadFloor as number;
    expect(floor).toBeGreaterThan(0);
    envelope.stepSpread.forEach((s, i) => expect(s).toBe(floor * Math.sqrt(i + 1)));
    const f = await loadForecaster(envelope);
    const points = f.forecast(envelope.maxHorizon);
    points.forEach((p, h) => expect(p.value).toBe(PATTERN[(96 + h) % 12]));
    const w = widths(points);
    expect(w[0]).toBeGreaterThan(0);
    // Wider at every step, past the validated 12 too (up to the 48 the model forecasts).
    for (let h = 1; h < w.length; h++) expect(w[h]).toBeGreaterThan(w[h - 1]);
    // Narrow: a hundredth of the series' month-to-month change at one step (80% interval: ±1.28 of it).
    let sq = 0;
    for (let i = 1; i < 96; i++) sq += (PATTERN[i % 12] - PATTERN[(i - 1) % 12]) ** 2;
    const naive = Math.sqrt(sq / 95);
    expect(w[0] / 2).toBeCloseTo(zForLevel(0.8) * SPREAD_FLOOR_FRACTION * naive, 9);
    f.dispose();
  });

  it('floors a model that fits the periodic series (almost) exactly too', async () => {
    const { envelope } = await envelopeOf(periodic(), 'linear', 'y', 12, forecastDefaults('linear', { length: 96, season: 12, groups: 1, horizon: 12 }));
    const f = await loadForecaster(envelope);
    const w = widths(f.forecast(24));
    expect(w[0]).toBeGreaterThan(0);
    for (let h = 1; h < w.length; h++) expect(w[h]).toBeGreaterThanOrEqual(w[h - 1]);
    expect(w[23]).toBeGreaterThan(w[0]);
    f.dispose();
  });

  it('takes the magnitude of a series that never moves', () => {
    const { series } = extractSeries(monthly(40, () => 250), { target: 'y' });
    // In units of the series' scale (250): a hundredth of it.
    expect(spreadFloor(series)).toBe(SPREAD_FLOOR_FRACTION);
    const { series: zeros } = extractSeries(monthly(40, () => 0), { target: 'y' });
    expect(spreadFloor(zeros)).toBe(SPREAD_FLOOR_FRACTION);
  });

  it('keeps the members\' floor in a blend', async () => {
    const ds = periodic();
    const a = await envelopeOf(ds, 'seasonal_naive', 'y', 12);
    const b = await envelopeOf(ds, 'seasonal_naive', 'y', 12);
    const truth = forecastOriginTruth(ds, { target: 'y', horizon: 12 });
    const blended = Float64Array.from(a.originForecasts);
    const blend = buildForecastBlendEnvelope([{ envelope: a.envelope, weight: 0.5 }, { envelope: b.envelope, weight: 0.5 }], truth, blended, a.score);
    expect(blend.spreadFloor).toBe(a.envelope.spreadFloor);
    expect(blend.stepSpread).toEqual(a.envelope.stepSpread);
  });

  it('leaves the intervals of a noisy series exactly as its validation errors make them', async () => {
    const ds = airpassengers('train');
    const params = forecastDefaults('linear', { length: ds.rows, season: 12, groups: 1, horizon: HORIZON });
    const { envelope } = await envelopeOf(ds, 'linear', TARGET, HORIZON, params);
    // The spread as measured, without a floor: the trial's own rolling origin, again.
    const { info, series } = extractSeries(ds, { target: TARGET });
    const plan = seriesPlan(series, info.season, HORIZON);
    const calendar: Calendar = { frequency: info.frequency, season: info.season, anchor: Math.min(...series.map((s) => s.times[0])) };
    const validation = await rollingOrigin({ family: 'linear', params, series, calendar, plan, seed: 1, target: TARGET, horizon: HORIZON });
    const measured = stepSpread(validation.stepSumSq, validation.stepCount);
    expect(envelope.stepSpread).toEqual(Array.from(measured));
    expect(Array.from(flooredSpread(measured, envelope.spreadFloor))).toEqual(Array.from(measured));
    // Far from binding: the measured spread of every step is many times its floor.
    measured.forEach((s, i) => expect(s).toBeGreaterThan(10 * (envelope.spreadFloor as number) * Math.sqrt(i + 1)));

    const f = await loadForecaster(envelope);
    const z = zForLevel(0.95);
    const scale = envelope.groups[0].scale;
    f.forecast(envelope.maxHorizon, { level: 0.95 }).forEach((p, i) => {
      const half = z * spreadAt(measured, i + 1) * scale;
      expect(p.lower).toBe(p.value - half);
      expect(p.upper).toBe(p.value + half);
    });
    f.dispose();
  });

  it('changes nothing in an envelope stored before it', async () => {
    const { envelope } = await envelopeOf(periodic(), 'seasonal_naive', 'y', 12);
    // As stored before the floor: no spreadFloor, the spread as measured (all zero here).
    const { spreadFloor: _floor, ...old } = { ...envelope, stepSpread: envelope.stepSpread.map(() => 0) };
    const f = await loadForecaster(parseForecastEnvelope(JSON.parse(JSON.stringify(old))));
    expect(widths(f.forecast(24)).every((w) => w === 0)).toBe(true);
    f.dispose();
    expect(() => parseForecastEnvelope({ ...envelope, spreadFloor: -1 })).toThrow(/spreadFloor must be a number > 0/);
  });
});
