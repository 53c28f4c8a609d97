/**
 * @module engine/forecast/series
 * Reads the time series out of a Dataset: resolves the target, time and optional group columns, splits
 * the rows into one series per group sorted by time, checks the steps are regular and the timestamps
 * unique, detects the frequency and its seasonal period, adds the timestamps of short gaps (./fill-gaps)
 * and fills missing target values (./fill-missing). Known-future (./covariates) and past-only
 * (./past-covariates) covariates are read per point alongside the target: each series starts where every
 * one of them has a value (./covariate-start: a column recorded later than the series began; a group
 * that leaves shorter than minLength is left out as a short group is), and a past-only one's later empty cells are filled where that is honest (./past-covariate-fill). A sub-daily series whose
 * timestamps carry UTC offsets that follow daylight saving time is read on its local clock (./local-clock).
 * Every refusal names the column (and the group and data row where it applies); a time column of dates
 * that upload could not read as dates is named with why (data/unread-dates), and two rows of one instant
 * with why when only one of them carried a UTC offset. Rows identical in every column to an earlier row of
 * their series are read once (./duplicate-rows), and info.exactRepeats says how many were dropped.
 */
import { EngineError } from '../core/errors';
import { nearNamesDetail, nearNamesHint } from '../core/near-names';
import { asFloat64, type Column, type Dataset, findColumn, MISSING_CODE } from '../data/dataset';
import { fixedRowMask } from '../data/fixed-rows';
import { float32Text, widenFloat32 } from '../data/numeric-precision';
import { unreadDates } from '../data/unread-dates';
import { explainLateStart, type LateCovariateStart, seriesStart } from './covariate-start';
import { covariateWidth } from './covariates';
import { dropExactRepeats } from './duplicate-rows';
import { placedInZone } from './naive-local-times';
import { dropAnsweredPlaceholders, withPlans } from './placeholder-rows';
import { fillGaps } from './fill-gaps';
import { SHORT_GAPS_RULE } from './gap-limits';
import { fillMissing, missingMask } from './fill-missing';
import { fillPastCovariates, type PastCovariateFill } from './past-covariate-fill';
import { readCovariateSets } from './past-covariates';
import { readShortSeries, type ShortSeries } from './short-series';
import { checkRegular, detectFrequency, formatTime, hasSubDailySteps, seasonFor } from './frequency';
import { checkTimezone, mergeRepeatedTimes, offsetChangeNote, readSeriesTimes, type RepeatedTime, type SeriesTimes, skippedBetween } from './local-clock';
import type { LocalClockInfo, SeriesColumns, SeriesData, SeriesInfo } from './types';
import { groupDetail } from './group-details';

/** The series of a dataset and what was learned about them. */
export interface ExtractedSeries {
  readonly info: SeriesInfo;
  /** One series per group, groups sorted by key. */
  readonly series: readonly SeriesData[];
  /**
   * The groups left out for having fewer than minLength rows (not those a covariate's late start cut),
   * read for their fallback forecast (./short-series, ./fallback); absent when there are none.
   */
  readonly short?: readonly ShortSeries[];
}

/** Describes the dataset's series (see ExtractedSeries.info); throws EngineError on unusable data. */
export function describeSeries(ds: Dataset, columns: SeriesColumns): SeriesInfo {
  return extractSeries(ds, columns).info;
}

function names(ds: Dataset): string {
  return ds.columns.map((c) => `"${c.name}"`).join(', ');
}

/** ` (did you mean "date"?)` after a column the dataset lacks, when one of its columns is near (core/near-names). */
const nearHint = (ds: Dataset, asked: string): string => nearNamesHint(asked, ds.columns.map((c) => c.name));
const nearDetail = (ds: Dataset, asked: string) => nearNamesDetail(asked, ds.columns.map((c) => c.name));

function resolveTarget(ds: Dataset, target: string): Float64Array {
  const col = findColumn(ds, target);
  if (!col) throw new EngineError('invalid_target', `target column "${target}" is not in the dataset${nearHint(ds, target)} (columns: ${names(ds)})`, { field: 'target', column: target, ...nearDetail(ds, target) });
  if (col.storage !== 'f64' || col.type === 'datetime') {
    throw new EngineError('invalid_target', `target column "${target}" is ${col.type}; forecasting needs a numeric target`, { field: 'target', column: target });
  }
  // Values stored as Float32 are read as the decimals they were uploaded as, since forecasts and their history show them.
  return col.values instanceof Float32Array ? widenFloat32(col.values) : asFloat64(col.values);
}

