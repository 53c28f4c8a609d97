/**
 * @module engine/data/utc-offsets
 * The UTC offsets an ISO-8601 date column was written with, when they change from row to row
 * (NumericColumn.utcOffsets): exports write local times with the offset of the day (Paris
 * `2024-03-01T09:00:00+01:00`, then `…+02:00` in summer), and the instant a cell becomes keeps no trace
 * of it. A forecast reads a sub-daily series of such times on its local clock (engine/forecast/local-clock),
 * which needs each row's offset back. Offsets change a few times a year, so they are kept as runs (the
 * row each offset starts at), a few bytes per column where a value per row would cost two bytes a row;
 * a column whose cells carry no offset, or one offset throughout, keeps no runs and reads as it always did.
 * One offset throughout other than UTC (India's `+05:30` on every cell) is kept as that offset alone
 * (NumericColumn.fixedUtcOffset): the series still reads as its instants, and its forecasts are written
 * at that offset, as the data were (readFixedUtcOffset).
 * A column some of whose cells carry an offset and some none is read all the same (those without as UTC),
 * but its profile warns, and it keeps which rows carry none, so that a forecast refusing two rows that
 * fall on one instant can say why (partialUtcOffsets).
 */
import { EngineError } from '../core/errors';
import { isoOffsetMinutes } from './column-types';
import { type FixedRows, fixedRowsWhere } from './fixed-rows';

/**
 * Runs of rows written at one UTC offset: `[first row, offset in minutes east of UTC]`, the first run at
 * row 0, each lasting until the next starts. Rows without a date take the run they are in.
 */
export type UtcOffsets = readonly (readonly [number, number])[];

/** Most minutes a UTC offset is from UTC (real ones are within -12:00 and +14:00). */
const MAX_OFFSET_MINUTES = 18 * 60;

/**
 * The offsets of a date column's cells (`times` their instants, NaN where missing), when every present
 * cell is ISO-8601 with an explicit offset (Z or ±hh:mm) and at least two offsets differ; undefined
 * otherwise. The scan stops at the first present cell without an offset, so a column written without
 * them costs one look at one cell.
 */
export function readUtcOffsets(cells: readonly string[], times: ArrayLike<number>): UtcOffsets | undefined {
  const runs: [number, number][] = [];
  for (let i = 0; i < cells.length; i++) {
    if (Number.isNaN(times[i])) continue;
    const minutes = isoOffsetMinutes(cells[i]);
    if (minutes === undefined) return undefined;
    if (runs.length === 0) runs.push([0, minutes]);
    else if (runs[runs.length - 1][1] !== minutes) runs.push([i, minutes]);
  }
  return runs.length > 1 ? runs : undefined;
}

/**
 * The one UTC offset, in minutes, every present cell of a date column was written with (ISO-8601 with
 * ±hh:mm), when it is not UTC (`+05:30` throughout is 330); undefined when a present cell carries none,
 * two offsets differ (readUtcOffsets keeps those), or the offset is UTC (Z, +00:00), which writes as before.
 */
export function readFixedUtcOffset(cells: readonly string[], times: ArrayLike<number>): number | undefined {
  let offset: number | undefined;
  for (let i = 0; i < cells.length; i++) {
    if (Number.isNaN(times[i])) continue;
    const minutes = isoOffsetMinutes(cells[i]);
    if (minutes === undefined || (offset !== undefined && minutes !== offset)) return undefined;
    offset = minutes;
  }
  return offset === 0 ? undefined : offset;
}

/** A stored column's fixed offset, checked: EngineError('bad_artifact') unless it is a real offset in minutes other than 0. */
export function checkedFixedUtcOffset(minutes: unknown, column: string): number {
  if (!(Number.isInteger(minutes) && minutes !== 0 && Math.abs(minutes as number) <= MAX_OFFSET_MINUTES)) {
    throw new EngineError('bad_artifact', `the UTC offset of column "${column}" in a stored dataset is ${JSON.stringify(minutes)}, not a real offset in minutes`);
  }
  return minutes as number;
}

/** Most runs of rows without an offset a column keeps (a longer record would outweigh what it explains). */
const MAX_ZONELESS_RUNS = 10_000;

/**
 * What a date column's cells say of their UTC offsets when some carry one other than UTC (+01:00) and
 * some carry none, which are read as UTC: the times of the two kinds are read an offset apart, and a
 * series written half each way has rows an hour apart that fall on one instant. The warning counts both
 * kinds and names a row of each (`where`); `zoneless` the rows without an offset, as runs
 * (NumericColumn.zonelessRows), unless they take more than MAX_ZONELESS_RUNS. Undefined for any other
 * column (every offset UTC, Z, among zoneless cells reads alike).
 */
