/**
 * @module cli/commands/train
 * `edge-automl train --dataset N --target COL [--budget 60s|5m|100trials] …`: starts an AutoML job and,
 * by default, follows it to the end with a live bar (trials done against the budget, best score), then
 * prints the result and the leaderboard. `--no-wait` prints the job id and returns at once. A job
 * that fails or is cancelled exits 1, so scripts can rely on the exit code. `--ignore` and
 * `--date-order` become the job's column overrides; `--covariates` a forecast job's known-future columns,
 * `--past-covariates` its columns observed only up to now, `--origins` the rolling origins it validates
 * on. `--image-size 8x8` gives an image job on a table whose pixel columns are not named px_* its shape
 * (image-size). `--challenge [--margin X] [--promotion RULE]` makes the result the model's champion only
 * if it beats the champion on held-out rows.
 */
import type { Command } from 'commander';
import { ApiClientError, type CreateJobBody } from '../../client';
import { parseBudget } from '../budget';
import { action, commaList, nonNegativeNumber, positiveInt, positiveNumber, wholeNumberUpTo } from '../command-kit';
import { dateOrderHint, dateOrderList, type DayMonthOrder } from '../date-order';
import { HintedApiError, UsageError } from '../errors';
import { followJob } from '../follow-job';
import { type ImageSize, imageSize } from '../image-size';
import { timeColumnHint } from '../time-column-hint';

interface TrainOptions {
  dataset: string;
  datasetVersion?: number;
  target: string;
  budget?: string;
  metric?: string;
  positiveClass?: string;
  models?: string[];
  task?: CreateJobBody['task'];
  strategy?: CreateJobBody['strategy'];
  model?: string;
  replaceModel?: boolean;
  challenge?: boolean;
  margin?: number;
  promotion?: string;
  seed?: number;
  horizon?: number;
  origins?: number;
  timeColumn?: string;
  groupColumn?: string;
  covariates?: string[];
  pastCovariates?: string[];
  timezone?: string;
  ignore?: string[];
  dateOrder?: Record<string, DayMonthOrder>;
  flipInvariant?: boolean;
  maxValue?: number;
  imageSize?: ImageSize;
  wait: boolean;
}

