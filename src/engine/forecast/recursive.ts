/**
 * @module engine/forecast/recursive
 * Multi-step forecasts are recursive: a one-step model predicts the next (transformed, differenced)
 * value, which is appended to the history so the next step's lags see it. One model serves every
 * horizon, and a horizon longer than the trained one needs no new model (unlike direct forecasting,
 * which fits one model per step). Also builds the transformed training series the families learn from.
 */
import { EngineError } from '../core/errors';
import { type Calendar, phaseAt, timeAfter, weekdayAt } from './calendar';
import { difference, undifference } from './differencing';
import type { SeriesState } from './forecast-model';
import { forward, inverse, type TargetTransform } from './target-transform';

/**
 * Predicts d[t] from d[0..t-1], the seasonal phase of step t, its position in the whole series (0 =
 * the series' first point; the trend feature reads it) and its day of the week (calendar weekdayAt).
 */
export type OneStepPredictor = (d: Float64Array, t: number, phase: number, position: number, weekday: number) => number;

/** The transformed series z and its differences d (NaN where no difference exists). */
export function transformedSeries(values: Float64Array, scale: number, tr: TargetTransform, lag: number): { z: Float64Array; d: Float64Array } {
  const z = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) z[i] = forward(tr, values[i], scale);
  const d = new Float64Array(values.length);
  difference(z, lag, d);
  return { z, d };
}

/** Forecasts `steps` raw values after `state.tail`, one step at a time. */
export function recursiveForecast(
  state: SeriesState,
  steps: number,
  tr: TargetTransform,
  lag: number,
  need: number,
  cal: Calendar,
  predict: OneStepPredictor,
): Float64Array {
  const n = state.tail.length;
  if (n < need) throw new EngineError('invalid_input', `forecasting needs the last ${need} values of the series, got ${n}`, { need, got: n });
  const z = new Float64Array(n + steps);
  const d = new Float64Array(n + steps);
  for (let i = 0; i < n; i++) z[i] = forward(tr, state.tail[i], state.scale);
  difference(z, lag, d, n);
  const out = new Float64Array(steps);
  const offset = state.count - n;
  for (let s = 0; s < steps; s++) {
    const t = n + s;
    const time = timeAfter(cal, state.lastTime, s + 1);
    const dt = predict(d, t, phaseAt(cal, time), offset + t, weekdayAt(cal, time));
    d[t] = dt;
    z[t] = undifference(dt, z, t, lag);
    out[s] = inverse(tr, z[t], state.scale);
  }
  return out;
}
