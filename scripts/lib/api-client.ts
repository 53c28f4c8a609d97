/**
 * The client the demo and the end-to-end scripts use: the package's typed client (src/client) over a
 * `fetch` made of `node:http`, plus the few helpers the scripts share (a raw `request`, minting keys).
 * Errors are the typed client's ApiClientError, carrying the contract's code and message.
 *
 * Why not the global fetch: each request here opens its own connection (no keep-alive), and reads (GET)
 * give up after a while and try again. Under local `wrangler dev`, where trials, coordinators and routes
 * share one isolate, a request that arrives while a long CPU-bound trial runs can sit unanswered until
 * another connection wakes the runtime. A fresh attempt on a fresh connection does exactly that.
 */
import { request as httpRequest } from 'node:http';
import { MAX_PREDICT_ROWS } from '../../src/cli/predict-batches';
import { createClient, type EdgeAutoMLClient, errorFromResponse, type FetchFn, isTerminalStatus, type Job, type Row } from '../../src/client';

const REQUEST_TIMEOUT_MS = 120_000;
const READ_TIMEOUT_MS = 15_000;
const READ_ATTEMPTS = 8;

/** A `fetch` over node:http: one connection per request, reads retried on silence (see above). */
export const nodeHttpFetch: FetchFn = async (url, init = {}) => {
  const method = init.method ?? 'GET';
  const headers = (init.headers ?? {}) as Record<string, string>;
  const body = await bodyBytes(init.body);
  const res = method === 'GET' ? await withRetries(() => sendOnce(url, method, headers, body, READ_TIMEOUT_MS)) : await sendOnce(url, method, headers, body, REQUEST_TIMEOUT_MS);
  // Statuses that may not carry a body (204 on deletes) must be built without one.
  return new Response(res.status === 204 || res.status === 205 || res.status === 304 ? null : res.bytes, { status: res.status, headers: res.headers });
};

async function withRetries<T>(attempt: () => Promise<T>): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (err) {
      if (n >= READ_ATTEMPTS) throw err;
    }
  }
}

async function bodyBytes(body: unknown): Promise<string | Uint8Array | undefined> {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string' || body instanceof Uint8Array) return body;
  if (body instanceof ReadableStream) return new Uint8Array(await new Response(body).arrayBuffer());
  throw new TypeError('nodeHttpFetch sends string, Uint8Array or ReadableStream bodies only');
}

function sendOnce(url: string, method: string, headers: Record<string, string>, body: string | Uint8Array | undefined, timeoutMs: number): Promise<{ status: number; bytes: Uint8Array; headers: Record<string, string> }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers, agent: false, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const contentType = res.headers['content-type'];
        resolve({ status: res.statusCode ?? 0, bytes: new Uint8Array(Buffer.concat(chunks)), headers: contentType ? { 'content-type': contentType } : {} });
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${url}: no answer within ${timeoutMs / 1000} s`)));
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

export class ApiClient {
  /** The typed client, for every route the helpers below do not cover. */
  readonly api: EdgeAutoMLClient;

  constructor(
    readonly baseUrl: string,
    private readonly key: string,
  ) {
    this.api = createClient({ url: baseUrl, key, fetch: nodeHttpFetch });
  }

  /** Any route, raw: JSON bodies are serialized, strings and bytes sent as they are with `contentType`. */
  async request<T>(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<T> {
    const payload = body === undefined ? undefined : typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body);
    const res = await nodeHttpFetch(`${this.baseUrl}${path}`, { method, headers: { authorization: `Bearer ${this.key}`, ...(payload !== undefined ? { 'content-type': contentType } : {}) }, body: payload });
    const text = await res.text();
    if (res.status >= 400) throw errorFromResponse(res.status, text, `${method} ${path}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  uploadCsv(name: string, csv: string) {
    return this.api.datasets.upload(name, csv);
  }

  createJob(body: Record<string, unknown>) {
    return this.api.jobs.create(body as Parameters<EdgeAutoMLClient['jobs']['create']>[0]);
  }

  job(id: string): Promise<JobView> {
    return this.api.jobs.get(id);
  }

  /** Polls a job until it ends; throws when it is still running after `timeoutMs`. */
  waitForJob(id: string, timeoutMs = 300_000, pollMs = 1_000): Promise<JobView> {
    return this.api.waitForJob(id, { timeoutMs, pollMs });
  }

  /** Mints `count` tenant keys (admin key required), named `${prefix}-0`, `${prefix}-1`, …; returns the keys. */
  async mintKeys(count: number, prefix: string, tenant = 'default'): Promise<string[]> {
    const keys: string[] = [];
    for (let i = 0; i < count; i++) keys.push((await this.api.keys.create({ tenant, name: `${prefix}-${i}` })).key);
    return keys;
  }

  /** Predicts every row, in requests of at most the route's MAX_PREDICT_ROWS (a test split may be larger). */
  async predict(model: string, rows: Record<string, unknown>[]) {
    const parts = [];
    for (let i = 0; i < rows.length; i += MAX_PREDICT_ROWS) parts.push(await this.api.models.predict(model, rows.slice(i, i + MAX_PREDICT_ROWS) as Row[]));
    if (parts.length === 1) return parts[0];
    const joined = { ...parts[0], predictions: parts.flatMap((p) => p.predictions) };
    if (parts[0].probabilities !== undefined) joined.probabilities = parts.flatMap((p) => p.probabilities ?? []);
    return joined;
  }
}

/** A job as GET /v1/jobs/{id} answers it. */
export type JobView = Job;

export const isTerminal = isTerminalStatus;
