/**
 * @module engine/forecast/forecast-point
 * One served forecast point from a point forecast and its spread (one standard deviation): the interval
 * value +/- z(level) * spread and each quantile asked for, value + z(q) * spread (./intervals), floored
 * where the target has a floor (./value-floor), and refused when it overflows. The model's own forecasts
 * and a short group's rule (./fallback) both build their points here, so their arithmetic never differs.
 */
import { EngineError } from '../core/errors';
import type { QuantileZ } from './intervals';

/**
 * One forecast point: its time (ISO string for datetime series), the point forecast, its interval, and when
 * asked for, its quantiles keyed by their shortest decimal text ("0.1"), ascending and never decreasing.
 */
export interface ForecastPoint {
  readonly time: string | number;
  readonly value: number;
  readonly lower: number;
  readonly upper: number;
  readonly quantiles?: Readonly<Record<string, number>>;
}

/** The normal quantiles a request asks a forecast at: its interval's z, and its quantiles' (./intervals). */
export interface PointZ {
  readonly z: number;
  readonly quantiles?: readonly QuantileZ[];
}

/**
 * The point at `time` of the forecast `value` with a spread of `spread` times `scale`, multiplied in the
 * order the intervals always were (z * spread * scale), so their bounds stay the same to the bit; a
 * quantile at an interval's tail (its z is minus the level's) is then exactly its bound. `step` (1-based)
 * and `covariates` (whether the model reads covariates) say what a refusal names.
 */
export function forecastPoint(time: string | number, value: number, spread: number, scale: number, zs: PointZ, floor: number | undefined, step: number, covariates: boolean): ForecastPoint {
  const half = zs.z * spread * scale;
  const raw = { time, value, lower: value - half, upper: value + half };
  if (overflowed(raw, half)) throw overflowRefusal(raw, step, covariates);
  const point = floor === undefined ? raw : atFloor(raw, half, floor);
  if (!zs.quantiles) return point;
  const quantiles: Record<string, number> = {};
  for (const q of zs.quantiles) {
    // From the (floored) point forecast the interval is centred on, floored like its bounds.
    const v = point.value + q.z * spread * scale;
    if (!Number.isFinite(v)) throw overflowRefusal(raw, step, covariates);
    quantiles[q.key] = floor === undefined ? v : Math.max(v, floor);
  }
  return { ...point, quantiles };
}

/**
 * A forecast point of a target with a floor (./value-floor): the value raised to the floor, and the
 * interval around that value with each bound raised to it too, so it still holds the value. Centred on the
 * floored value rather than the model's own: the spread was measured on floored validation forecasts.
 */
function atFloor(p: ForecastPoint, half: number, floor: number): ForecastPoint {
  const value = Math.max(p.value, floor);
  return { time: p.time, value, lower: Math.max(value - half, floor), upper: Math.max(value + half, floor) };
}

/**
 * Whether a forecast point is beyond what 64-bit numbers hold: not finite, or so large that adding its
 * interval's half-width changes nothing (lower == upper) although the half-width is not zero.
 */
function overflowed(p: ForecastPoint, half: number): boolean {
  return !(Number.isFinite(p.value) && Number.isFinite(p.lower) && Number.isFinite(p.upper)) || (half > 0 && p.lower === p.upper);
}

/**
 * The refusal of a forecast that overflowed at step `h`: with covariates, the values given led the model
 * there (a number within its bounds can still compound over many steps); without, the steps asked for.
 */
function overflowRefusal(p: ForecastPoint, h: number, covariates: boolean): EngineError {
  const what = Number.isFinite(p.value) ? `${p.value}, too large to give an interval of any width` : 'no finite number';
  const why = covariates
    ? 'the covariates given lead the model far beyond what it learned from: give values closer to those of its training data (the model view lists the range of each numeric covariate)'
    : 'ask for fewer steps';
  return new EngineError('invalid_input', `the forecast of step ${h} comes out as ${what}, beyond what the model can compute; ${why}`, { field: covariates ? 'covariates' : 'horizon', step: h });
}
