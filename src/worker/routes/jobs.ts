/**
 * @module worker/routes/jobs
 * Job routes. Creating a job (start-job) checks everything that can be checked before any work starts
 * (dataset, target, task, metric, families, budget, column overrides) so that a bad request creates
 * nothing, then hands the job to its own SearchCoordinator. `GET /v1/jobs/{id}/events` streams the job
 * view as server-sent events for the dashboard (see jobEvents).
 */
import { Hono } from 'hono';
import type { JobView } from '../../durable/protocol';
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
  const list = isJobId(c.req.param('id')) ? await coordinatorFor(c.env, c.get('tenant'), c.req.param('id')).trialList() : null;
  if (!list) throw notFound('job', c.req.param('id'));
  return c.json(list);
});

jobs.delete('/:id', async (c) => {
  const view = isJobId(c.req.param('id')) ? await coordinatorFor(c.env, c.get('tenant'), c.req.param('id')).cancel() : null;
  if (!view) throw notFound('job', c.req.param('id'));
  return c.json(view);
});

/** How often the events stream reads the job view from its coordinator. */
const EVENTS_POLL_MS = 1_000;
/** A comment line this often keeps proxies from closing a quiet stream. */
const EVENTS_HEARTBEAT_MS = 15_000;
/** A stream ends after this long even for a running job; the client reconnects (bounds one request's life). */
const EVENTS_MAX_MS = 10 * 60_000;

const TERMINAL = new Set(['succeeded', 'failed', 'cancelled']);

/**
 * `GET /v1/jobs/{id}/events`: server-sent events. An `event: job` carries the whole view (as GET
 * /v1/jobs/{id}) first and then whenever it changed; the stream ends with `event: end` (data
 * `{"reason": "finished" | "time_limit" | "unavailable"}`) once the job is terminal, after ten minutes,
 * or when the coordinator cannot be read. Auth is the Bearer header as on every route, so browsers read
 * it with fetch rather than EventSource.
 */
jobs.get('/:id/events', async (c) => {
  const id = c.req.param('id');
  const coordinator = isJobId(id) ? coordinatorFor(c.env, c.get('tenant'), id) : null;
  const first = coordinator ? await coordinator.view() : null;
  if (!coordinator || !first) throw notFound('job', id);
  const stream = jobEvents(first, async () => (await coordinator.view()) as JobView | null);
  return new Response(stream, {
    headers: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', 'x-accel-buffering': 'no' },
  });
});

/**
 * The event stream of one job. Pull-based: the next read of the coordinator happens only once the client
 * has taken the previous chunk, so a slow client holds at most one pending event, never a backlog.
 */
function jobEvents(first: JobView, readView: () => Promise<JobView | null>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const started = Date.now();
  let lastKey = changeKey(first);
  let lastSentAt = started;
  let seq = 0;
  let closed = false;
  const frame = (event: string, data: unknown) => encoder.encode(`event: ${event}\nid: ${++seq}\ndata: ${JSON.stringify(data)}\n\n`);
  const end = (controller: ReadableStreamDefaultController<Uint8Array>, reason: string) => {
    controller.enqueue(frame('end', { reason }));
    controller.close();
    closed = true;
  };
  return new ReadableStream<Uint8Array>({
    start(controller) {
      // A client that lost the stream waits this long before reconnecting.
      controller.enqueue(encoder.encode('retry: 2000\n\n'));
      controller.enqueue(frame('job', first));
      if (TERMINAL.has(first.status)) end(controller, 'finished');
    },
    async pull(controller) {
      if (closed) return;
      await new Promise((resolve) => setTimeout(resolve, EVENTS_POLL_MS));
      if (closed) return;
      let view: JobView | null;
      try {
        view = await readView();
      } catch (err) {
        console.error('job events: could not read the job view', err);
        view = null;
      }
      if (!view) return end(controller, 'unavailable');
      const now = Date.now();
      const key = changeKey(view);
      if (key !== lastKey) {
        lastKey = key;
        lastSentAt = now;
        controller.enqueue(frame('job', view));
      } else if (now - lastSentAt >= EVENTS_HEARTBEAT_MS) {
        lastSentAt = now;
        controller.enqueue(encoder.encode(': heartbeat\n\n'));
      }
      if (TERMINAL.has(view.status)) return end(controller, 'finished');
      if (now - started >= EVENTS_MAX_MS) return end(controller, 'time_limit');
    },
    cancel() {
      closed = true;
    },
  });
}

/** What counts as a change: everything but the elapsed time, which moves on every read of a running job. */
function changeKey(view: JobView): string {
  return JSON.stringify({ ...view, progress: { ...view.progress, elapsed_ms: 0 } });
}
