/**
 * @module cli/patient-fetch
 * The `fetch` the CLI gives the client. Reads (GET) give up after a while and are tried again: under
 * local `wrangler dev` routes share one thread with CPU-bound trials, and a request can sit unanswered
 * until another connection wakes the runtime. Writes are never repeated (a job
 * created twice is two jobs); they only get a generous timeout (for an upload, from its last byte sent). When nothing answers at all, the
 * runtime's bare "fetch failed" becomes a ConnectionError naming the URL and the cause; a write that was
 * sent (the connection was not refused) and got no answer is an UnansweredWriteError instead, since it may
 * have been carried out.
 */
import type { FetchFn } from '../client';
import { ConnectionError, UnansweredWriteError } from './errors';

export interface FetchPatience {
  readTimeoutMs: number;
  readAttempts: number;
  writeTimeoutMs: number;
}

export const FETCH_DEFAULTS: Readonly<FetchPatience> = Object.freeze({ readTimeoutMs: 15_000, readAttempts: 6, writeTimeoutMs: 300_000 });

export function patientFetch(options: Partial<FetchPatience> = {}): FetchFn {
  const o = { ...FETCH_DEFAULTS, ...options };
  return async (input, init = {}) => {
    const method = (init.method ?? 'GET').toUpperCase();
    const reads = method === 'GET';
    const attempts = reads ? o.readAttempts : 1;
    for (let attempt = 1; ; attempt++) {
      try {
        const streamed = typeof init.body === 'object' && init.body !== null && 'getReader' in init.body;
        if (streamed) return await fetchStreamed(input, init, init.body as ReadableStream<Uint8Array>, o.writeTimeoutMs);
        return await fetch(input, { ...init, signal: AbortSignal.timeout(reads ? o.readTimeoutMs : o.writeTimeoutMs) });
      } catch (err) {
        const refused = isRefused(err);
        // A write that got through and then no answer may have been done: not "start the server".
        if (!reads && !refused) throw new UnansweredWriteError(withoutQuery(input), method, describe(err));
        // A refused connection will not be accepted a moment later: say so at once.
        if (refused || attempt >= attempts) throw new ConnectionError(origin(input), describe(err));
      }
    }
  };
}

/**
 * An upload's streamed body: sending a big file may take long, so its wait for an answer (`timeoutMs`)
 * starts once the last byte is sent, not before. Without one, a server that took the body and never
 * answered left the CLI waiting for ever.
 */
async function fetchStreamed(input: string, init: RequestInit, body: ReadableStream<Uint8Array>, timeoutMs: number): Promise<Response> {
  const answer = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const sent = body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      flush() {
        timer = setTimeout(() => answer.abort(new DOMException('no answer in time', 'TimeoutError')), timeoutMs);
      },
    }),
  );
  try {
    return await fetch(input, { ...init, body: sent, signal: answer.signal });
  } finally {
    clearTimeout(timer);
  }
}

function isRefused(err: unknown): boolean {
  const code = causeCode(err);
  return code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EHOSTUNREACH';
}

function causeCode(err: unknown): string | undefined {
  const cause = (err as { cause?: { code?: unknown } } | undefined)?.cause;
  return typeof cause?.code === 'string' ? cause.code : undefined;
}

function describe(err: unknown): string {
  if (err instanceof DOMException && err.name === 'TimeoutError') return 'no answer in time';
  const code = causeCode(err);
  const names: Record<string, string> = { ECONNREFUSED: 'connection refused', ENOTFOUND: 'unknown host', EAI_AGAIN: 'host name lookup failed', EHOSTUNREACH: 'host unreachable', ECONNRESET: 'connection reset' };
  if (code) return names[code] ?? code;
  const cause = (err as { cause?: unknown }).cause;
  return cause instanceof Error ? cause.message : err instanceof Error ? err.message : String(err);
}

/** The URL without its query (a key never travels there, but a query adds nothing to the message). */
function withoutQuery(input: string): string {
  try {
    const url = new URL(input);
    return url.origin + url.pathname;
  } catch {
    return input;
  }
}

function origin(input: string): string {
  try {
    return new URL(input).origin;
  } catch {
    return input;
  }
}
