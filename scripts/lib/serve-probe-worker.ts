/**
 * A benchmark-only Worker entry (never deployed): the real Worker (every route, the queue consumer, the
 * Durable Object classes), plus probe routes that run the predict path's steps cumulatively, so the load
 * generator can price each step as the difference between neighbouring probes on the same runtime:
 *   POST /probe/raw                 reads the body, answers straight from fetch (no router: the floor)
 *   POST /probe/auth/:model         + Hono routing and the API-key check (digest, cached key lookup)
 *   POST /probe/limit/:model        + the per-key rate limit (the ratelimit binding)
 *   POST /probe/body/:model         + reading and validating the JSON body
 *   POST /probe/version/:model      + the served version (isolate cache) and the warm predictor
 *   POST /probe/predict/:model      + predicting and the JSON answer, without drift sampling
 * The full route (POST /v1/models/:model/predict) adds drift sampling on top.
 * bench:serve bundles it like `wrangler deploy` and runs it on Miniflare when asked for --stages.
 */
import { Hono } from 'hono';
import { type AuthVars, requireKey } from '../../src/worker/auth';
import { handleError } from '../../src/worker/errors';
import { enforceRateLimit } from '../../src/worker/limits';
import { loadPredictor } from '../../src/worker/model-cache';
import { servedVersion } from '../../src/worker/model-versions';
import { readJson } from '../../src/worker/read-json';
import { predictSchema } from '../../src/worker/schemas';
import worker from '../../src/worker/index';

export { DriftMonitor, KeyStore, Registry, ScheduleBoard, SearchCoordinator } from '../../src/worker/index';

type App = { Bindings: Env; Variables: AuthVars };
const STAGES = ['auth', 'limit', 'body', 'version', 'predict'] as const;

const probes = new Hono<App>();
probes.use('/probe/:stage/:model', requireKey);
probes.post('/probe/:stage/:model', async (c) => {
  const depth = STAGES.indexOf(c.req.param('stage') as (typeof STAGES)[number]);
  const name = c.req.param('model');
  // Every probe reads the body, as the route does: an unread body makes workerd drop the keep-alive connection.
  if (depth < 1) return c.json({ bytes: (await c.req.text()).length });
  await enforceRateLimit(c, c.env.PREDICT_LIMITER, 'predict');
  if (depth < 2) return c.json({ bytes: (await c.req.text()).length });
  const body = await readJson(c, predictSchema);
  if (depth < 3) return c.json({});
  const resolved = await servedVersion(c.env, c.get('tenant'), name, body.version);
  const predictor = await loadPredictor(c.env, resolved.artifact_key);
  if (depth < 4) return c.json({});
  return c.json({ model: { name, version: resolved.version }, ...predictor.predictRows(body.rows) });
});
probes.onError(handleError);

export default {
  ...worker,
  fetch(request: Request, env: Env, ctx: ExecutionContext) {
    const path = new URL(request.url).pathname;
    if (path === '/probe/raw') return request.text().then((text) => new Response(`{"bytes":${text.length}}`, { headers: { 'content-type': 'application/json' } }));
    if (path.startsWith('/probe/')) return probes.fetch(request, env, ctx);
    return worker.fetch(request, env, ctx);
  },
} satisfies ExportedHandler<Env, never>;
