/**
 * @module engine/forecast/value-floor
 * The least value a forecast of a never-negative target takes. A count or a demand that was never below 0
 * in the training data is not forecast below 0 either: a linear model with first differencing and a trend
 * otherwise extrapolates a recent dip of an intermittent series (counts near 0) into negative demand, and
 * symmetric intervals reach below 0 around any forecast near 0.
 *
 * The floor is decided once per trial on every series it is fitted on (all groups of a grouped dataset
 * together: one target column, one floor; a single negative value anywhere means the target is signed, and
 * nothing is floored). It is applied to the rolling-origin validation forecasts (./rolling-origin), so the
 * score, the interval spreads, the selection and the end-of-search blend all measure what is served, and
 * stored in the envelope (ForecastEnvelope.floor), which the forecaster applies to point forecasts and
 * interval bounds. An envelope without it (made before the floor) forecasts exactly as it did. Log and
 * Box-Cox forecasts are positive already: the floor changes nothing there.
 */
import type { SeriesData } from './types';

/** The floor of a never-negative target. */
export const NONNEGATIVE_FLOOR = 0;

/** NONNEGATIVE_FLOOR when every value of every series is at least 0, else undefined (no floor). */
export function valueFloor(series: readonly Pick<SeriesData, 'values'>[]): number | undefined {
  return series.every((s) => s.values.every((v) => v >= NONNEGATIVE_FLOOR)) ? NONNEGATIVE_FLOOR : undefined;
}

/**
 * A stored floor that still holds on newer data (./advance-envelope, ./series-holdout stateAtLatest): kept
 * while every value is at least the floor, dropped once the target went below it.
 */
export function floorStillHolds(floor: number | undefined, series: readonly Pick<SeriesData, 'values'>[]): number | undefined {
  return floor !== undefined && series.every((s) => s.values.every((v) => v >= floor)) ? floor : undefined;
}

/**
 * Forecasts raised to at least `floor` (a new array); the same array without one. A value that is no
 * finite number stays as it is, so a model that diverged (to -Infinity too) is still caught as one.
 */
export function floorForecast(values: Float64Array, floor: number | undefined): Float64Array {
  if (floor === undefined) return values;
  return values.map((v) => (v < floor && Number.isFinite(v) ? floor : v));
}
