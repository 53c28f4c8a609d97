/**
 * Test helpers for tenant keys and the contract's error shape, shared by the keys, corpus, limits and
 * property suites: mint a tenant key with the admin key, send raw requests as any key (any body, any or
 * no content type), assert an error answer down to its shape, and fire a cron tick at a chosen time.
 *
 * Requests go straight to the Worker's fetch handler with the test's env (same bindings, same Durable
 * Objects, R2 and queues), not through `exports.default.fetch`: in this pool each loopback call gets
 * slower the more have been made (100 GET /health: about 1 s, then 2.5 s, then 5.6 s), which makes the
 * rate-limit and property suites (hundreds of requests) crawl and lets a minute's rate window expire.
 */
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { expect } from 'vitest';
import worker from '../../src/worker/index';
import { ADMIN_KEY } from './helpers';

const BASE = 'http://edge-automl.test';

export interface Send {
  method: string;
  path: string;
  /** Bearer key; the admin key when absent, no Authorization header when null. */
  key?: string | null;
  /** JSON-encoded unless a string or bytes; sent as is then. */
  body?: unknown;
  /** Content-Type; application/json for objects, none for strings and bytes unless given. */
  contentType?: string | null;
  headers?: Record<string, string>;
}

/** Sends one request; `bindings` replaces the test's env, for fault injection (a failing R2, say). */
export async function send(req: Send, bindings: Env = env): Promise<Response> {
  const raw = typeof req.body === 'string' || req.body instanceof Uint8Array || req.body instanceof ReadableStream;
  const headers: Record<string, string> = { ...req.headers };
  if (req.key !== null) headers.authorization = `Bearer ${req.key ?? ADMIN_KEY}`;
  const contentType = req.contentType === undefined ? (req.body !== undefined && !raw ? 'application/json' : undefined) : req.contentType;
  if (contentType !== undefined && contentType !== null) headers['content-type'] = contentType;
  const body = req.body === undefined ? undefined : raw ? (req.body as BodyInit) : JSON.stringify(req.body);
  const ctx = createExecutionContext();
  const res = await worker.fetch(new Request(`${BASE}${req.path}`, { method: req.method, headers, body }), bindings, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

/** Creates a tenant key with the admin key and returns it. */
export async function tenantKey(tenant: string, name = 'test'): Promise<string> {
  const res = await send({ method: 'POST', path: '/v1/keys', body: { tenant, name } });
  const body = (await res.json()) as { key: string };
  if (res.status !== 201) throw new Error(`could not create a key for ${tenant}: ${res.status} ${JSON.stringify(body)}`);
  return body.key;
}

/** True when `body` is the contract's error shape: {"error": {code (snake_case), message, details}}. */
export function isErrorShape(body: unknown): boolean {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return false;
  const keys = Object.keys(body);
  const error = (body as { error?: unknown }).error;
  if (keys.length !== 1 || typeof error !== 'object' || error === null) return false;
  const { code, message, details } = error as Record<string, unknown>;
  return (
    typeof code === 'string' &&
    /^[a-z][a-z0-9_]*$/.test(code) &&
    typeof message === 'string' &&
    message.length > 0 &&
    !/\n\s+at /.test(message) &&
    typeof details === 'object' &&
    details !== null &&
    !Array.isArray(details)
  );
}

/** Asserts status, code and the error shape; returns the error object. */
export async function expectError(res: Response, status: number, code: string): Promise<Record<string, any>> {
  const text = await res.text();
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  expect({ status: res.status, code: body?.error?.code }, text.slice(0, 500)).toEqual({ status, code });
  expect(isErrorShape(body), text.slice(0, 500)).toBe(true);
  return body.error;
}

export async function jsonOf<T = Record<string, any>>(res: Response): Promise<T> {
  return (await res.json()) as T;
}

/** Polls a job with `key` until it ends. */
export async function waitJob(id: string, key: string, timeoutMs = 150_000): Promise<Record<string, any>> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const job = await jsonOf(await send({ method: 'GET', path: `/v1/jobs/${id}`, key }));
    if (['succeeded', 'failed', 'cancelled'].includes(job.status)) return job;
    if (Date.now() > until) throw new Error(`job ${id} still ${job.status} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** A small binary-classification CSV: numeric a, categorical b, boolean-ish label. */
export const SMALL_CSV = ['a,b,label', ...Array.from({ length: 60 }, (_, i) => `${i},${i % 3 === 0 ? 'x' : 'y'},${i % 2 ? 'yes' : 'no'}`)].join('\n');

/** One cron tick with the given scheduled time, through the Worker's own scheduled handler. */
export async function scheduledTick(at: number): Promise<void> {
  const ctx = createExecutionContext();
  const handler: ExportedHandlerScheduledHandler<Env> = worker.scheduled;
  await handler(createScheduledController({ scheduledTime: at, cron: '*/5 * * * *' }), env, ctx);
  await waitOnExecutionContext(ctx);
}
