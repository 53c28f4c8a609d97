/**
 * @module client/wait-for-job
 * Following a job to its end by polling `GET /v1/jobs/{id}`: each answer goes to `onProgress` (for a
 * progress bar), and the first terminal one (succeeded, failed, cancelled) is returned. A job that fails
 * is returned, not thrown: it is an answer about the job, and it carries its own `error`. A poll the
 * server answers with a passing failure (5xx, such as 503 storage_unavailable, or 429) is tried again
 * after a growing pause: one such answer used to end the wait (and a CLI's `train`) while the job ran
 * on. Throws past `maxPollFailures` of them in a row, past `timeoutMs`, on an aborted `signal`, or on
 * any other error (404: the job is not there).
 */
import { ApiClientError } from './errors';
import type { Job, JobStatus } from './types';

export interface WaitOptions {
  /** Called with every polled view, the terminal one included. */
  onProgress?: (job: Job) => void;
  /** Give up (JobWaitTimeoutError) after this long; default 15 minutes. */
  timeoutMs?: number;
  /** Pause between polls; default 1 s. */
  pollMs?: number;
  signal?: AbortSignal;
  /** Passing failures (5xx, 429) in a row tolerated before the last is thrown; default 5. */
  maxPollFailures?: number;
}

export const WAIT_DEFAULTS = Object.freeze({ timeoutMs: 15 * 60_000, pollMs: 1_000, maxPollFailures: 5 });

/** Longest pause after a passing failure. */
const MAX_RETRY_PAUSE_MS = 10_000;

/** An answer that says "not now" rather than "no": the server or a proxy failed, or asked to slow down. */
const isPassing = (err: unknown): boolean => err instanceof ApiClientError && (err.status >= 500 || err.status === 429);

export const isTerminalStatus = (status: JobStatus | string): boolean => status === 'succeeded' || status === 'failed' || status === 'cancelled';

/** The job was still unfinished when the wait ended; `job` is the last view seen. */
export class JobWaitTimeoutError extends Error {
  constructor(readonly job: Job, timeoutMs: number) {
    super(`job ${job.id} is still ${job.status} after ${Math.round(timeoutMs / 1000)} s (${job.progress.trials_done} trials done); it keeps running on the server`);
    this.name = 'JobWaitTimeoutError';
  }
}

export async function waitForJob(getJob: (id: string) => Promise<Job>, id: string, options: WaitOptions = {}): Promise<Job> {
  const timeoutMs = options.timeoutMs ?? WAIT_DEFAULTS.timeoutMs;
  const pollMs = options.pollMs ?? WAIT_DEFAULTS.pollMs;
  const until = Date.now() + timeoutMs;
  const maxFailures = options.maxPollFailures ?? WAIT_DEFAULTS.maxPollFailures;
  let failures = 0;
  for (;;) {
    options.signal?.throwIfAborted();
    let job: Job;
    try {
      job = await getJob(id);
      failures = 0;
    } catch (err) {
      if (!isPassing(err) || ++failures > maxFailures || Date.now() >= until) throw err;
      await sleep(Math.min(pollMs * 2 ** failures, MAX_RETRY_PAUSE_MS, Math.max(0, until - Date.now())), options.signal);
      continue;
    }
    options.onProgress?.(job);
    if (isTerminalStatus(job.status)) return job;
    if (Date.now() >= until) throw new JobWaitTimeoutError(job, timeoutMs);
    await sleep(Math.min(pollMs, Math.max(0, until - Date.now())), options.signal);
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(done, ms);
    function done() {
      signal?.removeEventListener('abort', aborted);
      resolve();
    }
    function aborted() {
      clearTimeout(timer);
      reject(signal?.reason);
    }
    signal?.addEventListener('abort', aborted, { once: true });
  });
}
