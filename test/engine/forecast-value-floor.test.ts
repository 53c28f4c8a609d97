/**
 * The floor of a never-negative target (engine/forecast/value-floor): daily counts that ran down to a few
 * units a day and stay there, which the drift baseline (the line from the first point to the last)
 * extrapolates below 0. The trial's validation forecasts, score and interval spreads are those of the
 * floored forecasts; the envelope stores `floor: 0`, and the forecaster floors point forecasts and interval
 * bounds, and forecasts after a given history; a blend floors each member before weighing them. The same
 * series shifted below 0 is not floored, and an envelope stored before the floor forecasts as it did;
 * newer data that go below 0 drop the floor.
 */
import { describe, expect, it } from 'vitest';
import { advanceEnvelope, buildForecastBlendEnvelope, extractSeries, forecastOriginTruth, loadForecaster, parseForecastEnvelope, runForecastTrial, stateAtLatest } from '../../src/engine/forecast';
import type { Calendar } from '../../src/engine/forecast/calendar';
import type { ForecastEnvelope } from '../../src/engine/forecast/envelope';
import { spreadAt, stepSpread, zForLevel } from '../../src/engine/forecast/intervals';
import { seriesPlan } from '../../src/engine/forecast/origin-truth';
import { rollingOrigin } from '../../src/engine/forecast/rolling-origin';
import { flooredSpread } from '../../src/engine/forecast/spread-floor';
import { valueFloor } from '../../src/engine/forecast/value-floor';
import { daySeries } from './forecast-fixtures';

const DAY = 86_400_000;
const START = Date.UTC(2024, 0, 1);
/** 30 down to 1 over a month, then 0 to 2 units a day: never negative, its drift line heading below 0. */
const counts = (n: number) => Array.from({ length: n }, (_, t) => (t < 30 ? 30 - t : [0, 1, 0, 0, 2, 0, 1][t % 7]));
const N = 60;
const H = 7;
const series = (values: readonly number[]) => daySeries(values.map((_, t) => START + t * DAY), values);

async function trial(values: readonly number[], family: 'drift' | 'seasonal_naive') {
  const out = await runForecastTrial(series(values), { family, params: {}, target: 'y', horizon: H, seed: 1 });
  if (out.status !== 'complete') throw new Error(out.reason);
  return out;
}

/** The envelope as stored before the floor. */
function withoutFloor(envelope: ForecastEnvelope): ForecastEnvelope {
  const { floor: _floor, ...old } = envelope;
  return parseForecastEnvelope(JSON.parse(JSON.stringify(old)));
}

/** The trial's own rolling origin without a floor: its raw validation forecasts and their spread. */
async function unflooredValidation(values: readonly number[], family: 'drift' | 'seasonal_naive') {
  const { info, series: s } = extractSeries(series(values), { target: 'y' });
  const plan = seriesPlan(s, info.season, H);
  const calendar: Calendar = { frequency: info.frequency, season: info.season, anchor: s[0].times[0] };
  return rollingOrigin({ family, params: {}, series: s, calendar, plan, seed: 1, target: 'y', horizon: H });
}

