/**
 * Per-series validation scores of a forecast (engine/forecast/series-scores): two series scored by hand in
 * every metric (mase with each series' own scale at each origin), listed worst first; a grouped trial's
 * artifact carrying its series' scores, consistent with its pooled score and its own validation forecasts,
 * an ungrouped one none; a blend's artifact scoring its blended forecasts, not its first member's.
 */
import { describe, expect, it } from 'vitest';
import {
  buildForecastBlendEnvelope,
  ForecastErrors,
  forecastDefaults,
  forecastOriginTruth,
  listedSeriesScores,
  MAX_LISTED_SERIES_SCORES,
  originSeriesScores,
  type OriginTruth,
  parseForecastEnvelope,
  runForecastTrial,
} from '../../src/engine/forecast';
import { datasetFromCsv, trainCsvText } from './forecast-fixtures';

/**
 * Two origins, two steps, two series; layout fold, series, step. north: actual 10,12 | 11,13 forecast
 * 11,12 | 13,10 (errors 1,0,2,3); south: actual 100,110 | 105,95 forecast 90,110 | 110,90 (errors 10,0,5,5).
 * MASE scales: north 0.5 then 1, south 20 then 2.5.
 */
const truth: OriginTruth = {
  plan: { horizon: 2, origins: 2, step: 2, earliestTrain: 8 },
  groups: 2,
  actual: Float32Array.from([10, 12, 100, 110, 11, 13, 105, 95]),
  scales: Float64Array.from([11, 105, 11, 105]),
  floors: new Float64Array(2),
  maseScales: Float64Array.from([0.5, 20, 1, 2.5]),
};
const forecasts = Float32Array.from([11, 12, 90, 110, 13, 10, 110, 90]);
const GROUPS = ['north', 'south'];

describe('per-series scores by hand', () => {
  it('scores rmse, mae and mape on each series alone, worst first', () => {
    expect(originSeriesScores(truth, forecasts, 'rmse', GROUPS)).toEqual([
      { group: 'south', score: Math.sqrt((100 + 0 + 25 + 25) / 4), points: 4 },
      { group: 'north', score: Math.sqrt((1 + 0 + 4 + 9) / 4), points: 4 },
    ]);
    const mae = originSeriesScores(truth, forecasts, 'mae', GROUPS);
    expect(mae.map((s) => s.group)).toEqual(['south', 'north']);
    expect(mae[0].score).toBeCloseTo(20 / 4, 12);
    expect(mae[1].score).toBeCloseTo(6 / 4, 12);
    const mape = originSeriesScores(truth, forecasts, 'mape', GROUPS);
    const byGroup = Object.fromEntries(mape.map((s) => [s.group, s.score]));
    expect(byGroup.north).toBeCloseTo((1 / 10 + 0 + 2 / 11 + 3 / 13) / 4, 12);
    expect(byGroup.south).toBeCloseTo((10 / 100 + 0 + 5 / 105 + 5 / 95) / 4, 12);
  });

  it("scales mase by each series' own scale at each origin, which reverses the order here", () => {
    const mase = originSeriesScores(truth, forecasts, 'mase', GROUPS);
    // north: (1/0.5 + 0 + 2/1 + 3/1) / 4 = 1.75; south: (10/20 + 0 + 5/2.5 + 5/2.5) / 4 = 1.125.
    expect(mase.map((s) => s.group)).toEqual(['north', 'south']);
    expect(mase[0].score).toBeCloseTo(1.75, 12);
    expect(mase[1].score).toBeCloseTo(1.125, 12);
    // The job's pooled mase is the mean of the series' own.
    const pooled = new ForecastErrors('mase', 2);
    forecasts.forEach((p, i) => pooled.add(Math.floor(i / 2) % 2, truth.actual[i], p, truth.maseScales![Math.floor(i / 2)]));
    expect(pooled.score()).toBeCloseTo((1.75 + 1.125) / 2, 12);
  });

  it('refuses mase without scales, and forecasts of another layout', () => {
    const { maseScales: _none, ...unscaled } = truth;
    expect(() => originSeriesScores(unscaled, forecasts, 'mase', GROUPS)).toThrow(/MASE scale/);
    expect(() => originSeriesScores(truth, forecasts.subarray(2), 'rmse', GROUPS)).toThrow(/8 forecasts of 2 series/);
  });

  it('lists at most the first 1,000 and says how many there are', () => {
    const many = Array.from({ length: MAX_LISTED_SERIES_SCORES + 5 }, (_, i) => ({ group: `s${i}`, score: 2000 - i, points: 6 }));
    const listed = listedSeriesScores(many);
    expect(listed.series_scores).toHaveLength(MAX_LISTED_SERIES_SCORES);
    expect(listed.series_scores[0].group).toBe('s0');
    expect(listed.series_scores_total).toBe(MAX_LISTED_SERIES_SCORES + 5);
    expect(listedSeriesScores(many.slice(0, 3))).toEqual({ series_scores: many.slice(0, 3) });
  });
});

