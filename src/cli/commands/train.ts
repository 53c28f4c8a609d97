/**
 * @module cli/commands/train
 * `edge-automl train --dataset N --target COL [--budget 60s|5m|100trials] …`: starts an AutoML job and,
 * by default, follows it to the end with a live bar (trials done against the budget, best score), then
 * prints the result and the leaderboard. `--no-wait` prints the job id and returns at once. A job
 * that fails or is cancelled exits 1, so scripts can rely on the exit code.
 */
import type { Command } from 'commander';
import type { CreateJobBody } from '../../client';
import { parseBudget } from '../budget';
import { action, commaList, positiveInt, positiveNumber } from '../command-kit';
import { followJob } from '../follow-job';
import { cliCommand } from '../invocation';

interface TrainOptions {
  dataset: string;
  target: string;
  budget?: string;
  metric?: string;
  models?: string[];
  task?: CreateJobBody['task'];
  strategy?: CreateJobBody['strategy'];
  model?: string;
  seed?: number;
  horizon?: number;
  timeColumn?: string;
  groupColumn?: string;
  ignore?: string[];
  flipInvariant?: boolean;
  maxValue?: number;
  wait: boolean;
}

export function registerTrain(program: Command): void {
  program
    .command('train')
    .description('start an AutoML search and follow it to the end')
    .requiredOption('-d, --dataset <name>', 'dataset to train on (its newest version)')
    .requiredOption('-t, --target <column>', 'column to predict')
    .option('-b, --budget <budget>', 'time and/or trials: 60s, 5m, 100trials, 5m,100trials (server default: 60s)')
    .option('--metric <metric>', 'roc_auc, log_loss, accuracy, balanced_accuracy, f1, rmse, mae, r2, mape')
    .option('--models <families>', 'comma-separated families, e.g. gbdt,random_forest,linear', commaList)
    .option('--task <task>', 'binary, multiclass, regression, image or forecast (default: inferred from the target)')
    .option('--strategy <strategy>', 'auto, bayes, random, grid, evolution, asha, hyperband')
    .option('--horizon <n>', 'forecast jobs: points to forecast ahead', positiveInt('--horizon'))
    .option('--time-column <column>', 'forecast jobs: the time column (default: the only datetime column)')
    .option('--group-column <column>', 'forecast jobs: the column that tells several series apart')
    .option('--ignore <columns>', 'comma-separated columns the models must not use (e.g. an id or a leak)', commaList)
    .option('--flip-invariant', 'image jobs: a mirrored image is the same class (adds flips to the searched augmentation)')
    .option('--max-value <n>', 'image jobs: the pixel value of full intensity in the data (default: read from the data)', positiveNumber('--max-value'))
    .option('-m, --model <name>', 'name to publish the model under (default: the dataset name)')
    .option('--seed <n>', 'random seed, for reproducible searches', positiveInt('--seed'))
    .option('--no-wait', 'print the job id and return without waiting')
    .action(
      action<TrainOptions>(async (ctx, _args, opts) => {
        const body: CreateJobBody = {
          dataset: opts.dataset,
          target: opts.target,
          ...(opts.budget !== undefined ? { budget: parseBudget(opts.budget) } : {}),
          ...(opts.metric !== undefined ? { metric: opts.metric as CreateJobBody['metric'] } : {}),
          ...(opts.models !== undefined ? { models: opts.models } : {}),
          ...(opts.task !== undefined ? { task: opts.task } : {}),
          ...(opts.strategy !== undefined ? { strategy: opts.strategy } : {}),
          ...(opts.model !== undefined ? { model: opts.model } : {}),
          ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
          ...(opts.ignore !== undefined ? { columns: Object.fromEntries(opts.ignore.map((c) => [c, 'ignore' as const])) } : {}),
          ...forecastOptions(opts),
          ...imageOptions(opts),
        };
        const created = await ctx.api.jobs.create(body);
        // What to know before trusting the score, said at once (also with --no-wait); the final report repeats it.
        if (!ctx.json) for (const warning of created.warnings ?? []) process.stderr.write(`warning: ${warning}\n`);
        if (!opts.wait) {
          if (ctx.json) process.stdout.write(`${JSON.stringify(created, null, 2)}\n`);
          else process.stdout.write(`job ${created.id} ${created.status}; follow it with: ${cliCommand()} status ${created.id} --watch\n`);
          return;
        }
        if (!ctx.json) process.stderr.write(`job ${created.id} started\n`);
        await followJob(ctx, created.id);
      }),
    );
}

/** The `image` field of an image job, from the flags that were given. */
function imageOptions(opts: TrainOptions): Pick<CreateJobBody, 'image'> {
  const image = { ...(opts.flipInvariant ? { flip_invariant: true } : {}), ...(opts.maxValue !== undefined ? { max_value: opts.maxValue } : {}) };
  return Object.keys(image).length > 0 ? { image } : {};
}

/** The `forecast` field of a forecast job, from the flags that were given (none: the server's defaults). */
function forecastOptions(opts: TrainOptions): Pick<CreateJobBody, 'forecast'> {
  const forecast = {
    ...(opts.horizon !== undefined ? { horizon: opts.horizon } : {}),
    ...(opts.timeColumn !== undefined ? { time_column: opts.timeColumn } : {}),
    ...(opts.groupColumn !== undefined ? { group_column: opts.groupColumn } : {}),
  };
  return Object.keys(forecast).length > 0 ? { forecast } : {};
}
