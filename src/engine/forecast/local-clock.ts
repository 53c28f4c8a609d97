/**
 * @module engine/forecast/local-clock
 * Sub-daily series whose timestamps carry UTC offsets that follow daylight saving time (Paris
 * `2024-03-15T09:00:00+01:00`, then `…+02:00` from the last Sunday of March), as exports write local
 * times. Their instants move by an hour twice a year: a shop open 09:00 to 18:00 opens at 08:00Z in
 * winter and at 07:00Z in summer, which no reading on the UTC clock makes regular. Such a series is read
 * on its local clock instead: each time is its instant plus its own offset (data/utc-offsets), held as
 * UTC fields (09:00 every day), so the opening hours, the hour-of-day phase and the steps are those of
 * the clock the data was recorded by. On that clock the spring change skips an hour (the series' slots
 * in it are added and interpolated like a gap's, whatever the step: skippedBetween) and the autumn
 * change repeats one (two rows at one local time are one point: mergeRepeatedTimes). A column without
 * offsets, or with one throughout (UTC, `+10:00`), keeps its instants, and a daily or coarser series its
 * local dates (read from its offsets when every time is at local midnight, else ./frequency
 * alignDaylightSaving); one offset throughout other than UTC is only
 * how its forecasts are written (SeriesTimes.utcOffset).
 *
 * A forecast cannot know the offsets of future times without a time zone: a series read so is forecast
 * with local times without an offset (`2025-01-06T09:00:00`), or with the offsets of the job's
 * `forecast.timezone` (./time-zone), which must agree with the offsets the data was written with.
 */
import { EngineError } from '../core/errors';
import { asFloat64, type NumericColumn } from '../data/dataset';
import { offsetsPerRow, offsetText, wallClockText } from '../data/utc-offsets';
import { alignDaylightSaving, hasSubDailySteps } from './frequency';
import { canonicalZone, offsetOfWallTime, zoneOffsetAt } from './time-zone';
import type { LocalClockInfo } from './types';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** The clock a series' times are read on: 'utc' (the instants, or local dates) or 'local' (see the module comment). */
export type Clock = 'utc' | 'local';

/** The time of every row of a time column as a series reads it. */
export interface SeriesTimes {
  readonly times: Float64Array;
  readonly clock: Clock;
  /** On the local clock: each row's UTC offset in minutes. */
  readonly offsets?: Int16Array;
  /**
   * On the UTC clock: the one offset other than UTC every timestamp was written with, in minutes
   * (NumericColumn.fixedUtcOffset). The times are the instants; forecasts are written at this offset.
   */
  readonly utcOffset?: number;
}

/**
 * The times of a time column: on the local clock when the column kept UTC offsets that change and the
 * series is sub-daily; else its instants, or for a daily or coarser series written at offsets that
 * follow daylight saving time, its local dates (localMidnightDates, else alignDaylightSaving); numbers as they are.
 */
export function readSeriesTimes(column: NumericColumn, datetime: boolean): SeriesTimes {
  const t = asFloat64(column.values);
  if (!datetime) return { times: t, clock: 'utc' };
  if (column.utcOffsets !== undefined && !hasSubDailySteps(t)) {
    const dates = localMidnightDates(t, offsetsPerRow(column.utcOffsets, t.length));
    if (dates) return { times: dates, clock: 'utc' };
  }
  if (column.utcOffsets === undefined || !hasSubDailySteps(t)) return { times: alignDaylightSaving(t), clock: 'utc', ...(column.fixedUtcOffset !== undefined ? { utcOffset: column.fixedUtcOffset } : {}) };
  const offsets = offsetsPerRow(column.utcOffsets, t.length);
  return { times: t.map((v, i) => v + offsets[i] * MINUTE), clock: 'local', offsets };
}

/**
 * The local dates of daily or coarser times written at local midnight with offsets that change (New York
 * `2024-03-01T00:00:00-05:00`, then `…-04:00`), as UTC midnights; undefined when some time is not at its
 * local midnight. alignDaylightSaving finds these dates only for offsets within 3 hours of UTC: further
 * west or east, local midnight is 04:00Z or 05:00Z, and moving one to the other put the winter dates at
 * 23:00 of the local day before, and refused a covariate row giving the plain date.
 */
function localMidnightDates(times: Float64Array, offsets: Int16Array): Float64Array | undefined {
  const local = times.map((t, i) => t + offsets[i] * MINUTE);
  for (const t of local) if (!Number.isNaN(t) && t % DAY !== 0) return undefined;
  return local;
}