describe('a forecast trial and a blend keep their series\' scores in the artifact', () => {
  // Two stores: the demo series and one a hundred times its size.
  const lines = trainCsvText().trim().split('\n').slice(1);
  const csv = ['date,store,y', ...lines.map((l) => l.replace(',', ',small,')), ...lines.map((l) => `${l.split(',')[0]},big,${100 * Number(l.split(',')[1]) + 7 * (Number(l.split('-')[1]) % 3)}`)];
  const grouped = datasetFromCsv(csv.join('\n'), { date: 'datetime' });
  const H = 6;
  const shape = { length: 108, season: 12, groups: 2, horizon: H };
  const columns = { target: 'y', groupColumn: 'store', horizon: H };
  // The series in the order the trials forecast them (the data's groups sorted), as every artifact lists them.
  const GROUP_ORDER = ['big', 'small'];
  const run = (family: 'linear' | 'seasonal_naive', metric: 'rmse' | 'mase') => runForecastTrial(grouped, { family, params: forecastDefaults(family, shape), ...columns, seed: 1, metric });

  it('scores each series of a grouped trial on its own validation forecasts, in the job metric', async () => {
    const truth = forecastOriginTruth(grouped, columns);
    for (const metric of ['rmse', 'mase'] as const) {
      const trial = await run('linear', metric);
      if (trial.status !== 'complete') throw new Error(trial.reason);
      const scores = parseForecastEnvelope(JSON.stringify(trial.envelope)).seriesScores!;
      expect(trial.envelope.groups.map((g) => g.group)).toEqual(GROUP_ORDER);
      expect(scores.map((s) => s.group)).toHaveLength(2);
      const points = truth.plan.origins * truth.plan.horizon;
      expect(scores.every((s) => s.points === points)).toBe(true);
      expect(scores[0].score).toBeGreaterThanOrEqual(scores[1].score);
      // The same as scoring the trial's validation forecasts against what happened, series by series.
      const again = originSeriesScores(truth, trial.originForecasts, metric, GROUP_ORDER);
      expect(scores.map((s) => s.group)).toEqual(again.map((s) => s.group));
      scores.forEach((s, i) => expect(s.score / again[i].score).toBeCloseTo(1, 4));
      // Pooled: rmse over equal counts is the root of the mean square; mase the mean of the series'.
      const pooled = metric === 'rmse' ? Math.sqrt((scores[0].score ** 2 + scores[1].score ** 2) / 2) : (scores[0].score + scores[1].score) / 2;
      expect(pooled).toBeCloseTo(trial.score, 6);
    }
    // Under rmse the big store is worst; under mase the series weigh by their own scale.
    const rmse = await run('linear', 'rmse');
    if (rmse.status !== 'complete') throw new Error('failed');
    expect(rmse.envelope.seriesScores![0].group).toBe('big');
  });

  it('keeps none for a single series', async () => {
    const single = datasetFromCsv(trainCsvText(), { date: 'datetime' });
    const trial = await runForecastTrial(single, { family: 'linear', params: forecastDefaults('linear', { ...shape, groups: 1 }), target: 'passengers_thousands', horizon: H, seed: 1 });
    if (trial.status !== 'complete') throw new Error(trial.reason);
    expect(trial.envelope.seriesScores).toBeUndefined();
  });

  it("scores a blend on its blended forecasts, not its first member's", async () => {
    const truth = forecastOriginTruth(grouped, columns);
    const [a, b] = await Promise.all([run('linear', 'mase'), run('seasonal_naive', 'mase')]);
    if (a.status !== 'complete' || b.status !== 'complete') throw new Error('a trial failed');
    const blended = Float64Array.from(a.originForecasts, (v, i) => 0.5 * v + 0.5 * b.originForecasts[i]);
    const envelope = buildForecastBlendEnvelope([{ envelope: a.envelope, weight: 0.5 }, { envelope: b.envelope, weight: 0.5 }], truth, blended, 0.5);
    const expected = originSeriesScores(truth, blended, 'mase', GROUP_ORDER);
    expect(envelope.seriesScores).toEqual(expected);
    expect(envelope.seriesScores).not.toEqual(a.envelope.seriesScores);
  });

  it('refuses an artifact whose series scores are malformed', async () => {
    const trial = await run('seasonal_naive', 'rmse');
    if (trial.status !== 'complete') throw new Error(trial.reason);
    const bad = { ...trial.envelope, seriesScores: [{ group: 'small', score: -1, points: 6 }] };
    expect(() => parseForecastEnvelope(JSON.stringify(bad))).toThrow(/seriesScores\[0\]/);
  });
});
