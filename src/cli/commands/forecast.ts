/**
 * @module cli/commands/forecast
 * `edge-automl forecast MODEL --horizon N [--level 0.95] [--quantiles 0.1,0.5,0.9] [--group G] [--version N] [--format table|csv]`:
 * the next N points of a forecast model's series with their prediction intervals (at any level from 0.5
 * to 0.995) and the quantiles asked for, one line per step.
 * `--covariates FILE` gives a model trained with known-future covariates their values for each step
 * ahead (cli/covariate-file); a CSV's numeric cells are sent as numbers, as the model's view lists them,
 * and a CSV of several series with their times (as the training data was written) gives the --group
 * series' rows, its times held to the forecast's steps (cli/forecast-covariates).
 */
import type { Command } from 'commander';
import { ApiClientError, type Forecast, type ForecastBody } from '../../client';
import { action, positiveInt } from '../command-kit';
import { MAX_LEVEL, MAX_QUANTILE, MAX_QUANTILES, MIN_LEVEL, MIN_QUANTILE } from '../../engine/forecast/intervals';
import { HintedApiError, UsageError } from '../errors';
import { checkSentTimes, nameCovariateStep, readCovariates } from '../forecast-covariates';
import { forecastCommandHint } from '../forecast-hint';
import { forecastCsv, forecastTable } from '../forecast-report';
import { predictCommandHint } from '../image-files';
import { emit } from '../output';

interface ForecastOptions {
  horizon: number;
  level?: number;
  quantiles?: number[];
  group?: string;
  version?: number;
  covariates?: string;
  format: string;
}

/** An interval level in the range the forecast route takes (its `level` field). */
function level(value: string): number {
  const n = value.trim() === '' ? NaN : Number(value);
  if (!(n >= MIN_LEVEL && n <= MAX_LEVEL)) throw new UsageError(`expected a number from ${MIN_LEVEL} to ${MAX_LEVEL} (0.85 for 85%), got "${value}"`, '--level');
  return n;
}

/** "0.1,0.5,0.9": quantiles in the range the forecast route takes (its `quantiles` field), each named when bad. */
function quantiles(value: string): number[] {
  const items = value.split(',').map((s) => s.trim());
  const out = items.map((item) => {
    const n = item === '' ? NaN : Number(item);
    if (!(n >= MIN_QUANTILE && n <= MAX_QUANTILE)) throw new UsageError(`expected numbers from ${MIN_QUANTILE} to ${MAX_QUANTILE} separated by commas (0.1,0.5,0.9), got "${item}" in "${value}"`, '--quantiles');
    return n;
  });
  const distinct = new Set(out).size;
  if (distinct > MAX_QUANTILES) throw new UsageError(`at most ${MAX_QUANTILES} distinct quantiles, got ${distinct}`, '--quantiles');
  return out;
}

/** Whether a refusal's field is one the command was not given: the group (--group) or the covariates (--covariates). */
const isMissingFlag = (field: unknown, opts: ForecastOptions): boolean => (field === 'group' && opts.group === undefined) || (field === 'covariates' && opts.covariates === undefined);

export function registerForecast(program: Command): void {
  program
    .command('forecast')
    .description("forecast the next points of a forecast model's series, with prediction intervals")
    .argument('<model>', 'model name (trained with --task forecast)')
    .requiredOption('--horizon <n>', 'points ahead', positiveInt('--horizon'))
    .option('--level <p>', `prediction interval coverage from ${MIN_LEVEL} to ${MAX_LEVEL} (default 0.8)`, level)
    .option('--quantiles <list>', `forecast quantiles from ${MIN_QUANTILE} to ${MAX_QUANTILE}, comma-separated (0.1,0.5,0.9): a column each (q0.1, …)`, quantiles)
    .option('--group <name>', 'which series, for a model trained on grouped series')
    .option('--version <n>', 'model version (default: the champion)', positiveInt('--version'))
    .option('--covariates <file>', 'a model trained with --covariates: their values for each step ahead, a CSV file (header = covariate names, one row per step; the series\' time and group columns may be beside them, and only the --group series\' rows are sent) or a JSON array of objects (.json)')
    .option('-f, --format <format>', 'table or csv', 'table')
    .action(
      action<ForecastOptions>(async (ctx, [model], opts) => {
        if (opts.format !== 'table' && opts.format !== 'csv') throw new UsageError(`"${opts.format}" is not an output format; use table or csv`, '--format');
        const covariates = opts.covariates === undefined ? undefined : await readCovariates(ctx, model, opts.covariates, opts);
        const body: ForecastBody = {
          horizon: opts.horizon,
          ...(opts.level !== undefined ? { level: opts.level } : {}),
          ...(opts.quantiles !== undefined ? { quantiles: opts.quantiles } : {}),
          ...(opts.group !== undefined ? { group: opts.group } : {}),
          ...(opts.version !== undefined ? { version: opts.version } : {}),
          ...(covariates !== undefined ? { covariates: covariates.steps } : {}),
        };
        let result: Forecast;
        try {
          result = await ctx.api.models.forecast(model, body);
        } catch (err) {
          // The server's advice names the predict route; at the command line it is the predict command,
          // given an image file for a model that takes images (its view says so).
          if (err instanceof ApiClientError && err.code === 'not_a_forecast_model') {
            const takesImages = await ctx.api.models.get(model).then((view) => Boolean(view.image), () => false);
            throw new HintedApiError(err, predictCommandHint(ctx.cli, model, takesImages), err.message.split('; ask it with')[0]);
          }
          // The server asks for the group or the covariates in the route's words; the command takes them as flags.
          if (err instanceof ApiClientError && err.code === 'invalid_input' && isMissingFlag(err.details.field, opts)) {
            const view = await ctx.api.models.get(model, opts.version !== undefined ? { version: opts.version } : {}).then((v) => v.forecast, () => undefined);
            throw new HintedApiError(err, forecastCommandHint(ctx.cli, model, view, opts.version));
          }
          throw covariates ? nameCovariateStep(err, covariates) : err;
        }
        if (covariates) checkSentTimes(covariates, result);
        emit(ctx, result, () => (opts.format === 'csv' ? forecastCsv(result) : forecastTable(result)));
      }),
    );
}
