/**
 * @module engine/forecast/covariate-start
 * Where a series starts when one of its covariates was recorded later than the series began (a shop's
 * sales since 2022, its web visits since March 2023). Nothing observed before the column's first value
 * can stand in for the cells before it (./past-covariate-fill carries values forward only), and a guess
 * would teach the models a stretch of visits that never was. So each series is read from the first point
 * where every covariate it is read with, past-only (./past-covariates) or known-future (./covariates),
 * has a value: its rows before are left out, as if the upload began there, and the job warns naming the
 * column, the series, the points left out and the time the column is observed from
 * (./covariate-start-warnings).
 *
 * Every family, not only those that read covariates. The baselines and ets could still learn from the
 * longer history, but one start per series keeps one series for the whole job: every trial is scored on
 * the same rolling origins after the same history (the end-of-search blend weighs them against the same
 * points), the published envelope keeps one state per series for every member of a blend (its `first`
 * and `count`, which drift draws its line from and the model view reports as the series' points), and
 * advancing or retraining reads the series the same way. What it costs was measured on the simulated shops of
 * test/engine/visit-shops.ts (sales following the visits nine days later, 5 data seeds x 3 held-out
 * weeks; `npx tsx scripts/bench-covariate-start.ts`): fitted without the visits on each shop's history
 * from the visits' first day instead of the full one, seasonal naive and ets forecast the held-out weeks
 * as well, drift 0.05% worse (visits from day 60 of 240) to 1.0% (from days 100 to 150), the default
 * linear model 0.3% to 0.6%; the linear model reading the visits from there scored 3.7 to 5.1 against
 * 27.3 for the best of them on the full history. A series left shorter than four seasons is searched
 * without its season (./frequency seasonFor), which a longer history would have kept: the job's warnings
 * say so as for any short series.
 *
 * Still refused, naming column, series and rows: a column empty at every point of a series (it says
 * nothing about that series), a known-future covariate empty anywhere after the start (a forecast reads
 * it at the very step it predicts, so nothing may stand in for it), and a series left too short to
 * validate on: the minimum-history checks of the rolling origins run on the series as trimmed, and
 * explainLateStart adds to their refusal which column cut the series and where. Where a job leaves out
 * groups too short to validate on (SeriesColumns.minLength: a new store), a group the late start leaves
 * that short is left out the same way while another is long enough (./series, SeriesInfo.lateSkipped),
 * and the job warns naming the column, the group and the points left out (./covariate-start-warnings).
 */
import { EngineError } from '../core/errors';
import { COVARIATE_WORDING, type CovariateList, type DatasetCovariates } from './covariates';
import { formatTime } from './frequency';
import { rowWords } from './past-covariate-fill';
import type { SeriesInfo } from './types';
import { groupDetail } from './group-details';

/** A covariate empty at a series' first points: the series is read from where every covariate has a value. */
export interface LateCovariateStart {
  /** The job field the column is named in. */
  readonly list: CovariateList;
  readonly column: string;
  /** The series' group ('' without a group column). */
  readonly group: string;
  /** The series' points before the column's first value (its empty first cells). */
  readonly points: number;
  /** Times of the first and the last point before the column's first value. */
  readonly from: number;
  readonly to: number;
  /** Time of the column's first value. */
  readonly observed: number;
  /** The data rows (1-based) of the points before the column's first value, in time order. */
  readonly rows: readonly number[];
}

/** Most data rows a refusal's details list. */
const ROWS_LISTED = 20;

/** One series' covariates, by list. */
interface Lists {
  readonly known?: DatasetCovariates;
  readonly past?: DatasetCovariates;
}

/**
 * Where the series of `group` (its data rows `rows`, 0-based, in time order; `time` of each row) starts:
 * the first of its rows where every covariate has a value, and the covariates empty before it. Throws
 * EngineError('invalid_dataset') naming column, series and rows for a covariate empty at every row of the
 * series, and for a known-future one empty at a row after the start.
 */
