/**
 * @module worker/auth
 * Bearer-key authentication. The admin key (the ADMIN_API_KEY secret) is compared in constant time on
 * SHA-256 digests, so neither timing nor length leaks. Admin requests act on tenant "default" unless they
 * name another with X-Tenant.
 */
import { createMiddleware } from 'hono/factory';
import { ApiError } from './errors';
import { validName } from './names';

export interface AuthVars {
  tenant: string;
  isAdmin: boolean;
}

const encoder = new TextEncoder();

async function digest(text: string): Promise<ArrayBuffer> {
  return crypto.subtle.digest('SHA-256', encoder.encode(text));
}

export async function sameSecret(a: string, b: string): Promise<boolean> {
  const [da, db] = await Promise.all([digest(a), digest(b)]);
  return crypto.subtle.timingSafeEqual(da, db);
}

export const requireKey = createMiddleware<{ Bindings: Env; Variables: AuthVars }>(async (c, next) => {
  const header = c.req.header('authorization') ?? '';
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match) throw new ApiError(401, 'unauthorized', 'send your API key as "Authorization: Bearer <key>"');
  const adminKey = c.env.ADMIN_API_KEY;
  if (!adminKey || !(await sameSecret(match[1], adminKey))) throw new ApiError(401, 'unauthorized', 'the API key is not valid');
  const tenant = c.req.header('x-tenant');
  c.set('tenant', tenant ? validName(tenant, 'X-Tenant') : 'default');
  c.set('isAdmin', true);
  await next();
});
