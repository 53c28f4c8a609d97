/**
 * @module engine/forecast/recursive
 * Multi-step forecasts are recursive: a one-step model predicts the next (transformed, differenced)
 * value, which is appended to the history so the next step's lags see it. One model serves every
 * horizon, and a horizon longer than the trained one needs no new model (unlike direct forecasting,
 * which fits one model per step). Also builds the transformed training series the families learn from.
 * A model reading the season on the clock (./clock-alignment) differences, undifferences and reads its
 * lags through one BackReader, placed by the time of the tail's last point, across the whole horizon.
 */
import { EngineError } from '../core/errors';
import { type Calendar, phaseAt, timeAfter, weekdayAt } from './calendar';
import { backReader, type BackReader, type ClockAlignment, weekPositionAt } from './clock-alignment';
import { difference, undifference } from './differencing';
import type { SeriesState } from './forecast-model';
import { forward, inverse, type TargetTransform } from './target-transform';

/**
 * Predicts d[t] from d[0..t-1], the seasonal phase of step t, its position in the whole series (0 =
 * the series' first point; the trend feature reads it), its day of the week (calendar weekdayAt) and, on
 * the clock, the reader of the seasonal reads back (undefined: positional).
 */
export type OneStepPredictor = (d: Float64Array, t: number, phase: number, position: number, weekday: number, back?: BackReader) => number;

/** The transformed series z and its differences d (NaN where no difference exists), through `back` when given. */
export function transformedSeries(values: Float64Array, scale: number, tr: TargetTransform, lag: number, back?: BackReader): { z: Float64Array; d: Float64Array } {
  const z = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) z[i] = forward(tr, values[i], scale);
  const d = new Float64Array(values.length);
  difference(z, lag, d, values.length, back);
  return { z, d };
}

/** The reader of a series whose first point is at time `first`, on the clock of `align`; undefined (positional) without one. */
export function readerAt(align: ClockAlignment | null, cal: Calendar, first: number): BackReader | undefined {
  return align === null ? undefined : backReader(align, weekPositionAt(align, cal, first));
}

/** Forecasts `steps` raw values after `state.tail`, one step at a time (reading the season on the clock of `align`, when given). */
export function recursiveForecast(
  state: SeriesState,
  steps: number,
  tr: TargetTransform,
  lag: number,
  need: number,
  cal: Calendar,
  predict: OneStepPredictor,
  align: ClockAlignment | null = null,
): Float64Array {
  const n = state.tail.length;
  if (n < need) throw new EngineError('invalid_input', `forecasting needs the last ${need} values of the series, got ${n}`, { need, got: n });
  const z = new Float64Array(n + steps);
  const d = new Float64Array(n + steps);
  for (let i = 0; i < n; i++) z[i] = forward(tr, state.tail[i], state.scale);
  // The tail's first point is n - 1 positions of the week before its last.
  const back = align === null ? undefined : backReader(align, weekPositionAt(align, cal, state.lastTime) - (n - 1));
  difference(z, lag, d, n, back);
  const out = new Float64Array(steps);
  const offset = state.count - n;
  for (let s = 0; s < steps; s++) {
    const t = n + s;
    const time = timeAfter(cal, state.lastTime, s + 1);
    const dt = predict(d, t, phaseAt(cal, time), offset + t, weekdayAt(cal, time), back);
    d[t] = dt;
    z[t] = undifference(dt, z, t, lag, back);
    out[s] = inverse(tr, z[t], state.scale);
  }
  return out;
}
