/**
 * A predict or forecast request that pins no version is served the champion through the isolate's
 * version cache (trusted for a second). From a read-only audit of serving: when another isolate promoted
 * another version and deleted the cached one inside that second, the request read the deleted version's
 * gone files and answered 404 model_version_not_found for a version the client never named. It now asks
 * the Registry once more and is served the champion of now; a request pinning the deleted version is
 * still told it is gone.
 */
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { forgetArtifacts } from '../../src/worker/model-cache';
import { servedVersion } from '../../src/worker/model-versions';
import { expectError, jsonOf, send, SMALL_CSV, tenantKey, waitJob } from './tenant';

const TENANT = 'champion-deleted-elsewhere';

describe('a cached champion deleted by another isolate', () => {
  it('serves the champion of now to a request that pinned no version', async () => {
    const key = await tenantKey(TENANT, 'serving');
    expect((await send({ method: 'PUT', path: '/v1/datasets/rows', body: SMALL_CSV, contentType: 'text/csv', key })).status).toBe(201);
    for (let i = 0; i < 2; i++) {
      const created = await jsonOf(await send({ method: 'POST', path: '/v1/jobs', body: { dataset: 'rows', target: 'label', model: 'm', models: ['linear'], budget: { trials: 1 }, seed: i + 1 }, key }));
      expect((await waitJob(created.id, key)).status).toBe('succeeded');
    }
    const registry = env.REGISTRY.getByName(TENANT);
    const info = await registry.getModel('m');
    expect(info?.versions).toHaveLength(2);
    const old = info!.champion_version as number;
    const other = old === 1 ? 2 : 1;

    // This isolate remembers the champion, and holds no warm copy of it.
    const cached = await servedVersion(env, TENANT, 'm', undefined);
    expect(cached.version).toBe(old);
    forgetArtifacts([cached.artifact_key]);
    // Elsewhere (not through this isolate, which would forget it): the other version promoted, the old one deleted with its files.
    await registry.promote('m', other);
    const deletion = await registry.deleteVersion('m', old);
    expect(deletion).toMatchObject({ ok: true, artifact_key: cached.artifact_key });
    await env.STORE.delete(cached.artifact_key);

    const rows = [{ a: 3, b: 'x' }];
    const res = await send({ method: 'POST', path: '/v1/models/m/predict', body: { rows }, key });
    expect(res.status).toBe(200);
    expect((await jsonOf(res)).model).toEqual({ name: 'm', version: other });
    // Pinned to the deleted version, the request is told it is gone.
    const pinned = await expectError(await send({ method: 'POST', path: '/v1/models/m/predict', body: { rows, version: old }, key }), 404, 'model_version_not_found');
    expect(pinned.details).toEqual({ model: 'm', version: old });
  });
});
