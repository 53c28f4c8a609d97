/**
 * @module worker/refresh-ahead
 * A small per-isolate cache whose entries are renewed before they expire, so steady traffic never waits
 * for the lookup behind it (a Durable Object call): an entry older than `refreshAfterMs` is still served,
 * and one background reload (in the request's waitUntil) replaces it; only an entry past `ttlMs` (or a
 * miss) makes the request wait. Staleness stays bounded by `ttlMs`, exactly as with a plain TTL cache.
 * `forget` wins over a reload in flight, and over a first load in flight: either then stores nothing
 * (a key revoked while its first lookup ran must not be cached as active for a whole TTL). Bounded:
 * least recently stored entries go first past `maxEntries`.
 */

export interface RefreshAheadOptions<V> {
  /** How long an entry may be served at all. */
  readonly ttlMs: (value: V) => number;
  /** From this age on, a request that reads the entry also starts its reload. */
  readonly refreshAfterMs: (value: V) => number;
  readonly maxEntries: number;
  /** Whether a loaded value is kept (a miss may be cheaper to repeat than to remember). */
  readonly remember?: (value: V) => boolean;
}

/** What the cache needs of a request to reload in the background; absent, entries just expire. */
export type WaitUntil = ((promise: Promise<unknown>) => void) | undefined;

interface Entry<V> {
  readonly value: V;
  readonly until: number;
  readonly refreshAt: number;
  refreshing: boolean;
}

export class RefreshAheadCache<V> {
  private readonly entries = new Map<string, Entry<V>>();
  /** Counts forgets: a first load that began before one stores nothing (it may have read what was forgotten). */
  private forgets = 0;

  constructor(private readonly options: RefreshAheadOptions<V>) {}

  async get(key: string, load: () => Promise<V>, waitUntil: WaitUntil): Promise<V> {
    const now = Date.now();
    const hit = this.entries.get(key);
    if (hit && hit.until > now) {
      if (now >= hit.refreshAt && !hit.refreshing && waitUntil) {
        hit.refreshing = true;
        const reload = load().then(
          (value) => {
            // Forgotten (or replaced) meanwhile: the newer decision stands.
            if (this.entries.get(key) === hit) this.store(key, value);
          },
          (err) => {
            hit.refreshing = false;
            console.error(`background reload of ${key.replace(/\u0000/g, '/')} failed; the entry is served until it expires`, err);
          },
        );
        waitUntil(reload);
      }
      return hit.value;
    }
    const forgetsBefore = this.forgets;
    const value = await load();
    if (this.forgets === forgetsBefore) this.store(key, value);
    return value;
  }

  /** The value held for `key` while fresh, without loading it (undefined when none is held). */
  peek(key: string): V | undefined {
    const hit = this.entries.get(key);
    return hit && hit.until > Date.now() ? hit.value : undefined;
  }

  delete(key: string): void {
    this.forgets++;
    this.entries.delete(key);
  }

  /** Deletes every key starting with `prefix`. */
  deletePrefix(prefix: string): void {
    this.forgets++;
    for (const key of [...this.entries.keys()]) if (key.startsWith(prefix)) this.entries.delete(key);
  }

  private store(key: string, value: V): void {
    this.entries.delete(key);
    if (this.options.remember && !this.options.remember(value)) return;
    const now = Date.now();
    this.entries.set(key, { value, until: now + this.options.ttlMs(value), refreshAt: now + this.options.refreshAfterMs(value), refreshing: false });
    while (this.entries.size > this.options.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
  }
}

/** The request's waitUntil from a Hono context, when it has an execution context (tests may not). */
export function waitUntilOf(c: { executionCtx: { waitUntil(promise: Promise<unknown>): void } }): WaitUntil {
  try {
    const ctx = c.executionCtx;
    return (promise) => ctx.waitUntil(promise);
  } catch {
    return undefined;
  }
}
