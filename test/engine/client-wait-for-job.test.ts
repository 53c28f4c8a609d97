/**
 * The client's waitForJob rides out passing failures of a poll (a 503 while object storage is away, a
 * 502 from a proxy, a 429) instead of ending the wait while the job runs on, and still throws at once on
 * an answer that will not change (404), and after too many passing failures in a row.
 */
import { describe, expect, it } from 'vitest';
import { ApiClientError } from '../../src/client/errors';
import type { Job } from '../../src/client/types';
import { waitForJob } from '../../src/client/wait-for-job';

const view = (status: string, trials = 0) => ({ id: 'j1', status, progress: { trials_done: trials } }) as unknown as Job;
const unavailable = () => new ApiClientError(503, 'storage_unavailable', 'object storage could not be reached', {}, 'GET /v1/jobs/j1');

/** A getJob answering from `script` in order: a view, or an error to throw. */
function scripted(script: (Job | Error)[]) {
  let calls = 0;
  const getJob = async () => {
    const next = script[Math.min(calls++, script.length - 1)];
    if (next instanceof Error) throw next;
    return next;
  };
  return { getJob, calls: () => calls };
}

describe('waitForJob', () => {
  it('polls on through 503, 502 and 429 answers to the finished job', async () => {
    const { getJob, calls } = scripted([view('running', 1), unavailable(), new ApiClientError(502, 'bad_gateway', 'HTTP 502'), view('running', 2), new ApiClientError(429, 'rate_limited', 'slow down'), view('succeeded', 3)]);
    const seen: number[] = [];
    const job = await waitForJob(getJob, 'j1', { pollMs: 1, onProgress: (j) => seen.push(j.progress.trials_done) });
    expect(job.status).toBe('succeeded');
    expect(seen).toEqual([1, 2, 3]);
    expect(calls()).toBe(6);
  });

  it('throws a 404 at once, and the last passing failure past maxPollFailures in a row', async () => {
    const gone = new ApiClientError(404, 'job_not_found', 'no such job');
    const once = scripted([view('running'), gone]);
    await expect(waitForJob(once.getJob, 'j1', { pollMs: 1 })).rejects.toBe(gone);
    expect(once.calls()).toBe(2);
    const down = scripted([view('running'), unavailable()]);
    await expect(waitForJob(down.getJob, 'j1', { pollMs: 1, maxPollFailures: 3 })).rejects.toMatchObject({ status: 503, code: 'storage_unavailable' });
    expect(down.calls()).toBe(5);
  });
});
