/**
 * A trial runs in one invocation at a time. An invocation whose trial went silent, was sent again and is
 * now held by another message's invocation is stopped at its next heartbeat, and says nothing: the
 * failure its stop makes would end the trial the other invocation runs (the real consumer, in workerd).
 */
import { createExecutionContext, createMessageBatch, getQueueResult, runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import type { JobConfig, TrialMessage } from '../../src/durable/protocol';
import type { SearchCoordinator } from '../../src/durable/search-coordinator';
import { handleTrialBatch } from '../../src/worker/queue/trial-consumer';
import { detachedJobConfig } from '../fixtures/job-config';
import { send, SMALL_CSV, tenantKey } from './tenant';

const TENANT = 'trial-holder';

/** The store, running `onRead` once, the first time the object `key` is read. */
function storeOnFirstRead(key: string, onRead: () => Promise<void>): R2Bucket {
  let done = false;
  return new Proxy(env.STORE, {
    get(target, prop) {
      if (prop === 'get') {
        return async (k: string, ...rest: unknown[]) => {
          if (k === key && !done) {
            done = true;
            await onRead();
          }
          return (target.get as (...args: unknown[]) => unknown)(k, ...rest);
        };
      }
      const value = Reflect.get(target, prop);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

describe('a trial held by another invocation', () => {
  it('stops the invocation that lost it without failing the trial; the holder reports it', async () => {
    const key = await tenantKey(TENANT, 'held');
    expect((await send({ method: 'PUT', path: '/v1/datasets/held', body: SMALL_CSV, contentType: 'text/csv', key })).status).toBe(201);
    const data = (await env.REGISTRY.getByName(TENANT).getDataset('held'))!.data_key;
    const config: JobConfig = detachedJobConfig('held', {
      dataset: { name: 'held', version: 1, key: data, rows: 60, cols: 3 },
      target: 'label',
      classes: ['no', 'yes'],
      budget: { seconds: 600, trials: 1 },
      families: ['linear'],
      seed: 3,
      parallelism: 1,
      folds: 3,
    });
    const coordinator = env.SEARCH.getByName('test-only/held');
    await coordinator.start(config);

    // While this invocation reads its data, the trial goes silent past the claim window and another
    // message's invocation claims it; this one's first heartbeat (2 s on) learns so.
    const store = storeOnFirstRead(data, async () => {
      await runInDurableObject(coordinator, (instance: SearchCoordinator) => {
        (instance as unknown as { lastSeen: Map<string, number> }).lastSeen.set('t0000', Date.now() - 31_000);
      });
      expect(await coordinator.claim('t0000', false, 'other')).not.toBeNull();
      await new Promise((r) => setTimeout(r, 2_100));
    });
    const batch = createMessageBatch<TrialMessage>('edge-automl-trials', [{ id: 'mine', timestamp: new Date(), attempts: 1, body: { tenant: 'test-only', job_id: 'held', trial_id: 't0000' } }]);
    const ctx = createExecutionContext();
    await handleTrialBatch(batch, { ...env, STORE: store });
    expect((await getQueueResult(batch, ctx)).explicitAcks).toEqual(['mine']);

    const [trial] = (await coordinator.trials())!;
    expect(trial.status).toBe('running');
    expect(trial.error).toBeUndefined();
    // The holder's result is the trial's.
    expect(await coordinator.heartbeat('t0000', 'other')).toBe(true);
    expect(await coordinator.report('t0000', { status: 'failed', code: 'trial_error', reason: 'the holder failed' })).toEqual({ accepted: true });
    expect((await coordinator.trials())![0].error).toEqual({ code: 'trial_error', message: 'the holder failed' });
  });
});
