/**
 * Fault injection on the storage side, with the real Worker, Durable Objects, R2 and queue handler:
 * an object store whose reads and writes throw (wrapped around the real bucket), and a model artifact
 * corrupted in R2 after it was published. In every case the answer is truthful (503 for storage that is
 * down, 500 naming the broken model version), nothing is counted twice, and nothing bad is cached: the
 * next request after the fault is fixed succeeds.
 */
import { createExecutionContext, createMessageBatch, getQueueResult, runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import type { JobConfig, TrialMessage } from '../../src/durable/protocol';
import type { SearchCoordinator } from '../../src/durable/search-coordinator';
import { handleTrialBatch, TRIAL_DELIVERIES } from '../../src/worker/queue/trial-consumer';
import { forgetModel } from '../../src/worker/version-cache';
import { expectError, jsonOf, send, SMALL_CSV, tenantKey, waitJob } from './tenant';
import { detachedJobConfig } from '../fixtures/job-config';
import { withArtifact } from './helpers';

/** The real bucket, except that reads and writes throw, as when R2 is unreachable. */
function brokenStore(): R2Bucket {
  const real = env.STORE;
  return new Proxy(real, {
    get(target, prop) {
      if (prop === 'get' || prop === 'put') {
        return async () => {
          throw new Error('injected fault: R2 is unreachable');
        };
      }
      const value = Reflect.get(target, prop);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

const withBrokenStore = (): Env => ({ ...env, STORE: brokenStore() });

/** Messages the coordinator sends itself reach `detached/<id>`, an empty coordinator: only the batches this test hands to the consumer do any work. */
const config = (id: string, datasetKey: string): JobConfig =>
  detachedJobConfig(id, { dataset: { name: 'faulty', version: 1, key: datasetKey, rows: 60, cols: 3 }, target: 'label', classes: ['no', 'yes'], budget: { seconds: 600, trials: 1 }, families: ['linear'], seed: 3, parallelism: 1, folds: 3 });

const TENANT = 'faults';
let key = '';

describe('a published model under storage faults', () => {
  let artifactKey = '';
  const model = 'faulty-model';
  const row = { a: 7, b: 'x' };

  beforeAll(async () => {
    key = await tenantKey(TENANT, 'faults-test');
    expect((await send({ method: 'PUT', path: '/v1/datasets/faulty', body: SMALL_CSV, contentType: 'text/csv', key })).status).toBe(201);
    const created = await jsonOf(
      await send({ method: 'POST', path: '/v1/jobs', body: { dataset: 'faulty', target: 'label', model, models: ['linear'], budget: { trials: 2 } }, key }),
    );
    expect(created.id, JSON.stringify(created)).toBeTypeOf('string');
    const job = await waitJob(created.id, key, 100_000);
    expect(job.status).toBe('succeeded');
    const resolved = await env.REGISTRY.getByName(TENANT).resolveModel(model);
    artifactKey = resolved?.artifact_key ?? '';
    expect(artifactKey).not.toBe('');
  }, 120_000);

  const predict = (bindings: Env = env) => send({ method: 'POST', path: `/v1/models/${model}/predict`, body: { rows: [row] }, key }, bindings);

  it('answers 503 storage_unavailable with Retry-After when R2 cannot be read, and serves once it can', async () => {
    const res = await predict(withBrokenStore());
    expect(res.headers.get('retry-after')).toBe('5');
    const err = await expectError(res, 503, 'storage_unavailable');
    // The store's own error text is logged, never shown to the client.
    expect(JSON.stringify(err)).not.toContain('injected fault');
    // The failure was not cached: the same isolate serves the model as soon as storage answers.
    const ok = await jsonOf(await predict());
    expect(ok.predictions).toHaveLength(1);
    expect(['yes', 'no']).toContain(ok.predictions[0]);
  });

  it('never publishes a corrupt artifact: the best trial is set aside for the next best, whose model loads', async () => {
    const stub = env.SEARCH.getByName('test-only/corrupt-best');
    const corrupt = 'models/detached/corrupt-best/t0000.json';
    await env.STORE.put(corrupt, '{"format": "edge-automl/model", "version": 1, "pipel');
    await stub.start({ ...config('corrupt-best', 'datasets/none'), budget: { seconds: 600, trials: 2 }, parallelism: 2, folds: 1 });
    const done = (score: number, key: string) => ({ status: 'complete' as const, score, loss: -score, fold_scores: [score], fit_info: {}, artifact_key: key });
    await stub.report('t0000', done(0.95, corrupt));
    await stub.report('t0001', done(0.8, artifactKey));
    const view = await stub.view();
    expect(view?.status).toBe('succeeded');
    expect(view?.best?.trial_id).toBe('t0001');
    const trials = await stub.trials();
    expect(trials?.find((t) => t.trial_id === 't0000')).toMatchObject({ status: 'failed', error: { code: 'artifact_corrupt' } });
    const published = await env.REGISTRY.getByName('detached').resolveModel(view!.model!.name);
    expect(published?.artifact_key).toBe(artifactKey);
    expect(published?.trial_id).toBe('t0001');
  });

  it('names the model version whose artifact is corrupt, keeps describing the model, and recovers when the artifact is restored', async () => {
    const good = await env.STORE.get(artifactKey);
    const goodBytes = await good!.arrayBuffer();
    const text = new TextDecoder().decode(goodBytes);
    // The isolate caches loaded models by artifact key, and this model is warm from the test above: point
    // the version at a fresh key holding the damaged bytes, as if R2 had returned them.
    const corruptKey = `${artifactKey}.corrupt-test`;
    const cases: [string, string | Uint8Array][] = [
      ['truncated JSON', text.slice(0, Math.floor(text.length / 2))],
      ['not an artifact', JSON.stringify({ hello: 'world' })],
      ['binary garbage', new Uint8Array([0xff, 0x00, 0xfe, 0x12, 0x80])],
      ['unsupported artifact version', text.replace(/"version":\s*(\d+)/, '"version": 999')],
    ];
    await runInDurableObject(env.REGISTRY.getByName(TENANT), (_, state) => {
      state.storage.sql.exec('UPDATE model_versions SET artifact_key = ? WHERE name = ?', corruptKey, model);
    });
    // Edited behind the API's back: drop what this isolate remembers about the model's versions.
    forgetModel(TENANT, model);
    try {
      for (const [what, bytes] of cases) {
        await env.STORE.put(corruptKey, bytes);
        const err = await expectError(await predict(), 500, 'model_artifact_corrupt');
        expect(err.details, what).toMatchObject({ model, version: 1 });
        const described = await jsonOf(await send({ method: 'GET', path: `/v1/models/${model}`, key }));
        expect(described.artifact_error?.code, what).toBe('model_artifact_corrupt');
        expect(described.champion_version).toBe(1);
      }
      // Restored: the very next request loads it (a failed load is never cached).
      await env.STORE.put(corruptKey, goodBytes);
      const ok = await jsonOf(await predict());
      expect(ok.model).toEqual({ name: model, version: 1 });
    } finally {
      await runInDurableObject(env.REGISTRY.getByName(TENANT), (_, state) => {
        state.storage.sql.exec('UPDATE model_versions SET artifact_key = ? WHERE name = ?', artifactKey, model);
      });
      forgetModel(TENANT, model);
      await env.STORE.delete(corruptKey);
    }
  });
});

describe('a dataset deleted while storage fails', () => {
  it('is deleted all the same (204, then 404): the files left are swept by a later deletion of the name', async () => {
    const tenant = 'faults-dataset-delete';
    const own = await tenantKey(tenant, 'faults-test');
    expect((await send({ method: 'PUT', path: '/v1/datasets/doomed', body: SMALL_CSV, contentType: 'text/csv', key: own })).status).toBe(201);
    const deleteThrows = new Proxy(env.STORE, {
      get(target, prop) {
        if (prop === 'delete') {
          return async () => {
            throw new Error('injected fault: R2 refuses deletes');
          };
        }
        const value = Reflect.get(target, prop);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    expect((await send({ method: 'DELETE', path: '/v1/datasets/doomed', key: own }, { ...env, STORE: deleteThrows })).status).toBe(204);
    await expectError(await send({ method: 'GET', path: '/v1/datasets/doomed', key: own }), 404, 'dataset_not_found');
  });
});

describe('rows appended to a dataset deleted meanwhile', () => {
  it('answer 404 dataset_not_found, whether the deletion came before the stored rows were read or after', async () => {
    const tenant = 'faults-append-delete';
    const own = await tenantKey(tenant, 'faults-test');
    const registry = env.REGISTRY.getByName(tenant);
    /** The store as the append sees it: deleting the dataset (rows and files) as the stored rows are read. */
    const deletingOnRead = (givesRows: boolean) =>
      new Proxy(env.STORE, {
        get(target, prop) {
          if (prop === 'get') {
            return async (key: string) => {
              const data = (await registry.getDataset('racing'))?.data_key;
              if (key !== data) return target.get(key);
              const held = givesRows ? new Uint8Array(await (await target.get(key))!.arrayBuffer()) : undefined;
              expect((await send({ method: 'DELETE', path: '/v1/datasets/racing', key: own })).status).toBe(204);
              return held && { arrayBuffer: async () => held.buffer };
            };
          }
          const value = Reflect.get(target, prop);
          return typeof value === 'function' ? value.bind(target) : value;
        },
      });
    for (const givesRows of [false, true]) {
      expect((await send({ method: 'PUT', path: '/v1/datasets/racing', body: SMALL_CSV, contentType: 'text/csv', key: own })).status).toBe(201);
      const rows = SMALL_CSV.trim().split('\n').slice(0, 3).join('\n');
      const res = await send({ method: 'POST', path: '/v1/datasets/racing/rows', body: rows, contentType: 'text/csv', key: own }, { ...env, STORE: deletingOnRead(givesRows) });
      await expectError(res, 404, 'dataset_not_found');
      // Nothing of the refused version is left behind.
      expect((await env.STORE.list({ prefix: `datasets/${tenant}/racing/` })).objects).toEqual([]);
    }
  });
});

describe('a trial whose storage fails', () => {
  const batchOf = (id: string, attempts: number): MessageBatch<TrialMessage> =>
    createMessageBatch<TrialMessage>('edge-automl-trials', [{ id, timestamp: new Date(), attempts, body: { tenant: 'test-only', job_id: 'r2-trial', trial_id: 't0000' } }]);

  it('is delivered again instead of failing, then completes exactly once', async () => {
    // A fresh upload gives a dataset key no isolate has cached, so the consumer must read R2.
    expect((await send({ method: 'PUT', path: '/v1/datasets/faulty-trial', body: SMALL_CSV, contentType: 'text/csv', key })).status).toBe(201);
    const dataset = await env.REGISTRY.getByName(TENANT).getDataset('faulty-trial');
    const stub = env.SEARCH.getByName('test-only/r2-trial');
    await stub.start(config('r2-trial', dataset!.data_key));

    // R2 down: the message is retried, and the coordinator counts nothing.
    const first = batchOf('m1', 1);
    const ctx1 = createExecutionContext();
    await handleTrialBatch(first, withBrokenStore());
    const r1 = await getQueueResult(first, ctx1);
    expect(r1.retryMessages.map((m: { msgId: string }) => m.msgId)).toEqual(['m1']);
    expect(r1.explicitAcks).toEqual([]);
    const during = await stub.view();
    expect(during?.progress).toMatchObject({ trials_done: 0, trials_failed: 0, trials_running: 1 });

    // R2 back: the redelivery trains and reports once.
    const second = batchOf('m2', 2);
    const ctx2 = createExecutionContext();
    await handleTrialBatch(second, env);
    expect((await getQueueResult(second, ctx2)).explicitAcks).toEqual(['m2']);
    const after = await stub.view();
    expect(after?.progress).toMatchObject({ trials_done: 1, trials_failed: 0, trials_running: 0 });

    // A third, duplicate delivery changes nothing.
    const third = batchOf('m3', 1);
    const ctx3 = createExecutionContext();
    await handleTrialBatch(third, env);
    expect((await getQueueResult(third, ctx3)).explicitAcks).toEqual(['m3']);
    expect((await stub.trials())?.filter((t) => t.status === 'complete')).toHaveLength(1);
    await runInDurableObject(stub, (_: SearchCoordinator, state) => state.storage.deleteAlarm());
  }, 60_000);

  it('on its last delivery is reported failed for storage, not for a crash, and the configuration is not blamed', async () => {
    expect((await send({ method: 'PUT', path: '/v1/datasets/faulty-last', body: SMALL_CSV, contentType: 'text/csv', key })).status).toBe(201);
    const dataset = await env.REGISTRY.getByName(TENANT).getDataset('faulty-last');
    const stub = env.SEARCH.getByName('test-only/r2-last');
    // A budget of trials alone, so nothing but the failure itself makes the job irreproducible.
    await stub.start({ ...config('r2-last', dataset!.data_key), budget: { trials: 1, seconds: 3600 }, reproducible: true });
    const last = createMessageBatch<TrialMessage>('edge-automl-trials', [{ id: 'm9', timestamp: new Date(), attempts: TRIAL_DELIVERIES, body: { tenant: 'test-only', job_id: 'r2-last', trial_id: 't0000' } }]);
    const ctx = createExecutionContext();
    await handleTrialBatch(last, withBrokenStore());
    const result = await getQueueResult(last, ctx);
    expect(result.explicitAcks).toEqual(['m9']);
    expect(result.retryMessages).toEqual([]);
    const trial = (await stub.trials())!.find((t) => t.trial_id === 't0000');
    expect(trial).toMatchObject({ status: 'failed', error: { code: 'storage_unavailable', message: 'object storage could not be reached on 3 deliveries of the trial; its configuration was not at fault' } });
    // A rerun would not repeat it: the job says it is not reproducible, and why.
    expect((await stub.view())?.reproducible).toMatchObject({ value: false, reason: expect.stringContaining('t0000 (storage_unavailable)') });
    await runInDurableObject(stub, (_: SearchCoordinator, state) => state.storage.deleteAlarm());
  }, 60_000);
});

describe('an ensemble build whose storage fails', () => {
  const batchOf = (job: string, id: string, attempts: number): MessageBatch<TrialMessage> =>
    createMessageBatch<TrialMessage>('edge-automl-trials', [{ id, timestamp: new Date(), attempts, body: { tenant: 'test-only', job_id: job, trial_id: 'ensemble', kind: 'ensemble' } }]);

  /** A job of two finished trials with out-of-fold predictions, waiting for its ensemble. */
  async function atEnsemble(job: string) {
    const stub = env.SEARCH.getByName(`test-only/${job}`);
    await stub.start({ ...config(job, 'datasets/none'), budget: { trials: 2, seconds: 3600 }, parallelism: 2, reproducible: true });
    for (const t of ['t0000', 't0001']) {
      expect(await stub.claim(t)).not.toBeNull();
      await stub.report(t, await withArtifact({ status: 'complete', score: 0.8, loss: -0.8, fold_scores: [0.8], fit_info: {}, artifact_key: `models/detached/${job}/${t}.json`, oof_key: `models/detached/${job}/${t}.oof` }));
    }
    const ensemble = async () => runInDurableObject(stub, (instance: SearchCoordinator) => (instance as unknown as { state: { ensemble?: { state: string; report?: { reason?: string } } } }).state.ensemble);
    expect((await ensemble())?.state).toBe('running');
    return { stub, ensemble };
  }

  it('is delivered again, later, instead of failing as a broken build', async () => {
    const { stub, ensemble } = await atEnsemble('r2-ensemble');
    const batch = batchOf('r2-ensemble', 'e1', 1);
    const ctx = createExecutionContext();
    await handleTrialBatch(batch, withBrokenStore());
    const result = await getQueueResult(batch, ctx);
    expect(result.retryMessages.map((m: { msgId: string }) => m.msgId)).toEqual(['e1']);
    expect(result.explicitAcks).toEqual([]);
    expect((await ensemble())?.state).toBe('running');
    await runInDurableObject(stub, (_: SearchCoordinator, state) => state.storage.deleteAlarm());
  });

  it('on its last delivery fails for storage, publishing the best trial, and the job says it is not reproducible', async () => {
    const { stub, ensemble } = await atEnsemble('r2-ensemble-last');
    const batch = batchOf('r2-ensemble-last', 'e3', TRIAL_DELIVERIES);
    const ctx = createExecutionContext();
    await handleTrialBatch(batch, withBrokenStore());
    expect((await getQueueResult(batch, ctx)).explicitAcks).toEqual(['e3']);
    expect(await ensemble()).toMatchObject({ state: 'failed', report: { reason: 'object storage could not be reached on any delivery of the ensemble build' } });
    expect((await stub.view())?.reproducible).toMatchObject({ value: false, reason: expect.stringContaining('its ensemble build failed for the runtime') });
    await runInDurableObject(stub, (_: SearchCoordinator, state) => state.storage.deleteAlarm());
  });
});
