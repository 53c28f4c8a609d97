/**
 * A fresh isolate whose first tfjs model is loaded by a queue task, not by a trial: the post-publication
 * task (kind "drift-reference": drift reference and feature importances) of a champion that is an ensemble
 * with an MLP member. Nothing before it boots the tfjs backend (the pool starts one isolate per test file,
 * checked below), so the task must boot it itself; before it did, it failed with "backend 'wasm' has not
 * yet been initialized" and the queue retried it until some trial had booted the backend.
 */
import { createExecutionContext, createMessageBatch, getQueueResult } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import type { TrialMessage } from '../../src/durable/protocol';
import { activeBackendName } from '../../src/engine/models/nn/backend';
import worker from '../../src/worker/index';
import { driftReferenceKey } from '../../src/worker/drift-reference';
import { importanceKey } from '../../src/worker/feature-importance';
import { FIXTURE_TENANT, publishMlpEnsemble } from './mlp-member-fixture';

describe('the first tfjs model of an isolate, loaded by a queue task', () => {
  it('the post-publication task of an ensemble with an MLP member succeeds on its first attempt', async () => {
    expect(activeBackendName()).toBeNull();
    const { version, artifactKey } = await publishMlpEnsemble('first-task');
    // Still nothing booted: the fixture trains and writes without tfjs.
    expect(activeBackendName()).toBeNull();

    const batch = createMessageBatch<TrialMessage>('edge-automl-trials', [
      { id: 'm1', timestamp: new Date(), attempts: 1, body: { tenant: FIXTURE_TENANT, job_id: 'first-task-job', trial_id: 'drift-reference', kind: 'drift-reference', model: { name: 'first-task', version } } },
    ]);
    const ctx = createExecutionContext();
    await worker.queue(batch, env);
    const result = await getQueueResult(batch, ctx);
    expect(result.retryMessages).toEqual([]);
    expect(result.explicitAcks).toEqual(['m1']);

    expect(activeBackendName()).toBe('wasm');
    expect(await env.STORE.head(driftReferenceKey(artifactKey))).not.toBeNull();
    // The importances needed the MLP member's predictions.
    const importances = (await (await env.STORE.get(importanceKey(artifactKey)))!.json()) as { importances: Record<string, number> };
    expect(Object.keys(importances.importances).sort()).toEqual(['colour', 'x1', 'x2', 'x3']);
  });
});
