/**
 * @module engine/forecast/series-continuation
 * Whether newer data continue a series as a model stored it (its latest values and the time of the last
 * one), the one rule advancing applies to the model's own series (./advance-envelope) and to the groups a
 * simple rule forecasts (./advance-fallback): the stored last time is among the new points, the new data
 * agree with the stored values there and before, and the points after it are the model's next steps.
 * Anything else (the data replaced or corrected, the frequency changed, the series cut short or with
 * nothing new) is not a continuation, and the answer says why, so the series stays as it was.
 */
import { timeAfter, type Calendar } from './calendar';

/** What a model stored of a series: its latest values (oldest first), the time of the last, and its scale. */
export interface StoredSeries {
  readonly tail: readonly number[];
  readonly lastTime: number;
  /** The series' level, relative to which values read again are compared (rounding, not a change). */
  readonly scale: number;
}

/**
 * A continuation: `at` is the index of the stored last time in the new points, `absent` how many stored
 * values lie before the new data's first point, `points` how many new points follow the stored last.
 */
export type Continuation = { readonly at: number; readonly absent: number; readonly points: number } | { readonly reason: string };

/**
 * How `times`/`values` (ascending, the model's steps) continue `stored`, or why they do not (see the
 * module comment); the reason writes times with `at`, as the model's refusals write them (covariate-start showTimeOf).
 */
export function continuation(stored: StoredSeries, times: Float64Array, values: Float64Array, calendar: Calendar, at: (t: number) => string): Continuation {
  const n = values.length;
  const j = indexOfTime(times, stored.lastTime);
  if (j < 0) {
    const ends = times[n - 1] < stored.lastTime ? ` (the new data end at ${at(times[n - 1])})` : '';
    return { reason: `its latest point, ${at(stored.lastTime)}, is not in the new data${ends}, so they do not continue the series the model knows` };
  }
  const kept = stored.tail.length;
  // Stored point i is new point j - (kept - 1 - i); those before the new data's first are absent.
  const absent = Math.max(0, kept - 1 - j);
  for (let i = absent; i < kept; i++) {
    const k = j - (kept - 1 - i);
    const expected = timeAfter(calendar, stored.lastTime, i - (kept - 1));
    if (times[k] !== expected) return { reason: `the new data have a point at ${at(times[k])} where the model's steps have ${at(expected)}: they are not the series the model knows` };
    if (!sameValue(values[k], stored.tail[i], stored.scale)) {
      return { reason: `its value at ${at(times[k])} is ${values[k]} in the new data but ${stored.tail[i]} in the model: the data were replaced or corrected (or a missing value filled differently), so they do not continue the series the model knows` };
    }
  }
  const points = n - 1 - j;
  if (points === 0) return { reason: `no point after its latest one, ${at(stored.lastTime)}` };
  for (let k = j + 1; k < n; k++) {
    const next = timeAfter(calendar, times[k - 1], 1);
    if (times[k] !== next) return { reason: `the new data step from ${at(times[k - 1])} to ${at(times[k])}, where the model's next step is ${at(next)}` };
  }
  return { at: j, absent, points };
}

/**
 * Whether a value in the new data is the one the model stored: the same number read again (up to
 * rounding far below any measurement, relative to the series' scale).
 */
function sameValue(data: number, model: number, scale: number): boolean {
  return data === model || Math.abs(data - model) <= 1e-9 * Math.max(Math.abs(data), Math.abs(model), scale);
}

/** The index of time `t` among ascending `times`, or -1. */
function indexOfTime(times: Float64Array, t: number): number {
  let lo = 0;
  let hi = times.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (times[mid] === t) return mid;
    if (times[mid] < t) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}
