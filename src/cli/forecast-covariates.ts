/**
 * @module cli/forecast-covariates
 * What `forecast --covariates FILE` sends, and where each sent step came from. A JSON file is sent as it
 * is (it is the API's own shape). A CSV needs the model's view: which covariates are numbers (its cells
 * are all text) and which columns are the series' time and group (cli/covariate-rows keeps the --group
 * series' rows and leaves those columns out). Each step remembers its place in the file, so the server's
 * refusal of `covariates[1].holiday` names the file and line as the CLI's own checks do, and the answer's
 * step times are held to the file's times before anything is printed. A CSV is counted against the
 * horizon once cut to the --group series, and a short one with its times is held to the first steps
 * first, so a missing row is named by its line whatever the horizon.
 */
import { ApiClientError, type Forecast } from '../client';
import type { Context } from './context';
import { type CovariateSteps, csvSteps, readCovariateFile } from './covariate-file';
import { checkStepTimes, type SeriesRows, seriesRows } from './covariate-rows';
import { UsageError } from './errors';

/** The covariates a forecast sends, and where in the file each step came from. */
export interface SentCovariates {
  readonly file: string;
  readonly steps: CovariateSteps;
  /** A CSV's line of each step; absent for a JSON file, whose steps are its array's items. */
  readonly lines?: readonly number[];
  /** A CSV's time column, when it has the model's: its cell of each step. */
  readonly times?: SeriesRows['times'];
}

/**
 * At least `horizon` steps: the covariates of one series, its time and group columns left out. A CSV's
 * rows are counted once cut to the --group series (the file may hold every series). Too few rows with
 * their times: the rows there are are held to the forecast's first steps (one forecast of as many steps
 * asked first), so a row missing inside the file is named by its line, as it is with enough rows, rather
 * than counted; only rows that are the first steps in order leave the count to say what is missing.
 */
export async function readCovariates(ctx: Context, model: string, file: string, ask: { horizon: number; group?: string; version?: number }): Promise<SentCovariates> {
  const read = await readCovariateFile(file);
  if (read.format === 'json') {
    if (read.steps.length < ask.horizon) throw tooFew(`holds ${steps(read.steps.length)}`, ask.horizon, 'object', file);
    return { file, steps: read.steps };
  }
  // The version asked for reads its own covariates and series columns (a replaced model's may differ).
  const series = (await ctx.api.models.get(model, ask.version !== undefined ? { version: ask.version } : {})).forecast;
  // A horizon the model refuses whatever the file holds is said first: counting the file's rows against it
  // asked for rows that would only meet the horizon's refusal next.
  if (series?.max_horizon !== undefined && ask.horizon > series.max_horizon) {
    throw new UsageError(`the model forecasts at most ${series.max_horizon} steps ahead; ask for --horizon ${series.max_horizon} or fewer`, '--horizon');
  }
  const columns = { ...(series?.time_column !== undefined ? { timeColumn: series.time_column } : {}), ...(series?.group_column !== undefined ? { groupColumn: series.group_column } : {}) };
  const rows = seriesRows(read.table, columns, ask.group, file);
  const sent: SentCovariates = { file, steps: csvSteps(rows.table, series?.covariates ?? [], file), lines: rows.table.lines, ...(rows.times ? { times: rows.times } : {}) };
  const kept = rows.table.rows.length;
  if (kept < ask.horizon) {
    if (sent.times) await checkFirstSteps(ctx, model, ask, sent);
    const cut = series?.group_column !== undefined && read.table.header.includes(series.group_column);
    const of = cut ? ` of series "${ask.group}" (column "${series?.group_column}")` : '';
    throw tooFew(`holds ${steps(kept)}${of}`, ask.horizon, 'row', file);
  }
  return sent;
}

/**
 * The file's rows held to the times of as many first steps (a forecast of that horizon): throws the
 * line-level refusal of checkStepTimes when a row is not its step. A forecast that cannot be had (the
 * server refuses a value, the horizon, …) leaves the count to speak: the short file is refused either way.
 */
async function checkFirstSteps(ctx: Context, model: string, ask: { group?: string; version?: number }, sent: SentCovariates): Promise<void> {
  let answer: Forecast;
  try {
    answer = await ctx.api.models.forecast(model, { horizon: sent.steps.length, ...(ask.group !== undefined ? { group: ask.group } : {}), ...(ask.version !== undefined ? { version: ask.version } : {}), covariates: sent.steps });
  } catch {
    return;
  }
  checkSentTimes(sent, answer);
}

const steps = (n: number) => `${n} step${n === 1 ? '' : 's'} ahead`;

const tooFew = (holds: string, horizon: number, unit: string, file: string) =>
  new UsageError(`${holds}; --horizon ${horizon} needs the covariates of each of the ${horizon} steps (one ${unit} per step)`, file);

/** The file's times against the forecast's step times (cli/covariate-rows), when the file has them. */
export function checkSentTimes(sent: SentCovariates, answer: Forecast): void {
  if (sent.times && sent.lines) checkStepTimes(sent.times, sent.lines, answer.forecasts, sent.file);
}

/** The server's name of a step's value: `covariates[3]` or `covariates[3].holiday`. */
const STEP_FIELD = /^covariates\[(\d+)\](?:\.(.+))?$/;
/** Refusals of a whole column rather than one row's value: a column the model does not read, or lacks. */
const WHOLE_COLUMN = /^ is (not a covariate of this model|missing)\b/;

/**
 * A server refusal of `covariates[k].col` as one naming the file and the line step k came from (a CSV)
 * or its item of the array (JSON); a column the model does not read is named with the file alone. The
 * server's field stays in the details, with `file` (and `line`) added. Any other error unchanged.
 */
export function nameCovariateStep(err: unknown, sent: SentCovariates): unknown {
  if (!(err instanceof ApiClientError)) return err;
  const field = err.details.field;
  const match = typeof field === 'string' ? STEP_FIELD.exec(field) : null;
  if (!match || !err.message.startsWith(field as string)) return err;
  const k = Number(match[1]);
  const column = match[2];
  const rest = err.message.slice((field as string).length);
  if (sent.lines === undefined) {
    const item = `step ${k + 1} (item ${k} of the array)`;
    return renamed(err, `${sent.file}: ${column !== undefined ? `"${column}" of ${item}` : item}${rest}`, { file: sent.file });
  }
  const line = sent.lines[k];
  if (line === undefined) return err;
  if (column !== undefined && WHOLE_COLUMN.test(rest)) return renamed(err, `${sent.file}: column "${column}"${rest}`, { file: sent.file });
  return renamed(err, `${sent.file}:${line}: ${column !== undefined ? `column "${column}"` : 'the row'}${rest}`, { file: sent.file, line });
}

const renamed = (err: ApiClientError, message: string, place: Record<string, unknown>) => new ApiClientError(err.status, err.code, message, { ...err.details, ...place }, err.request);
