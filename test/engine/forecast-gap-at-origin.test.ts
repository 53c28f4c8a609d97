/**
 * A gap of missing target values running up to a rolling origin (or to a held-out tail) is filled, for the
 * fold cut there, with the last value observed before it, as the series' own end is: interpolated towards
 * the first value after the origin, it leaked what the fold is scored on into its history. The whole
 * series (the published model's history) still interpolates the gap.
 */
import { describe, expect, it } from 'vitest';
import { extractSeries, forecastOriginTruth, loadForecaster, runForecastTrial } from '../../src/engine/forecast';
import type { Calendar } from '../../src/engine/forecast/calendar';
import { missingMask, valuesBefore } from '../../src/engine/forecast/fill-missing';
import { seriesPlan } from '../../src/engine/forecast/origin-truth';
import { rollingOrigin } from '../../src/engine/forecast/rolling-origin';
import { scoreOnSeriesTail } from '../../src/engine/forecast/series-holdout';
import { seriesScale } from '../../src/engine/forecast/target-transform';
import { originIndex } from '../../src/engine/forecast/validation-plan';
import { daySeries } from './forecast-fixtures';

const DAY = 86_400_000;
const START = Date.UTC(2024, 0, 1);
const N = 60;
const H = 7;
/** Level 10, then 100 from the latest origin on; the two days before that origin are empty. */
const ORIGIN = N - H;
const cells = Array.from({ length: N }, (_, t) => (t === ORIGIN - 2 || t === ORIGIN - 1 ? '' : t < ORIGIN ? 10 : 100));
const dataset = daySeries(cells.map((_, t) => START + t * DAY), cells);

describe('a gap running up to a rolling origin', () => {
  it('is carried from the value before it in the fold, and interpolated in the whole series', async () => {
    const { info, series } = extractSeries(dataset, { target: 'y' });
    // The whole series: interpolated from 10 towards 100.
    expect(series[0]!.values[ORIGIN - 2]).toBeCloseTo(40, 6);
    expect(series[0]!.values[ORIGIN - 1]).toBeCloseTo(70, 6);
    const plan = seriesPlan(series, info.season, H);
    expect(originIndex(plan, N, 0)).toBe(ORIGIN);
    const calendar: Calendar = { frequency: info.frequency, season: info.season, anchor: series[0]!.times[0]! };
    const run = await rollingOrigin({ family: 'seasonal_naive', params: {}, series, calendar, plan, seed: 1, target: 'y', horizon: H });
    // Seasonal naive (a week) repeats the fold's last week: 10 every day, with nothing from after the origin.
    expect(Array.from(run.predictions.subarray(0, H))).toEqual(Array(H).fill(10));
    expect(run.foldScores[0]).toBeCloseTo(90, 5);
  });

  it('gives the trial the same score as its folds, and the truth the same scales', async () => {
    const out = await runForecastTrial(dataset, { family: 'seasonal_naive', params: {}, target: 'y', horizon: H, seed: 1 });
    if (out.status !== 'complete') throw new Error(out.reason);
    expect(Array.from(out.originForecasts.subarray(0, H))).toEqual(Array(H).fill(10));
    const truth = forecastOriginTruth(dataset, { target: 'y', horizon: H });
    // The latest fold's history is 10 throughout: its scale is that of a constant series.
    const { series } = extractSeries(dataset, { target: 'y' });
    expect(truth.scales[0]).toBe(seriesScale(valuesBefore(series[0]!.values, series[0]!.missing, ORIGIN)));
  });
});

describe('a gap running up to a held-out tail', () => {
  it('is carried, not interpolated, in the history a challenge forecasts the tail from', async () => {
    const out = await runForecastTrial(dataset, { family: 'seasonal_naive', params: {}, target: 'y', horizon: H, seed: 1 });
    if (out.status !== 'complete') throw new Error(out.reason);
    const forecaster = await loadForecaster(out.envelope);
    // The last H points held out: the history ends in the gap, and its last week reads 10 throughout.
    const tail = scoreOnSeriesTail(forecaster, dataset, { target: 'y' }, H);
    expect(tail.points).toBe(H);
    expect(tail.rmse).toBeCloseTo(90, 5);
  });
});

describe('valuesBefore', () => {
  const values = Float64Array.from([1, NaN, 3, NaN, NaN, 9]);
  const missing = missingMask(values);

  it('marks the missing points, and none when there are none', () => {
    expect(Array.from(missing!)).toEqual([0, 1, 0, 1, 1, 0]);
    expect(missingMask(Float64Array.from([1, 2]))).toBeUndefined();
  });

  it('carries the last observed value over a gap the cut ends in, and leaves interior gaps alone', () => {
    const filled = Float64Array.from([1, 2, 3, 5, 7, 9]);
    expect(Array.from(valuesBefore(filled, missing, 5))).toEqual([1, 2, 3, 3, 3]);
    expect(Array.from(valuesBefore(filled, missing, 4))).toEqual([1, 2, 3, 3]);
    expect(Array.from(valuesBefore(filled, missing, 3))).toEqual([1, 2, 3]);
    expect(Array.from(valuesBefore(filled, missing, 6))).toEqual([1, 2, 3, 5, 7, 9]);
    // The series is left as it is.
    expect(Array.from(filled)).toEqual([1, 2, 3, 5, 7, 9]);
  });
});