function resolveTime(ds: Dataset, given: string | undefined, target: string): { column: Column & { storage: 'f64' }; datetime: boolean } {
  let col: Column | undefined;
  if (given !== undefined) {
    col = findColumn(ds, given);
    if (!col) throw new EngineError('invalid_dataset', `time column "${given}" is not in the dataset${nearHint(ds, given)} (columns: ${names(ds)})`, { field: 'forecast.time_column', column: given, ...nearDetail(ds, given) });
  } else {
    const dates = ds.columns.filter((c) => c.type === 'datetime');
    if (dates.length !== 1) {
      // A column of dates a few cells kept from being read as dates is named, with those cells (data/unread-dates).
      const unread = dates.length === 0 ? unreadTimeColumn(ds, target) : undefined;
      if (unread) throw new EngineError('invalid_dataset', `the dataset has no datetime column: "${unread.column.name}" holds dates but was read as ${unread.column.type}: ${unread.why}`, { field: 'forecast.time_column', column: unread.column.name });
      const why = dates.length === 0 ? 'the dataset has no datetime column' : `the dataset has ${dates.length} datetime columns (${dates.map((c) => `"${c.name}"`).join(', ')})`;
      throw new EngineError('invalid_dataset', `${why}: name the time column with forecast.time_column`, { field: 'forecast.time_column' });
    }
    col = dates[0];
  }
  if (col.name === target) throw new EngineError('invalid_dataset', `time column "${col.name}" is also the target`, { field: 'forecast.time_column', column: col.name });
  if (col.storage !== 'f64' || !(col.type === 'datetime' || col.type === 'numeric' || col.type === 'id')) {
    const unread = unreadDates(col);
    if (unread) throw new EngineError('invalid_dataset', `time column "${col.name}" was read as ${col.type}, not as dates: ${unread}`, { field: 'forecast.time_column', column: col.name });
    throw new EngineError('invalid_dataset', `time column "${col.name}" is ${col.type}; it must hold ISO 8601 dates or numbers`, { field: 'forecast.time_column', column: col.name });
  }
  return { column: col, datetime: col.type === 'datetime' };
}

/** The first column besides the target that holds dates a few cells kept from being read as dates, and why (data/unread-dates). */
function unreadTimeColumn(ds: Dataset, target: string): { column: Column; why: string } | undefined {
  for (const column of ds.columns) {
    const why = column.name === target ? undefined : unreadDates(column);
    if (why) return { column, why };
  }
  return undefined;
}

/**
 * The time of every row as the series read it: datetimes with a daylight-saving offset aligned (local
 * dates, or a sub-daily series' local clock: ./local-clock).
 */
export function timeValues(column: Column & { storage: 'f64' }, datetime: boolean): Float64Array {
  return readSeriesTimes(column, datetime).times;
}

/** Group key of every row ('' without a group column); the same keys extractSeries groups by. */
export function groupKeys(ds: Dataset, groupColumn: string | undefined, taken: readonly string[]): string[] {
  if (groupColumn === undefined) return new Array<string>(ds.rows).fill('');
  const col = findColumn(ds, groupColumn);
  if (!col) throw new EngineError('invalid_dataset', `group column "${groupColumn}" is not in the dataset${nearHint(ds, groupColumn)} (columns: ${names(ds)})`, { field: 'forecast.group_column', column: groupColumn, ...nearDetail(ds, groupColumn) });
  if (taken.includes(groupColumn)) throw new EngineError('invalid_dataset', `group column "${groupColumn}" is also the target or the time column`, { field: 'forecast.group_column', column: groupColumn });
  const keys = new Array<string>(ds.rows);
  // A stored column narrowed to Float32 (data/columnar-codec) reads as the text of the value written
  // (1.1, not 1.100000023841858), so its keys match the group a request names, as in the uploaded data.
  const numberKey = col.storage === 'f64' && col.values instanceof Float32Array ? float32Text : String;
  for (let i = 0; i < ds.rows; i++) {
    const missing = col.storage === 'f64' ? Number.isNaN(col.values[i]) : col.codes[i] === MISSING_CODE;
    if (missing) throw new EngineError('invalid_dataset', `group column "${groupColumn}" is empty at data row ${i + 1}`, { column: groupColumn, row: i + 1 });
    keys[i] = col.storage === 'f64' ? numberKey(col.values[i]) : col.levels[col.codes[i]];
  }
  return keys;
}

