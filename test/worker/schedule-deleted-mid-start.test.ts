/**
 * A schedule deleted while one of its runs is being started (from a read-only audit of scheduled
 * retraining): the tick had claimed the run and was reading the champion when the user deleted the
 * schedule. The run must start no job: the user asked for no more retraining, and a job started then
 * would publish (and may promote) a version nobody scheduled.
 */
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { retrainJobId, startClaimedRun } from '../../src/worker/retrain';
import { binaryTable } from './binary-table';
import { expectError, jsonOf, send, tenantKey, waitJob } from './tenant';

const TENANT = 'schedule-deleted-mid-start';
const MIN = 60_000;

describe('a schedule deleted between a run claim and its job start', () => {
  it('starts no job, and a schedule made again later is not disturbed', async () => {
    const key = await tenantKey(TENANT, 'mid-start');
    const send_ = (init: Parameters<typeof send>[0]) => send({ ...init, key });
    expect((await send_({ method: 'PUT', path: '/v1/datasets/rows', body: binaryTable(80, 3), contentType: 'text/csv' })).status).toBe(201);
    const created = await jsonOf(await send_({ method: 'POST', path: '/v1/jobs', body: { dataset: 'rows', target: 'label', model: 'nightly', models: ['linear'], budget: { trials: 1 } } }));
    expect((await waitJob(created.id, key)).status).toBe('succeeded');
    expect((await send_({ method: 'POST', path: '/v1/datasets/rows/rows', body: binaryTable(20, 4), contentType: 'text/csv' })).status).toBe(201);
    const set = await jsonOf(await send_({ method: 'PUT', path: '/v1/models/nightly/schedule', body: { every: '1d', dataset: 'rows', budget: { trials: 1 } } }));
    const due = Date.parse(set.next_due_at);

    // The tick claims the run (the new rows make it one to train)...
    const claim = await env.REGISTRY.getByName(TENANT).claimScheduledRun('nightly', due + MIN);
    expect(claim).toMatchObject({ claimed: true, outcome: 'start' });
    // ...the user deletes the schedule...
    expect((await send_({ method: 'DELETE', path: '/v1/models/nightly/schedule' })).status).toBe(204);
    // ...and the tick goes on with its claim.
    const outcome = await startClaimedRun(env, TENANT, 'nightly', claim);
    expect(outcome).toMatchObject({ outcome: 'skipped' });
    expect(outcome.reason).toContain('no longer claimed');
    expect(outcome.job_id).toBeUndefined();

    // No job was made for the run, and the model's history names no retraining.
    const id = await retrainJobId(TENANT, 'nightly', due);
    await expectError(await send_({ method: 'GET', path: `/v1/jobs/${id}` }), 404, 'job_not_found');
    const jobs = (await jsonOf(await send_({ method: 'GET', path: '/v1/jobs' }))).jobs as { id: string }[];
    expect(jobs.map((j) => j.id)).toEqual([created.id]);
    const model = await jsonOf(await send_({ method: 'GET', path: '/v1/models/nightly' }));
    expect((model.history as { kind: string }[]).some((h) => h.kind === 'retrain_started')).toBe(false);
    await expectError(await send_({ method: 'GET', path: '/v1/models/nightly/schedule' }), 404, 'schedule_not_found');
  });
});
