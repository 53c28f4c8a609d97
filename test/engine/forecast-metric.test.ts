/**
 * A forecast job's metric (engine/forecast/forecast-metric): the MASE scale of a series by hand (seasonal
 * and lag-1 differences, the floor of a constant series), MASE weighing two series of very different
 * sizes equally where RMSE lets the big one decide, the blend selection and the fold estimate following
 * the metric, and a trial's mase score lining up with its own validation forecasts while rmse stays as it
 * was without a metric.
 */
import { describe, expect, it } from 'vitest';
import { foldSelectionEstimate } from '../../src/engine/eval/fold-selection-estimate';
import {
  ForecastErrors,
  forecastDefaults,
  forecastMetricOf,
  forecastOriginTruth,
  maseScale,
  type OriginTruth,
  parseForecastEnvelope,
  runForecastTrial,
  selectForecastBlend,
} from '../../src/engine/forecast';
import { MASE_ABSOLUTE_FLOOR, MASE_RELATIVE_FLOOR } from '../../src/engine/forecast/forecast-metric';
import { datasetFromCsv, trainCsvText } from './forecast-fixtures';

describe('the MASE scale', () => {
  it('is the mean absolute seasonal-naive difference of the training part', () => {
    // Lag 1: |3-1|, |2-3|, |5-2| = 2, 1, 3: mean 2.
    expect(maseScale([1, 3, 2, 5], 1)).toBe(2);
    // Lag 2 (the season): |2-1|, |5-3| = 1, 2: mean 1.5.
    expect(maseScale([1, 3, 2, 5], 2)).toBe(1.5);
    // A season longer than the part falls back to lag 1.
    expect(maseScale([1, 3, 2, 5], 12)).toBe(2);
  });

  it('floors the scale of a constant series instead of dividing by 0', () => {
    expect(maseScale([5, 5, 5, 5], 1)).toBeCloseTo(MASE_RELATIVE_FLOOR * 5, 15);
    expect(maseScale([0, 0, 0], 1)).toBe(MASE_ABSOLUTE_FLOOR);
    // Scores stay finite: 0 for the exact forecast, large (not infinite) for one that misses.
    const exact = new ForecastErrors('mase', 1);
    exact.add(0, 5, 5, maseScale([5, 5, 5, 5], 1));
    expect(exact.score()).toBe(0);
    const off = new ForecastErrors('mase', 1);
    off.add(0, 5, 5.01, maseScale([5, 5, 5, 5], 1));
    expect(off.score()).toBeCloseTo(2, 9);
  });

  it('reads a missing or unknown metric as rmse', () => {
    expect(forecastMetricOf(undefined)).toBe('rmse');
    expect(forecastMetricOf('r2')).toBe('rmse');
    expect(forecastMetricOf('mase')).toBe('mase');
  });
});

/**
 * Two series: "small" (training part 1,2,1,2: MASE scale 1) and "big" (100,200,100,200: scale 100), two
 * validation points each. Model x misses small by 1 and big by 10; model y misses small by 0.1 and big by 20.
 */
const SMALL_SCALE = maseScale([1, 2, 1, 2], 1);
const BIG_SCALE = maseScale([100, 200, 100, 200], 1);
const ACTUAL = [1, 2, 100, 200];
const X = [2, 1, 110, 190];
const Y = [1.1, 1.9, 120, 180];

function scoreOf(metric: 'rmse' | 'mae' | 'mase', predicted: readonly number[]): number {
  const errors = new ForecastErrors(metric, 2);
  ACTUAL.forEach((a, i) => errors.add(i < 2 ? 0 : 1, a, predicted[i], i < 2 ? SMALL_SCALE : BIG_SCALE));
  return errors.score();
}

describe('MASE against RMSE on series of very different sizes', () => {
  it('computes each by hand', () => {
    expect([SMALL_SCALE, BIG_SCALE]).toEqual([1, 100]);
    expect(scoreOf('rmse', X)).toBeCloseTo(Math.sqrt((1 + 1 + 100 + 100) / 4), 12);
    expect(scoreOf('rmse', Y)).toBeCloseTo(Math.sqrt((0.01 + 0.01 + 400 + 400) / 4), 12);
    expect(scoreOf('mae', X)).toBeCloseTo((1 + 1 + 10 + 10) / 4, 12);
    // MASE: each series' mean scaled error, then their mean: (1/1 + 10/100) / 2 and (0.1/1 + 20/100) / 2.
    expect(scoreOf('mase', X)).toBeCloseTo(0.55, 12);
    expect(scoreOf('mase', Y)).toBeCloseTo(0.15, 12);
  });

  it('lets the big series decide under RMSE, every series count the same under MASE', () => {
    expect(scoreOf('rmse', X)).toBeLessThan(scoreOf('rmse', Y));
    expect(scoreOf('mase', Y)).toBeLessThan(scoreOf('mase', X));
  });

  it('averages series equally whatever their number of points', () => {
    // small with one point off by 1 (scaled 1), big with three off by 100 (scaled 1 each) and one exact.
    const errors = new ForecastErrors('mase', 2);
    errors.add(0, 1, 2, 1);
    for (const a of [100, 200, 300]) errors.add(1, a, a + 100, 100);
    errors.add(1, 400, 400, 100);
    // Per series: 1 and 3/4; pooled per point it would be (1 + 3) / 5 = 0.8.
    expect(errors.score()).toBeCloseTo((1 + 0.75) / 2, 12);
  });
});

