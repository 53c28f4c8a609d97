/**
 * @module worker/version-cache
 * Which model version a predict request gets, remembered per isolate so the hot path makes no Durable
 * Object call. A pinned version is immutable, so it is kept until evicted; the champion pointer can move
 * (a job publishes, someone promotes or rolls back), so it is trusted for CHAMPION_TTL_MS only. Pointer
 * moves made through this isolate forget the model at once; elsewhere, a new champion is served by every
 * isolate within that TTL.
 */
import type { ModelVersionInfo } from '../durable/registry';

export const CHAMPION_TTL_MS = 1_000;
const MAX_ENTRIES = 1_000;

interface Entry {
  readonly info: ModelVersionInfo | null;
  readonly until: number;
}

const entries = new Map<string, Entry>();
const keyOf = (tenant: string, model: string, version: number | undefined) => `${tenant}\u0000${model}\u0000${version ?? 'champion'}`;

/** The version to serve, from the cache or from `resolve` (the Registry), which fills it. */
export async function resolveVersion(tenant: string, model: string, version: number | undefined, resolve: () => Promise<ModelVersionInfo | null>): Promise<ModelVersionInfo | null> {
  const key = keyOf(tenant, model, version);
  const hit = entries.get(key);
  if (hit && hit.until > Date.now()) return hit.info;
  const info = await resolve();
  // Unknown models are not remembered: one may be published any moment, and a miss is cheap to repeat.
  if (info) {
    entries.delete(key);
    entries.set(key, { info, until: version === undefined ? Date.now() + CHAMPION_TTL_MS : Number.POSITIVE_INFINITY });
    while (entries.size > MAX_ENTRIES) entries.delete(entries.keys().next().value as string);
  }
  return info;
}

/** Forgets everything cached for a model (after its champion moved through this isolate). */
export function forgetModel(tenant: string, model: string): void {
  const prefix = `${tenant}\u0000${model}\u0000`;
  for (const key of [...entries.keys()]) if (key.startsWith(prefix)) entries.delete(key);
}
