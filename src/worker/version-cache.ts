/**
 * @module worker/version-cache
 * Which model version a predict request gets, remembered per isolate so the hot path makes no Durable
 * Object call. The champion pointer can move (a job publishes, someone promotes or rolls back), so it is
 * trusted for CHAMPION_TTL_MS only, and renewed in the background from half that age on
 * (worker/refresh-ahead): under steady traffic no request waits for the Registry, and a new champion is
 * still served by every isolate within CHAMPION_TTL_MS. A pinned version's artifact never changes, but
 * the version can go (its model deleted), so it is renewed the same way, less often: a deleted model
 * stops being served by every isolate within PINNED_TTL_MS. Version numbers are never reused (see
 * durable/model-deletion), so an entry can only be gone, never name another artifact. Pointer moves and
 * deletions made through this isolate forget the model at once.
 */
import type { ModelVersionInfo } from '../durable/registry';
import { RefreshAheadCache, type WaitUntil } from './refresh-ahead';

export const CHAMPION_TTL_MS = 1_000;
export const PINNED_TTL_MS = 10_000;

const keyOf = (tenant: string, model: string, version: number | undefined) => `${tenant}\u0000${model}\u0000${version ?? 'champion'}`;
const isPinned = (key: string) => !key.endsWith('\u0000champion');

// The TTL depends on the key (pinned or champion), which the cache sees through the value: wrap it.
interface Cached {
  readonly info: ModelVersionInfo | null;
  readonly pinned: boolean;
}

const cache = new RefreshAheadCache<Cached>({
  ttlMs: (v) => (v.pinned ? PINNED_TTL_MS : CHAMPION_TTL_MS),
  refreshAfterMs: (v) => (v.pinned ? PINNED_TTL_MS / 2 : CHAMPION_TTL_MS / 2),
  maxEntries: 1_000,
  // Unknown models are not remembered: one may be published any moment, and a miss is cheap to repeat.
  remember: (v) => v.info !== null,
});

/**
 * The version to serve, from the cache or from `resolve` (the Registry), which fills it. With `waitUntil`
 * (the request's), an aging champion entry is renewed in the background instead of on a request's time.
 */
export async function resolveVersion(
  tenant: string,
  model: string,
  version: number | undefined,
  resolve: () => Promise<ModelVersionInfo | null>,
  waitUntil?: WaitUntil,
): Promise<ModelVersionInfo | null> {
  const key = keyOf(tenant, model, version);
  const cached = await cache.get(key, async () => ({ info: await resolve(), pinned: isPinned(key) }), waitUntil);
  return cached.info;
}

/** Forgets everything cached for a model (after its champion moved, or it was deleted, through this isolate). */
export function forgetModel(tenant: string, model: string): void {
  cache.deletePrefix(`${tenant}\u0000${model}\u0000`);
}
