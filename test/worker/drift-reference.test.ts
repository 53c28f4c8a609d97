/**
 * The drift reference is built when a version is published, off the predict path: after a job publishes,
 * its queue consumer stores `<artifact>.drift-ref.json` in R2 without any predict or drift request, equal
 * to what the lazy path computes from the training data. Forecast models get none; a repeated message
 * leaves the stored reference alone; a version whose training dataset is gone is skipped without error.
 */
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import airCsv from '../../examples/airpassengers/train.csv?raw';
import creditCsv from '../../examples/credit-g/train.csv?raw';
import { artifactInputs, buildDriftReference, decodeDataset, parseAnyEnvelope } from '../../src/engine';
import { driftReferenceKey } from '../../src/worker/drift-reference';
import { buildPublishedVersionData } from '../../src/worker/queue/published-version-task';
import { call, json, waitForJob, waitForObject } from './helpers';

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

const loadDataset = async (key: string) => decodeDataset(new Uint8Array(await (await env.STORE.get(key))!.arrayBuffer()));

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
    await env.STORE.delete(key);
    await buildPublishedVersionData({ tenant: TENANT, job_id: 'x', trial_id: 'drift-reference', kind: 'drift-reference', model }, env, loadDataset);
    expect(await env.STORE.head(key)).toBeNull();
    await buildPublishedVersionData({ tenant: TENANT, job_id: 'x', trial_id: 'drift-reference', kind: 'drift-reference', model: { name: 'no-such-model', version: 1 } }, env, loadDataset);
  });
});
