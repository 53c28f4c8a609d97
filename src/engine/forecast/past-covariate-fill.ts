/**
 * @module engine/forecast/past-covariate-fill
 * Empty cells of the past-only covariates (./past-covariates), series by series: which are filled, with
 * what, and which are refused. Every fill carries the last value observed before the empty cell forward,
 * never a later one (at that point in time it was not observed yet), as a short gap's added timestamp
 * already does (./series).
 *
 * The newest points. Today's visits are often not recorded when the data are uploaded. A model reads a
 * past covariate at lags of at least the horizon H: training row t reads point t - H and before, and a
 * rolling-origin fold nothing later than H points before the series' end (its last step is at most H
 * after its origin), so the newest H points of a series are read by no training row and no fold: a
 * lag-feature model and its score are exactly those of the complete data. The published model's
 * forecasts do read them: step h reads point T + h - H, so with the newest k filled the last k steps of a
 * forecast read a stand-in where the model expects an observed value, which no score measured. What that
 * costs depends on the lag that matters (simulated shops whose sales follow visits 9 days later, H = 7,
 * default linear model, held-out RMSE with the newest 0, 1, 2, 3, 4, 7 visits filled: 2.48, 2.48, 2.47,
 * 5.44, 10.03, 20.68; without the visits 26.1; two more data seeds alike). So at most half the horizon
 * is filled (newestFillLimit): the first half of every forecast reads observed values only, the job warns
 * which steps read stand-ins, and more is refused, saying that a longer horizon would take them (it reads
 * the covariate from further back).
 *
 * Inside a series. A short run of empty cells after an observed value is filled the same way, under the
 * limits of the short gaps of ./gap-limits (at most MAX_GAP_POINTS in a row, at most MAX_ADDED_SHARE of
 * the series): a row whose visits cell is empty must not be refused where deleting the row is read (its
 * timestamp is added and its covariates carried over), and carrying forward reads nothing a model at that
 * time could not have known. Unlike the newest cells these are learned from, which the job's warning
 * says, naming the rows. Longer runs would teach the models a flat stretch the column never had: refused.
 *
 * The oldest points. Empty cells before a series' first observed value have nothing before them to carry
 * (the column was recorded later than the series began): the series starts after them, where every
 * covariate is observed (./covariate-start, which also refuses a column empty throughout a series), so
 * the points read here begin with an observed value.
 */
import { EngineError } from '../core/errors';
import { covariateWidth, type DatasetCovariates } from './covariates';
import { MAX_ADDED_SHARE, MAX_GAP_POINTS } from './gap-limits';
import { groupDetail } from './group-details';

/** A run of empty cells of one past covariate in one series, filled by carrying the value before it forward. */
export interface PastCovariateFill {
  readonly column: string;
  /** The series' group ('' without a group column). */
  readonly group: string;
  /** `newest`: the series' last points (not observed yet); `inside`: a short run between observed values. */
  readonly at: 'newest' | 'inside';
  /** Points filled (a short gap's added timestamp inside the run counts too). */
  readonly points: number;
  /** Times of the first and the last point filled. */
  readonly from: number;
  readonly to: number;
  /** The data rows (1-based) of the points filled that have one, in time order. */
  readonly rows: readonly number[];
}

/** The points of one series as ./series reads them: group, the data row of each input point, where each point comes from, times. */
export interface SeriesPoints {
  readonly group: string;
  /** The data row (0-based) of each input point, in time order. */
  readonly rows: readonly number[];
  /** Input position of each point, -1 for a timestamp added in a short gap. */
  readonly source: Int32Array;
  readonly times: Float64Array;
}

/** Most data rows a refusal's details list. */
const ROWS_LISTED = 20;

/** Most newest empty cells of a past covariate a series may have with the job's `horizon` (see the module comment): half of it. */
export function newestFillLimit(horizon: number | undefined): number {
  return horizon === undefined ? 0 : Math.floor(horizon / 2);
}

/**
 * One series' encoded past covariates (a column per feature, point by point) with their empty cells
 * filled, and the runs filled (see the module comment). `horizon`, the job's, bounds the newest points
 * filled (newestFillLimit); Infinity for a caller that checks against a horizon it learns later
 * (checkNewestFills); absent, none may be. `show` writes a time as refusals name it. `points` must begin
 * with an observed value of every past covariate (./covariate-start sees to it). Throws
 * EngineError('invalid_dataset') naming column, series and rows for what is not filled.
 */
export function fillPastCovariates(past: DatasetCovariates, points: SeriesPoints, horizon: number | undefined, show: (t: number) => string): { columns: Float64Array[]; fills: PastCovariateFill[] } {
  const n = points.source.length;
  const empty = past.specs.map((_, i) => {
    // An added timestamp takes the point before it: empty when that one is.
    const e = new Uint8Array(n);
    for (let p = 0; p < n; p++) {
      const src = points.source[p];
      e[p] = src >= 0 ? (past.isEmpty(i, points.rows[src]) ? 1 : 0) : e[p - 1];
    }
    return e;
  });
  const fills = past.specs.flatMap((spec, i) => runsOf(spec.name, empty[i], points, horizon, show));
  const cell = new Float64Array(covariateWidth(past.specs));
  const columns = Array.from({ length: cell.length }, () => new Float64Array(n));
  for (let p = 0; p < n; p++) {
    const src = points.source[p];
    // Where nothing is written, the cell keeps the value before it: an added timestamp, or an empty cell.
    if (src >= 0) for (let i = 0; i < past.specs.length; i++) if (!empty[i][p]) past.writeOne(i, points.rows[src], cell, 0);
    for (let j = 0; j < cell.length; j++) columns[j][p] = cell[j];
  }
  return { columns, fills };
}

