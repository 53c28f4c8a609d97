/**
 * @module cli/commands/forecast
 * `edge-automl forecast MODEL --horizon N [--level 0.95] [--group G] [--version N] [--format table|csv]`:
 * the next N points of a forecast model's series with their prediction intervals, one line per step.
 * `--covariates FILE` gives a model trained with known-future covariates their values for each step
 * ahead (cli/covariate-file); a CSV's numeric cells are sent as numbers, as the model's view lists them.
 */
import type { Command } from 'commander';
import { ApiClientError, type Forecast, type ForecastBody } from '../../client';
import { action, positiveInt } from '../command-kit';
import type { Context } from '../context';
import { type CovariateSteps, csvSteps, readCovariateFile } from '../covariate-file';
import { HintedApiError, UsageError } from '../errors';
import { forecastCsv, forecastTable } from '../forecast-report';
import { predictCommandHint } from '../image-files';
import { cliCommand } from '../invocation';
import { emit } from '../output';

interface ForecastOptions {
  horizon: number;
  level?: Level;
  group?: string;
  version?: number;
  covariates?: string;
  format: string;
}

/** The interval levels the forecast route offers (its `level` field). */
const LEVELS = [0.5, 0.8, 0.9, 0.95, 0.99] as const;
type Level = (typeof LEVELS)[number];

function level(value: string): Level {
  const n = Number(value);
  const known = LEVELS.find((l) => l === n);
  if (known === undefined) throw new UsageError(`expected one of ${LEVELS.join(', ')}, got "${value}"`, '--level');
  return known;
}

export function registerForecast(program: Command): void {
  program
    .command('forecast')
    .description("forecast the next points of a forecast model's series, with prediction intervals")
    .argument('<model>', 'model name (trained with --task forecast)')
    .requiredOption('--horizon <n>', 'points ahead', positiveInt('--horizon'))
    .option('--level <p>', `prediction interval coverage: ${LEVELS.join(', ')} (default 0.8)`, level)
    .option('--group <name>', 'which series, for a model trained on grouped series')
    .option('--version <n>', 'model version (default: the champion)', positiveInt('--version'))
    .option('--covariates <file>', 'a model trained with --covariates: their values for each step ahead, a CSV file (header = covariate names, one row per step) or a JSON array of objects (.json)')
    .option('-f, --format <format>', 'table or csv', 'table')
    .action(
      action<ForecastOptions>(async (ctx, [model], opts) => {
        if (opts.format !== 'table' && opts.format !== 'csv') throw new UsageError(`"${opts.format}" is not an output format; use table or csv`, '--format');
        const covariates = opts.covariates === undefined ? undefined : await covariateSteps(ctx, model, opts.covariates, opts.horizon);
        const body: ForecastBody = {
          horizon: opts.horizon,
          ...(opts.level !== undefined ? { level: opts.level } : {}),
          ...(opts.group !== undefined ? { group: opts.group } : {}),
          ...(opts.version !== undefined ? { version: opts.version } : {}),
          ...(covariates !== undefined ? { covariates } : {}),
        };
        let result: Forecast;
        try {
          result = await ctx.api.models.forecast(model, body);
        } catch (err) {
          // The server's advice names the predict route; at the command line it is the predict command,
          // given an image file for a model that takes images (its view says so).
          if (err instanceof ApiClientError && err.code === 'not_a_forecast_model') {
            const takesImages = await ctx.api.models.get(model).then((view) => Boolean(view.image), () => false);
            throw new HintedApiError(err, predictCommandHint(cliCommand(), model, takesImages), err.message.split('; ask it with')[0]);
          }
          throw err;
        }
        emit(ctx, result, () => (opts.format === 'csv' ? forecastCsv(result) : forecastTable(result)));
      }),
    );
}

/**
 * The steps of a covariates file, at least `horizon` of them. A CSV needs the model's view to know which
 * covariates are numbers (its cells are all text); a JSON file says so itself and is sent as it is.
 */
async function covariateSteps(ctx: Context, model: string, file: string, horizon: number): Promise<CovariateSteps> {
  const read = await readCovariateFile(file);
  const count = read.format === 'json' ? read.steps.length : read.table.rows.length;
  if (count < horizon) throw new UsageError(`holds ${count} step${count === 1 ? '' : 's'} ahead; --horizon ${horizon} needs the covariates of each of the ${horizon} steps (one ${read.format === 'json' ? 'object' : 'row'} per step)`, file);
  if (read.format === 'json') return read.steps;
  const view = await ctx.api.models.get(model);
  return csvSteps(read.table, view.forecast?.covariates ?? [], file);
}
