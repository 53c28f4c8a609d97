/**
 * The HTTP half of bench:serve, against one running local runtime (wrangler dev, or Miniflare used
 * directly): trains a model through the API, mints keys, then drives single-row predictions beside a
 * route that does nothing (the runtime's floor) at concurrency 1 and N, with wrk and/or the Node load
 * generator, and times 10,000-row CSV batches answered as JSON and as CSV (`Accept: text/csv`).
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiClient } from './api-client';
import { type LoadRequest, quantile, runLoad } from './load-generator';
import { runWrk } from './wrk-load';
import type { DevServer } from './wrangler-dev';

export type LoadTool = 'wrk' | 'node';

export interface HttpPhase {
  readonly runtime: string;
  readonly tool: LoadTool;
  readonly route: string;
  readonly concurrency: number;
  readonly requests: number;
  readonly requests_per_s: number;
  readonly p50_ms: number;
  /** What requests took: wrk's per-request timing where it has one (one connection per thread), else its own p99. */
  readonly p99_ms: number;
  /** wrk's p99 corrected for coordinated omission (a phantom sample per mean interval a slow answer held up); NaN for the Node generator. */
  readonly p99_corrected_ms: number;
  readonly errors: number;
  readonly statuses: Record<string, number>;
}

export interface BatchTiming {
  readonly runtime: string;
  readonly answer: string;
  readonly median_ms: number;
  readonly response_bytes: number;
  /** What answered: the champion's family (or "ensemble") and its estimated single-row µs. */
  readonly model: string;
}

export interface ServeHttpOptions {
  readonly runtime: string;
  readonly server: DevServer;
  readonly trainCsv: string;
  readonly target: string;
  /** Feature rows to send (cells as text). */
  readonly rows: readonly Record<string, string>[];
  readonly seconds: number;
  readonly concurrency: number;
  readonly keys: number;
  readonly tools: readonly LoadTool[];
  readonly batchRows: number;
  /** Interleaved rounds per concurrency (each route gets seconds / rounds per round); default 1. */
  readonly rounds?: number;
  /** Extra routes to load beside the predict route and the empty one (probe stages), by label. */
  readonly extraRoutes?: readonly { readonly label: string; readonly path: string }[];
  /** The served model's job asks for this serving cap (`serving.max_us_per_row`), µs per row. */
  readonly maxUsPerRow?: number;
}

const PER_KEY_PER_MINUTE = 600;
/** Where the batch phase leaves the served artifact. */
export const SERVED_ARTIFACT = join(tmpdir(), 'edge-automl-served-artifact.json');
const MODEL = 'credit-serve';
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Trains the model the phases predict with; returns tenant keys for the per-key rate limit. */
export async function prepareModel(options: ServeHttpOptions): Promise<string[]> {
  const admin = new ApiClient(options.server.url, options.server.adminKey);
  await admin.uploadCsv('credit', options.trainCsv);
  const serving = options.maxUsPerRow !== undefined ? { serving: { max_us_per_row: options.maxUsPerRow } } : {};
  const { id } = await admin.createJob({ dataset: 'credit', target: options.target, model: MODEL, models: ['gbdt'], budget: { trials: 4, seconds: 60 }, seed: 1, ...serving });
  const job = await admin.waitForJob(id, 300_000, 500);
  if (!job.model) throw new Error(`training failed: ${job.status} ${job.error?.message ?? ''}`);
  return admin.mintKeys(options.keys, 'serve');
}

