/**
 * scripts/lib/wrk-load.ts against a local Node server (port 8952) whose every 200th answer is held back
 * 40 ms: the raw percentiles (timed in wrk's script) must see that tail as the 0.5% it is, while wrk's
 * own percentiles, corrected for coordinated omission, spread each held-back answer over many phantom
 * samples. Skipped where /usr/bin/wrk is missing.
 */
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runWrk, wrkAvailable } from '../../scripts/lib/wrk-load';

const PORT = 8952;
const HELD_BACK_MS = 40;
let server: Server;
let answered = 0;

describe.skipIf(!wrkAvailable())('wrk load: raw and corrected latency', () => {
  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        answered += 1;
        const reply = () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
        if (answered % 200 === 0) setTimeout(reply, HELD_BACK_MS);
        else reply();
      });
    });
    await new Promise<void>((resolve) => server.listen(PORT, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const requests = [{ path: '/', headers: {}, body: '{}' }];

  it('times each request at concurrency 1: a 0.5% tail stays out of the raw p99 and inside the raw p99.9', async () => {
    const r = await runWrk({ baseUrl: `http://127.0.0.1:${PORT}`, concurrency: 1, durationMs: 2_000, timeoutMs: 5_000, requests });
    expect(r.byStatus['200']).toBe(r.requests);
    // Enough requests that 0.5% of them are well past the 99.9th percentile's share.
    expect(r.requests).toBeGreaterThan(2_000);
    expect(r.rawP999Ms).toBeGreaterThanOrEqual(HELD_BACK_MS);
    expect(r.rawP99Ms).toBeLessThan(HELD_BACK_MS);
    expect(r.rawP50Ms).toBeLessThan(HELD_BACK_MS);
    // wrk's correction counts every held-back answer as dozens of late requests.
    expect(r.p99Ms).toBeGreaterThan(r.rawP99Ms);
    expect(r.maxMs).toBeGreaterThanOrEqual(HELD_BACK_MS);
  });

  it('reports no raw percentiles when a wrk thread drives several connections', async () => {
    const r = await runWrk({ baseUrl: `http://127.0.0.1:${PORT}`, concurrency: 2, durationMs: 1_000, timeoutMs: 5_000, requests });
    expect(r.requests).toBeGreaterThan(0);
    expect(Number.isNaN(r.rawP99Ms)).toBe(true);
  });
});
