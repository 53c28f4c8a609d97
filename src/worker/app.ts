/**
 * @module worker/app
 * The HTTP application: health, then every /v1 route behind the API-key check (tenant keys and the admin
 * key; /v1/keys is admin only), one error mapper, and a JSON 404 for unknown routes.
 */
import { Hono } from 'hono';
import pkg from '../../package.json';
import { type AuthVars, requireKey } from './auth';
import { errorBody, handleError } from './errors';
import { datasets } from './routes/datasets';
import { drift } from './routes/drift';
import { jobs } from './routes/jobs';
import { keys } from './routes/keys';
import { models } from './routes/models';
import { schedules } from './routes/schedules';

type App = { Bindings: Env; Variables: AuthVars };

export function createApp() {
  const app = new Hono<App>();
  app.get('/health', (c) => c.json({ status: 'ok', version: pkg.version }));
  app.use('/v1/*', requireKey);
  app.route('/v1/datasets', datasets);
  app.route('/v1/jobs', jobs);
  app.route('/v1/models', models);
  app.route('/v1/models', schedules);
  app.route('/v1/models', drift);
  app.route('/v1/keys', keys);
  app.notFound((c) => c.json(errorBody('not_found', `no route for ${c.req.method} ${new URL(c.req.url).pathname}`), 404));
  app.onError(handleError);
  return app;
}