export function registerTrain(program: Command): void {
  program
    .command('train')
    .description('start an AutoML search and follow it to the end')
    .requiredOption('-d, --dataset <name>', 'dataset to train on (its newest version, or --dataset-version)')
    .option('--dataset-version <n>', 'train on this version of the dataset (default: its newest)', positiveInt('--dataset-version'))
    .requiredOption('-t, --target <column>', 'column to predict')
    .option('-b, --budget <budget>', 'time and/or trials: 60s, 5m, 100trials, 5m,100trials (server default: 60s)')
    .option('--metric <metric>', 'roc_auc, log_loss, accuracy, balanced_accuracy, f1, rmse, mae, r2, mape; a forecast: rmse, mae, mase, mape')
    .option('--positive-class <label>', 'binary jobs: the class f1 is computed for, e.g. fraud (default: yes/true/1 of such a pair, else the rarer class)')
    .option('--models <families>', 'comma-separated families, e.g. gbdt,random_forest,linear', commaList)
    .option('--task <task>', 'binary, multiclass, regression, image or forecast (default: inferred from the target)')
    .option('--strategy <strategy>', 'auto, bayes, random, grid, evolution, asha, hyperband')
    .option('--horizon <n>', 'forecast jobs: points to forecast ahead', positiveInt('--horizon'))
    .option('--origins <n>', 'forecast jobs: rolling origins each trial validates on, 1 to 10 (default 3); more need a longer series', positiveInt('--origins'))
    .option('--time-column <column>', 'forecast jobs: the time column (default: the only datetime column)')
    .option('--group-column <column>', 'forecast jobs: the column that tells several series apart')
    .option('--covariates <columns>', 'forecast jobs: comma-separated columns whose future values are known (promotions, prices, holidays); every forecast then gives them per step', commaList)
    .option('--timezone <zone>', 'forecast jobs: the IANA time zone of a sub-daily series\' local times (such as Europe/Paris): times written without an offset are placed in it, and forecasts are written with its offsets')
    .option('--past-covariates <columns>', 'forecast jobs: comma-separated columns observed only up to now (visits, observed weather); read at least --horizon steps back, so forecasts need no values of them', commaList)
    .option('--ignore <columns>', 'comma-separated columns the models must not use (e.g. an id or a leak)', commaList)
    .option('--date-order <col=order,...>', 'how to read dates such as 03/04/2024 in these columns: mdy (month first, March 4) or dmy (day first, April 3), e.g. d=dmy,e=mdy; upload reads them month first when no day is above 12 and warns', dateOrderList)
    .option('--flip-invariant', 'image jobs: a mirrored image is the same class (adds flips to the searched augmentation)')
    .option('--max-value <n>', 'image jobs: the pixel value of full intensity in the data (default: read from the data)', positiveNumber('--max-value'))
    .option('--image-size <HxW[xC]>', 'image jobs on a table whose pixel columns are not named px_*: height x width (x channels, default 1) of its images, e.g. 8x8 or 32x32x3; the columns besides the target are its pixels in file order, row by row', imageSize('--image-size'))
    .option('-m, --model <name>', 'name to publish the model under (default: the dataset name)')
    .option('--replace-model', 'publish even where the model of that name predicts another target or task, reads columns this dataset lacks, or forecasts other series (another time or group column, step, covariates or time zone; its clients will break)')
    .option('--challenge', "publish to an existing model as a challenger: the champion only if it beats the champion on held-out rows, else kept as a version")
    .option('--margin <x>', 'with --challenge: how much the challenger must beat the champion by (default 0.002 for scores, 0.01 relative for losses)', nonNegativeNumber('--margin'))
    .option('--promotion <rule>', "with --challenge: beyond_noise (default: by the margin and beyond the holdout's noise) or margin (by the margin alone)")
    .option('--seed <n>', 'random seed, for reproducible searches', wholeNumberUpTo('--seed', 2 ** 31 - 1))
    .option('--no-wait', 'print the job id and return without waiting')
    .action(
      action<TrainOptions>(async (ctx, _args, opts) => {
        const body: CreateJobBody = {
          dataset: opts.dataset,
          ...(opts.datasetVersion !== undefined ? { dataset_version: opts.datasetVersion } : {}),
          target: opts.target,
          ...(opts.budget !== undefined ? { budget: parseBudget(opts.budget) } : {}),
          ...(opts.metric !== undefined ? { metric: opts.metric as CreateJobBody['metric'] } : {}),
          ...(opts.positiveClass !== undefined ? { positive_class: opts.positiveClass } : {}),
          ...(opts.models !== undefined ? { models: opts.models } : {}),
          ...(opts.task !== undefined ? { task: opts.task } : {}),
          ...(opts.strategy !== undefined ? { strategy: opts.strategy } : {}),
          ...(opts.model !== undefined ? { model: opts.model } : {}),
          ...(opts.replaceModel ? { replace_model: true } : {}),
          ...challengeOption(opts),
          ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
          ...columnOptions(opts),
          ...forecastOptions(opts),
          ...imageOptions(opts),
        };
        const created = await ctx.api.jobs.create(body).catch((err: unknown) => {
          // The server names what differs; at the command line the way out is a flag or another name.
          if (err instanceof ApiClientError && err.code === 'model_conflict') {
            if (opts.challenge) throw new HintedApiError(err, 'a challenger must predict what the champion predicts: publish under another name with --model NAME, or replace it with --replace-model instead of --challenge');
            throw new HintedApiError(err, `publish under another name with --model NAME, or replace it anyway with --replace-model (clients of the model will get the new one)`);
          }
          // A forecast's time column is named, or its dates read in an order, by flags, not by the JSON the server names.
          const timeHint = err instanceof ApiClientError ? timeColumnHint(err, ctx.cli) : undefined;
          if (err instanceof ApiClientError && timeHint) throw new HintedApiError(err, timeHint);
          // Local times without offsets: the server asks for forecast.timezone, which is --timezone here.
          if (err instanceof ApiClientError && opts.timezone === undefined && err.message.includes('forecast.timezone (such as')) {
            throw new HintedApiError(err, 'name the zone the times were written in with --timezone, such as --timezone Europe/Paris');
          }
          throw err;
        });
        // What to know before trusting the score, said at once (also with --no-wait); the final report repeats it.
        if (!ctx.json) {
          for (const warning of created.warnings ?? []) {
            const hint = dateOrderHint(warning, ctx.cli);
            process.stderr.write(`warning: ${warning}\n${hint ? `hint: ${hint}\n` : ''}`);
          }
        }
        if (!opts.wait) {
          if (ctx.json) process.stdout.write(`${JSON.stringify(created, null, 2)}\n`);
          else process.stdout.write(`job ${created.id} ${created.status}; follow it with: ${ctx.cli} status ${created.id} --watch\n`);
          return;
        }
        if (!ctx.json) process.stderr.write(`job ${created.id} started\n`);
        await followJob(ctx, created.id);
      }),
    );
}

