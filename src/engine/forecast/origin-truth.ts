/**
 * @module engine/forecast/origin-truth
 * What actually happened after each rolling origin of a forecast job, laid out as the trials' validation
 * forecasts are (./rolling-origin `predictions`: fold, then series, then step), with each fold's series
 * scale for interval spreads. The plan is computed here and by the trial harness from the same series, so
 * a blend weighs every trial's forecasts against the same points they were scored on, in the same
 * metric: each fold's MASE scale of each series (./forecast-metric) is kept beside its values.
 */
import type { Dataset } from '../data/dataset';
import { valuesBefore } from './fill-missing';
import { maseScale } from './forecast-metric';
import { extractSeries } from './series';
import { seriesFloors } from './spread-floor';
import { seriesScale } from './target-transform';
import type { SeriesColumns, SeriesData } from './types';
import { DEFAULT_ORIGINS, originIndex, type ValidationPlan, validationPlan } from './validation-plan';

export interface OriginTruth {
  readonly plan: ValidationPlan;
  /** Series in the order the trials forecast them. */
  readonly groups: number;
  /** Observed values after each origin: origins × groups × plan.horizon. */
  readonly actual: Float32Array;
  /** The scale each fold's model saw for each series (origins × groups): intervals are measured in it. */
  readonly scales: Float64Array;
  /**
   * Each fold's MASE scale of each series (origins × groups), from the part before the fold's origin, as
   * the trials scored them; absent when the season was not given (a blend by mase then cannot be made).
   */
  readonly maseScales?: Float64Array;
  /** Each series' own spread floor (./spread-floor), on its whole length as a trial measures it (./group-spread). */
  readonly floors: Float64Array;
}

/** The rolling-origin plan of a job's series: the shortest series decides it, as in every trial. */
export function seriesPlan(series: readonly SeriesData[], season: number, horizon: number, origins = DEFAULT_ORIGINS): ValidationPlan {
  return validationPlan({ length: Math.min(...series.map((s) => s.values.length)), season, groups: series.length, horizon }, origins);
}

/** `season`: the series' season, for the MASE scales (absent: none are kept). */
export function originTruthOf(series: readonly SeriesData[], plan: ValidationPlan, season?: number): OriginTruth {
  const actual = new Float32Array(plan.origins * series.length * plan.horizon);
  const scales = new Float64Array(plan.origins * series.length);
  const maseScales = season !== undefined ? new Float64Array(plan.origins * series.length) : undefined;
  for (let k = 0; k < plan.origins; k++) {
    series.forEach((s, g) => {
      const end = originIndex(plan, s.values.length, k);
      // The history the fold's model saw (./rolling-origin): a gap up to the origin is not interpolated.
      const history = valuesBefore(s.values, s.missing, end);
      scales[k * series.length + g] = seriesScale(history);
      if (maseScales && season !== undefined) maseScales[k * series.length + g] = maseScale(history, season);
      actual.set(s.values.subarray(end, end + plan.horizon), (k * series.length + g) * plan.horizon);
    });
  }
  return { plan, groups: series.length, actual, scales, ...(maseScales ? { maseScales } : {}), floors: seriesFloors(series) };
}

/** The truth behind a forecast job's trials, from the dataset they were run on (same columns, horizon and origins). */
export function forecastOriginTruth(ds: Dataset, columns: SeriesColumns & { readonly horizon: number; readonly origins?: number }): OriginTruth {
  const { info, series } = extractSeries(ds, columns);
  return originTruthOf(series, seriesPlan(series, info.season, columns.horizon, columns.origins), info.season);
}
