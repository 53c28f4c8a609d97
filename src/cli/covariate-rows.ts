/**
 * @module cli/covariate-rows
 * A covariates CSV may be the known future of several series, written as the training data was: the
 * model's time and group columns beside the covariates, the series interleaved (examples/store-sales/
 * future.csv: date, shop, promo, holiday). `seriesRows` keeps the rows of the series asked for and leaves
 * the time and group columns out of what is sent (checked here instead, so a refusal names the file's line;
 * engine/forecast/step-columns reads times as the server's check of them does); each row keeps its file line. `checkStepTimes` then holds the file's times to the forecast's step times: the model
 * view does not say where a series ends, the forecast's answer does.
 */
import type { Forecast } from '../client';
import type { CsvTable } from '../engine/data/csv';
import { sameStepTime, shownStepTime } from '../engine/forecast/step-columns';
import { UsageError } from './errors';

/** What the model view says of the series' columns (`forecast.time_column`, `group_column`). */
export interface SeriesColumns {
  readonly timeColumn?: string;
  readonly groupColumn?: string;
}

/** A covariates table cut to one series: only covariate columns, each row with its line in the file. */
export interface SeriesRows {
  readonly table: CsvTable & { readonly lines: readonly number[] };
  /** The file's time column with its cells, one per kept row, when the file has the model's time column. */
  readonly times?: { readonly column: string; readonly cells: readonly string[] };
}

/** Group values named in a refusal at most. */
const SHOWN_GROUPS = 8;

/**
 * The rows of series `group` when the file has the model's group column (all rows otherwise), without the
 * time and group columns. Refused naming the file: a file of several series without --group, for a
 * model that forecasts several, and a --group no row belongs to.
 */
export function seriesRows(table: CsvTable, series: SeriesColumns, group: string | undefined, file: string): SeriesRows {
  const lines = table.rows.map((_, i) => table.lines?.[i] ?? i + 2);
  const groupAt = series.groupColumn === undefined ? -1 : table.header.indexOf(series.groupColumn);
  let kept = table.rows.map((_, i) => i);
  if (groupAt >= 0) {
    const values = [...new Set(table.rows.map((cells) => (cells[groupAt] ?? '').trim()))];
    const shown = values.slice(0, SHOWN_GROUPS).join(', ') + (values.length > SHOWN_GROUPS ? ', …' : '');
    if (group === undefined) throw new UsageError(`holds the covariates of series by "${series.groupColumn}" (${shown}); name the one to forecast with --group, e.g. --group ${values[0] ?? 'GROUP'}`, file);
    kept = kept.filter((i) => (table.rows[i][groupAt] ?? '').trim() === group);
    if (kept.length === 0) throw new UsageError(`no row is of series "${group}": its column "${series.groupColumn}" holds ${shown}`, file);
  }
  const timeAt = series.timeColumn === undefined ? -1 : table.header.indexOf(series.timeColumn);
  const sent = table.header.map((_, j) => j).filter((j) => j !== groupAt && j !== timeAt);
  return {
    table: { header: sent.map((j) => table.header[j]), rows: kept.map((i) => sent.map((j) => table.rows[i][j] ?? '')), lines: kept.map((i) => lines[i]) },
    ...(timeAt >= 0 ? { times: { column: table.header[timeAt], cells: kept.map((i) => table.rows[i][timeAt] ?? '') } } : {}),
  };
}

/**
 * Holds the file's times (one per sent step, in order) to the forecast's steps: row k must be step k, the
 * first the step after the series' last point. Rows past the forecast's horizon are not asked about.
 * Refused naming the file and the line of the first row that is not its step.
 */
export function checkStepTimes(times: NonNullable<SeriesRows['times']>, lines: readonly number[], steps: Forecast['forecasts'], file: string): void {
  const k = steps.findIndex((step, i) => i < times.cells.length && !sameStepTime(times.cells[i], step.time));
  if (k < 0) return;
  throw new UsageError(
    `"${times.column}" is ${JSON.stringify(times.cells[k])}, but step ${k + 1} of the forecast is ${shownStepTime(steps[k].time)}${k === 0 ? " (the step after the series' last point)" : ''}; the file's rows must be the steps ahead, in order`,
    `${file}:${lines[k]}`,
  );
}
