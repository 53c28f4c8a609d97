/**
 * DELETE /v1/models/{model} inside workerd, on the real Registry, ScheduleBoard, DriftMonitor, queue and
 * R2: a model deleted whole (rows, schedule, drift counts, every file its jobs wrote; the jobs keep their
 * records and another model's files stay), every route then answering 404 and no cron tick retraining
 * it; refused with 409 while a job would publish to it (one started by hand, a scheduled run starting),
 * but not for a job that ended without the Registry hearing of it;
 * and the same name published again from scratch, its versions numbered on from the deleted model's,
 * predicting with the new model while the old pinned versions stay 404, its deletion sweeping what the
 * first one could not; job folders beyond what one request sweeps, or that storage failed on, are emptied
 * through the queue.
 */
import { runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../src/engine';
import { type DriftMonitor, driftMonitorName } from '../../src/durable/drift-monitor';
import type { Registry } from '../../src/durable/registry';
import { BOARD_NAME } from '../../src/durable/schedule-board';
import { configureDriftSampling, type DriftSamplingOptions } from '../../src/worker/drift-sampler';
import { cleanUpDeletedModel, sweepJobFolders } from '../../src/worker/model-deletion';
import { jobFilesPrefix } from '../../src/worker/storage';
import { waitForObject } from './helpers';
import { expectError, jsonOf, scheduledTick, send, tenantKey, waitJob } from './tenant';

const TENANT = 'mdel';
const MIN = 60_000;
let key = '';
let previousSampling: DriftSamplingOptions;

/** A binary table: the label follows x1 + x2/2; c is noise. `flip` inverts the label. */
function table(rows: number, seed: number, flip = false): string {
  const rng = new Rng(seed);
  const lines = ['x1,x2,c,label'];
  for (let i = 0; i < rows; i++) {
    const x1 = rng.normal();
    const x2 = rng.normal();
    const label = x1 + 0.5 * x2 > 0 !== flip;
    lines.push(`${x1.toFixed(4)},${x2.toFixed(4)},${'pqr'[rng.int(3)]},${label ? 'yes' : 'no'}`);
  }
  return lines.join('\n');
}

const call = (method: string, path: string, body?: unknown) => send({ method, path, key, ...(body === undefined ? {} : { body }) });
const upload = async (name: string, csv: string) => expect((await send({ method: 'PUT', path: `/v1/datasets/${name}`, key, body: csv, contentType: 'text/csv' })).status).toBe(201);
const registry = () => env.REGISTRY.getByName(TENANT);

/** Trains `model` on `dataset` and waits until the version's derived files are written (nothing lands after a deletion). */
async function train(dataset: string, model: string): Promise<Record<string, any>> {
  const res = await call('POST', '/v1/jobs', { dataset, target: 'label', model, models: ['linear'], budget: { trials: 1 }, seed: 3 });
  expect(res.status).toBe(202);
  const job = await waitJob((await jsonOf(res)).id, key, 100_000);
  expect(job.status).toBe('succeeded');
  const info = await registry().resolveModel(model, job.model.version);
  await waitForObject(`${info?.artifact_key}.importance.json`, 60_000);
  return job;
}

const keysUnder = async (prefix: string) => (await env.STORE.list({ prefix })).objects.map((o) => o.key).sort();
const filesOfJobs = async (ids: readonly string[]) => (await Promise.all(ids.map((id) => keysUnder(jobFilesPrefix(TENANT, id))))).flat();
const driftRows = (model: string) =>
  runInDurableObject(env.DRIFT.getByName(driftMonitorName(TENANT, model)), (_: DriftMonitor, state) => Number(state.storage.sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM drift_hours').one().n));
const modelNames = async () => ((await jsonOf(await call('GET', '/v1/models'))).models as { name: string }[]).map((m) => m.name);
const row = { x1: 0.5, x2: -0.2, c: 'p' };

describe('DELETE /v1/models/{model}', () => {
  const goneJobs: string[] = [];
  let keepFiles: string[] = [];

  beforeAll(async () => {
    // Every sampled row is flushed to the model's DriftMonitor before the request's `send` returns.
    previousSampling = configureDriftSampling({ maxRowsPerRequest: 100, rowsPerSecond: 1e9, burstRows: 1e9, flushIntervalMs: 0, retryAfterMs: 0 });
    key = await tenantKey(TENANT, 'k');
    await upload('data', table(80, 1));
    await upload('flipped', table(80, 2, true));
    const keep = await train('data', 'keep');
    keepFiles = await filesOfJobs([keep.id]);
    expect(keepFiles.length).toBeGreaterThan(0);
  }, 150_000);

  afterAll(() => {
    configureDriftSampling(previousSampling);
  });

  it('deletes the model whole: every route answers 404, no file of its jobs is left, and the jobs keep their records', async () => {
    for (let i = 0; i < 2; i++) goneJobs.push((await train('data', 'gone')).id);
    // Served through this isolate's caches (champion and a pinned version) and sampled for drift.
    expect((await jsonOf(await call('POST', '/v1/models/gone/predict', { rows: [row] }))).model).toEqual({ name: 'gone', version: 2 });
    expect((await jsonOf(await call('POST', '/v1/models/gone/predict', { rows: [row], version: 1 }))).model).toEqual({ name: 'gone', version: 1 });
    expect(await driftRows('gone')).toBeGreaterThan(0);
    const files = await filesOfJobs(goneJobs);
    for (const v of [1, 2]) {
      const { artifact_key } = (await registry().resolveModel('gone', v))!;
      expect(files).toEqual(expect.arrayContaining([artifact_key, `${artifact_key}.drift-ref.json`, `${artifact_key}.importance.json`]));
    }

    const res = await call('DELETE', '/v1/models/gone');
    expect(res.status).toBe(204);
    expect(await res.text()).toBe('');

    await expectError(await call('GET', '/v1/models/gone'), 404, 'model_not_found');
    await expectError(await call('POST', '/v1/models/gone/predict', { rows: [row] }), 404, 'model_not_found');
    await expectError(await call('POST', '/v1/models/gone/predict', { rows: [row], version: 1 }), 404, 'model_not_found');
    await expectError(await call('POST', '/v1/models/gone/forecast', { horizon: 3 }), 404, 'model_not_found');
    await expectError(await call('GET', '/v1/models/gone/versions/1/artifact'), 404, 'model_not_found');
    await expectError(await call('GET', '/v1/models/gone/evaluation'), 404, 'model_not_found');
    await expectError(await call('GET', '/v1/models/gone/drift'), 404, 'model_not_found');
    await expectError(await call('POST', '/v1/models/gone/promote', { version: 1 }), 404, 'model_not_found');
    expect(await modelNames()).toEqual(['keep']);
    // Safe to repeat: the second time there is nothing to delete.
    await expectError(await call('DELETE', '/v1/models/gone'), 404, 'model_not_found');

    expect(await filesOfJobs(goneJobs)).toEqual([]);
    expect(await driftRows('gone')).toBe(0);
    // The other model and its files are untouched.
    expect(await filesOfJobs([(await registry().resolveModel('keep'))!.job_id])).toEqual(keepFiles);
    expect((await jsonOf(await call('POST', '/v1/models/keep/predict', { rows: [row] }))).model).toEqual({ name: 'keep', version: 1 });

    for (const [i, id] of goneJobs.entries()) {
      const job = await jsonOf(await call('GET', `/v1/jobs/${id}`));
      expect(job).toMatchObject({ id, status: 'succeeded', model: { name: 'gone', version: i + 1 } });
      expect((await call('GET', `/v1/jobs/${id}/trials`)).status).toBe(200);
    }
    expect(((await jsonOf(await call('GET', '/v1/jobs'))).jobs as { id: string }[]).map((j) => j.id)).toEqual(expect.arrayContaining(goneJobs));
  });

  it('takes the retraining schedule with it: no cron tick retrains the model afterwards', async () => {
    await train('data', 'scheduled');
    const set = await call('PUT', '/v1/models/scheduled/schedule', { every: '1h', dataset: 'data', budget: { trials: 1 } });
    expect(set.status).toBe(200);
    const due = Date.parse((await jsonOf(set)).next_due_at);
    const board = env.SCHEDULES.getByName(BOARD_NAME);
    expect(await board.entry(TENANT, 'scheduled')).toMatchObject({ next_due_at: due });

    expect((await call('DELETE', '/v1/models/scheduled')).status).toBe(204);
    expect(await board.entry(TENANT, 'scheduled')).toBeNull();
    await expectError(await call('GET', '/v1/models/scheduled/schedule'), 404, 'model_not_found');
    const jobsBefore = (await jsonOf(await call('GET', '/v1/jobs'))).jobs.length;
    await scheduledTick(due + MIN);
    expect((await jsonOf(await call('GET', '/v1/jobs'))).jobs.length).toBe(jobsBefore);
    expect(await registry().claimScheduledRun('scheduled', due + 2 * MIN)).toMatchObject({ claimed: false, next_due_at: null });
    await expectError(await call('GET', '/v1/models/scheduled'), 404, 'model_not_found');
  });

  it('refuses with 409 model_in_use while a job would publish to it, naming the job, and deletes once it ended', async () => {
    await train('data', 'busy');
    const started = await call('POST', '/v1/jobs', { dataset: 'data', target: 'label', model: 'busy', models: ['linear'], budget: { seconds: 600, trials: 10_000 } });
    expect(started.status).toBe(202);
    const { id } = await jsonOf(started);
    const refused = await expectError(await call('DELETE', '/v1/models/busy'), 409, 'model_in_use');
    expect(refused.details).toEqual({ model: 'busy', jobs: [id] });
    expect(refused.message).toContain(`DELETE /v1/jobs/${id}`);
    // Nothing was deleted.
    expect((await call('GET', '/v1/models/busy')).status).toBe(200);
    expect((await call('POST', '/v1/models/busy/predict', { rows: [row] })).status).toBe(200);

    expect((await call('DELETE', `/v1/jobs/${id}`)).status).toBe(200);
    const ended = await waitJob(id, key);
    // As if the coordinator's report of the end never reached the Registry: the route asks the coordinator.
    await runInDurableObject(registry(), (_: Registry, state) => void state.storage.sql.exec("UPDATE jobs SET status = 'running' WHERE id = ?", id));
    expect((await call('DELETE', '/v1/models/busy')).status).toBe(204);
    const listed = ((await jsonOf(await call('GET', '/v1/jobs'))).jobs as { id: string; status: string }[]).find((j) => j.id === id);
    expect(listed?.status).toBe(ended.status);
  });

  it('refuses while a scheduled run is starting its job (not recorded yet), asking to retry shortly', async () => {
    await train('data', 'starting');
    // On a dataset the model was not trained on, so the run has something new to learn and starts a job.
    const set = await jsonOf(await call('PUT', '/v1/models/starting/schedule', { every: '1h', dataset: 'flipped', budget: { trials: 1 } }));
    // The cron handler's claim, without the job start that follows it.
    const claim = await registry().claimScheduledRun('starting', Date.parse(set.next_due_at) + MIN);
    expect(claim).toMatchObject({ claimed: true, outcome: 'start' });
    const res = await call('DELETE', '/v1/models/starting');
    expect(res.headers.get('retry-after')).toBe('5');
    const refused = await expectError(res, 409, 'model_in_use');
    expect(refused.details).toMatchObject({ model: 'starting', jobs: [], retry_after_seconds: 5 });
    if (!claim.claimed) throw new Error('unreachable');
    await registry().settleScheduledRun('starting', claim.seq, { status: 'skipped', job_id: null, reason: 'test: the job did not start' });
    expect((await call('DELETE', '/v1/models/starting')).status).toBe(204);
  });

  it('publishes the name again from scratch: versions numbered on, the new model predicts, old pinned versions stay 404', async () => {
    // A file the first deletion could not see (a late consumer's write into an old job's folder).
    const late = `${jobFilesPrefix(TENANT, goneJobs[0])}late.drift-ref.json`;
    await env.STORE.put(late, '{}');

    const job = await train('flipped', 'gone');
    expect(job.model).toEqual({ name: 'gone', version: 3 });
    const model = await jsonOf(await call('GET', '/v1/models/gone'));
    expect(model).toMatchObject({ name: 'gone', champion_version: 3 });
    expect(model.versions.map((v: { version: number; job_id: string; dataset: { name: string } }) => [v.version, v.job_id, v.dataset.name])).toEqual([[3, job.id, 'flipped']]);
    expect(model.history.map((e: { kind: string; version: number }) => [e.kind, e.version])).toEqual([['published', 3]]);
    expect(await modelNames()).toEqual(['gone', 'keep']);

    // Trained on the inverted label: where the old model said yes, the new one says no.
    const positive = { x1: 2, x2: 1, c: 'p' };
    expect((await jsonOf(await call('POST', '/v1/models/keep/predict', { rows: [positive] }))).predictions).toEqual(['yes']);
    const answer = await jsonOf(await call('POST', '/v1/models/gone/predict', { rows: [positive] }));
    expect(answer).toMatchObject({ model: { name: 'gone', version: 3 }, predictions: ['no'] });
    for (const v of [1, 2]) await expectError(await call('POST', '/v1/models/gone/predict', { rows: [positive], version: v }), 404, 'model_version_not_found');
    await expectError(await call('GET', '/v1/models/gone/versions/1/artifact'), 404, 'model_version_not_found');

    // Deleting it again removes its files and what the first deletion left behind.
    expect((await call('DELETE', '/v1/models/gone')).status).toBe(204);
    expect(await filesOfJobs([...goneJobs, job.id])).toEqual([]);
    expect(await modelNames()).toEqual(['keep']);
    // And a third incarnation goes on from there.
    expect((await train('data', 'gone')).model).toEqual({ name: 'gone', version: 4 });
  });

  it('sends the job folders one request does not sweep to the queue, where a consumer empties them', async () => {
    // Five job folders of a model retrained often; the request sweeps two itself (in production 200).
    const ids = ['j-sweep-1', 'j-sweep-2', 'j-sweep-3', 'j-sweep-4', 'j-sweep-5'];
    for (const id of ids) for (const f of ['t0000.json', 't0000.oof', 'ensemble.json']) await env.STORE.put(`${jobFilesPrefix(TENANT, id)}${f}`, '{}');
    const other = `${jobFilesPrefix(TENANT, 'j-sweep-other')}t0000.json`;
    await env.STORE.put(other, '{}');
    await cleanUpDeletedModel(env, TENANT, 'often', { deleted: true, versions: 0, artifact_keys: [], job_ids: ids, schedule_revision: null }, 2);
    // The first two are gone when the request answers; the others once the queue has delivered them.
    expect(await filesOfJobs(ids.slice(0, 2))).toEqual([]);
    for (let waited = 0; (await filesOfJobs(ids)).length > 0; waited += 100) {
      if (waited > 20_000) throw new Error(`still there: ${(await filesOfJobs(ids)).join(', ')}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    // Another job's folder is untouched.
    expect(await keysUnder(jobFilesPrefix(TENANT, 'j-sweep-other'))).toEqual([other]);
  });

  it('sends the folder storage failed on, and those after it, to the queue instead of leaving them', async () => {
    const ids = ['j-flaky-1', 'j-flaky-2', 'j-flaky-3'];
    for (const id of ids) for (const f of ['t0000.json', 't0000.oof']) await env.STORE.put(`${jobFilesPrefix(TENANT, id)}${f}`, '{}');
    // Listing the second folder fails once, in the request; the queue's consumer reads the real store.
    let failures = 0;
    const flaky = new Proxy(env.STORE, {
      get(target, prop) {
        if (prop === 'list') {
          return async (options?: R2ListOptions) => {
            if (options?.prefix === jobFilesPrefix(TENANT, 'j-flaky-2') && failures++ === 0) throw new Error('object storage is down');
            return target.list(options);
          };
        }
        const value = Reflect.get(target, prop);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    await cleanUpDeletedModel({ ...env, STORE: flaky }, TENANT, 'flaky', { deleted: true, versions: 0, artifact_keys: [], job_ids: ids, schedule_revision: null });
    expect(failures).toBe(1);
    expect(await filesOfJobs(ids.slice(0, 1))).toEqual([]);
    for (let waited = 0; (await filesOfJobs(ids)).length > 0; waited += 100) {
      if (waited > 20_000) throw new Error(`still there: ${(await filesOfJobs(ids)).join(', ')}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  });

  it('sweeps a job folder of more files than one sweep deletes to the end, the queue taking the rest', async () => {
    // A job of thousands of trials writes more files than one sweep deletes (5,000; here 3).
    const id = 'j-sweep-big';
    for (let t = 0; t < 8; t++) await env.STORE.put(`${jobFilesPrefix(TENANT, id)}t000${t}.json`, '{}');
    await sweepJobFolders(env, TENANT, [id], 3);
    for (let waited = 0; (await keysUnder(jobFilesPrefix(TENANT, id))).length > 0; waited += 100) {
      if (waited > 20_000) throw new Error(`still there: ${(await keysUnder(jobFilesPrefix(TENANT, id))).join(', ')}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  });
});
