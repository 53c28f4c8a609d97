/**
 * A predict or forecast that resolved its model version just before the model was deleted: its artifact
 * is gone from R2 by the time it loads, and the answer is the 404 the next request gets, not a 500
 * storage_missing naming an internal key. An artifact missing while the Registry still lists its version
 * stays a 500: that one is the platform's fault.
 */
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { loadPredictor } from '../../src/worker/model-cache';
import { loadOrCorrupt } from '../../src/worker/model-versions';
import { ApiError } from '../../src/worker/errors';
import { jsonOf, send, SMALL_CSV, tenantKey, waitJob } from './tenant';

const TENANT = 'predict-race';

async function refusal(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('a model deleted while a request loads it', () => {
  it('answers 404 model_not_found once the Registry no longer lists it, and 500 storage_missing while it does', async () => {
    const key = await tenantKey(TENANT, 'race');
    expect((await send({ method: 'PUT', path: '/v1/datasets/race', body: SMALL_CSV, contentType: 'text/csv', key })).status).toBe(201);
    const created = await jsonOf(await send({ method: 'POST', path: '/v1/jobs', body: { dataset: 'race', target: 'label', model: 'racing', models: ['linear'], budget: { trials: 1 } }, key }));
    expect((await waitJob(created.id, key)).status).toBe('succeeded');
    const version = (await env.REGISTRY.getByName(TENANT).resolveModel('racing'))!;
    const missing = async () => {
      throw new ApiError(500, 'storage_missing', 'the stored model artifact is missing from object storage', { key: version.artifact_key });
    };
    // Still listed: the artifact's absence is a fault, said as such.
    expect((await refusal(loadOrCorrupt(env, TENANT, 'racing', version, 'predict', missing))).code).toBe('storage_missing');
    expect((await send({ method: 'DELETE', path: '/v1/models/racing', key })).status).toBe(204);
    // The version this request resolved before the delete: its artifact is gone, and so is the model.
    const gone = await refusal(loadOrCorrupt(env, TENANT, 'racing', version, 'predict', () => loadPredictor(env, version.artifact_key)));
    expect({ status: gone.status, code: gone.code, details: gone.details }).toEqual({ status: 404, code: 'model_not_found', details: { model: 'racing' } });
  });
});