export function partialUtcOffsets(cells: readonly string[], times: ArrayLike<number>, where: (row: number) => string): { warning: string; zoneless?: FixedRows } | undefined {
  let [withOffset, without, firstWith, firstWithout] = [0, 0, -1, -1];
  let local = false;
  for (let i = 0; i < cells.length; i++) {
    if (Number.isNaN(times[i])) continue;
    const minutes = isoOffsetMinutes(cells[i]);
    if (minutes === undefined) {
      without++;
      if (firstWithout < 0) firstWithout = i;
    } else {
      withOffset++;
      if (firstWith < 0 || (!local && minutes !== 0)) firstWith = i;
      local ||= minutes !== 0;
    }
  }
  if (without === 0 || withOffset === 0 || !local) return undefined;
  const cell = (i: number) => JSON.stringify(cells[i].trim().slice(0, 64));
  const warning =
    `${withOffset} of ${withOffset + without} times carry a UTC offset (${where(firstWith)} holds ${cell(firstWith)}) and ${without} carry none (${where(firstWithout)} holds ${cell(firstWithout)}), which are read as UTC: ` +
    "if they are local times as well, each is read its offset away from the others' and may fall on another row's time; write every time with its offset, or none";
  const zoneless = fixedRowsWhere(cells.length, (i) => !Number.isNaN(times[i]) && isoOffsetMinutes(cells[i]) === undefined);
  return { warning, ...(zoneless && zoneless.length <= MAX_ZONELESS_RUNS ? { zoneless } : {}) };
}

/** Each row's offset in minutes, for a column of `n` rows. */
export function offsetsPerRow(runs: UtcOffsets, n: number): Int16Array {
  const out = new Int16Array(n);
  runs.forEach(([first, minutes], k) => out.fill(minutes, first, k + 1 < runs.length ? runs[k + 1][0] : n));
  return out;
}

/**
 * The runs of the rows at `positions` (any order, repeats allowed), as a selection of the column holds
 * them. Kept even when the selection holds one offset: the column was written with offsets that change,
 * and its rows must read alike whichever of them a selection keeps.
 */
export function selectOffsets(runs: UtcOffsets, n: number, positions: Int32Array): UtcOffsets {
  const all = offsetsPerRow(runs, n);
  const out: [number, number][] = [];
  for (let i = 0; i < positions.length; i++) {
    const minutes = all[positions[i]];
    if (out.length === 0 || out[out.length - 1][1] !== minutes) out.push([i, minutes]);
  }
  return out.length > 0 ? out : [[0, runs[0][1]]];
}

/** The runs as a stored dataset holds them, checked: EngineError('bad_artifact') unless they start at row 0, ascend within `n` rows and hold real offsets. */
export function checkedUtcOffsets(runs: unknown, n: number, column: string): UtcOffsets {
  let next = 0;
  const ok =
    Array.isArray(runs) &&
    runs.length > 0 &&
    runs.every((r, k) => {
      const fine = Array.isArray(r) && r.length === 2 && Number.isInteger(r[0]) && Number.isInteger(r[1]) && (k === 0 ? r[0] === 0 : r[0] >= next && r[0] < n) && Math.abs(r[1]) <= MAX_OFFSET_MINUTES;
      if (fine) next = r[0] + 1;
      return fine;
    });
  if (!ok) throw new EngineError('bad_artifact', `the UTC offsets of column "${column}" in a stored dataset are not ascending runs of real offsets within its ${n} rows`);
  return runs as UtcOffsets;
}

/** An offset in minutes as ISO-8601 writes it: +01:00, -05:30, +00:00. */
export function offsetText(minutes: number): string {
  const abs = Math.abs(minutes);
  return `${minutes < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/**
 * A wall-clock time (epoch ms read as UTC fields: the instant plus its offset) as ISO-8601 without a
 * zone, `2024-03-01T09:00:00`, the milliseconds only when there are some; with `minutes`, that offset
 * after it (`2024-03-01T09:00:00+01:00`).
 */
export function wallClockText(wall: number, minutes?: number): string {
  const iso = new Date(wall).toISOString();
  const text = iso.endsWith('.000Z') ? iso.slice(0, 19) : iso.slice(0, 23);
  return minutes === undefined ? text : `${text}${offsetText(minutes)}`;
}

/** An instant (epoch ms) as ISO-8601 at a UTC offset in minutes: 2024-04-04T18:30:00Z at 330 is `2024-04-05T00:00:00+05:30`. */
export const instantAtOffset = (instant: number, minutes: number): string => wallClockText(instant + minutes * 60_000, minutes);