/** A local time the clock showed twice (the autumn change): the data rows (from 1) read as one point. */
export interface RepeatedTime {
  readonly time: number;
  readonly rows: readonly [number, number];
}

/**
 * One series' rows, sorted by local time, with each local time the autumn change repeats read once: two
 * rows at one local time whose offsets differ (02:30+02:00, then 02:30+01:00) are one point, the first
 * row's (its covariates), its target the mean of the two (`merged`: the kept row index and that mean).
 * Two rows at one time and offset are a real repeat, left for the series' check to refuse: the kept
 * rows hold both when they follow each other, and `repeat` names them when a row of the other offset
 * came between (02:30+02:00, 02:30+01:00, 02:30+01:00 again), which merging each row with the kept one
 * alone read as a second autumn repeat, averaging the third row in.
 */
export function mergeRepeatedTimes(
  rows: readonly number[],
  times: Float64Array,
  offsets: Int16Array,
  y: Float64Array,
): { rows: number[]; repeated: RepeatedTime[]; merged: [number, number][]; repeat?: readonly [number, number] } {
  const kept: number[] = [];
  const repeated: RepeatedTime[] = [];
  const merged: [number, number][] = [];
  // The row merged into the last kept one, at its local time (one per point: a local time repeats once).
  let mergedRow: number | undefined;
  for (const r of rows) {
    const last = kept[kept.length - 1];
    if (last === undefined || times[r] !== times[last] || offsets[r] === offsets[last]) {
      kept.push(r);
      mergedRow = undefined;
      continue;
    }
    if (mergedRow !== undefined) return { rows: kept, repeated, merged, repeat: [mergedRow, r] };
    const [a, b] = [y[last], y[r]];
    merged.push([last, Number.isNaN(a) ? b : Number.isNaN(b) ? a : (a + b) / 2]);
    repeated.push({ time: times[r], rows: [Math.min(last, r) + 1, Math.max(last, r) + 1] });
    mergedRow = r;
  }
  return { rows: kept, repeated, merged };
}

/**
 * The wall-clock milliseconds the spring change skips between two consecutive points of a local-clock
 * series (rows `before` and `after`): the rise of the offset between them, else 0. fill-gaps adds the
 * series' slots in it beyond the usual limit: they are no missing data, the clock never showed them.
 */
export const skippedBetween = (offsets: Int16Array, before: number, after: number): number => Math.max(0, offsets[after] - offsets[before]) * MINUTE;

/**
 * What a refusal of a local-clock series between rows `before` and `after` (indices) adds when the UTC
 * offset changes between them: that the change is there, and what it does to the clock; '' when the
 * offsets are the same, or the series is not on its local clock (nothing says daylight saving is involved).
 */
export function offsetChangeNote(offsets: Int16Array | undefined, before: number, after: number): string {
  if (offsets === undefined || offsets[before] === offsets[after]) return '';
  const [from, to] = [offsets[before], offsets[after]];
  return (
    `. Between these rows the UTC offset changes from ${offsetText(from)} to ${offsetText(to)} (daylight saving time): the series is read on its local clock (each time plus its offset), ` +
    `on which that change ${to > from ? 'skips' : 'repeats'} ${Math.abs(to - from)} minutes; check that each row's offset is the one in force at its time`
  );
}

/**
 * The job's `forecast.timezone`, checked: a zone the runtime knows, for a series read on its local clock,
 * whose offsets it gives the rows where they change (and the first row); its canonical name. Refusals
 * (EngineError 'invalid_params', field forecast.timezone) say what the series is read as, or which row
 * disagrees with the zone.
 */