/** Whether every value of every series is above 0, so log and Box-Cox transforms apply (ForecastShape.positive). */
export const allPositive = (series: readonly SeriesData[]): boolean => series.every((s) => s.values.every((v) => v > 0));

/** Reads, sorts, checks and fills the series; throws EngineError naming what is wrong and where. */
export function extractSeries(ds: Dataset, columns: SeriesColumns): ExtractedSeries {
  let y = resolveTarget(ds, columns.target);
  const { column: asWritten, datetime } = resolveTime(ds, columns.timeColumn, columns.target);
  const keys = groupKeys(ds, columns.groupColumn, [columns.target, asWritten.name]);
  // Sub-daily times without offsets, in a job naming their zone, read as written at its offsets (./naive-local-times).
  const timeCol = (columns.timezone !== undefined && datetime ? placedInZone(asWritten, columns.timezone, keys, y) : undefined) ?? asWritten;
  const read = readSeriesTimes(timeCol, datetime);
  const { times: t, clock, offsets, utcOffset } = read;
  const timezone = columns.timezone === undefined ? undefined : checkTimezone(columns.timezone, timeCol.name, read, timeCol.values, datetime);
  const taken = { target: columns.target, time: timeCol.name, group: columns.groupColumn };
  const read0 = readCovariateSets(ds, columns.covariates, columns.pastCovariates, taken);
  const past = read0.past;
  let covariates = read0.known;
  const rowsByGroup = new Map<string, number[]>();
  for (let i = 0; i < ds.rows; i++) {
    if (Number.isNaN(t[i])) throw new EngineError('invalid_dataset', `time column "${timeCol.name}" is empty or not a ${datetime ? 'date' : 'number'} at data row ${i + 1}`, { column: timeCol.name, row: i + 1 });
    const list = rowsByGroup.get(keys[i]);
    if (list) list.push(i);
    else rowsByGroup.set(keys[i], [i]);
  }
  if (rowsByGroup.size === 0) throw new EngineError('invalid_dataset', 'the dataset has no rows');
  // Rows identical in every column to an earlier one of their series are read once (./duplicate-rows);
  // rows of one time that differ stay, for checkPoints to refuse.
  const exactRepeats = dropExactRepeats(ds, rowsByGroup, t, y);
  // A planned row without a target, answered by an observed row of its time, is read as that observation (./placeholder-rows).
  const { plans, revised: revisedPlans, firstRevised, late: latePlans } = dropAnsweredPlaceholders(rowsByGroup, t, y, offsets ? (a, b) => offsets[a] === offsets[b] : undefined);
  if (covariates) covariates = withPlans(covariates, plans);
  // Rows at a series' end without a target are not observations (often future rows holding planned
  // covariates): filled with the last value they would move the series' end, and every forecast's first
  // time, past the data; rows before its first value (a product listed before its launch) would be filled
  // with that value, a flat history it never had. Both are left out before anything else reads the
  // series (its length against the shortest a job takes, where its covariates start), and counted for the
  // job to say so. One row is kept whatever it holds: a series with no value at all is refused below.
  const trailingMissing: Record<string, number> = {};
  const leadingMissing: Record<string, number> = {};
  for (const [g, rows] of rowsByGroup) {
    rows.sort((a, b) => t[a] - t[b]);
    let end = rows.length;
    while (end > 1 && Number.isNaN(y[rows[end - 1]])) end--;
    let start = 0;
    while (start < end - 1 && Number.isNaN(y[rows[start]])) start++;
    if (end < rows.length) trailingMissing[g] = rows.length - end;
    if (start > 0) leadingMissing[g] = start;
    if (start > 0 || end < rows.length) rowsByGroup.set(g, rows.slice(start, end));
  }

  const all = [...rowsByGroup.keys()].sort();
  const seriesRows = [...rowsByGroup.values()];
  // Groups too short for the job are left out, unless that would leave none (then the usual refusals speak).
  const min = columns.minLength ?? 0;
  const long = all.filter((g) => rowsByGroup.get(g)!.length >= min);
  const candidates = long.length > 0 ? long : all;
  const short = new Map(all.filter((g) => !candidates.includes(g)).map((g) => [g, rowsByGroup.get(g)!.length]));
  // A series starts where every covariate has a value (./covariate-start): its rows before are not read.
  const starts = candidates.map((g) => {
    const rows = rowsByGroup.get(g)!.sort((a, b) => t[a] - t[b]);
    return { group: g, rows, ...seriesStart({ known: covariates, past }, g, rows, t) };
  });
  // One that starting later leaves too short is left out as a short group is, unless none would be left
  // (then the refusals say which column cut it); lateSkipped keeps the column that set its start.
  const cut = starts.filter((s) => s.rows.length - s.start < min);
  const kept = cut.length < starts.length ? starts.filter((s) => !cut.includes(s)) : starts;
  const lateSkipped: LateCovariateStart[] = [];
  for (const s of kept === starts ? [] : cut) {
    short.set(s.group, s.rows.length - s.start);
    lateSkipped.push(s.late.reduce((a, l) => (l.points > a.points ? l : a)));
  }
  const groups = kept.map((s) => s.group);
  const skipped = Object.fromEntries(all.filter((g) => short.has(g)).map((g) => [g, short.get(g)!]));
  const sorted = kept.map((s) => (s.start > 0 ? s.rows.slice(s.start) : s.rows));
  const lateStarts = kept.flatMap((s) => s.late);
  const show = (x: number) => formatTime(x, datetime, clock, utcOffset);
  // On a local clock, the hour the autumn change repeats is one point per local time.
  const repeated: Record<string, readonly RepeatedTime[]> = {};
  if (offsets) {
    const merged: [number, number][] = [];
    for (let gi = 0; gi < groups.length; gi++) {
      const m = mergeRepeatedTimes(sorted[gi], t, offsets, y);
      // A third row at a repeated local time repeats one of the two: refused as any repeated point.
      if (m.repeat) checkPoints([...m.repeat], t, timeCol.name, groups[gi], show);
      sorted[gi] = m.rows;
      merged.push(...m.merged);
      if (m.repeated.length > 0) repeated[groups[gi]] = m.repeated;
    }
    if (merged.length > 0) {
      y = y.slice();
      for (const [row, value] of merged) y[row] = value;
    }
  }
  const zoneless = fixedRowMask(timeCol.zonelessRows, ds.rows);
  // Sub-daily times without offsets and no zone named: a repeat may be the hour the clock goes back.
  const naiveHours = datetime && columns.timezone === undefined && timeCol.naiveTimes === true && hasSubDailySteps(t);
  for (let gi = 0; gi < groups.length; gi++) explainLateStart(lateStarts, groups[gi], show, () => checkPoints(sorted[gi], t, timeCol.name, groups[gi], show, zoneless, naiveHours));

  // The longest series shows the step most reliably; every group must then follow it.
  let longest = 0;
  for (let gi = 1; gi < groups.length; gi++) if (sorted[gi].length > sorted[longest].length) longest = gi;
  const frequency = detectFrequency(Float64Array.from(sorted[longest], (r) => t[r]), datetime);
  // The covariates' categories and ranges as the series' rows hold them (a group a rule forecasts too,
  // whose requests are checked against them), not a planned future row's (./covariates usedLevels).
  const used = new Uint8Array(ds.rows);
  for (const rows of seriesRows) for (const r of rows) used[r] = 1;
  // A planned row an observation answers lends it its covariates (./placeholder-rows), and so its categories.
  for (const [observed, plan] of plans) if (used[observed]) used[plan] = 1;
  const reread = covariates || past ? readCovariateSets(ds, columns.covariates, columns.pastCovariates, taken, used) : {};
  const learned = reread.known ? { ...reread, known: withPlans(reread.known, plans) } : reread;
  const width = covariateWidth(learned.known?.specs);
  const series: SeriesData[] = [];
  const lengths: Record<string, number> = {};
  const interpolated: Record<string, number> = {};
  const addedTimes: Record<string, readonly number[]> = {};
  let pastFilled: PastCovariateFill[] = [];
  for (let gi = 0; gi < groups.length; gi++) {
    const rows = sorted[gi];
    const { times, values, source, added, tooMany } = fillGaps(
      frequency,
      Float64Array.from(rows, (r) => t[r]),
      Float64Array.from(rows, (r) => y[r]),
      offsets ? (i) => skippedBetween(offsets, rows[i - 1], rows[i]) : undefined,
    );
    if (tooMany) throw tooManyGaps(tooMany, times, rows, timeCol.name, groups[gi], datetime, read);
    // An added point has no data row; checkRegular never names one (it is exactly a step after the point before).
    const note = offsets ? (i: number) => (source[i - 1] < 0 || source[i] < 0 ? '' : offsetChangeNote(offsets, rows[source[i - 1]], rows[source[i]])) : undefined;
    checkRegular(frequency, times, timeCol.name, groups[gi], (i) => rows[source[i]] + 1, datetime, { clock, ...(utcOffset !== undefined ? { utcOffset } : {}), ...(note ? { note } : {}) });
    const missing = missingMask(values);
    const filled = fillMissing(values);
    if (filled < 0) throw new EngineError('invalid_target', `target column "${columns.target}" has no values${groups[gi] === '' ? '' : ` in group "${groups[gi]}"`}`, { column: columns.target, ...groupDetail(groups[gi]) });
    const encoded = learned.known ? covariateColumns(learned.known.write, width, rows, source) : undefined;
    const observed = learned.past ? fillPastCovariates(learned.past, { group: groups[gi], rows, source, times }, columns.horizon, show) : undefined;
    if (observed) pastFilled = pastFilled.concat(observed.fills);
    series.push({ group: groups[gi], times, values, interpolated: filled, ...(missing ? { missing } : {}), ...(encoded ? { covariates: encoded } : {}), ...(observed ? { pastCovariates: observed.columns } : {}) });
    lengths[groups[gi]] = values.length;
    interpolated[groups[gi]] = filled - added.length;
    if (added.length > 0) addedTimes[groups[gi]] = added;
  }
  const shortest = Math.min(...series.map((s) => s.values.length));
  const info: SeriesInfo = {
    target: columns.target,
    timeColumn: timeCol.name,
    timeKind: datetime ? 'datetime' : 'numeric',
    ...(columns.groupColumn !== undefined ? { groupColumn: columns.groupColumn } : {}),
    frequency,
    season: seasonFor(frequency, shortest),
    lengths,
    interpolated,
    ...(Object.keys(addedTimes).length > 0 ? { added: addedTimes } : {}),
    ...(Object.keys(skipped).length > 0 ? { skipped } : {}),
    ...(learned.known ? { covariates: learned.known.specs } : {}),
    ...(learned.past ? { pastCovariates: learned.past.specs } : {}),
    ...(lateStarts.length > 0 ? { lateStarts } : {}),
    ...(lateSkipped.length > 0 ? { lateSkipped } : {}),
    ...(pastFilled.length > 0 ? { pastFilled } : {}),
    ...(exactRepeats ? { exactRepeats } : {}),
    ...(Object.keys(trailingMissing).length > 0 ? { trailingMissing } : {}),
    ...(Object.keys(revisedPlans).length > 0 ? { revisedPlans } : {}),
    ...(firstRevised ? { firstRevisedPlan: firstRevised } : {}),
    ...(Object.keys(latePlans).length > 0 ? { latePlans } : {}),
    ...(Object.keys(leadingMissing).length > 0 ? { leadingMissing } : {}),
    ...(clock === 'local' ? { localClock: { ...localClockInfo(timeCol.utcOffsets, timezone, repeated), ...(timeCol !== asWritten ? { placed: true as const } : {}) } } : {}),
    ...(utcOffset !== undefined ? { utcOffset } : {}),
  };
  // Read after the frequency is known, on the model's step; one that cannot be read is still only left out.
  const tooShort = all.filter((g) => !candidates.includes(g)).map((g) => readShortSeries(g, rowsByGroup.get(g)!, t, y, frequency, datetime, clock));
  return { info, series, ...(tooShort.length > 0 ? { short: tooShort } : {}) };
}

