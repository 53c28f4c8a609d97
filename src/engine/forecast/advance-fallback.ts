/**
 * @module engine/forecast/advance-fallback
 * Advancing (./advance-envelope) the groups a simple rule forecasts (./fallback): without it their stored
 * points would stay those of the training data while the model's own series moved on, and their forecasts
 * would start from stale data. A group is advanced by the rule the model's series are (./series-continuation):
 * only when the new data continue its stored points; it then keeps its newest points (as many as training
 * keeps: fallbackKeep) and its count grows by the points added, so its rule is chosen again as at training
 * (seasonal naive once it holds a full season, else its last value). A group gone from the data, or whose
 * data were replaced, is left as it was, saying why. It stays a fallback group whatever its length now: the
 * model was not fitted on it, and advancing refits nothing.
 *
 * Its new points are read where the new data put it: among the short groups (./short-series) or, when it
 * grew long enough to validate on, among the series read as the model's are.
 */
import type { AdvancedSeries, SeriesLeft } from './advance-envelope';
import type { Calendar } from './calendar';
import type { ForecastEnvelope } from './envelope';
import { type FallbackGroupState, fallbackKeep } from './fallback';
import { naivePeriod } from './frequency';
import { showTimeOf } from './covariate-start';
import { continuation } from './series-continuation';
import type { ShortSeries } from './short-series';
import { seriesScale } from './target-transform';
import type { SeriesData } from './types';

/** The envelope's fallback groups, each advanced where the new data continue it. */
export interface FallbackAdvance {
  /** Every fallback group in the envelope's order, the advanced ones moved; absent when the envelope keeps none. */
  readonly groups?: readonly FallbackGroupState[];
  /** Groups moved to their newest points, in the envelope's order. */
  readonly advanced: readonly AdvancedSeries[];
  /** Groups left as they were, and why, in the envelope's order. */
  readonly left: readonly SeriesLeft[];
  /** The new data of the advanced groups (the floor must still hold over them). */
  readonly data: readonly { readonly values: Float64Array }[];
}

/** The envelope's fallback groups advanced to `series` and `short`, the new data as extractSeries read them. */
export function advanceFallbackGroups(envelope: ForecastEnvelope, series: readonly SeriesData[], short: readonly ShortSeries[] | undefined, calendar: Calendar): FallbackAdvance {
  const stored = envelope.fallbackGroups;
  if (!stored) return { advanced: [], left: [], data: [] };
  const long = new Map(series.map((s) => [s.group, s]));
  const shortByGroup = new Map((short ?? []).map((s) => [s.group, s]));
  const keep = fallbackKeep(naivePeriod(envelope.frequency, envelope.season), envelope.horizon);
  const advanced: AdvancedSeries[] = [];
  const left: SeriesLeft[] = [];
  const data: { values: Float64Array }[] = [];
  const groups = stored.map((f) => {
    const read = long.get(f.group) ?? shortByGroup.get(f.group)?.series;
    if (!read) {
      const rows = shortByGroup.get(f.group)?.rows;
      left.push({ group: f.group, reason: rows !== undefined ? `its ${rows} row${rows === 1 ? '' : 's'} in the new data do not read as a series of the model's steps` : 'it is not in the new data' });
      return f;
    }
    const { times, values } = read;
    const continued = continuation({ tail: f.values, lastTime: f.lastTime, scale: seriesScale(Float64Array.from(f.values)) }, times, values, calendar, showTimeOf(envelope));
    if ('reason' in continued) {
      left.push({ group: f.group, reason: continued.reason });
      return f;
    }
    // The newest `keep` points: from the new data, and from the stored ones where the new data begin later.
    const n = values.length;
    const fromNew = Math.min(keep, n);
    const fromStored = Math.min(keep - fromNew, continued.absent);
    const kept = [...f.values.slice(continued.absent - fromStored, continued.absent), ...values.subarray(n - fromNew)];
    const lastTime = times[n - 1];
    advanced.push({ group: f.group, from: f.lastTime, to: lastTime, points: continued.points });
    data.push({ values });
    return { group: f.group, lastTime, count: f.count + continued.points, values: kept, trainedCount: f.trainedCount ?? f.count } satisfies FallbackGroupState;
  });
  return { groups, advanced, left, data };
}
