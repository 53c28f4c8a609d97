/**
 * @module worker/auth
 * Bearer-key authentication and tenant scoping.
 * - The admin key (the ADMIN_API_KEY secret) may act on any tenant: tenant "default" unless the request
 *   sends X-Tenant. It alone may manage keys (requireAdmin).
 * - A tenant key (`eak_<16 hex id>_<64 hex secret>`, made by POST /v1/keys) acts on its own tenant only.
 *   An X-Tenant header naming its own tenant is allowed; naming another is refused with 403 `forbidden`
 *   rather than silently ignored, so a misconfigured client learns at once that it is not where it thinks.
 * Keys are compared in constant time on SHA-256 digests (crypto.subtle.timingSafeEqual), so neither
 * timing nor length leaks. Tenant keys carry 256 random bits, so a plain SHA-256 (no salt, no slow KDF)
 * is enough: there is nothing to brute-force.
 */
import { createMiddleware } from 'hono/factory';
import type { KeyRecord } from '../durable/key-store';
import { ApiError } from './errors';
import { validName } from './names';
import { RefreshAheadCache, type WaitUntil, waitUntilOf } from './refresh-ahead';

export interface AuthVars {
  tenant: string;
  isAdmin: boolean;
  /** Who is calling, for per-key rate limits: a tenant key's id, or "admin". */
  keyId: string;
}

const encoder = new TextEncoder();
const KEY_RE = /^eak_([0-9a-f]{16})_([0-9a-f]{64})$/;

async function digest(text: string): Promise<ArrayBuffer> {
  return crypto.subtle.digest('SHA-256', encoder.encode(text));
}

export async function sameSecret(a: string, b: string): Promise<boolean> {
  const [da, db] = await Promise.all([digest(a), digest(b)]);
  return crypto.subtle.timingSafeEqual(da, db);
}

const toHex = (buf: ArrayBuffer | Uint8Array) => [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, '0')).join('');

