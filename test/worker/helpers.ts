/**
 * Helpers for tests inside workerd: authenticated requests to the Worker's fetch handler and polling a
 * job until it ends.
 */
import { env, exports } from 'cloudflare:workers';
import { PARSEABLE_ARTIFACT_JSON } from '../fixtures/job-config';

export const ADMIN_KEY = 'test-admin-key';
const BASE = 'http://edge-automl.test';

export async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
  const isText = typeof body === 'string' || body instanceof Uint8Array;
  return exports.default.fetch(`${BASE}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${ADMIN_KEY}`,
      ...(body === undefined ? {} : { 'content-type': isText ? 'text/csv' : 'application/json' }),
      ...headers,
    },
    body: body === undefined ? undefined : isText ? (body as string | Uint8Array) : JSON.stringify(body),
  });
}

export async function json<T = Record<string, any>>(res: Response): Promise<T> {
  return (await res.json()) as T;
}

export async function waitForJob(id: string, timeoutMs = 150_000, headers: Record<string, string> = {}): Promise<Record<string, any>> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const job = await json(await call('GET', `/v1/jobs/${id}`, undefined, headers));
    if (['succeeded', 'failed', 'cancelled'].includes(job.status)) return job;
    if (Date.now() > until) throw new Error(`job ${id} still ${job.status} after ${timeoutMs} ms: ${JSON.stringify(job.progress)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Parses a CSV with a header into objects (test data has no quoted commas). */
export function csvObjects(text: string): Record<string, string>[] {
  const [head, ...lines] = text.trim().split(/\r?\n/);
  const names = head.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, j) => [names[j], v])));
}

/**
 * Stores a minimal artifact under a trial report's key, so the coordinator's pre-publication check (the
 * artifact must exist and parse) passes for tests that report made-up results; returns the report.
 */
export async function withArtifact<R extends { status: string; artifact_key?: string }>(report: R): Promise<R> {
  if (report.status === 'complete' && report.artifact_key) {
    await env.STORE.put(report.artifact_key, PARSEABLE_ARTIFACT_JSON);
  }
  return report;
}

/** Waits until an object exists in R2 (one a queue consumer writes after a job's answer says it ended). */
export async function waitForObject(key: string, timeoutMs = 30_000): Promise<R2Object> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const head = await env.STORE.head(key);
    if (head) return head;
    if (Date.now() > until) throw new Error(`${key} never appeared`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Bytes as base64, the way a client sends an image file in a predict row. */
export const toB64 = (bytes: Uint8Array) => btoa(Array.from(bytes, (b) => String.fromCharCode(b)).join(''));

/** A CSV's header and its first `n` data rows. */
export function firstRows(csv: string, n: number): string {
  return csv.trim().split(/\r?\n/).slice(0, n + 1).join('\n');
}

/**
 * Sends GET /v1/models again and again, each after the answer to the one before, until `work` settles
 * (a request that must give other requests a turn): its result, and each probe's time from its sending to
 * its answer.
 */
export async function probeWhile<T>(work: Promise<T>): Promise<{ result: T; probesMs: number[] }> {
  let done = false;
  const settled = work.finally(() => {
    done = true;
  });
  const probesMs: number[] = [];
  while (!done) {
    const sent = performance.now();
    const res = await call('GET', '/v1/models');
    if (res.status !== 200) throw new Error(`a probe was answered ${res.status}`);
    await res.arrayBuffer();
    probesMs.push(performance.now() - sent);
  }
  return { result: await settled, probesMs };
}

export { detachedJobConfig } from '../fixtures/job-config';
