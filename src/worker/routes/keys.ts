/**
 * @module worker/routes/keys
 * Tenant API keys, admin only (requireAdmin answers 403 `forbidden` to tenant keys).
 * - `POST /v1/keys` `{"tenant", "name"}` → 201 `{"key", "tenant", "name", "id", "created_at"}`. The key is
 *   shown this once; the KeyStore keeps only its SHA-256. `tenant` defaults to the tenant the admin acts on
 *   (X-Tenant, else "default"). A second active key of the same name in a tenant: 409 `key_exists`.
 * - `GET /v1/keys` → `{"keys": [{"name", "id", "created_at"}]}` for the acting tenant (never the keys).
 * - `DELETE /v1/keys/{name}` → 204. The tenant is `?tenant=` or else the acting tenant (X-Tenant, else
 *   "default"); both given and different: 400. Revocation is immediate in this isolate and within
 *   30 seconds everywhere (the per-isolate lookup cache in worker/auth).
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { type AuthVars, forgetKey, keyStore, mintKey, requireAdmin } from '../auth';
import { ApiError, notFound } from '../errors';
import { validName } from '../names';
import { readJson } from '../read-json';

type App = { Bindings: Env; Variables: AuthVars };

export const keys = new Hono<App>();

keys.use('*', requireAdmin);

export const createKeySchema = z.strictObject({
  tenant: z.string().min(1).optional(),
  name: z.string().min(1),
});

keys.post('/', async (c) => {
  const body = await readJson(c, createKeySchema);
  const tenant = validName(body.tenant ?? c.get('tenant'), 'tenant');
  const name = validName(body.name, 'name');
  const { key, id, hash } = await mintKey();
  const created_at = new Date().toISOString();
  const created = await keyStore(c.env).create({ id, tenant, name, hash, created_at });
  if (!created) throw new ApiError(409, 'key_exists', `tenant "${tenant}" already has a key named "${name}"; revoke it first or pick another name`, { tenant, name });
  // A lookup of this id may have been cached as a miss moments ago (ids are random, so it is unlikely).
  forgetKey(id);
  return c.json({ key, tenant, name, id, created_at }, 201);
});

keys.get('/', async (c) => {
  return c.json({ keys: await keyStore(c.env).list(c.get('tenant')) });
});

keys.delete('/:name', async (c) => {
  const name = validName(c.req.param('name'), 'name');
  const fromQuery = c.req.query('tenant');
  const header = c.req.header('x-tenant');
  if (fromQuery !== undefined && header !== undefined && fromQuery !== header) {
    throw new ApiError(400, 'invalid_request', `?tenant="${fromQuery.slice(0, 140)}" and X-Tenant "${header.slice(0, 140)}" disagree; send one`, { field: 'tenant' });
  }
  const tenant = fromQuery !== undefined ? validName(fromQuery, 'tenant') : c.get('tenant');
  const id = await keyStore(c.env).revoke(tenant, name);
  if (!id) throw notFound('key', name);
  forgetKey(id);
  return c.body(null, 204);
});
