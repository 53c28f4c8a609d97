/**
 * A trial still running when its job is cancelled writes its artifact and out-of-fold predictions, then
 * reports: the coordinator refuses the report for good (the trial was cancelled), and the consumer deletes
 * what it wrote, which nothing will read (a model deleted after the cancel has had its job folders swept
 * already, so they stayed for ever). A trial whose report is accepted keeps its files.
 */
import { createExecutionContext, createMessageBatch, getQueueResult } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import type { JobConfig, TrialMessage } from '../../src/durable/protocol';
import { handleTrialBatch } from '../../src/worker/queue/trial-consumer';
import { detachedJobConfig } from '../fixtures/job-config';
import { send, SMALL_CSV, tenantKey } from './tenant';

const TENANT = 'cancelled-trial-files';

const config = (id: string, datasetKey: string): JobConfig =>
  detachedJobConfig(id, { dataset: { name: 'late', version: 1, key: datasetKey, rows: 60, cols: 3 }, target: 'label', classes: ['no', 'yes'], budget: { seconds: 600, trials: 1 }, families: ['linear'], seed: 3, parallelism: 1, folds: 3 });

/** Runs trial t0000 of job `jobId` through the consumer; `onArtifactWrite` runs just before its artifact is written. */
async function runTrial(jobId: string, onArtifactWrite: () => Promise<void>): Promise<void> {
  const store = new Proxy(env.STORE, {
    get(target, prop) {
      if (prop === 'put') {
        return async (k: string, ...rest: unknown[]) => {
          if (k.endsWith('/t0000.json')) await onArtifactWrite();
          return (target.put as (...args: unknown[]) => unknown)(k, ...rest);
        };
      }
      const value = Reflect.get(target, prop);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  const batch = createMessageBatch<TrialMessage>('edge-automl-trials', [{ id: `${jobId}-m1`, timestamp: new Date(), attempts: 1, body: { tenant: 'test-only', job_id: jobId, trial_id: 't0000' } }]);
  const ctx = createExecutionContext();
  await handleTrialBatch(batch, { ...env, STORE: store });
  expect((await getQueueResult(batch, ctx)).explicitAcks).toEqual([`${jobId}-m1`]);
}

async function datasetKey(): Promise<string> {
  const key = await tenantKey(TENANT, 'late');
  expect((await send({ method: 'PUT', path: '/v1/datasets/late', body: SMALL_CSV, contentType: 'text/csv', key })).status).toBe(201);
  return (await env.REGISTRY.getByName(TENANT).getDataset('late'))!.data_key;
}

const exists = async (k: string) => (await env.STORE.head(k)) !== null;

describe('files of a trial cancelled while it ran', () => {
  it('are deleted once its report is refused, and a finished trial keeps its own', async () => {
    const data = await datasetKey();

    const cancelled = env.SEARCH.getByName('test-only/late-cancelled');
    await cancelled.start(config('late-cancelled', data));
    await runTrial('late-cancelled', async () => {
      expect((await cancelled.cancel())?.status).toBe('cancelled');
    });
    const view = await cancelled.view();
    expect(view?.progress).toMatchObject({ trials_done: 0, trials_running: 0 });
    expect(await exists('models/detached/late-cancelled/t0000.json')).toBe(false);
    expect(await exists('models/detached/late-cancelled/t0000.oof')).toBe(false);

    const finished = env.SEARCH.getByName('test-only/late-finished');
    await finished.start(config('late-finished', data));
    await runTrial('late-finished', async () => undefined);
    expect((await finished.view())?.progress).toMatchObject({ trials_done: 1 });
    expect(await exists('models/detached/late-finished/t0000.json')).toBe(true);
    expect(await exists('models/detached/late-finished/t0000.oof')).toBe(true);
    // Another delivery's report of the finished trial is refused without discarding: its files are these.
    expect(await finished.report('t0000', { status: 'failed', code: 'trial_error', reason: 'a second delivery' })).toEqual({ accepted: false });
  });
});