function fromHex(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** Makes a new tenant key: the key to show once, and its id and hash to store. */
export async function mintKey(): Promise<{ key: string; id: string; hash: string }> {
  const id = toHex(crypto.getRandomValues(new Uint8Array(8)));
  const key = `eak_${id}_${toHex(crypto.getRandomValues(new Uint8Array(32)))}`;
  return { key, id, hash: toHex(await digest(key)) };
}

export const keyStore = (env: Env) => env.KEYS.getByName('global');

// ---- per-isolate cache of key lookups -------------------------------------------------------------
// Every request would otherwise reach the one global KeyStore (about 1,000 requests/s per object). A
// short TTL bounds how long a key revoked from another isolate keeps working; revoking through this
// isolate evicts at once. Entries are renewed in the background from half that age on (refresh-ahead), so
// a key in steady use never makes a request wait for the KeyStore, and the bound stays CACHE_TTL_MS.
const CACHE_TTL_MS = 30_000;
const keyCache = new RefreshAheadCache<KeyRecord | null>({ ttlMs: () => CACHE_TTL_MS, refreshAfterMs: () => CACHE_TTL_MS / 2, maxEntries: 1_000 });

function lookupKey(env: Env, id: string, waitUntil: WaitUntil): Promise<KeyRecord | null> {
  return keyCache.get(id, () => keyStore(env).lookup(id), waitUntil);
}

/**
 * Whether the tenant key `id` is still stored (not revoked), through this isolate's cache: a revocation
 * elsewhere shows within CACHE_TTL_MS. For requests that outlive their authentication (an event stream).
 */
export async function keyStillActive(env: Env, id: string): Promise<boolean> {
  return (await lookupKey(env, id, undefined)) !== null;
}

/** Drops a key from this isolate's cache (after revocation, or creation reusing a cached miss). */
export function forgetKey(id: string): void {
  keyCache.delete(id);
}

// A digest no key hashes to, compared against when the id is unknown so both paths do the same work.
const NO_HASH = new Uint8Array(32);

/** `cachedOnly`: verify against this isolate's cache alone, never asking the KeyStore (a blocked address). */
async function verifyTenantKey(env: Env, presented: string, waitUntil: WaitUntil, cachedOnly = false): Promise<KeyRecord | null> {
  const match = KEY_RE.exec(presented);
  if (!match) return null;
  const record = cachedOnly ? keyCache.peek(match[1]) : await lookupKey(env, match[1], waitUntil);
  if (record === undefined) return null;
  const expected = record ? fromHex(record.hash) : NO_HASH;
  const ok = crypto.subtle.timingSafeEqual(await digest(presented), expected);
  return ok && record ? record : null;
}

// ---- failed-authentication limit per client address ------------------------------------------------
// Failures are counted by the AUTH_FAIL_LIMITER binding; an address over the limit is remembered in this
// isolate until its window ends, and its requests are refused without a KeyStore lookup, so a flood of
// made-up keys costs almost nothing. A tenant key in this isolate's cache still passes: clients sharing
// the address (behind one NAT; every local client, with no CF-Connecting-IP) are not locked out by one
// of them sending bad keys. The admin key does not (see requireKey). Behind
// Cloudflare, CF-Connecting-IP is set by the edge and cannot be forged.
const AUTH_BLOCK_SECONDS = 60;
const BLOCKED_MAX = 10_000;
const blocked = new Map<string, number>();

const clientAddress = (c: { req: { header(name: string): string | undefined } }) => c.req.header('cf-connecting-ip') ?? 'unknown';

/** The refusal of a blocked address, with the seconds left of its block (until `until`, ms). */
const tooManyFailures = (until: number) => {
  const wait = Math.max(1, Math.ceil((until - Date.now()) / 1000));
  return new ApiError(429, 'too_many_failed_auth', `too many requests with a missing or wrong API key from this address; retry after ${wait} second${wait === 1 ? '' : 's'}`, {
    retry_after_seconds: wait,
  });
};

/** Counts a failed authentication; the error to answer with (401, or 429 once the address is over). */
async function authFailure(env: Env, address: string, error: ApiError): Promise<ApiError> {
  const limiter = env.AUTH_FAIL_LIMITER;
  if (!limiter || (await limiter.limit({ key: address })).success) return error;
  blocked.delete(address);
  const until = Date.now() + AUTH_BLOCK_SECONDS * 1000;
  blocked.set(address, until);
  while (blocked.size > BLOCKED_MAX) blocked.delete(blocked.keys().next().value as string);
  return tooManyFailures(until);
}

export const requireKey = createMiddleware<{ Bindings: Env; Variables: AuthVars }>(async (c, next) => {
  const address = clientAddress(c);
  let until = blocked.get(address);
  if (until !== undefined && until <= Date.now()) {
    blocked.delete(address);
    until = undefined;
  }
  const header = c.req.header('authorization') ?? '';
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match) {
    if (until !== undefined) throw tooManyFailures(until);
    throw await authFailure(c.env, address, new ApiError(401, 'unauthorized', 'send your API key as "Authorization: Bearer <key>"'));
  }
  const presented = match[1];
  const asked = c.req.header('x-tenant');

  const record = await verifyTenantKey(c.env, presented, waitUntilOf(c), until !== undefined);
  if (record) {
    if (asked !== undefined && asked !== record.tenant) {
      throw new ApiError(403, 'forbidden', 'a tenant key acts on its own tenant only; drop the X-Tenant header', { field: 'X-Tenant' });
    }
    c.set('tenant', record.tenant);
    c.set('isAdmin', false);
    c.set('keyId', record.id);
    return next();
  }

  // A blocked address is not told whether a key is the admin key: it is the operator's choice, perhaps
  // guessable, and answering 200 to the right guess and 429 to the others would let the guessing go on at
  // full speed through the block. Tenant keys are random (256 bits): a cached one may pass.
  if (until !== undefined) throw tooManyFailures(until);
  const adminKey = c.env.ADMIN_API_KEY;
  if (!adminKey || !(await sameSecret(presented, adminKey))) {
    throw await authFailure(c.env, address, new ApiError(401, 'unauthorized', 'the API key is not valid'));
  }
  // An empty header (an unset shell variable) is a bad name, not the default tenant: writes would land there.
  c.set('tenant', asked !== undefined ? validName(asked, 'X-Tenant') : 'default');
  c.set('isAdmin', true);
  c.set('keyId', 'admin');
  await next();
});

/** Admin-only routes (key management): any other valid key gets 403 `forbidden`. */
export const requireAdmin = createMiddleware<{ Bindings: Env; Variables: AuthVars }>(async (c, next) => {
  if (!c.get('isAdmin')) throw new ApiError(403, 'forbidden', 'this route needs the admin key');
  await next();
});
