/**
 * Feature importances of a published model, inside workerd: after a job publishes, the post-publication
 * consumer stores `<artifact>.importance.json` (permutation importance on training rows); the model view
 * then gives every feature a share (summing to 1) and the evaluation route the same list, largest first.
 * On credit-g the checking-account status, the dataset's best-known predictor, ranks near the top. A
 * repeated message leaves the stored file alone; a version without one reports null.
 */
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import creditCsv from '../../examples/credit-g/train.csv?raw';
import { importanceKey } from '../../src/worker/feature-importance';
import { buildPublishedVersionData } from '../../src/worker/queue/published-version-task';
import { call, json, waitForJob, waitForObject } from './helpers';

describe('feature importances of a published model', () => {
  it('are stored after publication and shown by the model view and the evaluation route', async () => {
    expect((await call('PUT', '/v1/datasets/imp-credit', creditCsv)).status).toBe(201);
    const created = await json(await call('POST', '/v1/jobs', { dataset: 'imp-credit', target: 'class', model: 'imp-credit', models: ['gbdt', 'linear'], budget: { trials: 4 }, seed: 5 }));
    const job = await waitForJob(created.id);
    expect(job.status).toBe('succeeded');
    const info = await env.REGISTRY.getByName('default').resolveModel('imp-credit', job.model.version);
    const head = await waitForObject(importanceKey(info!.artifact_key), 60_000);

    const model = await json(await call('GET', '/v1/models/imp-credit'));
    const features = model.features as { name: string; importance: number | null }[];
    expect(features.length).toBeGreaterThan(10);
    for (const f of features) expect(typeof f.importance).toBe('number');
    expect(features.reduce((s, f) => s + (f.importance ?? 0), 0)).toBeCloseTo(1, 3);
    const ranked = [...features].sort((a, b) => (b.importance ?? 0) - (a.importance ?? 0)).map((f) => f.name);
    expect(ranked.slice(0, 3)).toContain('checking_status');

    const evaluation = await json(await call('GET', '/v1/models/imp-credit/evaluation'));
    expect(evaluation.importances.map((i: { feature: string }) => i.feature)).toEqual(ranked);
    expect(evaluation.importances[0].importance).toBe(features.find((f) => f.name === ranked[0])?.importance);

    // A second delivery of the message computes nothing new.
    await buildPublishedVersionData({ tenant: 'default', job_id: created.id, trial_id: 'drift-reference', kind: 'drift-reference', model: job.model }, env, async () => {
      throw new Error('the dataset must not be read again');
    });
    expect((await env.STORE.head(importanceKey(info!.artifact_key)))?.etag).toBe(head.etag);

    // Without the file (a version published before importances existed) every importance is null.
    await env.STORE.delete(importanceKey(info!.artifact_key));
    const bare = await json(await call('GET', '/v1/models/imp-credit'));
    expect(bare.features.every((f: { importance: number | null }) => f.importance === null)).toBe(true);
    expect((await json(await call('GET', '/v1/models/imp-credit/evaluation'))).importances).toBeNull();
  });
});