/** The filled runs of one covariate in one series (`empty`: 1 at each empty point); throws for one that cannot be filled. */
function runsOf(column: string, empty: Uint8Array, points: SeriesPoints, horizon: number | undefined, show: (t: number) => string): PastCovariateFill[] {
  const n = empty.length;
  const run = (at: PastCovariateFill['at'], from: number, to: number): PastCovariateFill => ({
    column,
    group: points.group,
    at,
    points: to - from,
    from: points.times[from],
    to: points.times[to - 1],
    rows: rowsBetween(points, from, to),
  });
  const where = points.group === '' ? '' : ` in group "${points.group}"`;
  const details = (r: PastCovariateFill) => ({ field: 'forecast.past_covariates', column, ...groupDetail(points.group), rows: r.rows.slice(0, ROWS_LISTED) });
  // ./series starts each series at a point where every past covariate is observed (./covariate-start).
  if (empty[0]) throw new Error(`past covariate column "${column}" is empty at the first point the series was read from${where}`);
  const last = empty.lastIndexOf(0);
  const fills: PastCovariateFill[] = [];
  let inside = 0;
  for (let p = 1; p < last; p++) {
    if (!empty[p]) continue;
    let q = p;
    while (empty[q]) q++;
    const r = run('inside', p, q);
    if (r.points > MAX_GAP_POINTS) {
      throw new EngineError(
        'invalid_dataset',
        `past covariate column "${column}" is empty at ${r.points} points in a row${where}, at ${pointWords(r, show)}; a run of at most ${MAX_GAP_POINTS} between observed values is filled with the value before it: fill them in, or leave the column out of forecast.past_covariates`,
        details(r),
      );
    }
    inside += r.points;
    fills.push(r);
    p = q;
  }
  if (inside > MAX_ADDED_SHARE * n) {
    const rows = fills.flatMap((f) => f.rows);
    throw new EngineError(
      'invalid_dataset',
      `past covariate column "${column}" is empty at ${inside} of the ${n} points${where} (${rowWords(rows)}); short runs between observed values are filled while they come to at most ${Math.round(100 * MAX_ADDED_SHARE)}% of a series: fill them in, or leave the column out of forecast.past_covariates`,
      { field: 'forecast.past_covariates', column, ...groupDetail(points.group), rows: rows.slice(0, ROWS_LISTED) },
    );
  }
  if (last < n - 1) {
    const newest = run('newest', last + 1, n);
    if (newest.points > newestFillLimit(horizon)) throw newestRefusal(newest, horizon, show);
    fills.push(newest);
  }
  return fills;
}

/** Refuses the first newest run over newestFillLimit(`horizon`), for a caller that learned the horizon after reading the series. */
export function checkNewestFills(fills: readonly PastCovariateFill[], horizon: number, show: (t: number) => string): void {
  const over = fills.find((f) => f.at === 'newest' && f.points > newestFillLimit(horizon));
  if (over) throw newestRefusal(over, horizon, show);
}

function newestRefusal(f: PastCovariateFill, horizon: number | undefined, show: (t: number) => string): EngineError {
  const where = f.group === '' ? '' : ` in group "${f.group}"`;
  const limit = newestFillLimit(horizon);
  const why =
    horizon === undefined
      ? 'without a forecast horizon, none may be empty'
      : `with forecast.horizon ${horizon} ${limit === 0 ? 'none may be' : `at most ${limit} may be (half of it)`}: filled with the last value observed, they are read by no training row or validation fold, but by a forecast's last steps, one per point filled, in place of observed values, and at least the first half of a forecast must read observed values only; a forecast.horizon of ${2 * f.points} or more would take them`;
  return new EngineError('invalid_dataset', `past covariate column "${f.column}" is empty at the newest ${f.points === 1 ? 'point' : `${f.points} points`}${where}, at ${pointWords(f, show)}; ${why} (fill them in, drop those rows, or leave the column out of forecast.past_covariates)`, {
    field: 'forecast.past_covariates',
    column: f.column,
    group: f.group,
    rows: f.rows.slice(0, ROWS_LISTED),
    ...(horizon === undefined ? {} : { horizon }),
  });
}

/** The 1-based data rows of points [from, to) that have one. */
function rowsBetween(points: SeriesPoints, from: number, to: number): number[] {
  const rows: number[] = [];
  for (let p = from; p < to; p++) if (points.source[p] >= 0) rows.push(points.rows[points.source[p]] + 1);
  return rows;
}

/** "data rows 41 to 43 (2024-02-10 to 2024-02-12)": a run's rows and times. */
function pointWords(f: PastCovariateFill, show: (t: number) => string): string {
  return `${rowWords(f.rows)} (${f.from === f.to ? show(f.from) : `${show(f.from)} to ${show(f.to)}`})`;
}

/** "data row 7", "data rows 41 to 43" (consecutive), or "data rows 3, 5, 7, 9, 11 and 4 more". */
export function rowWords(rows: readonly number[]): string {
  if (rows.length === 1) return `data row ${rows[0]}`;
  if (rows.every((r, i) => i === 0 || r === rows[i - 1] + 1)) return `data rows ${rows[0]} to ${rows[rows.length - 1]}`;
  const shown = 5;
  return `data rows ${rows.slice(0, shown).join(', ')}${rows.length > shown ? ` and ${rows.length - shown} more` : ''}`;
}
