/**
 * The live job stream, GET /v1/jobs/{id}/events: server-sent events carrying the job view as a real job
 * runs, ending by themselves once the job is over; another tenant's job is not found.
 */
import { beforeAll, describe, expect, it } from 'vitest';
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
  const events = raw
    .split('\n\n')
    .filter((block) => block.includes('event: '))
    .map((block) => {
      const lines = block.split('\n');
      return {
        event: lines.find((l) => l.startsWith('event: '))!.slice(7),
        data: JSON.parse(lines.find((l) => l.startsWith('data: '))!.slice(6)),
      };
    });
  return { events, raw };
}

describe('GET /v1/jobs/{id}/events', () => {
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
    // Events are sent on change only: no two consecutive views are the same but for the elapsed time.
    const keys = jobEvents.map((e) => JSON.stringify({ ...e.data, progress: { ...e.data.progress, elapsed_ms: 0 } }));
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

  it("answers 404 for another tenant's job, an unknown job and a malformed id", async () => {
    const list = await jsonOf(await send({ method: 'GET', path: '/v1/jobs', key }));
    const other = await tenantKey('events-other', 'k');
    await expectError(await send({ method: 'GET', path: `/v1/jobs/${list.jobs[0].id}/events`, key: other }), 404, 'job_not_found');
    await expectError(await send({ method: 'GET', path: '/v1/jobs/00000000-0000-4000-8000-000000000000/events', key }), 404, 'job_not_found');
    await expectError(await send({ method: 'GET', path: '/v1/jobs/not-a-job/events', key }), 404, 'job_not_found');
    await expectError(await send({ method: 'GET', path: `/v1/jobs/${list.jobs[0].id}/events`, key: null }), 401, 'unauthorized');
  });
});
