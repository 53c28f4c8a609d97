/**
 * @module cli/follow-job
 * Following a job to its end with the progress bar, then printing it (shared by `train` and
 * `status --watch`). The wait allows the job's own time budget plus a generous margin for queued
 * trials, the ensemble and a busy local server; a job that did not succeed becomes a JobEndedError
 * after it is printed, so the exit code says so. Ctrl-C (or SIGTERM) stops the following, not the job:
 * the bar is put away (the cursor shown again) and a FollowInterruptedError says the job runs on and how
 * to follow or cancel it (exit 130); a second Ctrl-C while a poll hangs leaves at once.
 */
import type { Job } from '../client';
import type { Context } from './context';
import { EXIT, errorJson, errorText, FollowInterruptedError, JobEndedError } from './errors';
import { describeJob } from './job-report';
import { emit } from './output';
import { jobProgress } from './progress';

const MARGIN_MS = 15 * 60_000;

/** `leaderboardRows`: how many leaderboard rows the final report shows (status --top). */
export async function followJob(ctx: Context, id: string, leaderboardRows?: number): Promise<Job> {
  const first = await ctx.api.jobs.get(id);
  const bar = jobProgress(ctx.json);
  const interrupt = new AbortController();
  let caught: string | undefined;
  const onSignal = (signal: 'SIGINT' | 'SIGTERM') => {
    if (caught === undefined) {
      caught = signal;
      interrupt.abort();
      return;
    }
    // Asked again while a poll hangs: leave now, saying what the first would have.
    bar.stop();
    const err = new FollowInterruptedError(id, caught);
    process.stderr.write(ctx.json ? `${JSON.stringify(errorJson(err, ctx.cli))}\n` : `\n${errorText(err, ctx.cli)}\n`);
    process.exit(EXIT.interrupted);
  };
  const onInt = () => onSignal('SIGINT');
  const onTerm = () => onSignal('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  let job: Job;
  try {
    bar.update(first);
    job = await ctx.api.waitForJob(id, { onProgress: (j) => bar.update(j), timeoutMs: first.progress.budget.seconds * 1000 + MARGIN_MS, pollMs: 1_000, signal: interrupt.signal });
  } catch (err) {
    if (caught !== undefined) throw new FollowInterruptedError(id, caught);
    throw err;
  } finally {
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
    bar.stop();
  }
  emit(ctx, job, () => describeJob(job, ctx.cli, leaderboardRows));
  if (job.status !== 'succeeded') throw new JobEndedError(job.id, job.status, job.error?.code ?? job.status, job.error?.message ?? `the job was ${job.status}`);
  return job;
}
