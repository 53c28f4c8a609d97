/**
 * Tenant API keys and tenant isolation: keys are minted by the admin only, shown once and stored as a
 * hash; a tenant key acts on its own tenant and sees another tenant's datasets, jobs and models exactly
 * as if they did not exist; revocation takes effect at once.
 */
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { SMALL_CSV, expectError, jsonOf, send, tenantKey, waitJob } from './tenant';

async function sha256Hex(text: string): Promise<string> {
  const d = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(d)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

describe('key management', () => {
  it('mints a key once and stores only its hash', async () => {
    const res = await send({ method: 'POST', path: '/v1/keys', body: { tenant: 'hashco', name: 'ci' } });
    expect(res.status).toBe(201);
    const body = await jsonOf(res);
    expect(body).toMatchObject({ tenant: 'hashco', name: 'ci' });
    expect(body.key).toMatch(/^eak_[0-9a-f]{16}_[0-9a-f]{64}$/);
    const id = body.key.split('_')[1];
    const stored = await env.KEYS.getByName('global').lookup(id);
    expect(stored).toMatchObject({ id, tenant: 'hashco', name: 'ci', hash: await sha256Hex(body.key) });
    expect(JSON.stringify(stored)).not.toContain(body.key.split('_')[2]);
    // The listing never shows the key or its hash.
    const list = await jsonOf(await send({ method: 'GET', path: '/v1/keys', headers: { 'x-tenant': 'hashco' } }));
    expect(list.keys).toEqual([{ name: 'ci', id, created_at: body.created_at }]);
    expect(JSON.stringify(list)).not.toContain(stored!.hash);
  });

  it('refuses a duplicate name until the first key is revoked', async () => {
    const first = await tenantKey('dupco', 'ci');
    await expectError(await send({ method: 'POST', path: '/v1/keys', body: { tenant: 'dupco', name: 'ci' } }), 409, 'key_exists');
    expect((await send({ method: 'DELETE', path: '/v1/keys/ci?tenant=dupco' })).status).toBe(204);
    await expectError(await send({ method: 'GET', path: '/v1/datasets', key: first }), 401, 'unauthorized');
    const second = await tenantKey('dupco', 'ci');
    expect((await send({ method: 'GET', path: '/v1/datasets', key: second })).status).toBe(200);
  });

  it('revokes with X-Tenant or ?tenant=, and 404s what is not there', async () => {
    const key = await tenantKey('revco', 'ci');
    expect((await send({ method: 'GET', path: '/v1/datasets', key })).status).toBe(200);
    // The admin acting on "default" does not see revco's key.
    await expectError(await send({ method: 'DELETE', path: '/v1/keys/ci' }), 404, 'key_not_found');
    await expectError(await send({ method: 'DELETE', path: '/v1/keys/ci?tenant=revco', headers: { 'x-tenant': 'other' } }), 400, 'invalid_request');
    expect((await send({ method: 'DELETE', path: '/v1/keys/ci', headers: { 'x-tenant': 'revco' } })).status).toBe(204);
    await expectError(await send({ method: 'GET', path: '/v1/datasets', key }), 401, 'unauthorized');
    await expectError(await send({ method: 'DELETE', path: '/v1/keys/ci?tenant=revco' }), 404, 'key_not_found');
  });

  it('validates key requests', async () => {
    await expectError(await send({ method: 'POST', path: '/v1/keys', body: { tenant: '../x', name: 'ci' } }), 400, 'invalid_name');
    await expectError(await send({ method: 'POST', path: '/v1/keys', body: { tenant: 'ok', name: 'a/b' } }), 400, 'invalid_name');
    await expectError(await send({ method: 'POST', path: '/v1/keys', body: { tenant: 'ok' } }), 400, 'invalid_request');
    await expectError(await send({ method: 'POST', path: '/v1/keys', body: { tenant: 'ok', name: 'ci', scope: 'all' } }), 400, 'invalid_request');
    await expectError(await send({ method: 'POST', path: '/v1/keys', body: '{"tenant":', contentType: 'application/json' }), 400, 'invalid_json');
    await expectError(await send({ method: 'DELETE', path: '/v1/keys/ci?tenant=..' }), 400, 'invalid_name');
  });

  it('refuses an empty X-Tenant from the admin (an unset variable) instead of acting on "default"', async () => {
    const res = await send({ method: 'PUT', path: '/v1/datasets/emptytenant', body: SMALL_CSV, contentType: 'text/csv', headers: { 'x-tenant': '' } });
    const body = await expectError(res, 400, 'invalid_name');
    expect(JSON.stringify(body)).toContain('X-Tenant');
    await expectError(await send({ method: 'GET', path: '/v1/datasets/emptytenant' }), 404, 'dataset_not_found');
  });

  it('keeps key management to the admin: 403 for tenant keys, 401 without a valid key', async () => {
    const key = await tenantKey('plainco', 'ci');
    await expectError(await send({ method: 'POST', path: '/v1/keys', key, body: { tenant: 'plainco', name: 'more' } }), 403, 'forbidden');
    await expectError(await send({ method: 'POST', path: '/v1/keys', key, body: { tenant: 'elsewhere', name: 'more' } }), 403, 'forbidden');
    await expectError(await send({ method: 'GET', path: '/v1/keys', key }), 403, 'forbidden');
    await expectError(await send({ method: 'DELETE', path: '/v1/keys/ci', key }), 403, 'forbidden');
    await expectError(await send({ method: 'POST', path: '/v1/keys', key: null, body: { tenant: 'x', name: 'y' } }), 401, 'unauthorized');
    // Still usable: the refused attempts changed nothing.
    expect((await send({ method: 'GET', path: '/v1/datasets', key })).status).toBe(200);
  });

  it('refuses forged and malformed keys', async () => {
    const key = await tenantKey('forgeco', 'ci');
    const [, id, secret] = key.split('_');
    const flipped = secret.slice(0, -1) + (secret.endsWith('0') ? '1' : '0');
    const forged = [
      `eak_${id}_${flipped}`,
      `eak_${id}_${'0'.repeat(64)}`,
      `eak_${'0'.repeat(16)}_${secret}`,
      `eak_${id}_${secret.slice(0, 63)}`,
      `eak_${id}_${secret}0`,
      key.toUpperCase(),
      `eak_${id}`,
      'test-admin-key-',
      'x'.repeat(5000),
    ];
    for (const k of forged) await expectError(await send({ method: 'GET', path: '/v1/datasets', key: k }), 401, 'unauthorized');
    await expectError(await send({ method: 'GET', path: '/v1/datasets', key: null, headers: { authorization: `Basic ${btoa('a:b')}` } }), 401, 'unauthorized');
    await expectError(await send({ method: 'GET', path: '/v1/datasets', key: null, headers: { authorization: key } }), 401, 'unauthorized');
  });
});

describe('tenant isolation with two tenant keys', () => {
  let acme: string;
  let globex: string;
  let jobId: string;

  beforeAll(async () => {
    acme = await tenantKey('acme', 'ci');
    globex = await tenantKey('globex', 'ci');
    expect((await send({ method: 'PUT', path: '/v1/datasets/shared-name', key: acme, body: SMALL_CSV, contentType: 'text/csv' })).status).toBe(201);
    const res = await send({ method: 'POST', path: '/v1/jobs', key: acme, body: { dataset: 'shared-name', target: 'label', models: ['linear'], budget: { trials: 1 }, model: 'acme-model' } });
    expect(res.status).toBe(202);
    jobId = (await jsonOf(res)).id;
    expect((await waitJob(jobId, acme)).status).toBe('succeeded');
  });

  it('lets a tenant key use its own tenant', async () => {
    expect((await jsonOf(await send({ method: 'GET', path: '/v1/datasets', key: acme }))).datasets).toEqual([expect.objectContaining({ name: 'shared-name' })]);
    expect((await jsonOf(await send({ method: 'GET', path: '/v1/jobs', key: acme }))).jobs.map((j: { id: string }) => j.id)).toEqual([jobId]);
    const pred = await send({ method: 'POST', path: '/v1/models/acme-model/predict', key: acme, body: { rows: [{ a: 1, b: 'x' }] } });
    expect(pred.status).toBe(200);
    // Its objects live under its tenant's prefix only.
    expect((await env.STORE.list({ prefix: 'datasets/acme/shared-name/' })).objects.length).toBe(2);
    expect((await env.STORE.list({ prefix: 'datasets/globex/' })).objects.length).toBe(0);
    // X-Tenant naming its own tenant is harmless.
    expect((await send({ method: 'GET', path: '/v1/datasets', key: acme, headers: { 'x-tenant': 'acme' } })).status).toBe(200);
  });

  it("answers another tenant's things with 404, exactly like missing ones", async () => {
    const missing = '00000000-0000-4000-8000-000000000000';
    const pairs: [string, string, unknown, string, string][] = [
      ['GET', '/v1/datasets/shared-name', undefined, '/v1/datasets/never-was', 'dataset_not_found'],
      ['GET', '/v1/datasets/shared-name?version=1', undefined, '/v1/datasets/never-was?version=1', 'dataset_not_found'],
      ['DELETE', '/v1/datasets/shared-name', undefined, '/v1/datasets/never-was', 'dataset_not_found'],
      ['GET', `/v1/jobs/${jobId}`, undefined, `/v1/jobs/${missing}`, 'job_not_found'],
      ['GET', `/v1/jobs/${jobId}/trials`, undefined, `/v1/jobs/${missing}/trials`, 'job_not_found'],
      ['DELETE', `/v1/jobs/${jobId}`, undefined, `/v1/jobs/${missing}`, 'job_not_found'],
      ['GET', '/v1/models/acme-model', undefined, '/v1/models/never-was', 'model_not_found'],
      ['POST', '/v1/models/acme-model/predict', { rows: [{ a: 1 }] }, '/v1/models/never-was/predict', 'model_not_found'],
      ['POST', '/v1/jobs', { dataset: 'shared-name', target: 'label' }, '/v1/jobs', 'dataset_not_found'],
    ];
    for (const [method, path, body, missingPath, code] of pairs) {
      const theirs = await expectError(await send({ method, path, key: globex, body }), 404, code);
      const absent = await expectError(
        await send({ method, path: missingPath, key: globex, body: method === 'POST' && missingPath === '/v1/jobs' ? { dataset: 'never-was', target: 'label' } : body }),
        404,
        code,
      );
      // Same code and same details keys: nothing tells "theirs" from "absent" but the name echoed back.
      expect(Object.keys(theirs.details).sort()).toEqual(Object.keys(absent.details).sort());
    }
    for (const path of ['/v1/datasets', '/v1/jobs', '/v1/models']) {
      const body = await jsonOf(await send({ method: 'GET', path, key: globex }));
      expect(Object.values(body)[0]).toEqual([]);
    }
    // Nothing of acme's changed.
    expect((await send({ method: 'GET', path: '/v1/datasets/shared-name', key: acme })).status).toBe(200);
    expect((await jsonOf(await send({ method: 'GET', path: `/v1/jobs/${jobId}`, key: acme }))).status).toBe('succeeded');
  });

  it('refuses X-Tenant naming another tenant with a tenant key', async () => {
    await expectError(await send({ method: 'GET', path: '/v1/datasets/shared-name', key: globex, headers: { 'x-tenant': 'acme' } }), 403, 'forbidden');
    await expectError(await send({ method: 'GET', path: '/v1/datasets', key: globex, headers: { 'x-tenant': 'default' } }), 403, 'forbidden');
  });

  it('keeps same-named datasets of two tenants apart', async () => {
    const csv = 'p,q\n1,a\n2,b\n3,a\n';
    const res = await send({ method: 'PUT', path: '/v1/datasets/shared-name', key: globex, body: csv, contentType: 'text/csv' });
    expect(res.status).toBe(201);
    expect((await jsonOf(res)).version).toBe(1);
    expect((await jsonOf(await send({ method: 'GET', path: '/v1/datasets/shared-name', key: acme }))).rows).toBe(60);
    expect((await jsonOf(await send({ method: 'GET', path: '/v1/datasets/shared-name', key: globex }))).rows).toBe(3);
    expect((await send({ method: 'DELETE', path: '/v1/datasets/shared-name', key: globex })).status).toBe(204);
    expect((await send({ method: 'GET', path: '/v1/datasets/shared-name', key: acme })).status).toBe(200);
  });

  it('lets the admin reach a tenant with X-Tenant, and only then', async () => {
    expect((await send({ method: 'GET', path: '/v1/datasets/shared-name', headers: { 'x-tenant': 'acme' } })).status).toBe(200);
    await expectError(await send({ method: 'GET', path: '/v1/datasets/shared-name' }), 404, 'dataset_not_found');
    await expectError(await send({ method: 'GET', path: '/v1/datasets', headers: { 'x-tenant': '../acme' } }), 400, 'invalid_name');
  });
});
