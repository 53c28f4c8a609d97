/**
 * @module worker/query-params
 * Refuses query parameters a /v1 route does not read. A typo (`?explian=true`, `?verison=2`) used to be
 * ignored, and the client got an answer to another question than it asked (no explanations, the champion
 * instead of version 2) with nothing saying so. The parameters a route takes are those its entry in the
 * OpenAPI operations table lists (worker/openapi/operations, where every route has exactly one entry:
 * test/worker/openapi.test.ts), so the document and this check cannot disagree. A parameter given twice
 * is refused too: which of its values would count is a guess. A request no route answers passes on to
 * the 404 or 405 answer. /health and /openapi.json are left alone: monitors and caches add parameters
 * of their own to public URLs.
 */
import type { MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import { ApiError } from './errors';
import { OPERATIONS } from './openapi/operations';

/** `GET /v1/models/{model}` → the query parameters it takes; built on first use in the isolate. */
let accepted: Map<string, readonly string[]> | undefined;

/** A route as Hono registers it (`/v1/models/:model`, a sub-app's `/` with its trailing slash) as the operations table writes it. */
function operationKey(method: string, path: string): string {
  const trimmed = path.length > 1 ? path.replace(/\/$/, '') : path;
  return `${method.toUpperCase()} ${trimmed.replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`;
}

/** The query parameters of the route of `method` and `path`; undefined for a route the table lacks. */
export function acceptedQuery(method: string, path: string): readonly string[] | undefined {
  accepted ??= new Map(OPERATIONS.map((op) => [`${op.method.toUpperCase()} ${op.path}`, Object.keys(op.query ?? {})]));
  return accepted.get(operationKey(method, path));
}

/** Middleware for /v1/*: 400 invalid_request naming an unknown (or repeated) query parameter and the route's own. */
export const refuseUnknownQuery: MiddlewareHandler = async (c, next) => {
  // Most requests (every predict from an app) have no query: no URL parsed for them.
  const names = c.req.url.includes('?') ? [...new URL(c.req.url).searchParams.keys()] : [];
  if (names.length > 0) {
    // The handler that will answer (middleware are registered for ALL methods).
    const route = matchedRoutes(c).find((r) => r.method !== 'ALL');
    const takes = route && acceptedQuery(route.method, route.path);
    if (route && takes) checkQuery(names, takes, operationKey(route.method, route.path));
  }
  await next();
};

/** Throws for a parameter the route (`GET /v1/models/{model}`) does not take, or one given more than once. */
function checkQuery(names: readonly string[], takes: readonly string[], route: string): void {
  const unknown = [...new Set(names.filter((name) => !takes.includes(name)))].map((name) => name.slice(0, 64));
  if (unknown.length > 0) {
    const offer = takes.length === 0 ? `${route} takes no query parameters` : `${route} takes ${takes.map((name) => `?${name}`).join(', ')}`;
    const quoted = unknown.map((name) => `"${name}"`).join(', ');
    throw new ApiError(400, 'invalid_request', `unknown query parameter${unknown.length > 1 ? 's' : ''} ${quoted}; ${offer}`, { field: unknown[0], accepted: takes });
  }
  const twice = names.find((name, i) => names.indexOf(name) !== i);
  if (twice !== undefined) {
    throw new ApiError(400, 'invalid_request', `query parameter "${twice}" is given ${names.filter((n) => n === twice).length} times; give it once`, { field: twice });
  }
}
