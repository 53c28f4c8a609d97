/**
 * @module engine/forecast/short-series
 * Reads a group left out of the model for being too short to validate on (SeriesInfo.skipped) as a series
 * of the model's step, so a simple rule can forecast it (./fallback): sorted by time, short gaps added and
 * interpolated, missing values filled, as the model's own series are read. A group that cannot be read
 * as one (a single point, a repeated time, an irregular step, too many gaps, no target value) is returned
 * without a series and stays refused when asked for, as every short group was before: it never stops the
 * job, since the model does not read it.
 */
import { EngineError } from '../core/errors';
import { fillGaps } from './fill-gaps';
import { fillMissing } from './fill-missing';
import { checkRegular } from './frequency';
import type { Clock } from './local-clock';
import type { SeriesFrequency } from './types';

/** The fewest points a rule forecasts from: one step to see (a single point has no step, no error). */
export const MIN_FALLBACK_POINTS = 2;

/** A group too short to validate on, as read for its fallback forecast. */
export interface ShortSeries {
  readonly group: string;
  /** Its data rows. */
  readonly rows: number;
  /** The series on the model's steps; absent when it cannot be read as one. */
  readonly series?: { readonly times: Float64Array; readonly values: Float64Array };
}

/** One short group's rows (any order) read on `frequency`: see the module comment. */
export function readShortSeries(group: string, rows: readonly number[], t: Float64Array, y: Float64Array, frequency: SeriesFrequency, datetime: boolean, clock: Clock): ShortSeries {
  const sorted = [...rows].sort((a, b) => t[a] - t[b]);
  const none = { group, rows: rows.length };
  if (sorted.length < MIN_FALLBACK_POINTS) return none;
  for (let i = 1; i < sorted.length; i++) if (t[sorted[i]] === t[sorted[i - 1]]) return none;
  try {
    const filled = fillGaps(frequency, Float64Array.from(sorted, (r) => t[r]), Float64Array.from(sorted, (r) => y[r]));
    if (filled.tooMany) return none;
    checkRegular(frequency, filled.times, '', group, (i) => i + 1, datetime, { clock });
    if (fillMissing(filled.values) < 0) return none;
    return { ...none, series: { times: filled.times, values: filled.values } };
  } catch (err) {
    if (err instanceof EngineError) return none;
    throw err;
  }
}
