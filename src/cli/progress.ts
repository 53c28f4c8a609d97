/**
 * @module cli/progress
 * Progress on stderr, so stdout stays clean for results: a bar over bytes sent for uploads, and a bar
 * for a running job (trials done out of a trial budget, or seconds out of a time budget) with its phase
 * (cli/job-phase) and the best score so far. Bars draw only on a terminal; piped, a job prints a plain
 * line when its counts or phase change (at most every few seconds), and --json prints nothing here at all.
 */
import cliProgress from 'cli-progress';
import type { Job } from '../client';
import { formatBytes, formatDuration, formatNumber, metricLabel } from './format';
import { jobPhaseText } from './job-phase';

export interface Progress<T> {
  update(value: T): void;
  stop(): void;
}

const silent = { update() {}, stop() {} };
const onTerminal = () => Boolean(process.stderr.isTTY);

function newBar(format: string): cliProgress.SingleBar {
  return new cliProgress.SingleBar({ format, stream: process.stderr, hideCursor: true, barsize: 30, etaBuffer: 20 }, cliProgress.Presets.shades_classic);
}

/** Bytes of an upload; `update` takes the bytes sent so far. */
export function uploadProgress(label: string, totalBytes: number, quiet: boolean): Progress<number> {
  if (quiet || !onTerminal()) return silent;
  const bar = newBar(`${label} {bar} {percentage}% | {sent} of {size} | eta {eta_formatted}`);
  const size = formatBytes(totalBytes);
  bar.start(totalBytes, 0, { sent: formatBytes(0), size });
  return {
    update: (sent) => bar.update(sent, { sent: formatBytes(sent), size }),
    stop: () => bar.stop(),
  };
}

/** A running job; `update` takes each polled view. */
export function jobProgress(quiet: boolean): Progress<Job> {
  if (quiet) return silent;
  return onTerminal() ? jobBar() : jobLines();
}

function jobBar(): Progress<Job> {
  let bar: cliProgress.SingleBar | undefined;
  return {
    update(job) {
      const { byTrials, value, total } = measure(job);
      const payload = payloadOf(job);
      if (!bar) {
        bar = newBar(`${byTrials ? 'trials' : 'seconds'} {bar} {value}/{total} | {status} | done {done}, running {running}, failed {failed} | best {best} | {elapsed}`);
        bar.start(total, value, payload);
      } else bar.update(value, payload);
    },
    stop: () => bar?.stop(),
  };
}

function jobLines(): Progress<Job> {
  let last = '';
  let printedAt = 0;
  return {
    update(job) {
      const p = payloadOf(job);
      const line = `[${p.elapsed}] ${p.status}: done ${p.done}, running ${p.running}, failed ${p.failed}; best ${p.best}`;
      // A new phase is news; the time left alone is not (it moves on every poll).
      const counts = `${job.status} ${job.progress.phase ?? ''} ${p.done} ${p.failed} ${p.best}`;
      if (counts !== last && (Date.now() - printedAt > 3_000 || job.status !== 'running')) {
        process.stderr.write(`${line}\n`);
        last = counts;
        printedAt = Date.now();
      }
    },
    stop() {},
  };
}

/** A trial budget is counted in trials; otherwise the bar runs over the time budget. */
function measure(job: Job): { byTrials: boolean; value: number; total: number } {
  const budget = job.progress.budget;
  if (budget.trials !== undefined) {
    const done = job.progress.trials_done + job.progress.trials_failed;
    return { byTrials: true, value: Math.min(done, budget.trials), total: budget.trials };
  }
  const seconds = Math.round(job.progress.elapsed_ms / 1000);
  return { byTrials: false, value: Math.min(seconds, budget.seconds), total: budget.seconds };
}

function payloadOf(job: Job) {
  return {
    status: jobStage(job),
    done: job.progress.trials_done,
    running: job.progress.trials_running,
    failed: job.progress.trials_failed,
    best: job.best ? `${metricLabel(job.metric, job.positive_class)} ${formatNumber(job.best.score)} (${job.best.family})` : '-',
    elapsed: formatDuration(job.progress.elapsed_ms),
  };
}

/** The job's status and, while it runs, its phase: `running (searching, 42.0 s left)`. */
function jobStage(job: Job): string {
  const phase = jobPhaseText(job);
  return phase ? `${job.status} (${phase})` : job.status;
}
