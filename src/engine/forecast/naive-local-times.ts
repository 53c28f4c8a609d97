/**
 * @module engine/forecast/naive-local-times
 * Sub-daily times written without a UTC offset (`2024-10-27 02:00`, as most meters and exports write
 * local time) in a job that names its zone (`forecast.timezone`). Read as UTC they are the wall clock,
 * and the autumn change shows one hour twice: the series was refused for repeating a time, the timezone
 * refused for a series without offsets. Named, the zone places each time: its offset is the one in force
 * at that wall time, and a wall time the autumn change repeats takes the summer offset the first time a
 * series shows it and the winter one the second. The column is then what it would have been written with
 * those offsets, and is read on its local clock like one (./local-clock): the repeated hour one point, the
 * spring's skipped hour no gap, forecasts written with the zone's offsets. Rows without a target (planned
 * rows, ./placeholder-rows) are counted apart from observed ones: a plan for both repeated hours and the
 * observations appended later each take summer then winter, so each observation answers its own plan.
 */
import type { NumericColumn } from '../data/dataset';
import type { UtcOffsets } from '../data/utc-offsets';
import { hasSubDailySteps } from './frequency';
import { canonicalZone, offsetOfWallTime, zoneOffsetAt } from './time-zone';

const MINUTE = 60_000;
const DAY = 86_400_000;

/**
 * The column with its naive wall times placed in `zone` (instants, with their offsets as runs), each
 * series' (`keys`: group of each row) repeated autumn times told apart in row order; undefined when the
 * column is not such a column (some cell carried an offset, Z included, or it was stored before that was
 * kept; it is daily or coarser) or the zone is unknown (the timezone's own check then says why). `y`, the
 * target: its empty rows are counted apart (see the module comment).
 */
export function placedInZone(column: NumericColumn, zone: string, keys: readonly string[], y?: ArrayLike<number>): NumericColumn | undefined {
  const name = canonicalZone(zone);
  const walls = column.values;
  // Only a column written without any offset (not Z either): a time in UTC is an instant, not a wall clock.
  if (name === undefined || column.naiveTimes !== true) return undefined;
  if (!hasSubDailySteps(Float64Array.from(walls))) return undefined;
  const values = new Float64Array(walls.length);
  const runs: [number, number][] = [];
  const shown = new Set<string>();
  // Each day's offset when none changes within a day of it: asking the zone for every row (an Intl
  // formatting each) took 0.25 s per 17,520 hourly rows, in every trial; only days near a change ask per row.
  const steady = new Map<number, number | null>();
  const steadyOn = (day: number): number | null => {
    let offset = steady.get(day);
    if (offset === undefined) {
      const before = zoneOffsetAt(day * DAY - DAY, name);
      steady.set(day, (offset = before === zoneOffsetAt(day * DAY + 2 * DAY, name) ? before : null));
    }
    return offset;
  };
  for (let i = 0; i < walls.length; i++) {
    const wall = walls[i];
    if (Number.isNaN(wall)) {
      values[i] = NaN;
      continue;
    }
    const constant = steadyOn(Math.floor(wall / DAY));
    if (constant !== null) {
      values[i] = wall - constant * MINUTE;
      if (runs.length === 0 || runs[runs.length - 1][1] !== constant) runs.push([i, constant]);
      continue;
    }
    let offset = offsetOfWallTime(wall, name);
    // The autumn's repeated wall time: the summer offset first, the winter one when the series shows it again.
    const later = zoneOffsetAt(wall + DAY, name);
    if (later < offset && zoneOffsetAt(wall - later * MINUTE, name) === later) {
      const key = `${keys[i]}\u0000${wall}${y !== undefined && Number.isNaN(y[i]) ? '\u0000planned' : ''}`;
      if (shown.has(key)) offset = later;
      else shown.add(key);
    }
    values[i] = wall - offset * MINUTE;
    if (runs.length === 0 || runs[runs.length - 1][1] !== offset) runs.push([i, offset]);
  }
  const utcOffsets: UtcOffsets = runs;
  return { name: column.name, type: column.type, storage: 'f64', values, utcOffsets };
}
