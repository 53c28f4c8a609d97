/**
 * The refresh-ahead cache behind the key and champion lookups: fresh entries are served without a load;
 * aging ones are served while exactly one background reload (through waitUntil) replaces them; expired
 * ones and misses wait for the load; a forget wins over a reload in flight; unremembered values are not
 * kept. The clock is Date.now, stubbed here.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RefreshAheadCache } from '../../src/worker/refresh-ahead';

let now = 1_000_000;

function cacheOf(remember?: (v: string | null) => boolean) {
  return new RefreshAheadCache<string | null>({ ttlMs: () => 1_000, refreshAfterMs: () => 500, maxEntries: 2, ...(remember ? { remember } : {}) });
}

/** A loader returning `values` in turn, counting calls; while held, a load settles only on `release`. */
function loader(...values: (string | null)[]) {
  const calls = { n: 0 };
  let gate: () => void = () => undefined;
  let opened = true;
  const load = async () => {
    const value = values[Math.min(calls.n++, values.length - 1)];
    if (!opened) await new Promise<void>((resolve) => (gate = resolve));
    return value;
  };
  const release = () => {
    opened = true;
    gate();
  };
  return { calls, load, hold: () => (opened = false), release };
}

describe('RefreshAheadCache', () => {
  vi.spyOn(Date, 'now').mockImplementation(() => now);
  afterEach(() => {
    now += 1_000_000;
  });

  it('serves fresh entries without loading, aging ones while one background reload runs', async () => {
    const cache = cacheOf();
    const { calls, load, hold, release } = loader('v1', 'v2');
    const pending: Promise<unknown>[] = [];
    const waitUntil = (p: Promise<unknown>) => void pending.push(p);
    expect(await cache.get('k', load, waitUntil)).toBe('v1');
    now += 400;
    expect(await cache.get('k', load, waitUntil)).toBe('v1');
    expect([calls.n, pending.length]).toEqual([1, 0]);
    now += 200; // aging: served as is while the reload runs, one reload started, not two
    hold();
    expect(await cache.get('k', load, waitUntil)).toBe('v1');
    expect(await cache.get('k', load, waitUntil)).toBe('v1');
    expect(pending.length).toBe(1);
    release();
    await Promise.all(pending);
    expect(await cache.get('k', load, waitUntil)).toBe('v2');
    expect(calls.n).toBe(2);
  });

  it('waits for the load once expired, or when it cannot reload in the background', async () => {
    const cache = cacheOf();
    const { calls, load } = loader('a', 'b', 'c');
    expect(await cache.get('k', load, undefined)).toBe('a');
    now += 600; // aging, but no waitUntil: the entry is served until it expires
    expect(await cache.get('k', load, undefined)).toBe('a');
    now += 500;
    expect(await cache.get('k', load, undefined)).toBe('b');
    now += 5_000;
    expect(await cache.get('k', load, () => undefined)).toBe('c');
    expect(calls.n).toBe(3);
  });

  it('lets a forget win over a reload in flight, keeps no unremembered value, and stays bounded', async () => {
    const cache = cacheOf((v) => v !== null);
    const { load, hold, release } = loader('old', 'reloaded', 'fresh');
    const pending: Promise<unknown>[] = [];
    await cache.get('k', load, undefined);
    now += 600;
    hold();
    await cache.get('k', load, (p) => void pending.push(p));
    cache.delete('k');
    release();
    await Promise.all(pending);
    // The reload found its entry forgotten: the next get loads again.
    expect(await cache.get('k', load, undefined)).toBe('fresh');

    // A forget during a first load (a key revoked while its first lookup ran: from a read-only audit) wins
    // too: the value answers the request that loaded it, and is not kept.
    const first = loader('active', 'revoked');
    first.hold();
    const loading = cache.get('r', first.load, undefined);
    cache.delete('r');
    first.release();
    expect(await loading).toBe('active');
    expect(await cache.get('r', first.load, undefined)).toBe('revoked');

    const misses = loader(null, 'now-there');
    expect(await cache.get('m', misses.load, undefined)).toBeNull();
    expect(await cache.get('m', misses.load, undefined)).toBe('now-there');

    const count = loader('x');
    await cache.get('a', count.load, undefined);
    await cache.get('b', count.load, undefined);
    await cache.get('c', count.load, undefined);
    await cache.get('a', count.load, undefined); // evicted by the bound of 2: loaded again
    expect(count.calls.n).toBe(4);
  });
});
