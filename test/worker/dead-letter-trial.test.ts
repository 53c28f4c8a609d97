/**
 * A trial's message dead-lettered after all its deliveries failed. A trial a consumer claimed is failed as
 * an invocation that kept dying; one never claimed ran nowhere (its consumers could not reach the
 * coordinator, a reset within the queue's few seconds of retries) and is kept running for the alarm to send
 * again, not recorded as a crash of its configuration (ten of which stop a search).
 */
import { createExecutionContext, createMessageBatch, getQueueResult } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import type { TrialMessage } from '../../src/durable/protocol';
import { handleTrialBatch } from '../../src/worker/queue/trial-consumer';
import { detachedJobConfig } from '../fixtures/job-config';

describe('a dead-lettered trial message', () => {
  it('fails a claimed trial as invocation_died and keeps one never claimed running', async () => {
    const stub = env.SEARCH.getByName('test-only/dead-letters');
    await stub.start(detachedJobConfig('dead-letters', { budget: { seconds: 600, trials: 3 }, parallelism: 2 }));
    expect((await stub.trials())?.map((t) => [t.trial_id, t.status])).toEqual([
      ['t0000', 'running'],
      ['t0001', 'running'],
    ]);
    expect(await stub.claim('t0000')).not.toBeNull();
    const messages = ['t0000', 't0001'].map((trial_id, i) => ({ id: `dl-${i}`, timestamp: new Date(), attempts: 1, body: { tenant: 'test-only', job_id: 'dead-letters', trial_id } }));
    const batch = createMessageBatch<TrialMessage>('edge-automl-trials-dlq', messages);
    const ctx = createExecutionContext();
    await handleTrialBatch(batch, env);
    expect((await getQueueResult(batch, ctx)).explicitAcks.sort()).toEqual(['dl-0', 'dl-1']);
    const trials = await stub.trials();
    expect(trials?.find((t) => t.trial_id === 't0000')).toMatchObject({ status: 'failed', error: { code: 'invocation_died' } });
    expect(trials?.find((t) => t.trial_id === 't0001')).toMatchObject({ status: 'running' });
    // Its consumer may still claim it once a delivery gets through.
    expect(await stub.claim('t0001')).not.toBeNull();
  });
});
