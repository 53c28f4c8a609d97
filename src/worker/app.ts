/**
 * @module worker/app
 * The HTTP application: health, then every /v1 route behind the API-key check (tenant keys and the admin
 * key; /v1/keys is admin only) and the refusal of query parameters a route does not take (query-params),
 * one error mapper, a JSON 405 (with Allow) for a method a route does not
 * have, and a JSON 404 for unknown routes. Paths outside /v1
 * that no route answers are looked up in the static assets (the dashboard), which the platform normally
 * serves before the Worker runs; the fallback keeps them reachable where a request reaches the Worker
 * first (the Workers test pool, a self-hosted workerd).
 */
import { Hono } from 'hono';
import pkg from '../../package.json';
import { allowedMethods } from './allowed-methods';
import { type AuthVars, requireKey } from './auth';
import { errorBody, handleError } from './errors';
import { serveOpenApi } from './openapi/document';
import { refuseUnknownQuery } from './query-params';
import { datasets } from './routes/datasets';
import { drift } from './routes/drift';
import { forecast } from './routes/forecast';
import { evaluation } from './routes/evaluation';
import { jobs } from './routes/jobs';
import { keys } from './routes/keys';
import { models } from './routes/models';
import { schedules } from './routes/schedules';

type App = { Bindings: Env; Variables: AuthVars };

const JSON_TYPE = 'application/json; charset=utf-8';

export function createApp() {
  const app = new Hono<App>();
  // The contract's media type for JSON names its charset (application/json; charset=utf-8); Hono's c.json
  // says application/json alone. Errors pass through here too (onError sets the response first).
  app.use('*', async (c, next) => {
    await next();
    if (c.res.headers.get('content-type') === 'application/json') c.res.headers.set('content-type', JSON_TYPE);
  });
  app.get('/health', (c) => c.json({ status: 'ok', version: pkg.version }));
  app.get('/openapi.json', serveOpenApi);
  app.use('/v1/*', requireKey);
  // After the key check: who may not call a route learns nothing of its parameters.
  app.use('/v1/*', refuseUnknownQuery);
  app.route('/v1/datasets', datasets);
  app.route('/v1/jobs', jobs);
  app.route('/v1/models', models);
  app.route('/v1/models', schedules);
  app.route('/v1/models', drift);
  app.route('/v1/models', forecast);
  app.route('/v1/models', evaluation);
  app.route('/v1/keys', keys);
  app.notFound(async (c) => {
    const path = new URL(c.req.url).pathname;
    if (c.env.ASSETS && !path.startsWith('/v1/') && (c.req.method === 'GET' || c.req.method === 'HEAD')) {
      const asset = await c.env.ASSETS.fetch(c.req.raw);
      if (asset.status !== 404) return asset;
    }
    const allowed = allowedMethods(app, path);
    // The route patterns forgive a trailing slash, the router does not: "GET is not a method of /v1/jobs/;
    // use GET" would contradict itself. Say what to send instead.
    if (path.length > 1 && path.endsWith('/') && (allowed.includes(c.req.method) || allowedMethods(app, path.slice(0, -1)).includes(c.req.method))) {
      const without = path.replace(/\/+$/, '');
      return c.json(errorBody('not_found', `no route for ${c.req.method} ${path}; drop the trailing slash: ${c.req.method} ${without}`, { path: without }), 404);
    }
    if (allowed.length > 0) {
      c.header('Allow', allowed.join(', '));
      return c.json(errorBody('method_not_allowed', `${c.req.method} is not a method of ${path}; use ${allowed.join(', ')}`, { allowed }), 405);
    }
    return c.json(errorBody('not_found', `no route for ${c.req.method} ${path}`), 404);
  });
  app.onError(handleError);
  return app;
}
