/**
 * A small client for the HTTP API used by the demo and the end-to-end scripts: JSON in and out, errors
 * raised with the contract's error code and message.
 *
 * Each request opens its own connection (no keep-alive), and reads (GET) give up after a while and try
 * again: under local `wrangler dev`, where trials, coordinators and routes share one isolate, a request
 * that arrives while a long CPU-bound trial runs can sit unanswered until another connection wakes the
 * runtime. A fresh attempt does exactly that.
 */
import { request as httpRequest } from 'node:http';

const REQUEST_TIMEOUT_MS = 120_000;
const READ_TIMEOUT_MS = 15_000;
const READ_ATTEMPTS = 8;

async function send(url: string, method: string, headers: Record<string, string>, body?: string | Uint8Array): Promise<{ status: number; text: string }> {
  if (method !== 'GET') return sendOnce(url, method, headers, body, REQUEST_TIMEOUT_MS);
  for (let attempt = 1; ; attempt++) {
    try {
      return await sendOnce(url, method, headers, body, READ_TIMEOUT_MS);
    } catch (err) {
      if (attempt >= READ_ATTEMPTS) throw err;
    }
  }
}

function sendOnce(url: string, method: string, headers: Record<string, string>, body: string | Uint8Array | undefined, timeoutMs: number): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers, agent: false, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${url}: no answer within ${timeoutMs / 1000} s`)));
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

export class ApiClient {
  constructor(
    readonly baseUrl: string,
    private readonly key: string,
  ) {}

  async request<T>(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<T> {
    const payload = body === undefined ? undefined : typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body);
    const res = await send(`${this.baseUrl}${path}`, method, { authorization: `Bearer ${this.key}`, ...(payload !== undefined ? { 'content-type': contentType } : {}) }, payload);
    const text = res.text;
    const json = text ? JSON.parse(text) : undefined;
    if (res.status >= 400) {
      const e = json?.error;
      throw new Error(`${method} ${path} → ${res.status} ${e?.code ?? ''}: ${e?.message ?? text}`);
    }
    return json as T;
  }

  uploadCsv(name: string, csv: string) {
    return this.request<{ name: string; version: number; rows: number; columns: { name: string; type: string }[] }>('PUT', `/v1/datasets/${name}`, csv, 'text/csv');
  }

  createJob(body: Record<string, unknown>) {
    return this.request<{ id: string; status: string }>('POST', '/v1/jobs', body);
  }

  job(id: string) {
    return this.request<JobView>('GET', `/v1/jobs/${id}`);
  }

  /** Polls a job until it ends; throws when it is still running after `timeoutMs`. */
  async waitForJob(id: string, timeoutMs = 300_000, pollMs = 1_000): Promise<JobView> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const job = await this.job(id);
      if (isTerminal(job.status)) return job;
      if (Date.now() > until) throw new Error(`job ${id} still ${job.status} after ${timeoutMs / 1000} s`);
      await new Promise((r) => setTimeout(r, pollMs));
    }
  }

  /** Mints `count` tenant keys (admin key required), named `${prefix}-0`, `${prefix}-1`, …; returns the keys. */
  async mintKeys(count: number, prefix: string, tenant = 'default'): Promise<string[]> {
    const keys: string[] = [];
    for (let i = 0; i < count; i++) keys.push((await this.request<{ key: string }>('POST', '/v1/keys', { tenant, name: `${prefix}-${i}` })).key);
    return keys;
  }

  predict(model: string, rows: Record<string, unknown>[]) {
    return this.request<{ model: { name: string; version: number }; predictions: (string | number)[]; probabilities?: Record<string, number>[] }>(
      'POST',
      `/v1/models/${model}/predict`,
      { rows },
    );
  }
}

export interface JobView {
  id: string;
  status: string;
  metric: string;
  greater_is_better: boolean;
  progress: { trials_done: number; trials_running: number; trials_failed: number; elapsed_ms: number };
  best: { trial_id: string; family: string; score: number } | null;
  leaderboard: { trial_id: string; family: string; params: Record<string, unknown>; score: number; fit_ms: number | null }[];
  model?: { name: string; version: number };
  error?: { code: string; message: string };
}

export const isTerminal = (status: string) => status === 'succeeded' || status === 'failed' || status === 'cancelled';
