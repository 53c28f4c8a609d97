/**
 * @module engine/forecast/differencing
 * Differencing as a searchable option: models learn d_t = z_t - z_{t-lag} (lag 1 removes a trend, lag =
 * season removes a stable seasonal pattern) and forecasts add the prediction back onto z_{t-lag}, which is
 * either observed or an earlier forecast (recursive forecasting).
 */
import { EngineError } from '../core/errors';

export type Differencing = 'none' | 'first' | 'seasonal';

/** How far back a difference reaches: 0 for none, 1 for first, the season for seasonal. */
export function differenceLag(kind: Differencing, season: number): number {
  if (kind === 'none') return 0;
  if (kind === 'first') return 1;
  if (season <= 1) throw new EngineError('invalid_params', 'differencing "seasonal" needs a seasonal series (the detected frequency has no season); use "none" or "first"', { param: 'differencing' });
  return season;
}

/** d_t = z_t - z_{t-lag} into `out` (the first `lag` entries are NaN: no difference exists there). */
export function difference(z: Float64Array, lag: number, out: Float64Array, count = z.length): void {
  for (let t = 0; t < count; t++) out[t] = lag === 0 ? z[t] : t < lag ? NaN : z[t] - z[t - lag];
}

/** z_t from a (predicted) difference d_t and the series so far. */
export function undifference(d: number, z: Float64Array, t: number, lag: number): number {
  return lag === 0 ? d : d + z[t - lag];
}