/** SeriesInfo.localClock of a series read on its local clock. */
function localClockInfo(runs: readonly (readonly [number, number])[] | undefined, timezone: string | undefined, repeated: Record<string, readonly RepeatedTime[]>): LocalClockInfo {
  const offsets = [...new Set((runs ?? []).map(([, minutes]) => minutes))].sort((a, b) => a - b);
  return { offsets, ...(timezone ? { timezone } : {}), ...(Object.keys(repeated).length > 0 ? { repeated } : {}) };
}

/**
 * One series' encoded covariates, a column per feature, point by point; an added gap point (source -1)
 * repeats the point before it (a promotion or price in force carries over a missing day; an observed
 * value is the latest one observed).
 */
function covariateColumns(write: (row: number, out: Float64Array, off: number) => void, width: number, rows: readonly number[], source: Int32Array): Float64Array[] {
  const n = source.length;
  const cell = new Float64Array(width);
  const columns = Array.from({ length: width }, () => new Float64Array(n));
  for (let i = 0; i < n; i++) {
    if (source[i] >= 0) write(rows[source[i]], cell, 0);
    for (let j = 0; j < width; j++) columns[j][i] = cell[j];
  }
  return columns;
}

/**
 * The refusal of a series whose short gaps are too many to fill by themselves (see fill-gaps): it says
 * how many timestamps are missing and names the first gap, rather than the first gap alone, which
 * checkRegular would call a gap that is added by itself.
 */
