/**
 * @module engine/forecast/fallback
 * The forecast of a group too short to validate a model on (./short-series): rather than leaving it
 * without any forecast, the envelope keeps its latest points (ForecastEnvelope.fallbackGroups, at most
 * FALLBACK_KEEP_SEASONS seasons or FALLBACK_KEEP_HORIZONS horizons of them, whichever is more) and
 * serving forecasts it by a simple rule, as AutoGluon forecasts its short items with simple models:
 *
 * - `seasonal_naive` when the points hold at least one full season of the model (its season > 1): each
 *   step repeats the value one whole number of seasons earlier;
 * - `last_value` otherwise: every step is the last value. Naive rather than the mean of the last few
 *   points: it is seasonal naive with a season of 1, the rule of the leaderboard's own baseline on such a
 *   series; it follows a level shift or a trend at once where a mean lags it; and its in-sample errors (the
 *   step-to-step changes) are exactly the errors it makes one step ahead, which its intervals need.
 *
 * Intervals: the rule's own in-sample one-step errors (each point forecast by the rule from the points
 * before it) give a spread that grows as a random walk's does, by the seasons ahead for seasonal naive
 * (sqrt(floor((h-1)/season)+1)) and by sqrt(h) for the last value. It is never narrower than the main
 * model's spread at the same step scaled by the group's own level (its mean absolute value, as every
 * series' spread is measured in), and with fewer than FALLBACK_ENOUGH_ERRORS errors to measure it by, it
 * is widened by sqrt(FALLBACK_ENOUGH_ERRORS / errors): a spread from three errors is a guess.
 *
 * `season` below is the period seasonal naive repeats (frequency naivePeriod): the model's season, or a
 * whole week for business hours whose days open for different hours.
 */
import { spreadAt } from './intervals';
import { MIN_FALLBACK_POINTS } from './short-series';
import { seriesScale } from './target-transform';

/** The rule a short group is forecast by. */
export type FallbackRule = 'seasonal_naive' | 'last_value';

/** What the envelope keeps of a group forecast by a rule. */
export interface FallbackGroupState {
  readonly group: string;
  /** Time of its last point (epoch ms for datetime series). */
  readonly lastTime: number;
  /** Its points on the model's steps (the stored ones are the latest of them). */
  readonly count: number;
  /** Its latest values, oldest first. */
  readonly values: readonly number[];
  /**
   * Its count when the model was trained; set once it was advanced to newer data (./advance-fallback),
   * whose points `count` then counts too. Absent: it is as training read it.
   */
  readonly trainedCount?: number;
}

/** Seasons and horizons of points kept per group (the more of the two): a season to repeat, and errors to measure. */
export const FALLBACK_KEEP_SEASONS = 2;
export const FALLBACK_KEEP_HORIZONS = 2;

/** In-sample one-step errors below which the rule's spread is widened (see the module comment). */
export const FALLBACK_ENOUGH_ERRORS = 8;

/** How many of a group's latest points its state keeps, under the model's season and horizon (see the module comment). */
export function fallbackKeep(season: number, horizon: number): number {
  return Math.max(FALLBACK_KEEP_SEASONS * season, FALLBACK_KEEP_HORIZONS * horizon, MIN_FALLBACK_POINTS);
}

/** The state a group's points keep: their latest values, as many as the rule needs (see the module comment). */
export function fallbackState(group: string, times: Float64Array, values: Float64Array, season: number, horizon: number): FallbackGroupState {
  const n = values.length;
  const keep = fallbackKeep(season, horizon);
  return { group, lastTime: times[n - 1], count: n, values: Array.from(values.subarray(Math.max(0, n - keep))) };
}

/** The rule of a group's stored points under the model's season. */
export function fallbackRule(points: number, season: number): FallbackRule {
  return season > 1 && points >= season ? 'seasonal_naive' : 'last_value';
}

/** How far back the rule reads: a season, or one step. */
const lagOf = (rule: FallbackRule, season: number) => (rule === 'seasonal_naive' ? season : 1);

/** The rule's forecasts of the `steps` after `values`. */
export function fallbackForecast(values: readonly number[], season: number, steps: number): Float64Array {
  const lag = lagOf(fallbackRule(values.length, season), season);
  const n = values.length;
  const out = new Float64Array(steps);
  for (let h = 0; h < steps; h++) out[h] = values[n - lag + (h % lag)];
  return out;
}

/**
 * The rule's interval spread (one standard deviation, in the target's units) at each of `steps` steps
 * after `values`, given the main model's stepSpread (in units of a series' scale): see the module comment.
 */
export function fallbackSpread(values: readonly number[], season: number, steps: number, mainSpread: Float64Array): Float64Array {
  const lag = lagOf(fallbackRule(values.length, season), season);
  let sumSq = 0;
  let errors = 0;
  for (let t = lag; t < values.length; t++) {
    sumSq += (values[t] - values[t - lag]) ** 2;
    errors++;
  }
  const own = errors > 0 ? Math.sqrt(sumSq / errors) : 0;
  const scale = seriesScale(Float64Array.from(values));
  const widen = errors >= FALLBACK_ENOUGH_ERRORS ? 1 : Math.sqrt(FALLBACK_ENOUGH_ERRORS / Math.max(1, errors));
  const out = new Float64Array(steps);
  for (let h = 1; h <= steps; h++) {
    const ownAt = own * Math.sqrt(Math.floor((h - 1) / lag) + 1);
    out[h - 1] = widen * Math.max(ownAt, spreadAt(mainSpread, h) * scale);
  }
  return out;
}

/**
 * The fallback states of a trial's short groups that can be read as series (./short-series); the others
 * stay without one and are refused when asked for.
 */
export function fallbackStates(short: readonly { readonly group: string; readonly series?: { readonly times: Float64Array; readonly values: Float64Array } }[], season: number, horizon: number): FallbackGroupState[] {
  return short.flatMap((s) => (s.series ? [fallbackState(s.group, s.series.times, s.series.values, season, horizon)] : []));
}
