/**
 * @module worker/routes/jobs
 * Job routes. Creating a job (start-job) checks everything that can be checked before any work starts
 * (dataset, target, task, metric, families, budget, column overrides) so that a bad request creates
 * nothing, then hands the job to its own SearchCoordinator.
 */
import { Hono } from 'hono';
import type { AuthVars } from '../auth';
import { coordinatorFor, isJobId } from '../coordinator';
import { notFound } from '../errors';
import { enforceRateLimit } from '../limits';
import { createJobSchema, readJson } from '../schemas';
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
  const trials = isJobId(c.req.param('id')) ? await coordinatorFor(c.env, c.get('tenant'), c.req.param('id')).trials() : null;
  if (!trials) throw notFound('job', c.req.param('id'));
  return c.json({ trials });
});

jobs.delete('/:id', async (c) => {
  const view = isJobId(c.req.param('id')) ? await coordinatorFor(c.env, c.get('tenant'), c.req.param('id')).cancel() : null;
  if (!view) throw notFound('job', c.req.param('id'));
  return c.json(view);
});
