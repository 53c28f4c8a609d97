/**
 * @module worker/allowed-methods
 * Which methods the app answers on a path, read from its own route table, so a request with another
 * method on a route that exists gets 405 method_not_allowed with an Allow header (RFC 9110), instead of
 * the 404 a path that does not exist gets.
 */
import type { Hono } from 'hono';

const patterns = new WeakMap<object, { method: string; test: RegExp }[]>();

/** A route path ("/v1/datasets/:dataset", "/v1/*") as an anchored expression over request paths. */
function compile(path: string): RegExp {
  const source = path
    .split('/')
    .map((part) => (part === '*' ? '.*' : part.startsWith(':') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${source}/?$`);
}

/** The methods of the routes (not middleware) matching `path`; HEAD is implied by GET. */
export function allowedMethods(app: Hono<any, any, any>, path: string): string[] {
  let table = patterns.get(app);
  if (!table) {
    table = app.routes.filter((r) => r.method !== 'ALL').map((r) => ({ method: r.method.toUpperCase(), test: compile(r.path) }));
    patterns.set(app, table);
  }
  const methods = new Set(table.filter((r) => r.test.test(path)).map((r) => r.method));
  if (methods.has('GET')) methods.add('HEAD');
  return [...methods].sort();
}