describe('the blend selection by the job metric', () => {
  // One origin, the two series above: the layout is (fold, series, step).
  const truth: OriginTruth = {
    plan: { horizon: 2, origins: 1, step: 1, earliestTrain: 4 },
    groups: 2,
    actual: Float32Array.from(ACTUAL),
    scales: Float64Array.from([1.5, 150]),
    floors: new Float64Array(2),
    maseScales: Float64Array.from([SMALL_SCALE, BIG_SCALE]),
  };
  const candidates = [
    { id: 'x', predictions: Float32Array.from(X) },
    { id: 'y', predictions: Float32Array.from(Y) },
  ];

  it('picks the best single trial by the metric asked for', () => {
    expect(selectForecastBlend(truth, candidates).bestSingle.id).toBe('x');
    expect(selectForecastBlend(truth, candidates, 'rmse').bestSingle.id).toBe('x');
    const byMase = selectForecastBlend(truth, candidates, 'mase');
    expect(byMase.bestSingle).toMatchObject({ id: 'y' });
    expect(byMase.bestSingle.score).toBeCloseTo(0.15, 6);
    // The blend's score is a MASE of its own forecasts, no worse than the best single one.
    const blended = Array.from(byMase.predictions);
    expect(byMase.score).toBeCloseTo(scoreOf('mase', blended), 6);
    expect(byMase.score).toBeLessThanOrEqual(byMase.bestSingle.score);
  });

  it('refuses a blend by mase without the scales', () => {
    const { maseScales: _none, ...unscaled } = truth;
    expect(() => selectForecastBlend(unscaled, candidates, 'mase')).toThrow(/MASE scale/);
  });
});

describe('the fold estimate of a mean error', () => {
  it('averages fold errors as they are, not in squares', () => {
    // Every draw leaving fold 0 out picks [6,6,6] (lower on the others) or [1,20,20]: plain means keep it linear.
    const squared = foldSelectionEstimate([[1, 20, 20], [6, 6, 6]])!;
    const linear = foldSelectionEstimate([[1, 20, 20], [6, 6, 6]], 1, false)!;
    expect(linear.score).not.toBeCloseTo(squared.score, 3);
    // One trial alone: its estimate is its mean fold error (9 + 11 + 10) / 3 over the draws that leave a fold out.
    expect(foldSelectionEstimate([[9, 11, 10]], 1, false)!.score).toBeCloseTo(10, 9);
  });
});

describe('a forecast trial scored by its metric', () => {
  // Two stores: the demo series and one a hundred times its size.
  const lines = trainCsvText().trim().split('\n').slice(1);
  const grouped = datasetFromCsv(
    ['date,store,y', ...lines.map((l) => l.replace(',', ',small,')), ...lines.map((l) => `${l.split(',')[0]},big,${100 * Number(l.split(',')[1]) + 7 * (Number(l.split('-')[1]) % 3)}`)].join('\n'),
    { date: 'datetime' },
  );
  const H = 6;
  const shape = { length: 108, season: 12, groups: 2, horizon: H };
  const run = (metric?: 'rmse' | 'mase') =>
    runForecastTrial(grouped, { family: 'linear', params: forecastDefaults('linear', shape), target: 'y', groupColumn: 'store', horizon: H, seed: 1, ...(metric ? { metric } : {}) });

  it('scores mase as the mean of each series\' scaled errors on its validation forecasts; rmse as without a metric', async () => {
    const [plain, rmse, mase] = await Promise.all([run(), run('rmse'), run('mase')]);
    if (plain.status !== 'complete' || rmse.status !== 'complete' || mase.status !== 'complete') throw new Error('a trial failed');
    // rmse named is rmse unnamed, to the bit, and its artifact names no metric.
    expect(rmse.score).toBe(plain.score);
    expect(rmse.foldScores).toEqual(plain.foldScores);
    expect(JSON.stringify(rmse.envelope)).toBe(JSON.stringify(plain.envelope));
    expect(plain.envelope.metric).toBeUndefined();
    // The same forecasts, another score: recomputed from the truth and each fold's MASE scales.
    expect(Array.from(mase.originForecasts)).toEqual(Array.from(plain.originForecasts));
    const truth = forecastOriginTruth(grouped, { target: 'y', groupColumn: 'store', horizon: H });
    const perSeries = [0, 0];
    for (let k = 0; k < truth.plan.origins; k++) {
      for (let g = 0; g < 2; g++) {
        for (let h = 0; h < truth.plan.horizon; h++) {
          const i = (k * 2 + g) * truth.plan.horizon + h;
          perSeries[g] += Math.abs(truth.actual[i] - mase.originForecasts[i]) / truth.maseScales![k * 2 + g];
        }
      }
    }
    const points = truth.plan.origins * truth.plan.horizon;
    expect(mase.score).toBeCloseTo((perSeries[0] / points + perSeries[1] / points) / 2, 6);
    expect(mase.loss).toBe(mase.score);
    expect(mase.score).not.toBeCloseTo(plain.score, 1);
    // The artifact says what its score is; the interval spreads are the rmse run's (squared errors, target units).
    expect(parseForecastEnvelope(JSON.stringify(mase.envelope)).metric).toBe('mase');
    expect(mase.envelope.stepSpread).toEqual(plain.envelope.stepSpread);
  });
});