describe('the floor of a never-negative target', () => {
  it('is 0 for series never below 0 (zeros included), none when any group has a negative value', () => {
    const of = (...groups: number[][]) => valueFloor(groups.map((g) => ({ values: Float64Array.from(g) })));
    expect(of([0, 1, 0, 3])).toBe(0);
    expect(of([0, 1], [5, 0])).toBe(0);
    expect(of([0, 1], [5, -0.5])).toBeUndefined();
  });

  it('floors the validation forecasts the score and the intervals are measured on', async () => {
    const values = counts(N);
    const out = await trial(values, 'drift');
    const raw = await unflooredValidation(values, 'drift');
    // The drift line heads below 0 in the folds, and each of those forecasts is served as 0.
    expect(raw.predictions.some((p) => p < 0)).toBe(true);
    expect(Array.from(out.originForecasts)).toEqual(Array.from(raw.predictions, (p) => Math.max(p, 0)));
    // The score is the floored forecasts' RMSE, below the raw one (every truth is >= 0).
    const truth = forecastOriginTruth(series(values), { target: 'y', horizon: H });
    const rmse = (f: ArrayLike<number>) => Math.sqrt(Array.from(truth.actual).reduce((a, y, i) => a + (y - f[i]) ** 2, 0) / truth.actual.length);
    expect(out.score).toBeCloseTo(rmse(out.originForecasts), 5);
    expect(out.score).toBeLessThan(raw.score);
    // The intervals' spread comes from the floored errors, not the raw ones.
    const rawSpread = flooredSpread(stepSpread(raw.stepSumSq, raw.stepCount), out.envelope.spreadFloor);
    expect(out.envelope.stepSpread[H - 1]).toBeLessThan(rawSpread[H - 1]);
  });

  it('stores floor 0 and floors point forecasts and interval bounds, and forecasts after a history', async () => {
    const { envelope } = await trial(counts(N), 'drift');
    expect(envelope.floor).toBe(0);
    const f = await loadForecaster(envelope);
    const old = await loadForecaster(withoutFloor(envelope));
    const z = zForLevel(0.95);
    const spread = Float64Array.from(envelope.stepSpread);
    const served = f.forecast(28, { level: 0.95 });
    const raw = old.forecast(28, { level: 0.95 });
    expect(raw.filter((p) => p.value < 0).length).toBeGreaterThan(20);
    served.forEach((p, i) => {
      const half = z * spreadAt(spread, i + 1) * envelope.groups[0].scale;
      expect(p.time).toBe(raw[i].time);
      expect(p.value).toBe(Math.max(raw[i].value, 0));
      // Around the floored value (the spread was measured on floored forecasts), the lower bound floored too.
      expect(p.lower).toBe(Math.max(p.value - half, 0));
      expect(p.upper).toBe(p.value + half);
      expect(p.lower).toBeLessThanOrEqual(p.value);
    });
    expect(served.some((p) => p.lower === 0 && p.value === 0)).toBe(true);
    const history = { values: Float64Array.from(counts(N)), times: Float64Array.from(counts(N), (_, t) => START + t * DAY) };
    const after = f.forecastAfter(history, H);
    const rawAfter = old.forecastAfter(history, H);
    expect(rawAfter.some((v) => v < 0)).toBe(true);
    expect(Array.from(after)).toEqual(Array.from(rawAfter, (v) => Math.max(v, 0)));
    f.dispose();
    old.dispose();
  });

  it('floors each member of a blend before weighing them, as the blended validation forecasts were', async () => {
    const values = counts(N);
    const drift = await trial(values, 'drift');
    const naive = await trial(values, 'seasonal_naive');
    const truth = forecastOriginTruth(series(values), { target: 'y', horizon: H });
    const blended = Float64Array.from(drift.originForecasts, (p, i) => 0.5 * p + 0.5 * naive.originForecasts[i]);
    const members = [{ envelope: drift.envelope, weight: 0.5 }, { envelope: naive.envelope, weight: 0.5 }];
    const blend = buildForecastBlendEnvelope(members, truth, blended, 1);
    expect(blend.floor).toBe(0);
    const forecastOf = async (e: ForecastEnvelope) => {
      const f = await loadForecaster(e);
      const out = f.forecast(14).map((p) => p.value);
      f.dispose();
      return out;
    };
    const [served, d, n, rawD, rawN, oldBlend] = await Promise.all([blend, drift.envelope, naive.envelope, withoutFloor(drift.envelope), withoutFloor(naive.envelope), withoutFloor(blend)].map(forecastOf));
    served.forEach((v, h) => expect(v).toBeCloseTo(0.5 * d[h] + 0.5 * n[h], 12));
    expect(served.every((v) => v >= 0)).toBe(true);
    // Not the floored mix of the raw members: a negative drift step would pull the mean down.
    expect(served.some((v, h) => Math.abs(v - Math.max(0, 0.5 * rawD[h] + 0.5 * rawN[h])) > 1e-9)).toBe(true);
    // A blend stored before the floor mixes the raw members, as it did.
    oldBlend.forEach((v, h) => expect(v).toBeCloseTo(0.5 * rawD[h] + 0.5 * rawN[h], 12));
    expect(oldBlend.some((v) => v < 0)).toBe(true);
  });

  it('leaves a series with a negative value unfloored', async () => {
    const values = counts(N).map((v) => v - 1);
    const out = await trial(values, 'drift');
    expect(out.envelope.floor).toBeUndefined();
    expect(Array.from(out.originForecasts)).toEqual(Array.from((await unflooredValidation(values, 'drift')).predictions));
    expect(out.originForecasts.some((p) => p < -1)).toBe(true);
    const f = await loadForecaster(out.envelope);
    const points = f.forecast(7, { level: 0.8 });
    expect(points.every((p) => p.value < -1 && p.lower < p.value)).toBe(true);
    f.dispose();
  });

  it('forecasts an envelope stored before the floor exactly as before: the drift line, below 0', async () => {
    const values = counts(N);
    const { envelope } = await trial(values, 'drift');
    const old = withoutFloor(envelope);
    expect('floor' in old).toBe(false);
    const f = await loadForecaster(old);
    const slope = (values[N - 1] - values[0]) / (N - 1);
    const z = zForLevel(0.8);
    f.forecast(10).forEach((p, i) => {
      expect(p.value).toBeCloseTo(values[N - 1] + (i + 1) * slope, 9);
      const half = z * spreadAt(Float64Array.from(envelope.stepSpread), i + 1) * envelope.groups[0].scale;
      expect(p.lower).toBe(p.value - half);
      expect(p.upper).toBe(p.value + half);
    });
    f.dispose();
    expect(() => parseForecastEnvelope({ ...envelope, floor: 'zero' })).toThrow(/floor must be a number/);
  });

  it('is dropped when data a model is advanced to, or a retraining held out, went below it', async () => {
    const { envelope } = await trial(counts(N), 'drift');
    const more = (last: number) => series([...counts(N), 1, last]);
    expect(advanceEnvelope(envelope, more(0), { target: 'y' }).envelope.floor).toBe(0);
    const signed = advanceEnvelope(envelope, more(-2), { target: 'y' });
    expect(signed.advanced).toHaveLength(1);
    expect(signed.envelope.floor).toBeUndefined();
    // A retraining job's model, fitted without the held-out points, then given the state of the whole series.
    expect(stateAtLatest(envelope, more(0), { target: 'y' }).floor).toBe(0);
    const latest = stateAtLatest(envelope, more(-2), { target: 'y' });
    expect(latest.groups[0].tail.at(-1)).toBe(-2);
    expect(latest.floor).toBeUndefined();
  });
});