export function seriesStart(lists: Lists, group: string, rows: readonly number[], time: ArrayLike<number>): { start: number; late: LateCovariateStart[] } {
  const where = group === '' ? '' : ` in group "${group}"`;
  const columns = [...columnsOf(lists.known, 'forecast.covariates'), ...columnsOf(lists.past, 'forecast.past_covariates')];
  const late: LateCovariateStart[] = [];
  let start = 0;
  for (const c of columns) {
    let first = 0;
    while (first < rows.length && c.empty(rows[first])) first++;
    const { noun, known } = COVARIATE_WORDING[c.list];
    if (first === rows.length) {
      const all = rows.map((r) => r + 1);
      throw new EngineError('invalid_dataset', `${noun} column "${c.name}" is empty at every point${where} (${rowWords(all)}); a ${noun} must be ${known} in every series: fill it in, or leave the column out of ${c.list}`, {
        field: c.list,
        column: c.name,
        group,
        rows: all.slice(0, ROWS_LISTED),
      });
    }
    if (first > 0) late.push({ list: c.list, column: c.name, group, points: first, from: time[rows[0]], to: time[rows[first - 1]], observed: time[rows[first]], rows: rows.slice(0, first).map((r) => r + 1) });
    start = Math.max(start, first);
  }
  // A known-future covariate is read at the very step predicted: after the start, every cell must hold one.
  for (const c of columns) {
    if (c.list !== 'forecast.covariates') continue;
    for (let i = start; i < rows.length; i++) {
      if (!c.empty(rows[i])) continue;
      const { noun, known } = COVARIATE_WORDING[c.list];
      throw new EngineError('invalid_dataset', `${noun} column "${c.name}" is empty at data row ${rows[i] + 1}; a ${noun} must be ${known} at every point (fill it in, or leave the column out of ${c.list})`, {
        field: c.list,
        column: c.name,
        row: rows[i] + 1,
      });
    }
  }
  return { start, late };
}

function columnsOf(covariates: DatasetCovariates | undefined, list: CovariateList): { name: string; list: CovariateList; empty: (row: number) => boolean }[] {
  return (covariates?.specs ?? []).map((s, i) => ({ name: s.name, list, empty: (row: number) => covariates!.isEmpty(i, row) }));
}

/** The covariate that set a series' start (the latest to begin), or undefined when the series starts at its first row. */
function startOf(late: readonly LateCovariateStart[] | undefined, group: string): LateCovariateStart | undefined {
  let latest: LateCovariateStart | undefined;
  for (const l of late ?? []) if (l.group === group && (!latest || l.points > latest.points)) latest = l;
  return latest;
}

/**
 * What a refusal of the series of `group` as too short adds when a covariate's late start shortened it:
 * the words (naming column, series and the rows left out) and the details; undefined when none did.
 */
export function lateStartNote(late: readonly LateCovariateStart[] | undefined, group: string, show: (t: number) => string): { words: string; details: Record<string, unknown> } | undefined {
  const l = startOf(late, group);
  if (!l) return undefined;
  const { noun, known } = COVARIATE_WORDING[l.list];
  const where = group === '' ? '' : ` in group "${group}"`;
  const before = l.points === 1 ? `the point before (${show(l.from)}, ${rowWords(l.rows)}) is` : `the ${l.points} points before (${show(l.from)} to ${show(l.to)}, ${rowWords(l.rows)}) are`;
  return {
    words: `${noun} column "${l.column}" is ${known}${where} only from ${show(l.observed)} on, so ${before} left out of every model; fill them in, or leave the column out of ${l.list}`,
    details: { field: l.list, column: l.column, ...groupDetail(group), rows: l.rows.slice(0, ROWS_LISTED) },
  };
}

/**
 * Runs a minimum-history check of the series as trimmed (`check`, which refuses with
 * EngineError('invalid_dataset')); its refusal of the series of `group`, when a covariate's late start
 * shortened it, is rethrown saying so (lateStartNote), times written by `show`.
 */
export function explainLateStart<T>(late: readonly LateCovariateStart[] | undefined, group: string, show: (t: number) => string, check: () => T): T {
  try {
    return check();
  } catch (err) {
    // Only a refusal of the data: bad parameters are not the late start's doing.
    const note = err instanceof EngineError && err.code === 'invalid_dataset' ? lateStartNote(late, group, show) : undefined;
    if (!note) throw err;
    const e = err as EngineError;
    throw new EngineError(e.code, `${e.message}; ${note.words}`, { ...e.details, ...note.details }, { cause: e });
  }
}

/**
 * How refusals and warnings write a time of these series (their SeriesInfo, or a model's envelope): on
 * their local clock when read on it, else at their one UTC offset when they carry one, else in UTC.
 */
export function showTimeOf(info: Pick<SeriesInfo, 'timeKind' | 'utcOffset'> & { readonly localClock?: object }): (t: number) => string {
  return (t) => formatTime(t, info.timeKind === 'datetime', info.localClock ? 'local' : 'utc', info.utcOffset);
}
