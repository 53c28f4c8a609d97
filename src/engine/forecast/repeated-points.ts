/**
 * @module engine/forecast/repeated-points
 * Whether rows appended to a dataset repeat a point of a forecast model's series: the same time in the
 * same group (series) as a row before them, already in the dataset or earlier among the new rows. A
 * series holds one value per time, so such a row makes every later job on the data refuse it
 * (series.ts checkPoints), and a scheduled retraining would be skipped run after run; the append route
 * asks this first (worker/appended-series). Times are read as a job reads them (local-clock: daily
 * dates across daylight saving, a sub-daily series on its local clock, where the hour the autumn change
 * repeats is two points told apart by their offsets, as mergeRepeatedTimes reads them). A row without a
 * time or a group is left to the job's own refusals. A row identical in every column to the one it
 * repeats is not reported: a job reads the two as one point and names the copy in a warning
 * (./duplicate-rows), so a batch sent twice (a retried request, an export run again) is taken, not refused.
 * Nor is the observation of a planned row without a target (given `target`): a job reads the observed row;
 * nor a planned row that revises another of its time: a job reads the one written last (./placeholder-rows).
 */
import type { Dataset } from '../data/dataset';
import { findColumn, MISSING_CODE } from '../data/dataset';
import { rowEquality } from './duplicate-rows';
import { formatTime } from './frequency';
import { answersPlaceholder } from './placeholder-rows';
import { readSeriesTimes } from './local-clock';
import { placedInZone } from './naive-local-times';

/** A new row at the time and in the group of a row before it (indices from 0 in the dataset's rows). */
export interface RepeatedPoint {
  readonly row: number;
  readonly earlier: number;
  /** The time as a job's refusal writes it. */
  readonly time: string;
  /** The group key; '' without a group column. */
  readonly group: string;
}

/**
 * The first row from `from` on (the appended rows) that repeats the (time, group) of an earlier row, or
 * null. Null too when the time or group column is not one a series is read from (the job says why).
 */
export function firstRepeatedPoint(ds: Dataset, from: number, columns: { readonly timeColumn: string; readonly groupColumn?: string; readonly target?: string; readonly timezone?: string }): RepeatedPoint | null {
  const written = findColumn(ds, columns.timeColumn);
  if (!written || written.storage !== 'f64' || !(written.type === 'datetime' || written.type === 'numeric' || written.type === 'id')) return null;
  const group = columns.groupColumn === undefined ? undefined : findColumn(ds, columns.groupColumn);
  if (columns.groupColumn !== undefined && !group) return null;
  const datetime = written.type === 'datetime';
  const groupOf = (i: number): string | null => {
    if (!group) return '';
    if (group.storage === 'f64' ? Number.isNaN(group.values[i]) : group.codes[i] === MISSING_CODE) return null;
    return group.storage === 'f64' ? String(group.values[i]) : group.levels[group.codes[i]];
  };
  // Local times without offsets in a model's zone are placed in it as its jobs place them (./naive-local-times).
  // The target's values, when it is a column of numbers: a planned row without one is answered by its observation.
  const target = columns.target === undefined ? undefined : findColumn(ds, columns.target);
  const y = target?.storage === 'f64' ? target.values : undefined;
  const placed = columns.timezone !== undefined && datetime ? placedInZone(written, columns.timezone, Array.from({ length: ds.rows }, (_, i) => groupOf(i) ?? ''), y) : undefined;
  const time = placed ?? written;
  const { times, clock, offsets, utcOffset } = readSeriesTimes(time, datetime);
  const keyOf = (i: number): string | null => {
    if (Number.isNaN(times[i])) return null;
    const g = groupOf(i);
    if (g === null) return null;
    // On the local clock two rows at one time with different offsets are the autumn's repeated hour, two points.
    return `${g}\u0000${times[i]}${offsets ? `\u0000${offsets[i]}` : ''}`;
  };
  const seen = new Map<string, number>();
  let same: ((a: number, b: number) => boolean) | undefined;
  for (let i = 0; i < ds.rows; i++) {
    const key = keyOf(i);
    if (key === null) continue;
    const earlier = seen.get(key);
    // A copy of the earlier row in every column (a batch sent again) is no conflict: jobs read it once; nor
    // is the observation of a planned row without a target, such a row at an observed time, or the revision of
    // a planned row by a later one (./placeholder-rows).
    const answers = earlier !== undefined && y !== undefined && answersPlaceholder(y, earlier, i);
    if (earlier !== undefined && i >= from && !answers && !(same ??= rowEquality(ds))(earlier, i)) {
      const g = key.slice(0, key.indexOf('\u0000'));
      return { row: i, earlier, time: formatTime(times[i], datetime, clock, utcOffset), group: g };
    }
    // The point is its observed (or latest planned) row from here on: a second observation of it conflicts with that one.
    if (earlier === undefined || (answers && y !== undefined && Number.isNaN(y[earlier]))) seen.set(key, i);
  }
  return null;
}