function tooManyGaps(gaps: { missing: number; firstAfter: number }, times: Float64Array, rows: readonly number[], column: string, group: string, datetime: boolean, read: SeriesTimes): EngineError {
  const where = group === '' ? '' : ` in group "${group}"`;
  const total = times.length + gaps.missing;
  const i = gaps.firstAfter;
  const show = (x: number) => formatTime(x, datetime, read.clock, read.utcOffset);
  return new EngineError(
    'invalid_dataset',
    `time column "${column}" misses ${gaps.missing} of ${total} timestamps${where} (${Math.round((100 * gaps.missing) / total)}%), the first between rows ${rows[i - 1] + 1} (${show(times[i - 1])}) and ${rows[i] + 1} (${show(times[i])}); ` +
      `${SHORT_GAPS_RULE}: add the missing timestamps with an empty target (they are interpolated) or resample the series${offsetChangeNote(read.offsets, rows[i - 1], rows[i])}`,
    { column, ...groupDetail(group), row: rows[i] + 1, missing: gaps.missing },
  );
}

/**
 * At least two points per group and no repeated timestamp within it. `zoneless` flags the rows whose
 * cells carried no UTC offset where others carried one (NumericColumn.zonelessRows): two rows of one
 * instant only one of which carried an offset are one instant because of it, and the refusal says so.
 * Times are written by `show`, as the series' other refusals write them.
 */
