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

/** The store, running `onWrite` just before an object whose key ends with `suffix` is written. */
function storeBefore(suffix: string, onWrite: () => Promise<void>): R2Bucket {
  return new Proxy(env.STORE, {
    get(target, prop) {
      if (prop === 'put') {
        return async (k: string, ...rest: unknown[]) => {
          if (k.endsWith(suffix)) await onWrite();
          return (target.put as (...args: unknown[]) => unknown)(k, ...rest);
        };
      }
      const value = Reflect.get(target, prop);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** Runs trial t0000 of job `jobId` through the consumer; `onArtifactWrite` runs just before its artifact is written. */
async function runTrial(jobId: string, onArtifactWrite: () => Promise<void>): Promise<void> {
  const store = storeBefore('/t0000.json', onArtifactWrite);
  const batch = createMessageBatch<TrialMessage>('edge-automl-trials', [{ id: `${jobId}-m1`, timestamp: new Date(), attempts: 1, body: { tenant: 'test-only', job_id: jobId, trial_id: 't0000' } }]);
  const ctx = createExecutionContext();
  await handleTrialBatch(batch, { ...env, STORE: store });
  expect((await getQueueResult(batch, ctx)).explicitAcks).toEqual([`${jobId}-m1`]);
}

let uploaded: Promise<string> | undefined;

/** The dataset's stored key, uploaded once for the file's tests. */
function datasetKey(): Promise<string> {
  return (uploaded ??= (async () => {
    const key = await tenantKey(TENANT, 'late');
    expect((await send({ method: 'PUT', path: '/v1/datasets/late', body: SMALL_CSV, contentType: 'text/csv', key })).status).toBe(201);
    return (await env.REGISTRY.getByName(TENANT).getDataset('late'))!.data_key;
  })());
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

describe('the ensemble file of a job cancelled while it was built', () => {
  /** Runs the job's ensemble message through the consumer; `onWrite` runs just before ensemble.json is written. */
  async function runEnsemble(jobId: string, onWrite: () => Promise<void>): Promise<void> {
    const store = storeBefore('/ensemble.json', onWrite);
    const batch = createMessageBatch<TrialMessage>('edge-automl-trials', [{ id: `${jobId}-e`, timestamp: new Date(), attempts: 1, body: { tenant: 'test-only', job_id: jobId, trial_id: 'ensemble', kind: 'ensemble' } }]);
    const ctx = createExecutionContext();
    await handleTrialBatch(batch, { ...env, STORE: store });
    expect((await getQueueResult(batch, ctx)).explicitAcks).toEqual([`${jobId}-e`]);
  }

  /** Noisy rows two different learners each get partly right, so a blend of them beats either (complete, not skipped). */
  const NOISY_CSV = [
    'a,b,label',
    ...Array.from({ length: 300 }, (_, i) => {
      const a = ((i * 37) % 100) / 100;
      const b = ((i * 61) % 100) / 100;
      const noise = ((i * 17) % 23) / 23 - 0.5;
      return `${a},${b},${a + b + 0.8 * noise > 1 ? 'yes' : 'no'}`;
    }),
  ].join('\n');

  let noisy: Promise<string> | undefined;
  const noisyKey = () =>
    (noisy ??= (async () => {
      const key = await tenantKey(TENANT, 'noisy');
      expect((await send({ method: 'PUT', path: '/v1/datasets/noisy', body: NOISY_CSV, contentType: 'text/csv', key })).status).toBe(201);
      return (await env.REGISTRY.getByName(TENANT).getDataset('noisy'))!.data_key;
    })());

  /** A job of three finished trials (run by the consumer, so their out-of-fold files exist), at its ensemble. */
  async function atEnsemble(jobId: string) {
    const data = await noisyKey();
    const stub = env.SEARCH.getByName(`test-only/${jobId}`);
    await stub.start({ ...config(jobId, data), dataset: { name: 'noisy', version: 1, key: data, rows: 300, cols: 3 }, budget: { seconds: 600, trials: 3 }, families: ['linear', 'knn', 'gbdt'], parallelism: 3 });
    for (const t of ['t0000', 't0001', 't0002']) {
      const batch = createMessageBatch<TrialMessage>('edge-automl-trials', [{ id: `${jobId}-${t}`, timestamp: new Date(), attempts: 1, body: { tenant: 'test-only', job_id: jobId, trial_id: t } }]);
      await handleTrialBatch(batch, env);
    }
    expect((await stub.view())?.ensemble?.status).toBe('running');
    return stub;
  }

  it('is deleted once its report is refused; an accepted one stays', async () => {
    const cancelled = await atEnsemble('ens-cancelled');
    let written = false;
    await runEnsemble('ens-cancelled', async () => {
      written = true;
      expect((await cancelled.cancel())?.status).toBe('cancelled');
    });
    expect(written).toBe(true);
    expect(await exists('models/detached/ens-cancelled/ensemble.json')).toBe(false);
    // The best single trial it published keeps its files.
    expect(await exists('models/detached/ens-cancelled/t0000.json')).toBe(true);

    const kept = await atEnsemble('ens-kept');
    await runEnsemble('ens-kept', async () => undefined);
    expect((await kept.view())?.ensemble?.status).toBe('complete');
    expect(await exists('models/detached/ens-kept/ensemble.json')).toBe(true);
    // A second build of the accepted ensemble (a duplicate delivery) is refused, and the file stays: it is the same one.
    await runEnsemble('ens-kept', async () => undefined);
    expect(await exists('models/detached/ens-kept/ensemble.json')).toBe(true);
  });
});
