/**
 * @module cli/commands/status
 * `edge-automl status JOB [--watch]`: a job's state, best score and leaderboard; `--watch` follows a
 * running job with the live bar until it ends. `edge-automl jobs` lists the tenant's jobs.
 */
import type { Command } from 'commander';
import { action, positiveInt } from '../command-kit';
import { followJob } from '../follow-job';
import { formatTime, renderTable } from '../format';
import { describeJob } from '../job-report';
import { emit } from '../output';

export function registerStatus(program: Command): void {
  program
    .command('status')
    .description("a job's progress, best score and leaderboard")
    .argument('<job>', 'job id (from train)')
    .option('-w, --watch', 'follow the job until it ends, with a live bar')
    .option('--top <n>', 'leaderboard rows to show', positiveInt('--top'), 10)
    .action(
      action<{ watch?: boolean; top: number }>(async (ctx, [id], opts) => {
        if (opts.watch) {
          await followJob(ctx, id, opts.top);
          return;
        }
        const job = await ctx.api.jobs.get(id);
        emit(ctx, job, () => describeJob(job, opts.top));
      }),
    );

  program
    .command('jobs')
    .description('list jobs, newest first')
    .action(
      action(async (ctx) => {
        const list = await ctx.api.jobs.list();
        emit(ctx, list, () =>
          list.jobs.length === 0
            ? 'no jobs yet'
            : renderTable(['job', 'status', 'dataset', 'target', 'model', 'created'], list.jobs.map((j) => [j.id, j.status, j.dataset, j.target, j.model_name, formatTime(j.created_at)])),
        );
      }),
    );
}