/** The `challenge` field: true, or the terms given (the server names a wrong rule, as for a schedule). */
function challengeOption(opts: TrainOptions): Pick<CreateJobBody, 'challenge'> {
  const terms = { ...(opts.margin !== undefined ? { margin: opts.margin } : {}), ...(opts.promotion !== undefined ? { promotion: opts.promotion as 'beyond_noise' | 'margin' } : {}) };
  const given = Object.keys(terms).map((k) => `--${k}`);
  if (!opts.challenge) {
    if (given.length > 0) throw new UsageError(`${given.length === 1 ? 'needs' : 'need'} --challenge`, given.join(', '));
    return {};
  }
  return { challenge: given.length > 0 ? terms : true };
}

/** The `columns` field: columns left out (--ignore) and date columns with their order (--date-order). */
function columnOptions(opts: TrainOptions): Pick<CreateJobBody, 'columns'> {
  const ignored = opts.ignore ?? [];
  const dated = Object.entries(opts.dateOrder ?? {});
  const both = dated.find(([c]) => ignored.includes(c));
  if (both) throw new UsageError(`"${both[0]}" is also in --ignore: an ignored column is not read, so it has no dates to order`, '--date-order');
  if (ignored.length === 0 && dated.length === 0) return {};
  return {
    columns: Object.fromEntries([
      ...ignored.map((c) => [c, 'ignore' as const] as const),
      ...dated.map(([c, order]) => [c, { type: 'datetime' as const, date_order: order }] as const),
    ]),
  };
}

/**
 * The `image` field of an image job, from the flags that were given. A shape only means something to an
 * image job on a table (a zip's images, a px_* grid and a challenged champion tell theirs), so it needs
 * --task image; flips and the pixel range also serve a zip, whose job is an image job by itself.
 */
function imageOptions(opts: TrainOptions): Pick<CreateJobBody, 'image'> {
  if (opts.imageSize && opts.task !== 'image') throw new UsageError('needs --task image (the shape of the images a table of pixel columns holds)', '--image-size');
  const image = { ...opts.imageSize, ...(opts.flipInvariant ? { flip_invariant: true } : {}), ...(opts.maxValue !== undefined ? { max_value: opts.maxValue } : {}) };
  return Object.keys(image).length > 0 ? { image } : {};
}

/** The `forecast` field of a forecast job, from the flags that were given (none: the server's defaults). */
function forecastOptions(opts: TrainOptions): Pick<CreateJobBody, 'forecast'> {
  // An empty list would be a forecast job "with" covariates that names none: say so rather than send it.
  if (opts.covariates?.length === 0) throw new UsageError('name at least one column, e.g. --covariates promo,price', '--covariates');
  if (opts.pastCovariates?.length === 0) throw new UsageError('name at least one column, e.g. --past-covariates visits,temperature', '--past-covariates');
  const forecast = {
    ...(opts.horizon !== undefined ? { horizon: opts.horizon } : {}),
    ...(opts.origins !== undefined ? { origins: opts.origins } : {}),
    ...(opts.timeColumn !== undefined ? { time_column: opts.timeColumn } : {}),
    ...(opts.groupColumn !== undefined ? { group_column: opts.groupColumn } : {}),
    ...(opts.covariates !== undefined ? { covariates: opts.covariates } : {}),
    ...(opts.pastCovariates !== undefined ? { past_covariates: opts.pastCovariates } : {}),
    ...(opts.timezone !== undefined ? { timezone: opts.timezone } : {}),
  };
  // Only a forecast job takes them (the server would refuse naming its JSON field): say so in the flags' words.
  const flags = Object.keys(forecast).map((field) => `--${field.replace(/_/g, '-')}`);
  if (flags.length > 0 && opts.task !== 'forecast') throw new UsageError(`${flags.length === 1 ? 'needs' : 'need'} --task forecast`, flags.join(', '));
  return Object.keys(forecast).length > 0 ? { forecast } : {};
}