export function checkTimezone(zone: string, column: string, read: SeriesTimes, instants: ArrayLike<number>, datetime: boolean): string {
  const field = { field: 'forecast.timezone', column };
  const name = canonicalZone(zone);
  if (name === undefined) throw new EngineError('invalid_params', `forecast.timezone "${zone}" is no time zone this runtime knows; name one as the IANA database does, such as "Europe/Paris" or "America/New_York"`, field);
  const offsets = read.offsets;
  if (read.clock !== 'local' || offsets === undefined) {
    const why = !datetime
      ? 'it holds numbers, not dates'
      : hasSubDailySteps(asFloat64Like(instants))
        ? `its timestamps carry no UTC offsets that change (they are read as the instants they are, and forecasts are written ${read.utcOffset === undefined ? 'in UTC' : `at their offset, ${offsetText(read.utcOffset)}`})`
        : 'it is a daily or coarser series, read on its dates';
    throw new EngineError('invalid_params', `forecast.timezone applies to a sub-daily series whose timestamps carry UTC offsets that follow daylight saving time; time column "${column}" is none: ${why}. Leave forecast.timezone out`, field);
  }
  for (let i = 0; i < offsets.length; i++) {
    const edge = i === 0 || offsets[i] !== offsets[i - 1] || (i + 1 < offsets.length && offsets[i + 1] !== offsets[i]);
    if (!edge || Number.isNaN(instants[i])) continue;
    const inZone = zoneOffsetAt(instants[i], name);
    if (inZone === offsets[i]) continue;
    throw new EngineError(
      'invalid_params',
      `forecast.timezone "${name}" does not fit time column "${column}": data row ${i + 1} (${wallClockText(read.times[i], offsets[i])}) is written at ${offsetText(offsets[i])}, but ${name} is at ${offsetText(inZone)} then; name the zone the times were written in, or leave forecast.timezone out`,
      { ...field, row: i + 1 },
    );
  }
  return name;
}

const asFloat64Like = (v: ArrayLike<number>) => (v instanceof Float64Array ? v : Float64Array.from(v));

/** A forecast's time of a local-clock series: the local time without an offset, or with the zone's offset at it. */
export function localTimeText(wall: number, timezone: string | undefined): string {
  return timezone === undefined ? wallClockText(wall) : wallClockText(wall, offsetOfWallTime(wall, timezone));
}

/**
 * What a job and a forecast response say about the times of a series read on its local clock: `placed` when
 * its timestamps had no offset and the job's zone placed them (./naive-local-times), else they carried offsets.
 */
export function localTimeNote(timezone: string | undefined, placed?: boolean): string {
  if (placed && timezone !== undefined) {
    return `the timestamps carry no UTC offset and are read as local times in ${timezone}, so the series is read on its local clock (hours stay where the clock shows them all year); forecast times are written with the UTC offsets of ${timezone}`;
  }
  const read = 'the timestamps carry UTC offsets that follow daylight saving time, so the series is read on its local clock (each time plus its offset: hours stay where the clock shows them all year)';
  if (timezone !== undefined) return `${read}; forecast times are written with the UTC offsets of ${timezone}`;
  return (
    `${read}; forecast times are local times without an offset (such as 2025-01-06T09:00:00), since the offsets of future times are unknown without a time zone: ` +
    'train with forecast.timezone (an IANA name such as "Europe/Paris") to have them written with its offsets'
  );
}

/** Most repeated local times a warning names. */
const SHOWN = 5;

/**
 * What a job warns about a series read on its local clock: how its times are read and how forecasts
 * write them (localTimeNote), and the local times the autumn change repeated, each read as one point.
 */
export function localClockWarnings(column: string, info: LocalClockInfo): string[] {
  const offsets = info.offsets.map(offsetText).join(' and ');
  const read = info.placed
    ? localTimeNote(info.timezone, true).replace('the timestamps carry no UTC offset and are read as local times in ' + info.timezone, `its timestamps carry no UTC offset and are read as local times in ${info.timezone} (at ${offsets})`)
    : localTimeNote(info.timezone).replace('the timestamps carry UTC offsets', `its timestamps carry UTC offsets (${offsets})`);
  const warnings = [`time column "${column}": ${read}. Where the series steps through the hour the spring change skips (around the clock), its times are added and interpolated, as a gap's are`];
  const repeats = Object.entries(info.repeated ?? {}).flatMap(([group, list]) => list.map((r) => ({ group, ...r })));
  if (repeats.length > 0) {
    const grouped = repeats.some((r) => r.group !== '');
    const shown = repeats.slice(0, SHOWN).map((r) => `${wallClockText(r.time)} (data rows ${r.rows[0]} and ${r.rows[1]}${grouped ? `, "${r.group}"` : ''})`);
    const more = repeats.length > SHOWN ? ` and ${repeats.length - SHOWN} more` : '';
    warnings.push(
      `the clock goes back an hour at the end of daylight saving time, so ${repeats.length === 1 ? 'a local time appears' : 'local times appear'} twice: ${shown.join(', ')}${more}; ` +
        'each is read as one point, the first row\'s, with the mean of the two values',
    );
  }
  return warnings;
}
