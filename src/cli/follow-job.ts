/**
 * @module cli/follow-job
 * Following a job to its end with the progress bar, then printing it (shared by `train` and
 * `status --watch`). The wait allows the job's own time budget plus a generous margin for queued
 * trials, the ensemble and a busy local server; a job that did not succeed becomes a JobEndedError
 * after it is printed, so the exit code says so.
 */
import type { Job } from '../client';
import type { Context } from './context';
import { JobEndedError } from './errors';
import { describeJob } from './job-report';
import { emit } from './output';
import { jobProgress } from './progress';

const MARGIN_MS = 15 * 60_000;

/** `leaderboardRows`: how many leaderboard rows the final report shows (status --top). */
export async function followJob(ctx: Context, id: string, leaderboardRows?: number): Promise<Job> {
  const first = await ctx.api.jobs.get(id);
  const bar = jobProgress(ctx.json);
  let job: Job;
  try {
    bar.update(first);
    job = await ctx.api.waitForJob(id, { onProgress: (j) => bar.update(j), timeoutMs: first.progress.budget.seconds * 1000 + MARGIN_MS, pollMs: 1_000 });
  } finally {
    bar.stop();
  }
  emit(ctx, job, () => describeJob(job, ctx.cli, leaderboardRows));
  if (job.status !== 'succeeded') throw new JobEndedError(job.id, job.status, job.error?.code ?? job.status, job.error?.message ?? `the job was ${job.status}`);
  return job;
}