export async function loadPhases(options: ServeHttpOptions, keys: readonly string[]): Promise<HttpPhase[]> {
  const { rows, server } = options;
  // One prebuilt request per key (wrk cycles through them; the Node generator indexes them).
  const predict = keys.map((key, i): LoadRequest => ({ path: `/v1/models/${MODEL}/predict`, headers: { authorization: `Bearer ${key}` }, body: JSON.stringify({ rows: [rows[i % rows.length]] }) }));
  // The floor of the runtime itself: a route that does nothing (Hono's JSON 404, no key check).
  const empty: LoadRequest[] = [{ path: '/no-such-route', headers: {}, body: '' }];
  const routes: { label: string; requests: LoadRequest[]; expected: string }[] = [
    { label: 'empty route', requests: empty, expected: '404' },
    ...(options.extraRoutes ?? []).map((r) => ({ label: r.label, requests: predict.map((p) => ({ ...p, path: r.path })), expected: '2' })),
    { label: 'predict 1 row', requests: predict, expected: '2' },
  ];
  const budget = Math.floor((keys.length * PER_KEY_PER_MINUTE * Math.min(60, options.seconds * 3)) / 60);
  const out: HttpPhase[] = [];
  // Routes take turns in short slices, `rounds` times: on a shared machine the load of the moment then
  // falls on every route alike, and each figure is the median over rounds.
  const rounds = Math.max(1, options.rounds ?? 1);
  const sliceMs = Math.max(1_000, Math.round((options.seconds * 1000) / rounds));
  for (const tool of options.tools) {
    await run(tool, routes[routes.length - 1].requests, 2, 2_000); // warm-up: models loaded, keys cached
    for (const concurrency of [1, options.concurrency]) {
      const samples = routes.map(() => [] as Awaited<ReturnType<typeof run>>[]);
      for (let round = 0; round < rounds; round++) {
        for (const [k, route] of routes.entries()) samples[k].push(await run(tool, route.requests, concurrency, sliceMs));
      }
      for (const [k, route] of routes.entries()) {
        const statuses: Record<string, number> = {};
        for (const r of samples[k]) for (const [status, n] of Object.entries(r.statuses)) statuses[status] = (statuses[status] ?? 0) + n;
        const errors = Object.entries(statuses).reduce((n, [status, count]) => (status.startsWith(route.expected) ? n : n + count), 0);
        const mid = (pick: (r: (typeof samples)[number][number]) => number) => median(samples[k].map(pick));
        out.push({
          runtime: options.runtime,
          tool,
          route: route.label,
          concurrency,
          requests: samples[k].reduce((n, r) => n + r.requests, 0),
          requests_per_s: mid((r) => r.requests_per_s),
          p50_ms: mid((r) => r.p50_ms),
          p99_ms: mid((r) => r.p99_ms),
          p99_corrected_ms: mid((r) => r.p99_corrected_ms),
          errors,
          statuses,
        });
      }
    }
  }
  return out;

  async function run(tool: LoadTool, requests: LoadRequest[], concurrency: number, ms: number) {
    if (tool === 'wrk') {
      const r = await runWrk({ baseUrl: server.url, concurrency, durationMs: ms, timeoutMs: 10_000, requests });
      const raw = !Number.isNaN(r.rawP99Ms);
      return {
        requests: r.requests,
        requests_per_s: r.requests / (r.elapsedMs / 1000),
        p50_ms: raw ? r.rawP50Ms : r.p50Ms,
        p99_ms: raw ? r.rawP99Ms : r.p99Ms,
        p99_corrected_ms: r.p99Ms,
        statuses: { ...r.byStatus },
      };
    }
    const r = await runLoad({ baseUrl: server.url, concurrency, durationMs: ms, maxRequests: budget, timeoutMs: 10_000, next: (i) => requests[i % requests.length] });
    return { requests: r.requests, requests_per_s: r.requests / (r.elapsedMs / 1000), p50_ms: quantile(r.latenciesMs, 0.5), p99_ms: quantile(r.latenciesMs, 0.99), p99_corrected_ms: Number.NaN, statuses: { ...r.byStatus } };
  }
}

/** 10,000-row CSV batches, one at a time: answered as JSON (the default) and as CSV. */
export async function batchTimings(options: ServeHttpOptions, keys: readonly string[]): Promise<BatchTiming[]> {
  const header = Object.keys(options.rows[0]);
  const lines = Array.from({ length: options.batchRows }, (_, i) => header.map((h) => options.rows[i % options.rows.length][h]).join(','));
  const csv = [header.join(','), ...lines].join('\n');
  const answers = [
    ['JSON', 'application/json'],
    ['CSV (Accept: text/csv)', 'text/csv'],
  ] as const;
  const times = answers.map(() => [] as number[]);
  const bytes = answers.map(() => 0);
  // The two answers alternate, so the machine's load of the moment falls on both alike.
  for (let i = 0; i < 8; i++) {
    for (const [a, [answer, accept]] of answers.entries()) {
      const t = performance.now();
      const res = await fetch(`${options.server.url}/v1/models/${MODEL}/predict`, { method: 'POST', headers: { authorization: `Bearer ${keys[(2 * i + a) % keys.length]}`, 'content-type': 'text/csv', accept }, body: csv });
      const text = await res.text();
      const elapsed = performance.now() - t;
      const count = accept === 'text/csv' ? text.trimEnd().split('\n').length - 1 : ((JSON.parse(text) as { predictions?: unknown[] }).predictions?.length ?? 0);
      if (res.status !== 200 || count !== options.batchRows) throw new Error(`batch predict (${answer}) failed: ${res.status} ${text.slice(0, 300)}`);
      // The first request of each kind warms the path; it is not counted.
      if (i > 0) times[a].push(elapsed);
      bytes[a] = text.length;
    }
  }
  const model = await describeModel(options, keys[0]);
  const out = answers.map(([answer], a): BatchTiming => ({ runtime: options.runtime, answer, median_ms: median(times[a]), response_bytes: bytes[a], model }));
  return out;
}

/** The served champion as the describe route reports it, e.g. "gbdt v1 (~12.3 µs/row est.)". */
async function describeModel(options: ServeHttpOptions, key: string): Promise<string> {
  const res = await fetch(`${options.server.url}/v1/models/${MODEL}`, { headers: { authorization: `Bearer ${key}` } });
  if (res.status !== 200) return `unknown (describe answered ${res.status})`;
  const info = (await res.json()) as { family?: string; champion_version?: number; serving?: { estimated_us_per_row?: number } };
  // The artifact itself, for timing the same model's steps in process (bench:serve --steps-artifact).
  const artifact = await fetch(`${options.server.url}/v1/models/${MODEL}/versions/${info.champion_version}/artifact`, { headers: { authorization: `Bearer ${key}` } });
  if (artifact.status === 200) writeFileSync(SERVED_ARTIFACT, Buffer.from(await artifact.arrayBuffer()));
  return `${info.family ?? '?'} v${info.champion_version ?? '?'} (~${info.serving?.estimated_us_per_row ?? '?'} µs/row est.)`;
}
