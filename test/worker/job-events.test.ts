/**
 * The live job stream, GET /v1/jobs/{id}/events: server-sent events carrying the job view as a real job
 * runs, ending by themselves once the job is over; a job whose view stays the same for seconds keeps its
 * stream open (and the dashboard's follower on it, without reconnecting) until its later changes and its
 * end; another tenant's job is not found. The quiet jobs are driven by hand: their coordinator sits under
 * the tenant's name, but their queue messages go to tenant "detached", where no coordinator claims them.
 */
import { createExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
// @ts-expect-error the dashboard's module is plain JavaScript, without type declarations
import { followJob as dashboardFollowJob } from '../../public/app/api.js';
import worker from '../../src/worker/index';
import { detachedJobConfig, withArtifact } from './helpers';
import { expectError, jsonOf, send, SMALL_CSV, tenantKey } from './tenant';

let key = '';

interface SseEvent {
  event: string;
  data: any;
}

/** Reads a whole event stream (bounded in time) and parses its events; comments and retry lines are kept apart. */
async function readEvents(res: Response, timeoutMs: number): Promise<{ events: SseEvent[]; raw: string }> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let raw = '';
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (Date.now() > until) throw new Error(`stream still open after ${timeoutMs} ms:\n${raw.slice(-2000)}`);
    const { done, value } = await reader.read();
    if (done) break;
    raw += decoder.decode(value, { stream: true });
  }
  return { events: parseEvents(raw), raw };
}

/** Parses the events of a stream's text so far (comments and retry lines left out). */
function parseEvents(raw: string): SseEvent[] {
  return raw
    .split('\n\n')
    .filter((block) => block.includes('event: '))
    .map((block) => {
      const lines = block.split('\n');
      return {
        event: lines.find((l) => l.startsWith('event: '))!.slice(7),
        data: JSON.parse(lines.find((l) => l.startsWith('data: '))!.slice(6)),
      };
    });
}

/** Polls `ready` every 50 ms; fails naming `what` (and showing `context()`) after `timeoutMs`. */
async function until(what: string, ready: () => boolean, timeoutMs: number, context: () => string = () => ''): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!ready()) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n${context()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Reads a stream in the background: what it sent so far, and whether it has closed. */
function followed(res: Response): { raw: string; closed: boolean } {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const stream = { raw: '', closed: false };
  void (async () => {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return void (stream.closed = true);
      stream.raw += decoder.decode(value, { stream: true });
    }
  })();
  return stream;
}

/** The view stays the same this long: several of the stream's one-second polls. */
const QUIET_MS = 3_500;

const complete = (job: string, trial: string, score: number) => ({
  status: 'complete' as const,
  score,
  loss: -score,
  fold_scores: [score],
  fit_info: {},
  artifact_key: `models/detached/${job}/${trial}.json`,
});

/** Starts a two-trial job whose coordinator answers `tenant`'s routes and whose trials nobody runs. */
async function quietJob(tenant: string) {
  const id = crypto.randomUUID();
  const stub = env.SEARCH.getByName(`${tenant}/${id}`);
  await stub.start(detachedJobConfig(id, { budget: { seconds: 600, trials: 2 } }));
  return { id, stub };
}