function checkPoints(rows: number[], t: Float64Array, column: string, group: string, show: (t: number) => string, zoneless?: Uint8Array, naiveHours = false): void {
  const where = group === '' ? '' : ` in group "${group}"`;
  if (rows.length < 2) throw new EngineError('invalid_dataset', `the series${where} has ${rows.length} point; forecasting needs a longer series`, { column, ...groupDetail(group) });
  for (let i = 1; i < rows.length; i++) {
    if (t[rows[i]] === t[rows[i - 1]]) {
      const [a, b] = [Math.min(rows[i - 1], rows[i]), Math.max(rows[i - 1], rows[i])];
      const [none, one] = zoneless?.[a] ? [a, b] : [b, a];
      const why =
        zoneless && zoneless[a] !== zoneless[b]
          ? `: data row ${none + 1} carries no UTC offset, so it is read as UTC, and data row ${one + 1} carries one, which makes them one instant; write every time with its offset, or none (each timestamp must appear once per series)`
          : group === ''
            ? '; each timestamp must appear once per series (add a group column for several series)'
            : // A group column is set: the group's own series holds two values at one time.
              `; the series of group "${group}" repeats that time, and a series holds one value per time: remove or merge one of the two rows`;
      // Local times written without offsets show the hour the clock goes back twice (./naive-local-times).
      const local = naiveHours ? '; if these are local times, the clock going back an hour shows one twice: name their zone in forecast.timezone (such as "Europe/Paris") to read them so' : '';
      throw new EngineError('invalid_dataset', `time column "${column}" repeats ${show(t[rows[i]])}${where} at data rows ${a + 1} and ${b + 1}${why}${local}`, { column, ...groupDetail(group), rows: [rows[i - 1] + 1, rows[i] + 1] });
    }
  }
}
