/**
 * The drift reference is built when a version is published, off the predict path: after a job publishes,
 * its queue consumer stores `<artifact>.drift-ref.json` in R2 without any predict or drift request, equal
 * to what the lazy path computes from the training data. Forecast models get none; a repeated message
 * leaves the stored reference alone; a version whose training dataset is gone is skipped without error.
 */
import { runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import airCsv from '../../examples/airpassengers/train.csv?raw';
import creditCsv from '../../examples/credit-g/train.csv?raw';
import { artifactInputs, buildDriftReference, decodeDataset, parseAnyEnvelope } from '../../src/engine';
import { driftReferenceKey } from '../../src/worker/drift-reference';
import { HOLD_MS, recordDerivedBuild } from '../../src/durable/derived-builds';
import type { Registry } from '../../src/durable/registry';
import { importanceKey } from '../../src/worker/feature-importance';
import { buildPublishedVersionData } from '../../src/worker/queue/published-version-task';
import { datasetFilesPrefix, readObjectBytes } from '../../src/worker/storage';
import { call, json, waitForJob, waitForObject } from './helpers';
import { expectError, send } from './tenant';

const TENANT = 'default';

async function trainJob(body: Record<string, unknown>): Promise<{ name: string; version: number }> {
  const created = await call('POST', '/v1/jobs', body);
  expect(created.status).toBe(202);
  const job = await waitForJob((await json(created)).id);
  expect(job.status).toBe('succeeded');
  return job.model as { name: string; version: number };
}

async function artifactKeyOf(model: string, version: number): Promise<string> {
  const info = await env.REGISTRY.getByName(TENANT).resolveModel(model, version);
  if (!info) throw new Error(`no version ${version} of ${model}`);
  return info.artifact_key;
}

// As the consumer reads it: a missing file is storage_missing.
const loadDataset = async (key: string) => decodeDataset(await readObjectBytes(env.STORE, key, 'dataset'));
const keysUnder = async (prefix: string) => (await env.STORE.list({ prefix })).objects.map((o) => o.key);

/** Polls until `check` holds; false when it never did within the time. */
async function eventually(check: () => Promise<boolean>, timeoutMs = 60_000): Promise<boolean> {
  for (const until = Date.now() + timeoutMs; Date.now() < until; await new Promise((r) => setTimeout(r, 200))) if (await check()) return true;
  return false;
}

describe('drift reference built at publish time', () => {
  it('is stored in R2 after a job publishes, with no predict call, equal to the lazy build; forecasters get none', async () => {
    expect((await call('PUT', '/v1/datasets/ref-air', airCsv)).status).toBe(201);
    expect((await call('PUT', '/v1/datasets/ref-credit', creditCsv)).status).toBe(201);
    const forecaster = await trainJob({ dataset: 'ref-air', target: 'passengers_thousands', task: 'forecast', model: 'ref-forecast', models: ['seasonal_naive'], budget: { trials: 1 } });
    const model = await trainJob({ dataset: 'ref-credit', target: 'class', model: 'ref-credit', models: ['linear'], budget: { trials: 1 }, seed: 2 });

    const artifactKey = await artifactKeyOf(model.name, model.version);
    const head = await waitForObject(driftReferenceKey(artifactKey));
    expect(head.httpMetadata?.contentType).toBe('application/json');
    const stored = JSON.parse(await (await env.STORE.get(driftReferenceKey(artifactKey)))!.text());
    // The lazy path's computation, done here by hand: the same deterministic reference.
    const dataset = await env.REGISTRY.getByName(TENANT).getDataset('ref-credit', 1);
    const artifact = parseAnyEnvelope(JSON.parse(await (await env.STORE.get(artifactKey))!.text()));
    const expected = buildDriftReference(await loadDataset(dataset!.data_key), artifactInputs(artifact));
    expect(stored).toEqual(JSON.parse(JSON.stringify(expected)));
    expect(stored.features.map((f: { name: string }) => f.name)).toContain('credit_amount');

    // The forecast job published first; by now any message of its own would have been handled.
    expect(await env.STORE.head(driftReferenceKey(await artifactKeyOf(forecaster.name, forecaster.version)))).toBeNull();
    // And asking for one directly stores nothing either.
    await buildPublishedVersionData({ tenant: TENANT, job_id: 'x', trial_id: 'drift-reference', kind: 'drift-reference', model: forecaster }, env, loadDataset);
    expect(await env.STORE.head(driftReferenceKey(await artifactKeyOf(forecaster.name, forecaster.version)))).toBeNull();

    // A second delivery of the message keeps the stored object as it is.
    await buildPublishedVersionData({ tenant: TENANT, job_id: 'x', trial_id: 'drift-reference', kind: 'drift-reference', model }, env, loadDataset);
    expect((await env.STORE.head(driftReferenceKey(artifactKey)))?.etag).toBe(head.etag);
  });

  it('skips a version whose training dataset is gone, and a model that does not exist, without failing', async () => {
    expect((await call('PUT', '/v1/datasets/ref-gone', creditCsv)).status).toBe(201);
    const model = await trainJob({ dataset: 'ref-gone', target: 'class', model: 'ref-gone', models: ['linear'], budget: { trials: 1 }, seed: 2 });
    const key = driftReferenceKey(await artifactKeyOf(model.name, model.version));
    await waitForObject(key);
    expect((await call('DELETE', '/v1/datasets/ref-gone')).status).toBe(204);
    // Files a build might still hold are gone once it ended; here they go at once.
    await env.STORE.delete(await keysUnder(datasetFilesPrefix(TENANT, 'ref-gone')));
    await env.STORE.delete(key);
    await buildPublishedVersionData({ tenant: TENANT, job_id: 'x', trial_id: 'drift-reference', kind: 'drift-reference', model }, env, loadDataset);
    expect(await env.STORE.head(key)).toBeNull();
    await buildPublishedVersionData({ tenant: TENANT, job_id: 'x', trial_id: 'drift-reference', kind: 'drift-reference', model: { name: 'no-such-model', version: 1 } }, env, loadDataset);
  });

  it('builds both for a version whose dataset was deleted while its build was due, then lets the held file go', async () => {
    expect((await call('PUT', '/v1/datasets/ref-quick', creditCsv)).status).toBe(201);
    const model = await trainJob({ dataset: 'ref-quick', target: 'class', model: 'ref-quick', models: ['random_forest'], budget: { trials: 1 }, seed: 3 });
    const artifactKey = await artifactKeyOf(model.name, model.version);
    const derived = [driftReferenceKey(artifactKey), importanceKey(artifactKey)];
    for (const key of derived) await waitForObject(key, 60_000);
    // As if the dataset were deleted before the consumer got to the version: its build is still due.
    await env.STORE.delete(derived);
    await runInDurableObject(env.REGISTRY.getByName(TENANT), (_: Registry, state: DurableObjectState) => recordDerivedBuild(state.storage.sql, model.name, model.version, { name: 'ref-quick', version: 1 }, Date.now()));
    expect((await call('DELETE', '/v1/datasets/ref-quick')).status).toBe(204);
    await expectError(await call('GET', '/v1/datasets/ref-quick'), 404, 'dataset_not_found');
    // The raw upload went at once; the columnar file the build reads stays for it.
    const prefix = datasetFilesPrefix(TENANT, 'ref-quick');
    expect(await keysUnder(prefix)).toHaveLength(1);
    await buildPublishedVersionData({ tenant: TENANT, job_id: 'x', trial_id: 'drift-reference', kind: 'drift-reference', model }, env, loadDataset);
    for (const key of derived) expect(await env.STORE.head(key)).not.toBeNull();
    expect(JSON.parse(await (await env.STORE.get(importanceKey(artifactKey)))!.text()).importances).toHaveProperty('credit_amount');
    // The build told the Registry it ended: the held file goes at the consumer's next look.
    expect(await eventually(async () => (await keysUnder(prefix)).length === 0)).toBe(true);
  }, 120_000);

  describe('files held for a build', () => {
    const pend = (model: string, dataset: string, since: number) =>
      runInDurableObject(env.REGISTRY.getByName(TENANT), (_: Registry, state: DurableObjectState) => recordDerivedBuild(state.storage.sql, model, 1, { name: dataset, version: 1 }, since));
    const upload = async (name: string) => expect((await call('PUT', `/v1/datasets/${name}`, creditCsv)).status).toBe(201);
    const files = (name: string) => keysUnder(datasetFilesPrefix(TENANT, name));
    const refuseSends = { ...env, TRIALS: { send: async () => Promise.reject(new Error('injected fault: the queue refuses')), sendBatch: async () => Promise.reject(new Error('injected fault')) } as unknown as Queue };

    it('are deleted once the build ends, and not before', async () => {
      await upload('held-until');
      await pend('held-model', 'held-until', Date.now());
      expect((await call('DELETE', '/v1/datasets/held-until')).status).toBe(204);
      expect(await files('held-until')).toHaveLength(1);
      // The consumer looks again every few seconds: the build still runs, so the file stays.
      await new Promise((r) => setTimeout(r, 7_000));
      expect(await files('held-until')).toHaveLength(1);
      await env.REGISTRY.getByName(TENANT).derivedBuildEnded('held-model', 1);
      expect(await eventually(async () => (await files('held-until')).length === 0, 30_000)).toBe(true);
    }, 60_000);

    it('are not held by a build older than the hold, nor when the queue cannot take them', async () => {
      await upload('held-stale');
      await pend('stale-model', 'held-stale', Date.now() - HOLD_MS - 1_000);
      expect((await call('DELETE', '/v1/datasets/held-stale')).status).toBe(204);
      expect(await files('held-stale')).toEqual([]);

      await upload('held-unqueued');
      await pend('unqueued-model', 'held-unqueued', Date.now());
      expect((await send({ method: 'DELETE', path: '/v1/datasets/held-unqueued' }, refuseSends)).status).toBe(204);
      expect(await files('held-unqueued')).toEqual([]);
    });
  });
});
