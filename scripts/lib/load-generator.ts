/**
 * A small closed-loop HTTP load generator for the benchmarks (bench:load, bench:serve): `concurrency`
 * workers, each sending its next request as soon as the previous one answers, over keep-alive
 * connections. Bounded three ways so a run can never get away: a duration, a maximum request count and a
 * per-request timeout; and it refuses any target but loopback.
 */
import { Agent, request as httpRequest } from 'node:http';

export interface LoadRequest {
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: string;
}

export interface LoadOptions {
  readonly baseUrl: string;
  readonly concurrency: number;
  readonly durationMs: number;
  /** Hard cap on requests, whatever the duration. */
  readonly maxRequests: number;
  readonly timeoutMs: number;
  /** The i-th request to send (POST). */
  readonly next: (i: number) => LoadRequest;
}

export interface LoadResult {
  readonly requests: number;
  readonly elapsedMs: number;
  /** Answered requests by HTTP status; transport errors and timeouts under "error" and "timeout". */
  readonly byStatus: Readonly<Record<string, number>>;
  /** Latency of answered requests, milliseconds, sorted ascending. */
  readonly latenciesMs: Float64Array;
  /** A few sample bodies of non-2xx answers, for the report. */
  readonly failures: readonly string[];
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const target = new URL(options.baseUrl);
  if (!LOOPBACK.has(target.hostname)) throw new Error(`the load generator only targets loopback, not ${target.hostname}`);
  const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency });
  const latencies: number[] = [];
  const byStatus: Record<string, number> = {};
  const failures: string[] = [];
  const start = performance.now();
  const stopAt = start + options.durationMs;
  let issued = 0;

  const one = (req: LoadRequest) =>
    new Promise<{ status: string; body: string }>((resolve) => {
      const r = httpRequest(
        new URL(req.path, target),
        { method: 'POST', agent, timeout: options.timeoutMs, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(req.body), ...req.headers } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: String(res.statusCode ?? 0), body: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', (e) => resolve({ status: 'error', body: e.message }));
        },
      );
      r.on('timeout', () => r.destroy(new Error('timeout')));
      r.on('error', (e) => resolve({ status: e.message === 'timeout' ? 'timeout' : 'error', body: e.message }));
      r.end(req.body);
    });

  const worker = async () => {
    while (performance.now() < stopAt && issued < options.maxRequests) {
      const req = options.next(issued++);
      const t0 = performance.now();
      const { status, body } = await one(req);
      const ms = performance.now() - t0;
      byStatus[status] = (byStatus[status] ?? 0) + 1;
      if (/^\d+$/.test(status)) latencies.push(ms);
      if (!status.startsWith('2') && failures.length < 5) failures.push(`${status} ${body.slice(0, 300)}`);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  agent.destroy();
  return { requests: issued, elapsedMs: performance.now() - start, byStatus, latenciesMs: Float64Array.from(latencies).sort(), failures };
}

/** The q-quantile (0..1) of sorted values, by the nearest-rank method. */
export function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/** Counts of 5xx answers, transport errors and timeouts: everything that is our fault or lost. */
export function serverFailures(result: LoadResult): number {
  return Object.entries(result.byStatus).reduce((n, [status, count]) => (status.startsWith('5') || status === 'error' || status === 'timeout' ? n + count : n), 0);
}
