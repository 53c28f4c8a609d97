/**
 * @module worker/routes/jobs
 * Job routes. Creating a job (start-job) checks everything that can be checked before any work starts
 * (dataset, target, task, metric, families, budget, column overrides) so that a bad request creates
 * nothing, then hands the job to its own SearchCoordinator. `GET /v1/jobs/{id}/events` streams the job
 * view as server-sent events for the dashboard (worker/job-events).
 */
import { Hono } from 'hono';
import type { JobView } from '../../durable/protocol';
import { type AuthVars, keyStillActive } from '../auth';
import { coordinatorFor, isJobId } from '../coordinator';
import { notFound } from '../errors';
import { jobEvents } from '../job-events';
import { enforceRateLimit } from '../limits';
import { createJobSchema } from '../schemas';
import { readJson } from '../read-json';
import { forgetNeverStartedJob } from '../settle-jobs';
import { startJob } from '../start-job';

type App = { Bindings: Env; Variables: AuthVars };

export const jobs = new Hono<App>();

jobs.post('/', async (c) => {
  // Attempts count, refused ones included: the limit protects the dataset reads validation does.
  await enforceRateLimit(c, c.env.JOB_LIMITER, 'job creation');
  const body = await readJson(c, createJobSchema);
  return c.json(await startJob(c.env, c.get('tenant'), body), 202);
});

jobs.get('/', async (c) => {
  return c.json({ jobs: await c.env.REGISTRY.getByName(c.get('tenant')).listJobs() });
});

jobs.get('/:id', async (c) => {
  const view = isJobId(c.req.param('id')) ? await coordinatorFor(c.env, c.get('tenant'), c.req.param('id')).view() : null;
  if (!view) throw notFound('job', c.req.param('id'));
  return c.json(view);
});

jobs.get('/:id/trials', async (c) => {
  const list = isJobId(c.req.param('id')) ? await coordinatorFor(c.env, c.get('tenant'), c.req.param('id')).trialList() : null;
  if (!list) throw notFound('job', c.req.param('id'));
  return c.json(list);
});

jobs.delete('/:id', async (c) => {
  const id = c.req.param('id');
  const view = isJobId(id) ? await coordinatorFor(c.env, c.get('tenant'), id).cancel() : null;
  if (!view) {
    // Listed but never started (its hand-off failed): the row goes, and the job is not found from now on.
    if (isJobId(id)) await forgetNeverStartedJob(c.env, c.get('tenant'), id);
    throw notFound('job', id);
  }
  return c.json(view);
});

/**
 * `GET /v1/jobs/{id}/events`: server-sent events. An `event: job` carries the whole view (as GET
 * /v1/jobs/{id}) first and then whenever it changed, a `: heartbeat` comment every 15 s while it does
 * not; the stream ends with `event: end` (data
 * `{"reason": "finished" | "time_limit" | "unavailable" | "revoked"}`) once the job is terminal, after ten
 * minutes, when the coordinator cannot be read, or once the tenant key is revoked. Auth is the Bearer
 * header as on every route, so browsers read it with fetch rather than EventSource.
 */
jobs.get('/:id/events', async (c) => {
  const id = c.req.param('id');
  const coordinator = isJobId(id) ? coordinatorFor(c.env, c.get('tenant'), id) : null;
  const first = coordinator ? await coordinator.view() : null;
  if (!coordinator || !first) throw notFound('job', id);
  // A tenant key revoked while the stream runs ends it (the admin key is a secret, not revocable here).
  const keyId = c.get('keyId');
  const keyActive = c.get('isAdmin') ? undefined : () => keyStillActive(c.env, keyId);
  const stream = jobEvents(first, async () => (await coordinator.view()) as JobView | null, keyActive ? { keyActive } : {});
  return new Response(stream, {
    headers: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', 'x-accel-buffering': 'no' },
  });
});
