/**
 * @module client/transport
 * One HTTP exchange with the API over a `fetch` function: the base URL and the bearer key on every
 * request (plus `X-Tenant` when the admin key acts on a tenant), JSON or raw bodies, and every non-2xx
 * answer turned into an ApiClientError. Only `fetch`, `URL` and `Response` are used, so it runs
 * unchanged on Workers, Node 20, Deno, Bun and browsers.
 */
import { ApiClientError, errorFromResponse } from './errors';

/** The `fetch` the client calls: the global one by default, or a service binding's, or a test double. */
export type FetchFn = (input: string, init?: RequestInit) => Promise<Response>;

export interface ClientOptions {
  /** Base URL of the Worker, e.g. `https://automl.example.workers.dev` (a trailing slash is fine). */
  url: string;
  /** API key: a tenant key, or the admin key. */
  key: string;
  /** The tenant the admin key acts on (`X-Tenant`); tenant keys ignore it. */
  tenant?: string;
  /** Defaults to the runtime's global `fetch`. */
  fetch?: FetchFn;
}

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
    const init: RequestInit & { duplex?: 'half' } = { method: spec.method, headers, body: body as BodyInit | undefined };
    // Node's fetch refuses a stream body unless told it is sent before the answer is read.
    if (isStream(body)) init.duplex = 'half';
    const res = await doFetch(url, init);
    const text = await res.text();
    if (res.status < 200 || res.status >= 300) throw errorFromResponse(res.status, text, `${spec.method} ${spec.path}`);
    return text;
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