describe('GET /v1/jobs/{id}/events', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  beforeAll(async () => {
    key = await tenantKey('events', 'k');
    expect((await send({ method: 'PUT', path: '/v1/datasets/ev', key, body: SMALL_CSV, contentType: 'text/csv' })).status).toBe(201);
  });

  it('streams the job as it progresses and ends once the job has ended', async () => {
    const created = await jsonOf(await send({ method: 'POST', path: '/v1/jobs', key, body: { dataset: 'ev', target: 'label', models: ['linear', 'knn'], budget: { trials: 4 }, seed: 3 } }));
    const res = await send({ method: 'GET', path: `/v1/jobs/${created.id}/events`, key });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const { events, raw } = await readEvents(res, 150_000);
    expect(raw.startsWith('retry: ')).toBe(true);

    const jobEvents = events.filter((e) => e.event === 'job');
    expect(jobEvents.length).toBeGreaterThanOrEqual(2);
    expect(jobEvents.every((e) => e.data.id === created.id)).toBe(true);
    expect(jobEvents[0].data.status).not.toBe('succeeded');
    // Progress only moves forward, and the stream saw it move.
    const done = jobEvents.map((e) => e.data.progress.trials_done);
    for (let i = 1; i < done.length; i++) expect(done[i]).toBeGreaterThanOrEqual(done[i - 1]);
    expect(done.at(-1)).toBeGreaterThan(done[0]);
    // Events are sent on change only: no two consecutive views are the same but for the clocks.
    const keys = jobEvents.map((e) => JSON.stringify({ ...e.data, progress: { ...e.data.progress, elapsed_ms: 0, remaining_ms: null } }));
    for (let i = 1; i < keys.length; i++) expect(keys[i]).not.toBe(keys[i - 1]);

    const last = jobEvents.at(-1)!.data;
    expect(last.status).toBe('succeeded');
    expect(last.leaderboard.length).toBeGreaterThan(0);
    expect(last.model.version).toBe(1);
    expect(events.at(-1)).toEqual({ event: 'end', data: { reason: 'finished' } });
  });

  it('sends a finished job once and closes at once', async () => {
    const list = await jsonOf(await send({ method: 'GET', path: '/v1/jobs', key }));
    const finished = list.jobs.find((j: { status: string }) => j.status === 'succeeded');
    expect(finished).toBeDefined();
    const { events } = await readEvents(await send({ method: 'GET', path: `/v1/jobs/${finished.id}/events`, key }), 10_000);
    expect(events.map((e) => e.event)).toEqual(['job', 'end']);
    expect(events[0].data.status).toBe('succeeded');
  });

  it('keeps the stream open while the job does not change, then sends its later changes and the end', async () => {
    const quietKey = await tenantKey('events-quiet', 'k');
    const { id, stub } = await quietJob('events-quiet');
    const res = await send({ method: 'GET', path: `/v1/jobs/${id}/events`, key: quietKey });
    expect(res.status).toBe(200);
    const stream = followed(res);
    const events = () => parseEvents(stream.raw);
    const tail = () => stream.raw.slice(-1500);
    await until('the first job event', () => events().length === 1, 10_000, tail);

    // Nothing happens to the job for several polls: no event (the clocks alone do not count), still open.
    await sleep(QUIET_MS);
    expect(stream.closed).toBe(false);
    expect(events().map((e) => e.event)).toEqual(['job']);
    expect(events()[0].data.progress).toMatchObject({ trials_running: 2, phase: 'searching' });

    // Whatever happens after the quiet spell still arrives on the same stream.
    expect(await stub.report('t0000', await withArtifact(complete(id, 't0000', 0.8)))).toEqual({ accepted: true });
    await until('the view with one trial done', () => events().some((e) => e.data.progress?.trials_done === 1), 20_000, tail);
    await sleep(QUIET_MS);
    expect(stream.closed).toBe(false);
    expect(await stub.report('t0001', await withArtifact(complete(id, 't0001', 0.85)))).toEqual({ accepted: true });
    await until('the stream to end', () => stream.closed, 20_000, tail);

    const all = events();
    expect(all.at(-1)).toEqual({ event: 'end', data: { reason: 'finished' } });
    const last = all.filter((e) => e.event === 'job').at(-1)!.data;
    expect(last).toMatchObject({ id, status: 'succeeded', progress: { trials_done: 2, phase: 'ended', remaining_ms: null } });
  });

  // From a read-only audit of keys: the stream checked its key once and followed the job for up to ten
  // minutes after the key was revoked.
  it('ends with reason revoked once the key it was opened with is revoked', async () => {
    const revokedKey = await tenantKey('events-revoked', 'k');
    const { id } = await quietJob('events-revoked');
    const res = await send({ method: 'GET', path: `/v1/jobs/${id}/events`, key: revokedKey });
    expect(res.status).toBe(200);
    const stream = followed(res);
    const tail = () => stream.raw.slice(-1500);
    await until('the first job event', () => parseEvents(stream.raw).length === 1, 10_000, tail);
    await sleep(1_500);
    expect(stream.closed).toBe(false);
    expect((await send({ method: 'DELETE', path: '/v1/keys/k?tenant=events-revoked' })).status).toBe(204);
    await until('the stream to end', () => stream.closed, 10_000, tail);
    expect(parseEvents(stream.raw).at(-1)).toEqual({ event: 'end', data: { reason: 'revoked' } });
    await expectError(await send({ method: 'GET', path: `/v1/jobs/${id}/events`, key: revokedKey }), 401, 'unauthorized');
  });

  it("the dashboard's follower reads a quiet job to its end on one connection", async () => {
    const quietKey = await tenantKey('events-follow', 'k');
    const { id, stub } = await quietJob('events-follow');
    // The dashboard runs in a browser: its key comes from sessionStorage and its fetch from this origin.
    vi.stubGlobal('sessionStorage', { getItem: () => quietKey });
    vi.stubGlobal('fetch', (path: string, init: RequestInit) => worker.fetch(new Request(`http://edge-automl.test${path}`, init), env, createExecutionContext()));
    const states: string[] = [];
    const views: any[] = [];
    const abort = new AbortController();
    const following: Promise<void> = dashboardFollowJob(id, { onView: (v: unknown) => views.push(v), onState: (s: string) => states.push(s), signal: abort.signal });
    try {
      await until('the first view', () => views.length === 1, 10_000);
      await sleep(QUIET_MS);
      expect(states).toEqual(['live']);
      await stub.report('t0000', await withArtifact(complete(id, 't0000', 0.8)));
      await stub.report('t0001', await withArtifact(complete(id, 't0001', 0.85)));
      await following;
      expect(states).toEqual(['live', 'ended']);
      expect(views.at(-1)).toMatchObject({ id, status: 'succeeded' });
    } finally {
      abort.abort();
    }
  });

  it("answers 404 for another tenant's job, an unknown job and a malformed id", async () => {
    const list = await jsonOf(await send({ method: 'GET', path: '/v1/jobs', key }));
    const other = await tenantKey('events-other', 'k');
    await expectError(await send({ method: 'GET', path: `/v1/jobs/${list.jobs[0].id}/events`, key: other }), 404, 'job_not_found');
    await expectError(await send({ method: 'GET', path: '/v1/jobs/00000000-0000-4000-8000-000000000000/events', key }), 404, 'job_not_found');
    await expectError(await send({ method: 'GET', path: '/v1/jobs/not-a-job/events', key }), 404, 'job_not_found');
    await expectError(await send({ method: 'GET', path: `/v1/jobs/${list.jobs[0].id}/events`, key: null }), 401, 'unauthorized');
  });
});
