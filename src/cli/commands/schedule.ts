/**
 * @module cli/commands/schedule
 * `edge-automl schedule MODEL --every 1d --dataset N [--budget 5m] [--min-new-rows 500] [--margin x]
 * [--promotion beyond_noise|margin] [--on-drift PSI [--drift-hours N] [--drift-min-rows N]]` sets (or replaces) a model's retraining
 * schedule; `--show` prints it with its recent runs and `--delete` removes it.
 */
import type { Command } from 'commander';
import type { ScheduleBody } from '../../client';
import { parseBudget } from '../budget';
import { action, nonNegativeNumber, positiveInt, positiveNumber, wholeNumberUpTo } from '../command-kit';
import { UsageError } from '../errors';
import { emit } from '../output';
import { describeSchedule } from '../schedule-report';

/** A scheduled job must end; without --budget it gets the same one minute a job gets by default. */
const DEFAULT_BUDGET = '60s';

interface ScheduleOptions {
  every?: string;
  dataset?: string;
  budget?: string;
  minNewRows?: number;
  margin?: number;
  promotion?: string;
  show?: boolean;
  delete?: boolean;
  onDrift?: number;
  driftHours?: number;
  driftMinRows?: number;
}

export function registerSchedule(program: Command): void {
  program
    .command('schedule')
    .description("set, show or delete a model's retraining schedule")
    .argument('<model>', 'model name')
    .option('--every <cadence>', 'interval (30m, 6h, 1d) or a 5-field cron expression in UTC')
    .option('-d, --dataset <name>', 'dataset to retrain on (its newest version at each run)')
    .option('-b, --budget <budget>', `budget of each retraining job: 60s, 5m, 20trials, 5m,20trials (default ${DEFAULT_BUDGET})`)
    .option('--min-new-rows <n>', 'skip a run unless this many rows are new since the data last trained on (a new upload counts all its rows)', wholeNumberUpTo('--min-new-rows', 1_000_000_000))
    .option('--margin <x>', 'how much a challenger must beat the champion by', nonNegativeNumber('--margin'))
    .option('--promotion <rule>', 'beyond_noise (default: by the margin and beyond the holdout\'s noise) or margin (by the margin alone)')
    .option('--on-drift <psi>', 'also retrain early when a live feature drifts to this PSI (e.g. 0.25)', positiveNumber('--on-drift'))
    .option('--drift-hours <n>', 'with --on-drift: window of live rows, in hours (default 24)', positiveInt('--drift-hours'))
    .option('--drift-min-rows <n>', 'with --on-drift: fewest live rows before a PSI counts (default 200)', positiveInt('--drift-min-rows'))
    .option('--show', 'print the schedule and its recent runs')
    .option('--delete', 'remove the schedule')
    .action(
      action<ScheduleOptions>(async (ctx, [model], opts) => {
        if (opts.show && opts.delete) throw new UsageError('choose one of --show and --delete', '--show');
        // Options that set a schedule mean nothing beside --show or --delete: say so rather than ignore them.
        const setting = (['every', 'dataset', 'budget', 'minNewRows', 'margin', 'promotion', 'onDrift', 'driftHours', 'driftMinRows'] as const).find((k) => opts[k] !== undefined);
        if ((opts.show || opts.delete) && setting) throw new UsageError(`${opts.show ? '--show' : '--delete'} takes no schedule settings; run without it to set the schedule`, `--${setting.replace(/[A-Z]/g, (ch) => `-${ch.toLowerCase()}`)}`);
        if (opts.onDrift === undefined && (opts.driftHours !== undefined || opts.driftMinRows !== undefined)) throw new UsageError('only with --on-drift PSI', opts.driftHours !== undefined ? '--drift-hours' : '--drift-min-rows');
        if (opts.show) {
          const found = await ctx.api.schedules.get(model);
          emit(ctx, found, () => describeSchedule(found));
          return;
        }
        if (opts.delete) {
          await ctx.api.schedules.delete(model);
          emit(ctx, { deleted: true, model }, () => `schedule of ${model} deleted`);
          return;
        }
        if (!opts.every) throw new UsageError('give --every (e.g. 1d), or --show / --delete', '--every');
        if (!opts.dataset) throw new UsageError('give --dataset: the dataset each run retrains on', '--dataset');
        const body: ScheduleBody = {
          every: opts.every,
          dataset: opts.dataset,
          budget: parseBudget(opts.budget ?? DEFAULT_BUDGET),
          ...(opts.minNewRows !== undefined ? { min_new_rows: opts.minNewRows } : {}),
          ...(opts.margin !== undefined ? { margin: opts.margin } : {}),
          // The API names a wrong rule (400 naming promotion); the CLI passes it on as given.
          ...(opts.promotion !== undefined ? { promotion: opts.promotion as ScheduleBody['promotion'] } : {}),
          ...(opts.onDrift !== undefined
            ? { on_drift: { psi: opts.onDrift, ...(opts.driftHours !== undefined ? { hours: opts.driftHours } : {}), ...(opts.driftMinRows !== undefined ? { min_rows: opts.driftMinRows } : {}) } }
            : {}),
        };
        const saved = await ctx.api.schedules.put(model, body);
        emit(ctx, saved, () => describeSchedule(saved));
      }),
    );
}
