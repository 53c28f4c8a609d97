/**
 * @module client/transport
 * One HTTP exchange with the API over a `fetch` function: the base URL and the bearer key on every
 * request (plus `X-Tenant` when the admin key acts on a tenant), JSON or raw bodies, and every non-2xx
 * answer turned into an ApiClientError. Only `fetch`, `URL` and `Response` are used, so it runs
 * unchanged on Workers, Node 20, Deno, Bun and browsers. With `retry.rateLimited`, a `429` that says when
 * to come back is waited out and sent again (see RetryOptions); by default it is thrown at once.
 */
import { ApiClientError, errorFromResponse } from './errors';

/** The `fetch` the client calls: the global one by default, or a service binding's, or a test double. */
export type FetchFn = (input: string, init?: RequestInit) => Promise<Response>;

export interface ClientOptions {
  /** Base URL of the Worker, e.g. `https://automl.example.workers.dev` (a trailing slash is fine). */
  url: string;
  /** API key: a tenant key, or the admin key. */
  key: string;
  /**
   * The tenant the admin key acts on (`X-Tenant`; default: `default`). With a tenant key leave it out: a
   * tenant key acts on its own tenant only, and naming another is refused (403 `forbidden`).
   */
  tenant?: string;
  /** Defaults to the runtime's global `fetch`. */
  fetch?: FetchFn;
  /** Opt-in: wait out rate limits (`429` with Retry-After) and send the request again. */
  retry?: RetryOptions;
}

/**
 * Waiting on `429` answers that say when to come back (`rate_limited`, `too_many_failed_auth`: the
 * Retry-After header, or `details.retry_after_seconds` where a browser cannot read the header). A `429`
 * that names no wait (`too_many_jobs`: a job has to end first) is thrown at once, as is one whose wait
 * would pass `maxWaitMs`, and one for a request whose body is a stream (a stream cannot be sent twice).
 */
export interface RetryOptions {
  /** Wait out a rate-limited answer and send the request again (default false: throw it). */
  rateLimited?: boolean;
  /** The most one call waits in all, in ms (default 60,000, a whole window of the server's per-minute limits). */
  maxWaitMs?: number;
  /** The most times one call is sent again (default 3). */
  maxRetries?: number;
  /** Called before each wait, with the refusal waited out: for a script's log line. */
  onRetry?: (info: { attempt: number; waitMs: number; error: ApiClientError }) => void;
}

const RETRY_DEFAULTS: Readonly<Required<Pick<RetryOptions, 'maxWaitMs' | 'maxRetries'>>> = Object.freeze({ maxWaitMs: 60_000, maxRetries: 3 });

/** A request body exactly as sent: text, bytes or a stream (streams are not buffered by the client). */
export type RawBody = string | Uint8Array | ReadableStream<Uint8Array>;

export interface RequestSpec {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  query?: Record<string, string | number | undefined>;
  /** Sent as `application/json`. */
  json?: unknown;
  /** Sent as is with `contentType`. */
  body?: RawBody;
  contentType?: string;
}

export interface Transport {
  /** Parses a 2xx answer as JSON (an empty answer, as with 204, is `undefined`). */
  json<T>(spec: RequestSpec): Promise<T>;
  /** The 2xx answer's text as is. */
  text(spec: RequestSpec): Promise<string>;
}

export function createTransport(options: ClientOptions): Transport {
  if (!options.url) throw new TypeError('createClient: `url` is required (the Worker\'s base URL)');
  if (!options.key) throw new TypeError('createClient: `key` is required (an API key)');
  const base = options.url.replace(/\/+$/, '');
  // Called unbound: the Workers global fetch throws "Illegal invocation" when called as a method of another object.
  const doFetch: FetchFn = options.fetch ?? ((input, init) => fetch(input, init));
  const retry = options.retry ? resolveRetry(options.retry) : undefined;

  async function exchange(spec: RequestSpec): Promise<string> {
    const url = base + spec.path + queryString(spec.query);
    const headers: Record<string, string> = { authorization: `Bearer ${options.key}`, accept: 'application/json' };
    if (options.tenant) headers['x-tenant'] = options.tenant;
    let body: RawBody | undefined;
    if (spec.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(spec.json);
    } else if (spec.body !== undefined) {
      headers['content-type'] = spec.contentType ?? 'application/octet-stream';
      body = spec.body;
    }
    const init: RequestInit & { duplex?: 'half' } = { method: spec.method, headers, body: body as RequestInit['body'] };
    // Node's fetch refuses a stream body unless told it is sent before the answer is read.
    if (isStream(body)) init.duplex = 'half';
    let waited = 0;
    for (let attempt = 1; ; attempt++) {
      const res = await doFetch(url, init);
      const text = await res.text();
      if (res.status >= 200 && res.status < 300) return text;
      const error = errorFromResponse(res.status, text, `${spec.method} ${spec.path}`);
      const waitMs = retry?.rateLimited && res.status === 429 && !isStream(body) && attempt <= retry.maxRetries ? retryAfterMs(res, error) : null;
      if (!retry || waitMs === null || waited + waitMs > retry.maxWaitMs) throw error;
      retry.onRetry?.({ attempt, waitMs, error });
      waited += waitMs;
      await new Promise((resolve) => setTimeout(resolve, waitMs));
    }
  }

  return {
    async json<T>(spec: RequestSpec): Promise<T> {
      const text = await exchange(spec);
      if (text === '') return undefined as T;
      try {
        return JSON.parse(text) as T;
      } catch {
        throw new ApiClientError(200, 'invalid_response', `${spec.method} ${spec.path} answered something that is not JSON: ${text.slice(0, 120)}`, {}, `${spec.method} ${spec.path}`);
      }
    },
    text: exchange,
  };
}

/** The retry options with their defaults; a limit that is no count refuses the client at once, naming it. */
function resolveRetry(r: RetryOptions): RetryOptions & Required<Pick<RetryOptions, 'maxWaitMs' | 'maxRetries'>> {
  const maxWaitMs = r.maxWaitMs ?? RETRY_DEFAULTS.maxWaitMs;
  const maxRetries = r.maxRetries ?? RETRY_DEFAULTS.maxRetries;
  if (!Number.isFinite(maxWaitMs) || maxWaitMs < 0) throw new TypeError(`createClient: \`retry.maxWaitMs\` must be a number of milliseconds, 0 or more (got ${maxWaitMs})`);
  if (!Number.isInteger(maxRetries) || maxRetries < 0) throw new TypeError(`createClient: \`retry.maxRetries\` must be a whole number, 0 or more (got ${maxRetries})`);
  return { ...r, maxWaitMs, maxRetries };
}

/**
 * How long a `429` asks to wait, in ms: its Retry-After (seconds, or an HTTP date), else the body's
 * `details.retry_after_seconds`; null when it names no wait.
 */
function retryAfterMs(res: Response, error: ApiClientError): number | null {
  const header = res.headers.get('retry-after')?.trim();
  if (header) {
    if (/^\d+$/.test(header)) return Number(header) * 1000;
    const at = Date.parse(header);
    if (Number.isFinite(at)) return Math.max(0, at - Date.now());
  }
  const seconds = error.details.retry_after_seconds;
  return typeof seconds === 'number' && Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : null;
}

/** Path segment for a name or id: encoded, so a stray `/` or `?` cannot change the route. */
export const segment = (value: string | number) => encodeURIComponent(String(value));

function queryString(query: RequestSpec['query']): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, String(v));
  const s = params.toString();
  return s ? `?${s}` : '';
}

const isStream = (body: unknown): body is ReadableStream => typeof ReadableStream !== 'undefined' && body instanceof ReadableStream;
