/**
 * @module engine/forecast/differencing
 * Differencing as a searchable option: models learn d_t = z_t - z_{t-lag} (lag 1 removes a trend, lag =
 * season removes a stable seasonal pattern) and forecasts add the prediction back onto z_{t-lag}, which is
 * either observed or an earlier forecast (recursive forecasting). On business hours whose days open for
 * different hours, a model reads the season on the clock (./clock-alignment, where it is measured): the
 * seasonal difference is then against the same time of day on the last open day holding it, through a
 * BackReader used alike when differencing, undifferencing and reading lags, in fitting and at every
 * forecast step.
 */
import { EngineError } from '../core/errors';
import type { BackReader } from './clock-alignment';

export type Differencing = 'none' | 'first' | 'seasonal';

/** How far back a difference reaches: 0 for none, 1 for first, the season for seasonal. */
export function differenceLag(kind: Differencing, season: number): number {
  if (kind === 'none') return 0;
  if (kind === 'first') return 1;
  if (season <= 1) throw new EngineError('invalid_params', 'differencing "seasonal" needs a seasonal series (the detected frequency has no season); use "none" or "first"', { param: 'differencing' });
  return season;
}

/**
 * d_t = z_t - z_{t-lag} into `out` (the first `lag` entries are NaN: no difference exists there); with a
 * reader, against z at back(t, lag) (NaN where that is before the series).
 */
export function difference(z: Float64Array, lag: number, out: Float64Array, count = z.length, back?: BackReader): void {
  if (back !== undefined && lag > 0) {
    for (let t = 0; t < count; t++) {
      const from = back(t, lag);
      out[t] = from < 0 ? NaN : z[t] - z[from];
    }
    return;
  }
  for (let t = 0; t < count; t++) out[t] = lag === 0 ? z[t] : t < lag ? NaN : z[t] - z[t - lag];
}

/** z_t from a (predicted) difference d_t and the series so far (read through `back` when given). */
export function undifference(d: number, z: Float64Array, t: number, lag: number, back?: BackReader): number {
  if (lag === 0) return d;
  return d + z[back === undefined ? t - lag : back(t, lag)];
}
