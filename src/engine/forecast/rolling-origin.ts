/**
 * @module engine/forecast/rolling-origin
 * Rolling-origin validation of one configuration: for each origin of the plan (./validation-plan), fit on
 * every series' points before the origin, forecast the next `plan.horizon` points recursively and compare
 * with what happened. The score is the job's metric (./forecast-metric; RMSE unless it names another)
 * over every validation point of every fold and series, a MASE scaled by each series' part before the
 * fold's origin; the squared errors per step ahead, in units of each series' scale, feed the prediction
 * intervals whatever the metric (they are spreads in the target's units). A fold
 * sees the past-only covariates up to its origin and no further (./past-covariates): it forecasts from
 * what was observed then, as a published model does from the end of its data. With a floor (./value-floor)
 * every validation forecast is floored as a published forecast is, before it is scored or kept.
 */
import { Rng, seedFrom } from '../core/rng';
import { ForecastErrors, type ForecastMetric, maseScale } from './forecast-metric';
import type { Params } from '../search/space';
import type { Calendar } from './calendar';
import { fitForecastModel } from './families';
import { valuesBefore } from './fill-missing';
import type { FitSeries, SeriesState } from './forecast-model';
import { seriesScale } from './target-transform';
import type { ForecastFamily, SeriesData } from './types';
import { originIndex, type ValidationPlan } from './validation-plan';
import { floorForecast } from './value-floor';

export interface RollingOriginResult {
  /** The metric over all validation points (RMSE, MAE: original units). */
  readonly score: number;
  /** The metric on each fold, latest origin first. */
  readonly foldScores: readonly number[];
  /** Sum of squared scaled errors per step ahead, and how many errors each sum holds. */
  readonly stepSumSq: Float64Array;
  readonly stepCount: Float64Array;
  /** The same sums per series, in series order (./group-spread). */
  readonly seriesSumSq: Float64Array;
  readonly seriesCount: Float64Array;
  /**
   * Every validation forecast, fold by fold (latest origin first), then series by series, then step by
   * step: what the end-of-search blend weighs trials by (./select-blend, against ./origin-truth).
   */
  readonly predictions: Float32Array;
  /** The metric on each series' own validation points, in series order, with how many it holds (./series-scores). */
  readonly seriesScores: readonly { readonly score: number; readonly points: number }[];
}

export interface RollingOriginRequest {
  readonly family: ForecastFamily;
  readonly params: Params;
  readonly series: readonly SeriesData[];
  readonly calendar: Calendar;
  readonly plan: ValidationPlan;
  readonly seed: number;
  readonly target: string;
  /** Steps ahead the job forecasts (past covariates are read this far back and further); absent: none are. */
  readonly horizon?: number;
  /** The least value a forecast takes (./value-floor), decided on the whole series; absent: none. */
  readonly floor?: number;
  /** What the score is (./forecast-metric); absent: rmse. */
  readonly metric?: ForecastMetric;
  readonly yieldControl?: () => Promise<void>;
}

/**
 * A series' state at position `end` (exclusive): the tail a forecast from there starts from, the
 * covariates (aligned with `values`) from the tail's first point on, the known future after `end` included,
 * and the past covariates (aligned with `values` too) at the tail's points only: nothing after `end`.
 */
export function stateAt(values: Float64Array, times: Float64Array, end: number, tailLength: number, scale: number, covariates?: readonly Float64Array[], past?: readonly Float64Array[]): SeriesState {
  const from = Math.max(0, end - Math.max(1, tailLength));
  return {
    tail: values.slice(from, end),
    lastTime: times[end - 1],
    scale,
    first: values[0],
    count: end,
    ...(covariates ? { covariates: covariates.map((c) => c.subarray(from)) } : {}),
    ...(past ? { pastCovariates: past.map((c) => c.subarray(from, end)) } : {}),
  };
}

export async function rollingOrigin(req: RollingOriginRequest): Promise<RollingOriginResult> {
  const { plan, series } = req;
  const stepSumSq = new Float64Array(plan.horizon);
  const stepCount = new Float64Array(plan.horizon);
  const seriesSumSq = new Float64Array(series.length);
  const seriesCount = new Float64Array(series.length);
  const foldScores: number[] = [];
  const predictions = new Float32Array(plan.origins * series.length * plan.horizon);
  let totalSq = 0;
  let total = 0;
  // Another metric than rmse is summed beside it; rmse keeps its own sums, so its scores stay as they were.
  const other = req.metric !== undefined && req.metric !== 'rmse' ? req.metric : undefined;
  const pooled = other ? new ForecastErrors(other, series.length) : undefined;
  // Each series' own score, apart from the pooled one (which it never changes).
  const bySeries = new ForecastErrors(req.metric ?? 'rmse', series.length);
  for (let k = 0; k < plan.origins; k++) {
    await req.yieldControl?.();
    const fit: FitSeries[] = series.map((s) => {
      const end = originIndex(plan, s.values.length, k);
      // A gap running up to the origin is not interpolated towards the values after it.
      const values = valuesBefore(s.values, s.missing, end);
      return {
        values,
        times: s.times.subarray(0, end),
        scale: seriesScale(values),
        ...(s.covariates ? { covariates: s.covariates.map((c) => c.subarray(0, end)) } : {}),
        // Cut at the origin: the fold can read no value observed after it, in fitting or forecasting.
        ...(s.pastCovariates ? { pastCovariates: s.pastCovariates.map((c) => c.subarray(0, end)) } : {}),
      };
    });
    const model = await fitForecastModel(req.family, req.params, fit, {
      calendar: req.calendar,
      rng: new Rng(seedFrom(req.seed, `fold-${k}`)),
      target: req.target,
      ...(req.horizon !== undefined ? { horizon: req.horizon } : {}),
      yieldControl: req.yieldControl,
    });
    let foldSq = 0;
    let foldN = 0;
    const fold = other ? new ForecastErrors(other, series.length) : undefined;
    try {
      for (let g = 0; g < series.length; g++) {
        const s = series[g];
        const end = fit[g].values.length;
        const scale = other === 'mase' ? maseScale(fit[g].values, req.calendar.season) : 1;
        const predicted = floorForecast(model.forecast(stateAt(fit[g].values, s.times, end, model.tailLength, fit[g].scale, s.covariates, fit[g].pastCovariates), plan.horizon), req.floor);
        predictions.set(predicted.subarray(0, plan.horizon), (k * series.length + g) * plan.horizon);
        for (let h = 0; h < plan.horizon; h++) {
          const err = s.values[end + h] - predicted[h];
          foldSq += err * err;
          foldN++;
          fold?.add(g, s.values[end + h], predicted[h], scale);
          pooled?.add(g, s.values[end + h], predicted[h], scale);
          bySeries.add(g, s.values[end + h], predicted[h], scale);
          const scaled = err / fit[g].scale;
          stepSumSq[h] += scaled * scaled;
          stepCount[h]++;
          seriesSumSq[g] += scaled * scaled;
          seriesCount[g]++;
        }
      }
    } finally {
      model.dispose();
    }
    foldScores.push(fold ? fold.score() : Math.sqrt(foldSq / foldN));
    totalSq += foldSq;
    total += foldN;
  }
  return { score: pooled ? pooled.score() : Math.sqrt(totalSq / total), foldScores, stepSumSq, stepCount, seriesSumSq, seriesCount, predictions, seriesScores: bySeries.seriesScores() };
}
