/**
 * @module cli/commands/status
 * `edge-automl status JOB [--watch]`: a job's state, best score and leaderboard; `--watch` follows a
 * running job with the live bar until it ends. Either way a job that ended failed or cancelled exits 1, as
 * `train` does, so a script can branch on it. `edge-automl jobs` lists the tenant's jobs; `edge-automl
 * cancel JOB` stops one, keeping its finished trials and publishing the best so far.
 */
import type { Command } from 'commander';
import { action, positiveInt } from '../command-kit';
import { followJob } from '../follow-job';
import { formatTime, renderTable } from '../format';
import { JobEndedError } from '../errors';
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
        emit(ctx, job, () => describeJob(job, ctx.cli, opts.top));
        if (job.status === 'failed' || job.status === 'cancelled') throw new JobEndedError(job.id, job.status, job.error?.code ?? job.status, job.error?.message ?? `the job was ${job.status}`);
      }),
    );

  program
    .command('cancel')
    .description('stop a running job, keeping its finished trials and publishing the best model so far')
    .argument('<job>', 'job id (from train)')
    .action(
      action(async (ctx, [id]) => {
        // What the cancel did is the server's to say (a job ending as it was asked, one publishing that
        // ends shortly): a view read before it could say otherwise.
        const job = await ctx.api.jobs.cancel(id);
        emit(ctx, job, () => `${job.cancel.message ? `${job.cancel.message}\n` : ''}${describeJob(job, ctx.cli, 5)}`);
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
