/**
 * Scheduled retraining end to end inside workerd: setting a schedule (and every refusal naming its
 * field), cron ticks before and after the due time, racing and retried ticks claiming a due time once,
 * a retraining job on appended data whose challenger beats the champion on held-out rows and is
 * promoted, a challenger kept out by the margin, a comparison that fails and keeps the champion, each
 * run recording how its job ended; a run skipped when the data is what the model last trained on (also
 * after a kept challenger) or for too few rows appended since, a same-size new upload counted whole; a
 * run held back by a job still running (or too many jobs) waiting for the next tick rather than a period;
 * a claimed run whose invocation died claimed again, runs numbered per model (also runs stored before),
 * and the warm start from the champion's configurations. Ticks go straight to the Worker's scheduled
 * handler with a chosen scheduled time, so due times are decided by the test.
 */
import { env } from 'cloudflare:workers';
import { runInDurableObject } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { listRuns, STALE_CLAIM_MS, upgradeScheduleRuns } from '../../src/durable/model-schedule';
import type { PublishRequest } from '../../src/durable/protocol';
import { scheduleWithRunsResponse } from '../../src/worker/openapi/responses';
import { retrainJobId } from '../../src/worker/retrain';
import { runDueSchedules } from '../../src/worker/scheduled';
import { expectError, jsonOf, scheduledTick, send, tenantKey, waitJob } from './tenant';
import { binaryTable } from './binary-table';

const TENANT = 'sched';
let key = '';
const MIN = 60_000;


const upload = async (name: string, csv: string) => expect((await send({ method: 'PUT', path: `/v1/datasets/${name}`, key, body: csv, contentType: 'text/csv' })).status).toBe(201);
/** Appends rows (a CSV with its header) as the dataset's next version. */
const append = async (name: string, csv: string) => expect((await send({ method: 'POST', path: `/v1/datasets/${name}/rows`, key, body: csv, contentType: 'text/csv' })).status).toBe(201);

async function train(dataset: string, model: string): Promise<Record<string, any>> {
  const res = await send({ method: 'POST', path: '/v1/jobs', key, body: { dataset, target: 'label', model, models: ['linear'], budget: { trials: 2 }, seed: 3 } });
  expect(res.status).toBe(202);
  const job = await waitJob((await jsonOf(res)).id, key);
  expect(job.status).toBe('succeeded');
  return job;
}

const putSchedule = (model: string, body: unknown) => send({ method: 'PUT', path: `/v1/models/${model}/schedule`, key, body });
const getSchedule = async (model: string) => jsonOf(await send({ method: 'GET', path: `/v1/models/${model}/schedule`, key }));
const describeModel = async (model: string) => jsonOf(await send({ method: 'GET', path: `/v1/models/${model}`, key }));
const job = async (id: string) => jsonOf(await send({ method: 'GET', path: `/v1/jobs/${id}`, key }));
const trialsOf = async (id: string) => (await jsonOf(await send({ method: 'GET', path: `/v1/jobs/${id}/trials`, key }))).trials as Record<string, any>[];
const dropSchedule = async (model: string) => expect((await send({ method: 'DELETE', path: `/v1/models/${model}/schedule`, key })).status).toBe(204);

const tick = scheduledTick;

/** The model's newest run once its job's end is recorded (the coordinator tells the Registry just after the job ends). */
async function endedRun(model: string): Promise<Record<string, any>> {
  for (let i = 0; i < 100; i++) {
    const run = (await getSchedule(model)).runs[0];
    if (run.status !== 'started') return run;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the run of ${model} still says started`);
}

/**
 * Sets a schedule due now, ticks just after it, waits for the retraining job the run started and returns
 * it with the run as recorded after the job ended; the schedule is removed then, so later ticks leave it be.
 */
async function retrainNow(model: string, body: Record<string, unknown>): Promise<{ job: Record<string, any>; run: Record<string, any> }> {
  const res = await putSchedule(model, body);
  expect(res.status).toBe(200);
  await tick(Date.parse((await jsonOf(res)).next_due_at) + MIN);
  const runs = (await getSchedule(model)).runs;
  expect(runs[0], JSON.stringify(runs)).toMatchObject({ status: 'started', started_at: expect.any(String), finished_at: null });
  const job = await waitJob(runs[0].job_id, key);
  const run = await endedRun(model);
  await dropSchedule(model);
  return { job, run };
}

describe('scheduled retraining', () => {
  beforeAll(async () => {
    key = await tenantKey(TENANT, 'k');
    await upload('base', binaryTable(60, 1));
    await upload('nolabel', 'x1,x2\n1,2\n3,4\n');
    await train('base', 'base');
  }, 120_000);

  it('sets, shows and removes a schedule, refusing each bad field by name', async () => {
    await expectError(await putSchedule('nope', { every: '6h', dataset: 'base', budget: { trials: 2 } }), 404, 'model_not_found');
    await expectError(await putSchedule('base', { every: '6h', dataset: 'missing', budget: { trials: 2 } }), 404, 'dataset_not_found');
    const refusals: [unknown, string, RegExp?][] = [
      [{ every: '2m', dataset: 'base', budget: { trials: 2 } }, 'every', /under 5 minutes/],
      [{ every: '*/2 * * * *', dataset: 'base', budget: { trials: 2 } }, 'every', /2 minutes apart/],
      [{ every: '61 * * * *', dataset: 'base', budget: { trials: 2 } }, 'every', /minute field/],
      [{ every: 'soon', dataset: 'base', budget: { trials: 2 } }, 'every'],
      [{ dataset: 'base', budget: { trials: 2 } }, 'every', /^every is required \(a string\)$/],
      [{ every: '6h', budget: { trials: 2 } }, 'dataset', /^dataset is required/],
      [{ every: '6h', dataset: 'base', budget: {} }, 'budget', /budget.seconds, budget.trials or both/],
      [{ every: '6h', dataset: 'base', budget: { seconds: 1 } }, 'budget.seconds'],
      [{ every: '6h', dataset: 'base', budget: { trials: 2 }, min_new_rows: -1 }, 'min_new_rows'],
      [{ every: '6h', dataset: 'base', budget: { trials: 2 }, min_new_rows: 1.5 }, 'min_new_rows'],
      [{ every: '6h', dataset: 'base', budget: { trials: 2 }, margin: -0.1 }, 'margin'],
      [{ every: '6h', dataset: 'base', budget: { trials: 2 }, margin: 2 }, 'margin', /under 1/],
      [{ every: '6h', dataset: 'base', budget: { trials: 2 }, margin: 1 }, 'margin', /no challenger could beat the champion/],
      [{ every: '6h', dataset: 'base', budget: { trials: 2 }, when: 'now' }, 'when'],
    ];
    for (const [body, field, message] of refusals) {
      const err = await expectError(await putSchedule('base', body), 400, 'invalid_request');
      expect(err.details.field, JSON.stringify(body)).toBe(field);
      if (message) expect(err.message).toMatch(message);
    }
    expect((await expectError(await putSchedule('base', { every: '6h', dataset: '../x', budget: { trials: 2 } }), 400, 'invalid_name')).details.field).toBe('dataset');
    expect((await expectError(await putSchedule('base', { every: '6h', dataset: 'nolabel', budget: { trials: 2 } }), 400, 'invalid_target')).details.column).toBe('label');

    const before = Date.now();
    const res = await putSchedule('base', { every: '6h', dataset: 'base', budget: { trials: 2 } });
    expect(res.status).toBe(200);
    const set = await jsonOf(res);
    expect(set).toMatchObject({ model: 'base', every: '6h', dataset: 'base', budget: { trials: 2 }, min_new_rows: 0, margin: 0.002, margin_kind: 'absolute', metric: 'roc_auc' });
    // An interval schedule is due at once: the first tick after it is set runs it.
    expect(Date.parse(set.next_due_at)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(set.next_due_at)).toBeLessThanOrEqual(Date.now());
    expect(await getSchedule('base')).toEqual({ ...set, runs: [] });

    // Without a budget each run searches for 60 s, as a job does.
    expect(await jsonOf(await putSchedule('base', { every: '6h', dataset: 'base' }))).toMatchObject({ budget: { seconds: 60 } });

    // A cron schedule is due at its next matching time (UTC).
    const cron = await jsonOf(await putSchedule('base', { every: '0 3 * * *', dataset: 'base', budget: { seconds: 60 }, margin: 0.05 }));
    const now = new Date();
    let expected = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), 3);
    if (expected <= now.getTime()) expected += 24 * 60 * MIN;
    expect(Date.parse(cron.next_due_at)).toBe(expected);
    expect(cron.margin).toBe(0.05);
    // Replaced with the same cadence (only the margin changes), it keeps its due time.
    const remargined = await jsonOf(await putSchedule('base', { every: '0 3 * * *', dataset: 'base', budget: { seconds: 60 }, margin: 0.01 }));
    expect(remargined).toMatchObject({ next_due_at: cron.next_due_at, margin: 0.01 });
    const interval = await jsonOf(await putSchedule('base', { every: '1d', dataset: 'base', budget: { seconds: 60 } }));
    await new Promise((r) => setTimeout(r, 5));
    expect((await jsonOf(await putSchedule('base', { every: '1d', dataset: 'base', budget: { seconds: 90 } }))).next_due_at).toBe(interval.next_due_at);

    await dropSchedule('base');
    await expectError(await send({ method: 'GET', path: '/v1/models/base/schedule', key }), 404, 'schedule_not_found');
    await expectError(await send({ method: 'DELETE', path: '/v1/models/base/schedule', key }), 404, 'schedule_not_found');
    await expectError(await send({ method: 'DELETE', path: '/v1/models/nope/schedule', key }), 404, 'model_not_found');
    // Another tenant sees none of it.
    const other = await tenantKey('sched-other', 'k');
    await expectError(await send({ method: 'GET', path: '/v1/models/base/schedule', key: other }), 404, 'model_not_found');
  });

  it('runs nothing before the due time, and one job per due time however many ticks race or retry', async () => {
    await append('base', binaryTable(20, 11));
    const set = await jsonOf(await putSchedule('base', { every: '1h', dataset: 'base', budget: { trials: 1 } }));
    const due = Date.parse(set.next_due_at);
    await tick(due - MIN);
    expect((await getSchedule('base')).runs).toEqual([]);
    expect((await getSchedule('base')).next_due_at).toBe(set.next_due_at);

    const jobsBefore = (await jsonOf(await send({ method: 'GET', path: '/v1/jobs', key }))).jobs.length;
    await Promise.all([tick(due + MIN), tick(due + MIN), tick(due + 2 * MIN)]);
    await tick(due + MIN); // a retried tick
    let s = await getSchedule('base');
    expect(s.runs).toHaveLength(1);
    expect(s.runs[0]).toMatchObject({ status: 'started', due_at: set.next_due_at });
    expect(s.next_due_at).toBe(new Date(due + 60 * MIN).toISOString());
    expect((await jsonOf(await send({ method: 'GET', path: '/v1/jobs', key }))).jobs.length).toBe(jobsBefore + 1);
    expect((await env.SCHEDULES.getByName('global').entry(TENANT, 'base'))?.next_due_at).toBe(due + 60 * MIN);

    // Not due again until an interval after the first due time; then exactly once more (once the
    // first job has finished: a run never starts while the previous one's job is unfinished).
    await tick(due + 59 * MIN);
    expect((await getSchedule('base')).runs).toHaveLength(1);
    expect((await waitJob(s.runs[0].job_id, key)).status).toBe('succeeded');
    await append('base', binaryTable(20, 12));
    await tick(due + 61 * MIN);
    s = await getSchedule('base');
    expect(s.runs).toHaveLength(2);
    expect(s.runs[0].job_id).not.toBe(s.runs[1].job_id);
    const kinds = (await describeModel('base')).history.map((e: { kind: string }) => e.kind);
    expect(kinds.filter((k: string) => k === 'retrain_started')).toHaveLength(2);
    await dropSchedule('base');
    for (const run of s.runs) expect((await waitJob(run.job_id, key)).status).toBe('succeeded');
  }, 120_000);

  it("claims each due time once in the Registry; a run held back by the previous run's unfinished job waits, due again at the next tick", async () => {
    const reg = env.REGISTRY.getByName('sched-unit');
    const iso = new Date().toISOString();
    await reg.addDatasetVersion('d', { rows: 100, bytes: 1, columns: [], raw_key: 'raw', data_key: 'data', created_at: iso });
    await reg.publish('m', { job_id: 'j0', trial_id: 't0003', family: 'linear', artifact_key: 'a', task: 'binary', target: 'label', classes: ['a', 'b'], metric: 'roc_auc', greater_is_better: true, score: 0.8, dataset: { name: 'd', version: 1 } });
    await reg.addDatasetVersionAfter('d', 1, { rows: 130, bytes: 1, columns: [], raw_key: 'raw', data_key: 'data', created_at: iso, appended: { base_version: 1, rows: 30 } });
    const s = await reg.putSchedule('m', { every: '1h', dataset: 'd', budget: { trials: 1 }, min_new_rows: 0, margin: 0.002 });
    const HOUR = 60 * MIN;
    expect(await reg.claimScheduledRun('m', s.next_due_at - 1)).toEqual({ claimed: false, next_due_at: s.next_due_at, board_due_at: s.next_due_at, revision: s.revision });
    const c1 = await reg.claimScheduledRun('m', s.next_due_at);
    expect(c1).toMatchObject({ claimed: true, outcome: 'start', run: 1, due_at: s.next_due_at, next_due_at: s.next_due_at + HOUR, dataset: { name: 'd', version: 2 }, champion: { version: 1, job_id: 'j0', trial_id: 't0003' } });
    expect(c1.claimed && c1.reason).toBe('30 rows appended since v1 (100 rows), the data champion v1 was trained on: dataset "d" v2 (130 rows)');
    expect(await reg.claimScheduledRun('m', s.next_due_at)).toMatchObject({ claimed: false, next_due_at: s.next_due_at + HOUR });
    if (!c1.claimed) throw new Error('unreachable');
    await reg.recordJob({ id: 'j1', dataset: 'd', target: 'label', status: 'running', model_name: 'm', created_at: iso });
    expect(await reg.settleScheduledRun('m', c1.seq, { status: 'started', job_id: 'j1', reason: 'started' })).toBe(true);
    expect(await reg.settleScheduledRun('m', c1.seq, { status: 'skipped', job_id: null, reason: 'late' })).toBe(false);

    // The next run finds j1 still running: a passing reason, so the run waits and the schedule stays due
    // (not an hour later): each tick tries the same run again, without a history event each time.
    const c2 = await reg.claimScheduledRun('m', s.next_due_at + HOUR);
    expect(c2).toMatchObject({ claimed: true, outcome: 'waiting', run: 2, due_at: s.next_due_at + HOUR, next_due_at: s.next_due_at + HOUR, board_due_at: s.next_due_at + HOUR + 1 });
    expect(c2.claimed && c2.reason).toBe('the previous retraining job j1 has not finished; the run stays due and is tried again at the next cron tick');
    const again = await reg.claimScheduledRun('m', s.next_due_at + HOUR + 5 * MIN);
    // The board holds it just after the tick that held it back (behind the schedules due by then), not at its due time.
    expect(again).toMatchObject({ claimed: true, outcome: 'waiting', run: 2, seq: c2.claimed ? c2.seq : -1, board_due_at: s.next_due_at + HOUR + 5 * MIN + 1 });
    expect((await reg.getSchedule('m'))!.runs.map((r) => [r.run, r.status])).toEqual([[2, 'waiting'], [1, 'started']]);
    expect((await reg.getModel('m'))!.history.filter((e) => e.kind === 'retrain_skipped')).toEqual([]);

    // j1 fails: its run says so, ended at the job's end; the waiting run then trains, due when it was due.
    await reg.jobFinished('j1', 'failed', 'no trial finished successfully');
    const ended = (await reg.getSchedule('m'))!.runs[1];
    expect(ended).toMatchObject({ run: 1, status: 'failed', job_id: 'j1', version: null, outcome: 'the job failed: no trial finished successfully', started_at: expect.any(String), finished_at: expect.any(String) });
    expect(Date.parse(ended.finished_at!)).toBeGreaterThanOrEqual(Date.parse(ended.started_at!));
    const c3 = await reg.claimScheduledRun('m', s.next_due_at + 2 * HOUR);
    expect(c3).toMatchObject({ claimed: true, outcome: 'start', run: 2, due_at: s.next_due_at + HOUR, next_due_at: s.next_due_at + 3 * HOUR });
    expect([c1.revision, c2.revision, c3.revision]).toEqual([...new Set([c1.revision, c2.revision, c3.revision])].sort((a, b) => a - b));
    expect(c1.revision).toBeGreaterThan(s.revision);

    await reg.deleteDataset('d');
    // c3 was never settled: an hour later it counts as lost, so the next claim takes it up again (and
    // skips it, its dataset being gone: a lasting reason) before anything else.
    const c4 = await reg.claimScheduledRun('m', s.next_due_at + 3 * HOUR);
    expect(c4).toMatchObject({ claimed: true, outcome: 'skipped', run: 2, seq: c3.claimed ? c3.seq : -1 });
    expect(c4.claimed && c4.reason).toMatch(/claimed again: .*dataset "d" no longer exists/);
    const runs = (await reg.getSchedule('m'))!.runs.map((r) => r.status);
    expect(runs).toEqual(['skipped', 'failed']);
    const c5 = await reg.claimScheduledRun('m', s.next_due_at + 3 * HOUR);
    expect(c5).toMatchObject({ claimed: true, outcome: 'skipped', run: 3, next_due_at: s.next_due_at + 4 * HOUR });
    expect(c5.claimed && c5.reason).toMatch(/^dataset "d" no longer exists/);
    expect((await reg.getSchedule('m'))!.runs.map((r) => [r.run, r.status])).toEqual([[3, 'skipped'], [2, 'skipped'], [1, 'failed']]);
  });

  it('records runs skipped in a row for the same cause as one history event counting them, and a new cause as a new event', async () => {
    const reg = env.REGISTRY.getByName('sched-repeats');
    const iso = new Date().toISOString();
    const HOUR = 60 * MIN;
    await reg.addDatasetVersion('d', { rows: 100, bytes: 1, columns: [], raw_key: 'raw', data_key: 'data', created_at: iso });
    await reg.publish('m', { job_id: 'j0', trial_id: 't0000', family: 'linear', artifact_key: 'a', task: 'binary', target: 'label', classes: ['a', 'b'], metric: 'roc_auc', greater_is_better: true, score: 0.8, dataset: { name: 'd', version: 1 } });
    const set = await reg.putSchedule('m', { every: '1h', dataset: 'd', budget: { trials: 1 }, min_new_rows: 0, margin: 0.002 });
    const skips = async () => (await reg.getModel('m'))!.history.filter((e) => e.kind === 'retrain_skipped');
    // Nothing new to learn, three times: one event, counting three, dated from the first to the last.
    for (let k = 0; k < 3; k++) expect(await reg.claimScheduledRun('m', set.next_due_at + k * HOUR)).toMatchObject({ claimed: true, outcome: 'skipped' });
    const [once] = await skips();
    expect(await skips()).toHaveLength(1);
    expect(once).toMatchObject({ repeats: 3, job_id: null });
    expect(Date.parse(once.first_at!)).toBeLessThanOrEqual(Date.parse(once.at));
    expect(once.reason).toBe(`scheduled run due ${new Date(set.next_due_at + 2 * HOUR).toISOString()}: nothing new to learn: dataset "d" v1 (100 rows) is the data champion v1 was trained on`);
    // Another cause is another event; each run is still listed with the schedule.
    await reg.deleteDataset('d');
    expect(await reg.claimScheduledRun('m', set.next_due_at + 3 * HOUR)).toMatchObject({ claimed: true, outcome: 'skipped' });
    const after = await skips();
    expect(after).toHaveLength(2);
    expect(after[1].repeats).toBeUndefined();
    expect(after[1].reason).toMatch(/dataset "d" no longer exists/);
    expect((await reg.getSchedule('m'))!.runs).toHaveLength(4);
  });

  it('waits while any job publishing to the model is unfinished (also after the schedule was removed and set again), skips the data the model last trained on, and counts the rows new since', async () => {
    const reg = env.REGISTRY.getByName('sched-unit-2');
    const iso = new Date().toISOString();
    const HOUR = 60 * MIN;
    const version = (rows: number) => ({ rows, bytes: 1, columns: [], raw_key: 'raw', data_key: 'data', created_at: iso });
    const versionOf = (job_id: string, datasetVersion: number): PublishRequest => ({ job_id, trial_id: 't0000', family: 'linear', artifact_key: 'a', task: 'binary', target: 'label', classes: ['a', 'b'], metric: 'roc_auc', greater_is_better: true, score: 0.8, dataset: { name: 'd', version: datasetVersion } });
    const reasonOf = (c: Awaited<ReturnType<typeof reg.claimScheduledRun>>) => (c.claimed ? c.reason : null);
    await reg.addDatasetVersion('d', version(100));
    await reg.publish('m', versionOf('j0', 1));
    const schedule = { every: '1h', dataset: 'd', budget: { trials: 1 }, min_new_rows: 0, margin: 0.002 };
    const first = await reg.putSchedule('m', schedule);
    // The champion's own data: nothing new to learn, whatever min_new_rows says; the slot moves on.
    const c1 = await reg.claimScheduledRun('m', first.next_due_at);
    expect(c1).toMatchObject({ claimed: true, outcome: 'skipped', run: 1, next_due_at: first.next_due_at + HOUR });
    expect(reasonOf(c1)).toBe('nothing new to learn: dataset "d" v1 (100 rows) is the data champion v1 was trained on');
    expect((await reg.getModel('m'))!.history.at(-1)).toMatchObject({ kind: 'retrain_skipped', job_id: null });

    // A job started by hand. Removing the schedule forgets its runs; set again, it must still not start a second job beside j1.
    await reg.recordJob({ id: 'j1', dataset: 'd', target: 'label', status: 'queued', model_name: 'm', created_at: iso });
    await reg.deleteSchedule('m');
    const again = await reg.putSchedule('m', schedule);
    const c2 = await reg.claimScheduledRun('m', again.next_due_at);
    expect(c2).toMatchObject({ claimed: true, outcome: 'waiting', run: 1, next_due_at: again.next_due_at });
    expect(reasonOf(c2)).toMatch(/^job j1, which publishes to model "m", has not finished; the run stays due/);
    await reg.jobFinished('j1', 'succeeded');
    // The same run, claimed again at the next tick, now meets a lasting reason.
    const c3 = await reg.claimScheduledRun('m', again.next_due_at + 5 * MIN);
    expect(c3).toMatchObject({ claimed: true, outcome: 'skipped', run: 1, next_due_at: again.next_due_at + HOUR });
    expect(reasonOf(c3)).toMatch(/^nothing new to learn/);

    // Two appends on the champion's version: the new rows start where its data ended.
    await reg.addDatasetVersionAfter('d', 1, { ...version(160), appended: { base_version: 1, rows: 60 } });
    await reg.addDatasetVersionAfter('d', 2, { ...version(190), appended: { base_version: 2, rows: 30 } });
    const c4 = await reg.claimScheduledRun('m', again.next_due_at + HOUR);
    expect(c4).toMatchObject({ claimed: true, outcome: 'start', run: 2, dataset: { version: 3 }, fresh: { from_row: 100, rows: 90 } });
    expect(reasonOf(c4)).toBe('90 rows appended since v1 (100 rows), the data champion v1 was trained on: dataset "d" v3 (190 rows)');
    // Its job publishes v2, kept out by the margin: the run says so when the job ends.
    if (!c4.claimed) throw new Error('unreachable');
    await reg.recordJob({ id: 'j2', dataset: 'd', target: 'label', status: 'running', model_name: 'm', created_at: iso });
    await reg.settleScheduledRun('m', c4.seq, { status: 'started', job_id: 'j2', reason: 'started' });
    const kept = await reg.publish('m', versionOf('j2', 3), { margin: 0.002, report: { status: 'complete', challenger_score: 0.79, champion_score: 0.8, champion_version: 1, holdout_rows: 45 } });
    expect(kept).toMatchObject({ version: 2, promoted: false });
    await reg.jobFinished('j2', 'succeeded');
    expect((await reg.getSchedule('m'))!.runs[0]).toMatchObject({ run: 2, status: 'challenger_kept', version: 2, outcome: expect.stringMatching(/^v2 kept as a challenger: challenger v2 vs champion v1 /) });

    // The kept challenger learned from v3: nothing new in it, though the champion never saw its 90 new rows.
    const c5 = await reg.claimScheduledRun('m', again.next_due_at + 2 * HOUR);
    expect(c5).toMatchObject({ claimed: true, outcome: 'skipped', run: 3 });
    expect(reasonOf(c5)).toBe('nothing new to learn: dataset "d" v3 (190 rows) is the data model v2 was already trained on');
    // Rows count from the data the model last trained on (v3), not the champion's (v1).
    await reg.addDatasetVersionAfter('d', 3, { ...version(195), appended: { base_version: 3, rows: 5 } });
    await reg.putSchedule('m', { ...schedule, min_new_rows: 10 });
    const c6 = await reg.claimScheduledRun('m', again.next_due_at + 3 * HOUR);
    expect(c6).toMatchObject({ claimed: true, outcome: 'skipped', run: 4 });
    expect(reasonOf(c6)).toBe('5 rows appended since v3 (190 rows), the data model v2 was trained on: dataset "d" v4 (195 rows); min_new_rows is 10');

    // A new upload of the same size replaces the table: not "0 new rows", but all of its rows, and said so.
    await reg.addDatasetVersion('d', version(195));
    const c7 = await reg.claimScheduledRun('m', again.next_due_at + 4 * HOUR);
    expect(c7).toMatchObject({ claimed: true, outcome: 'start', run: 5, dataset: { version: 5 } });
    expect(reasonOf(c7)).toBe('dataset "d" v5 is a new upload of 195 rows, not an append of v3 (v3: 190 rows, the data model v2 was trained on): all 195 rows count as new');
    // Not appended to the champion's data either: which rows it never saw cannot be told.
    expect(c7.claimed && c7.outcome === 'start' && c7.fresh).toBeUndefined();
    // Its job is cancelled before publishing anything: v5 was not learned from.
    if (!c7.claimed) throw new Error('unreachable');
    await reg.recordJob({ id: 'j3', dataset: 'd', target: 'label', status: 'running', model_name: 'm', created_at: iso });
    await reg.settleScheduledRun('m', c7.seq, { status: 'started', job_id: 'j3', reason: 'started' });
    await reg.jobFinished('j3', 'cancelled');
    expect((await reg.getSchedule('m'))!.runs[0]).toMatchObject({ run: 5, status: 'cancelled', version: null, outcome: 'the job was cancelled before publishing a version' });
    await reg.addDatasetVersionAfter('d', 5, { ...version(215), appended: { base_version: 5, rows: 20 } });
    const c8 = await reg.claimScheduledRun('m', again.next_due_at + 5 * HOUR);
    expect(c8).toMatchObject({ claimed: true, outcome: 'start', run: 6, dataset: { version: 6 } });
    expect(reasonOf(c8)).toBe('dataset "d" v6 (215 rows) grew by appends from a new upload made after v3, not from v3 (v3: 190 rows, the data model v2 was trained on): all 215 rows count as new');
    if (!c8.claimed) throw new Error('unreachable');
    await reg.settleScheduledRun('m', c8.seq, { status: 'skipped', job_id: null, reason: 'test: not started' });

    // Another dataset than any version's: all its rows are new to the champion (not 30 - 100 = -70).
    await reg.addDatasetVersion('other', version(30));
    const onOther = await reg.putSchedule('m', { ...schedule, dataset: 'other', min_new_rows: 10 });
    const c9 = await reg.claimScheduledRun('m', onOther.next_due_at + 6 * HOUR);
    expect(c9).toMatchObject({ claimed: true, outcome: 'start', run: 7, dataset: { name: 'other', version: 1 } });
    expect(reasonOf(c9)).toBe('30 rows in dataset "other" v1, all new to the champion (trained on d v1)');
  });

  it('numbers runs per model, and reads runs stored before they were numbered or recorded their job\'s end', async () => {
    const reg = env.REGISTRY.getByName('sched-unit-3');
    const iso = new Date().toISOString();
    const HOUR = 60 * MIN;
    await reg.addDatasetVersion('d', { rows: 100, bytes: 1, columns: [], raw_key: 'raw', data_key: 'data', created_at: iso });
    for (const m of ['a', 'b']) {
      await reg.publish(m, { job_id: `j-${m}`, trial_id: 't0000', family: 'linear', artifact_key: 'a', task: 'binary', target: 'label', classes: ['a', 'b'], metric: 'roc_auc', greater_is_better: true, score: 0.8, dataset: { name: 'd', version: 1 } });
    }
    const a = await reg.putSchedule('a', { every: '1h', dataset: 'd', budget: { trials: 1 }, min_new_rows: 0, margin: 0.002 });
    const b = await reg.putSchedule('b', { every: '1h', dataset: 'd', budget: { trials: 1 }, min_new_rows: 0, margin: 0.002 });
    // Interleaved claims of two models in one tenant: each counts its own runs (skipped: nothing new).
    for (let i = 0; i < 2; i++) {
      expect(await reg.claimScheduledRun('a', a.next_due_at + i * HOUR)).toMatchObject({ claimed: true, run: i + 1 });
      expect(await reg.claimScheduledRun('b', b.next_due_at + i * HOUR)).toMatchObject({ claimed: true, run: i + 1 });
    }
    expect((await reg.getSchedule('b'))!.runs.map((r) => r.run)).toEqual([2, 1]);

    // A run table as stored before this change: numbered by the tenant-wide seq, a started run's
    // finished_at holding its job's start.
    await runInDurableObject(reg, (_, state) => {
      const sql = state.storage.sql;
      sql.exec('DROP TABLE schedule_runs');
      sql.exec(`CREATE TABLE schedule_runs (seq INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, due_at INTEGER NOT NULL,
        claimed_at INTEGER NOT NULL, status TEXT NOT NULL, job_id TEXT, reason TEXT, finished_at INTEGER)`);
      const add = (name: string, status: string, at: number) => sql.exec('INSERT INTO schedule_runs (name, due_at, claimed_at, status, job_id, reason, finished_at) VALUES (?, ?, ?, ?, ?, ?, ?)', name, at, at, status, status === 'started' ? `job-${at}` : null, 'old', at + 60);
      add('a', 'started', 1_000);
      add('b', 'skipped', 2_000);
      add('a', 'skipped', 3_000);
      upgradeScheduleRuns(sql);
      expect(listRuns(sql, 'a')).toEqual([
        { run: 2, due_at: new Date(3_000).toISOString(), claimed_at: new Date(3_000).toISOString(), status: 'skipped', job_id: null, reason: 'old', started_at: null, finished_at: new Date(3_060).toISOString(), version: null, outcome: null },
        { run: 1, due_at: new Date(1_000).toISOString(), claimed_at: new Date(1_000).toISOString(), status: 'started', job_id: 'job-1000', reason: 'old', started_at: new Date(1_060).toISOString(), finished_at: null, version: null, outcome: null },
      ]);
      expect(listRuns(sql, 'b').map((r) => r.run)).toEqual([1]);
    });
    // New runs number on from the old ones.
    await reg.addDatasetVersionAfter('d', 1, { rows: 120, bytes: 1, columns: [], raw_key: 'raw', data_key: 'data', created_at: iso, appended: { base_version: 1, rows: 20 } });
    expect(await reg.claimScheduledRun('a', a.next_due_at + 2 * HOUR)).toMatchObject({ claimed: true, outcome: 'start', run: 3 });
  });

  it('claims again a run whose claim was never settled (its invocation died), starting its job once', async () => {
    await upload('lost', binaryTable(80, 7));
    await train('lost', 'lost');
    await append('lost', binaryTable(20, 8));
    const set = await jsonOf(await putSchedule('lost', { every: '1d', dataset: 'lost', budget: { trials: 1 } }));
    const due = Date.parse(set.next_due_at);
    // An invocation claims the run, then dies before it starts the job or moves the board.
    const claim = await env.REGISTRY.getByName(TENANT).claimScheduledRun('lost', due + MIN);
    expect(claim).toMatchObject({ claimed: true, outcome: 'start', board_due_at: due + MIN + STALE_CLAIM_MS });

    // A tick before the claim counts as lost starts nothing, but has the board look again in time.
    await tick(due + 5 * MIN);
    expect((await getSchedule('lost')).runs).toMatchObject([{ status: 'claimed' }]);
    expect((await env.SCHEDULES.getByName('global').entry(TENANT, 'lost'))?.next_due_at).toBe(due + MIN + STALE_CLAIM_MS);

    // The first tick after that starts the run's job: the same run and due time, the job id of that due time.
    await tick(due + MIN + STALE_CLAIM_MS);
    await tick(due + MIN + STALE_CLAIM_MS); // a retried tick changes nothing
    const s = await getSchedule('lost');
    expect(s.runs).toHaveLength(1);
    expect(s.runs[0]).toMatchObject({ run: claim.claimed ? claim.run : -1, status: 'started', due_at: set.next_due_at, job_id: await retrainJobId(TENANT, 'lost', due) });
    expect(s.runs[0].reason).toMatch(/claimed again: the claim of .* never started its job/);
    // The cadence moved on at the first claim, and the board is back on it.
    expect(Date.parse(s.next_due_at)).toBe(due + 24 * 60 * MIN);
    expect((await env.SCHEDULES.getByName('global').entry(TENANT, 'lost'))?.next_due_at).toBe(due + 24 * 60 * MIN);
    await dropSchedule('lost');
    expect((await waitJob(s.runs[0].job_id, key)).status).toBe('succeeded');
  }, 120_000);

  it('claims again a run whose invocation died after its job was made, and settles it as started with that job', async () => {
    await upload('made', binaryTable(80, 9));
    await train('made', 'made');
    await append('made', binaryTable(20, 10));
    const set = await jsonOf(await putSchedule('made', { every: '1d', dataset: 'made', budget: { trials: 1 } }));
    const due = Date.parse(set.next_due_at);
    const reg = env.REGISTRY.getByName(TENANT);
    // An invocation claims the run, notes its job id, makes the job, then dies before settling the run.
    const claim = await reg.claimScheduledRun('made', due + MIN);
    if (!claim.claimed) throw new Error('the run was not claimed');
    const id = await retrainJobId(TENANT, 'made', due);
    expect(await reg.noteScheduledRunJob('made', claim.seq, id)).toBe(true);
    await reg.recordJob({ id, dataset: 'made', target: 'label', status: 'running', model_name: 'made', created_at: new Date().toISOString() });

    // Claimed again, the run does not wait for its own job (then to skip it as having nothing new to learn):
    // its start finds that job, and the run is started with it.
    const outcome = (await runDueSchedules(env, due + MIN + STALE_CLAIM_MS)).find((o) => o.tenant === TENANT && o.model === 'made');
    expect(outcome).toMatchObject({ outcome: 'started', job_id: id });
    const s = await getSchedule('made');
    expect(s.runs).toHaveLength(1);
    expect(s.runs[0]).toMatchObject({ status: 'started', job_id: id, due_at: set.next_due_at });
    expect((await describeModel('made')).history.at(-1)).toMatchObject({ kind: 'retrain_started', job_id: id });
    await dropSchedule('made');
    await reg.jobFinished(id, 'failed');
  }, 120_000);

  it('ignores stale board updates, so a slow writer cannot bring back an old due time', async () => {
    const board = env.SCHEDULES.getByName('global');
    expect(await board.set('t', 'm', 1_000, 5)).toBe(true);
    expect(await board.set('t', 'm', 500, 4)).toBe(false);
    expect((await board.entry('t', 'm'))?.next_due_at).toBe(1_000);
    expect(await board.set('t', 'm', null, 6)).toBe(true);
    expect(await board.set('t', 'm', 2_000, 5)).toBe(false);
    expect(await board.entry('t', 'm')).toBeNull();
    expect((await board.due(Number.MAX_SAFE_INTEGER, 100)).some((e) => e.tenant === 't')).toBe(false);
  });

  it('retrains on appended data and promotes a challenger that wins on held-out rows', async () => {
    await upload('grow', binaryTable(50, 2, true));
    const first = await train('grow', 'grow');
    expect((await describeModel('grow')).champion_version).toBe(1);
    await upload('grow', binaryTable(300, 4));

    const { job: retrain, run } = await retrainNow('grow', { every: '1d', dataset: 'grow', budget: { trials: 3 } });
    expect(retrain.status).toBe('succeeded');
    expect(run.reason).toMatch(/dataset "grow" v2 is a new upload of 300 rows, not an append of v1 \(v1: 50 rows, the data champion v1 was trained on\): all 300 rows count as new$/);
    // The run records its job's end: the version it published became the champion.
    expect(run).toMatchObject({ status: 'promoted', version: 2, job_id: retrain.id, outcome: expect.stringMatching(/^v2 became the champion: job .* published .*promoted/) });
    expect(Date.parse(run.finished_at)).toBeGreaterThanOrEqual(Date.parse(run.started_at));
    expect(retrain.dataset).toEqual({ name: 'grow', version: 2 });
    // A new upload (not an append): which rows are new cannot be told, so a fifth of all rows is held out.
    expect(retrain.challenge).toMatchObject({ status: 'complete', promoted: true, holdout_rows: 60, champion_version: 1, margin: 0.002, holdout_from: 'all_rows' });
    expect(retrain.challenge.challenger_score).toBeGreaterThan(0.9);
    expect(retrain.challenge.champion_score).toBeLessThan(0.8);
    // The search never saw the held-out fifth of the rows: trials cross-validated 240 rows (one Float32
    // out-of-fold prediction each), and the ensemble read those predictions against the same 240.
    const basis = await env.SEARCH.getByName(`${TENANT}/${retrain.id}`).retrainBasis('t0000');
    expect(basis?.config.dataset.rows).toBe(240);
    expect(basis?.config.holdout?.fraction).toBe(0.2);
    expect((await env.STORE.head(`models/${TENANT}/${retrain.id}/t0000.oof`))?.size).toBe(240 * 4);
    expect(['complete', 'skipped']).toContain(retrain.ensemble?.status);

    const model = await describeModel('grow');
    expect(model.champion_version).toBe(2);
    const events = model.history.map((e: Record<string, any>) => [e.kind, e.version, e.job_id]);
    expect(events).toEqual([
      ['published', 1, first.id],
      ['retrain_started', null, retrain.id],
      ['published', 2, retrain.id],
    ]);
    const promoted = model.history[2];
    expect(promoted.previous_version).toBe(1);
    expect(promoted.comparison).toMatchObject({ metric: 'roc_auc', promoted: true, champion_version: 1, holdout_rows: 60 });
    expect(promoted.comparison.challenger_score).toBe(retrain.challenge.challenger_score);
    expect(promoted.reason).toMatch(/promoted/);
    const predicted = await jsonOf(await send({ method: 'POST', path: '/v1/models/grow/predict', key, body: { rows: [{ x1: 2, x2: 1, c: 'p' }, { x1: -2, x2: -1, c: 'q' }] } }));
    expect(predicted.model.version).toBe(2);
    expect(predicted.predictions).toEqual(['yes', 'no']);
  }, 150_000);

  it("holds out rows appended since the champion's data, which the champion never saw", async () => {
    await upload('fresh', binaryTable(80, 6));
    await train('fresh', 'fresh');
    const appended = binaryTable(120, 7).split('\n');
    expect((await send({ method: 'POST', path: '/v1/datasets/fresh/rows', key, body: appended.join('\n'), contentType: 'text/csv' })).status).toBe(201);
    const { job: retrain } = await retrainNow('fresh', { every: '1d', dataset: 'fresh', budget: { trials: 2 } });
    expect(retrain.status).toBe('succeeded');
    expect(retrain.challenge).toMatchObject({ status: 'complete', holdout_from: 'new_rows' });
    // Half of the 120 new rows (stratified, so give or take one) are held out; the search had the 80 old rows and the rest.
    expect(Math.abs(retrain.challenge.holdout_rows - 60)).toBeLessThanOrEqual(1);
    const basis = await env.SEARCH.getByName(`${TENANT}/${retrain.id}`).retrainBasis('t0000');
    expect(basis?.config.holdout).toMatchObject({ fraction: 0.5, from_row: 80 });
    expect(basis?.config.dataset.rows).toBe(200 - retrain.challenge.holdout_rows);
  }, 150_000);

  let keptJob: Record<string, any> = {};

  it('keeps the champion when the challenger does not win by the margin, recording both scores', async () => {
    await upload('same', binaryTable(200, 5));
    await train('same', 'same');
    await append('same', binaryTable(40, 15));
    // An absolute margin of 0.9 on roc_auc cannot be beaten by a challenger of a champion scoring over 0.1.
    const { job, run } = await retrainNow('same', { every: '1d', dataset: 'same', budget: { trials: 3 }, margin: 0.9 });
    keptJob = job;
    expect(keptJob.status).toBe('succeeded');
    // The run records its job's end: the version it published was kept out.
    expect(run).toMatchObject({ status: 'challenger_kept', version: 2, job_id: keptJob.id, outcome: expect.stringMatching(/^v2 kept as a challenger: challenger v2 vs champion v1 /) });
    expect(Date.parse(run.finished_at)).toBeGreaterThanOrEqual(Date.parse(run.started_at));
    expect(keptJob.model).toMatchObject({ name: 'same', version: 2 });
    expect(keptJob.challenge).toMatchObject({ status: 'complete', promoted: false, margin: 0.9, champion_version: 1 });
    const model = await describeModel('same');
    expect(model.champion_version).toBe(1);
    expect(model.versions.map((v: { version: number }) => v.version)).toEqual([1, 2]);
    const kept = model.history.at(-1);
    expect(kept).toMatchObject({ kind: 'challenger_kept', version: 2, previous_version: 1, job_id: keptJob.id });
    expect(kept.comparison).toMatchObject({ promoted: false, margin: 0.9, margin_kind: 'absolute', champion_version: 1 });
    expect(kept.comparison.challenger_score).toBe(keptJob.challenge.challenger_score);
    expect(kept.comparison.champion_score).toBe(keptJob.challenge.champion_score);
    expect(Number.isFinite(kept.comparison.champion_score)).toBe(true);
    expect(kept.reason).toMatch(/the champion stays/);
    expect((await jsonOf(await send({ method: 'POST', path: '/v1/models/same/predict', key, body: { rows: [{ x1: 1, x2: 1, c: 'p' }] } }))).model.version).toBe(1);
  }, 150_000);

  it("starts the retraining job from the champion's configurations", async () => {
    const model = await describeModel('same');
    const champion = model.versions[0];
    const first = await job(champion.job_id);
    const championTrials = await trialsOf(champion.job_id);
    const ids: string[] = champion.trial_id === 'ensemble' ? [...first.ensemble.members].sort((a, b) => b.weight - a.weight).map((m: { trial_id: string }) => m.trial_id) : [champion.trial_id];
    const expected = ids.map((id) => championTrials.find((t) => t.trial_id === id)).map((t) => ({ family: t!.family, params: t!.params }));
    expect(expected.length).toBeGreaterThan(0);
    const retrainTrials = (await trialsOf(keptJob.id)).sort((a, b) => a.number - b.number);
    expect(retrainTrials.slice(0, expected.length).map((t) => ({ family: t.family, params: t.params }))).toEqual(expected);
    expect(keptJob.warm_start).toEqual(expected);
  });

  it('keeps the champion and says why when the comparison fails', async () => {
    await upload('fragile', binaryTable(100, 6));
    await train('fragile', 'fragile');
    const champion = await env.REGISTRY.getByName(TENANT).resolveModel('fragile');
    await env.STORE.put(champion!.artifact_key, '{"format": "not a model"');
    await append('fragile', binaryTable(20, 16));
    const { job: retrain } = await retrainNow('fragile', { every: '1d', dataset: 'fragile', budget: { trials: 2 } });
    expect(retrain.challenge).toMatchObject({ status: 'failed', promoted: false });
    const model = await describeModel('fragile');
    expect(model.champion_version).toBe(1);
    const kept = model.history.at(-1);
    expect(kept).toMatchObject({ kind: 'challenger_kept', version: 2, previous_version: 1 });
    expect(kept.reason).toMatch(/was not compared .* the champion stays/);
    expect(kept.comparison).toMatchObject({ challenger_score: null, champion_score: null, promoted: false });
  }, 150_000);

  it('skips a run on the data a kept challenger learned from, and one with too few rows appended since, moving the due time on; a same-size new upload trains', async () => {
    // "same" v2 (240 rows) is what the kept challenger v2 learned from, though the champion (v1) never saw its last 40 rows.
    const set = await jsonOf(await putSchedule('same', { every: '1d', dataset: 'same', budget: { trials: 2 }, min_new_rows: 10 }));
    const jobsBefore = (await jsonOf(await send({ method: 'GET', path: '/v1/jobs', key }))).jobs.length;
    const DAY = 24 * 60 * MIN;
    await tick(Date.parse(set.next_due_at) + MIN);
    let s = await getSchedule('same');
    expect(s.runs).toHaveLength(1);
    expect(s.runs[0]).toMatchObject({ run: 1, status: 'skipped', job_id: null, started_at: null, finished_at: expect.any(String) });
    expect(s.runs[0].reason).toBe('nothing new to learn: dataset "same" v2 (240 rows) is the data model v2 was already trained on');
    // A lasting reason: the slot is spent, the next run is a period later.
    expect(s.next_due_at).toBe(new Date(Date.parse(set.next_due_at) + DAY).toISOString());
    expect((await jsonOf(await send({ method: 'GET', path: '/v1/jobs', key }))).jobs.length).toBe(jobsBefore);
    const skipped = (await describeModel('same')).history.at(-1);
    expect(skipped).toMatchObject({ kind: 'retrain_skipped', job_id: null });
    expect(skipped.reason).toMatch(/nothing new to learn/);

    // Five rows appended: counted from v2, the data last trained on, and too few.
    await append('same', binaryTable(5, 17));
    await tick(Date.parse(s.next_due_at) + MIN);
    s = await getSchedule('same');
    expect(s.runs[0]).toMatchObject({ run: 2, status: 'skipped' });
    expect(s.runs[0].reason).toBe('5 rows appended since v2 (240 rows), the data model v2 was trained on: dataset "same" v3 (245 rows); min_new_rows is 10');
    expect(s.next_due_at).toBe(new Date(Date.parse(set.next_due_at) + 2 * DAY).toISOString());

    // The table uploaded anew at the same size (a sliding window): all of its rows count, and the run trains.
    await upload('same', binaryTable(245, 18));
    await tick(Date.parse(s.next_due_at) + MIN);
    const after = await getSchedule('same');
    expect(after.runs[0]).toMatchObject({ run: 3, status: 'started' });
    expect(after.runs[0].reason).toMatch(/dataset "same" v4 is a new upload of 245 rows, not an append of v2 \(v2: 240 rows, the data model v2 was trained on\): all 245 rows count as new$/);
    await dropSchedule('same');
    expect((await waitJob(after.runs[0].job_id, key)).status).toBe('succeeded');
  }, 150_000);

  it('leaves a run held back by a running job, or by too many jobs, due for the next tick; it then starts its one job', async () => {
    await upload('busy', binaryTable(80, 20));
    await upload('busy-other', binaryTable(80, 21));
    await train('busy', 'busy');
    await append('busy', binaryTable(20, 22));
    const set = await jsonOf(await putSchedule('busy', { every: '1d', dataset: 'busy', budget: { trials: 1 } }));
    const due = Date.parse(set.next_due_at);
    const board = env.SCHEDULES.getByName('global');
    const long = { target: 'label', models: ['linear'], budget: { seconds: 600, trials: 10_000 } };
    const cancel = async (id: string) => {
      expect((await send({ method: 'DELETE', path: `/v1/jobs/${id}`, key })).status).toBe(200);
      expect((await waitJob(id, key)).status).toMatch(/cancelled|succeeded/);
    };

    // A job started by hand on the model (on other data, so what it publishes does not learn "busy"'s rows).
    const byHand = (await jsonOf(await send({ method: 'POST', path: '/v1/jobs', key, body: { ...long, dataset: 'busy-other', model: 'busy' } }))).id as string;
    await tick(due + MIN);
    let s = await getSchedule('busy');
    expect(s.runs).toEqual([expect.objectContaining({ run: 1, status: 'waiting', job_id: null, finished_at: null })]);
    expect(s.runs[0].reason).toBe(`job ${byHand}, which publishes to model "busy", has not finished; the run stays due and is tried again at the next cron tick`);
    expect(s.next_due_at).toBe(set.next_due_at);
    // On the board, it stands just after the tick that held it back, behind every schedule due by then
    // (at its own due time, waiting runs would fill each tick's batch before the schedules due after them).
    expect((await board.entry(TENANT, 'busy'))?.next_due_at).toBe(due + MIN + 1);
    expect((await describeModel('busy')).history.map((e: { kind: string }) => e.kind)).not.toContain('retrain_skipped');
    await cancel(byHand);

    // The next tick starts the same run, with the job id of its due time; racing ticks start one job.
    await Promise.all([tick(due + 6 * MIN), tick(due + 6 * MIN)]);
    s = await getSchedule('busy');
    expect(s.runs).toEqual([expect.objectContaining({ run: 1, status: 'started', due_at: set.next_due_at, job_id: await retrainJobId(TENANT, 'busy', due) })]);
    expect(s.next_due_at).toBe(new Date(due + 24 * 60 * MIN).toISOString());
    expect((await waitJob(s.runs[0].job_id, key)).status).toBe('succeeded');
    expect((await endedRun('busy')).status).toMatch(/^(promoted|challenger_kept)$/);

    // Too many unfinished jobs in the tenant (here at most one, and another model's job running): the job
    // cannot start, and the run waits, its schedule due again from its due time.
    const due2 = Date.parse(s.next_due_at);
    await append('busy', binaryTable(20, 23));
    const blocker = (await jsonOf(await send({ method: 'POST', path: '/v1/jobs', key, body: { ...long, dataset: 'busy-other', model: 'busy-blocker' } }))).id as string;
    const oneJob = { ...env, MAX_CONCURRENT_JOBS: '1' } as Env;
    const outcome = (await runDueSchedules(oneJob, due2 + MIN)).find((o) => o.tenant === TENANT && o.model === 'busy');
    expect(outcome).toMatchObject({ outcome: 'waiting', reason: expect.stringMatching(/the retraining job could not start: this tenant already has 1 unfinished jobs \(at most 1\)/) });
    s = await getSchedule('busy');
    expect(s.runs[0]).toMatchObject({ run: 2, status: 'waiting', job_id: null });
    expect(s.runs[0].reason).toMatch(/; the run stays due and is tried again at the next cron tick$/);
    // The answer, a waiting run and an ended one, is what the OpenAPI document describes.
    expect(scheduleWithRunsResponse.safeParse(s).error).toBeUndefined();
    expect(Date.parse(s.next_due_at)).toBe(due2);
    expect((await board.entry(TENANT, 'busy'))?.next_due_at).toBe(due2 + MIN + 1);
    await cancel(blocker);
    await tick(due2 + 6 * MIN);
    s = await getSchedule('busy');
    expect(s.runs[0]).toMatchObject({ run: 2, status: 'started', job_id: await retrainJobId(TENANT, 'busy', due2) });
    expect(s.runs.map((r: { run: number }) => r.run)).toEqual([2, 1]);
    await dropSchedule('busy');
    expect((await waitJob(s.runs[0].job_id, key)).status).toBe('succeeded');
  }, 200_000);

  it('answers 503 when the cron scheduler cannot be told of a stored schedule, and the same PUT again puts it on the board', async () => {
    const board = env.SCHEDULES.getByName('global');
    const deadBoard = { ...env, SCHEDULES: { getByName: () => ({ set: async () => Promise.reject(new Error('injected fault: the board is unreachable')) }) } } as unknown as Env;
    const spec = { every: '1d', dataset: 'base', budget: { trials: 1 } };
    const refused = await expectError(await send({ method: 'PUT', path: '/v1/models/base/schedule', key, body: spec }, deadBoard), 503, 'schedule_not_registered');
    expect(refused.message).toBe('the schedule of model "base" is stored, but the cron scheduler could not be told of it, so it would not run; send the same PUT again');
    expect(await board.entry(TENANT, 'base')).toBeNull();
    const again = await jsonOf(await putSchedule('base', spec));
    expect((await board.entry(TENANT, 'base'))?.next_due_at).toBe(Date.parse(again.next_due_at));
    await dropSchedule('base');
  });

  it('skips a run whose job cannot start, saying why', async () => {
    const set = await jsonOf(await putSchedule('base', { every: '1d', dataset: 'base', budget: { trials: 1 } }));
    // The newest version lost the target column after the schedule was set.
    await upload('base', binaryTable(80, 7).replace(/,(yes|no)$/gm, '').replace('x1,x2,c,label', 'x1,x2,c'));
    await tick(Date.parse(set.next_due_at) + MIN);
    const run = (await getSchedule('base')).runs[0];
    expect(run).toMatchObject({ status: 'skipped', job_id: null });
    expect(run.reason).toMatch(/the retraining job could not start: target column "label" is not in the dataset/);
    expect((await describeModel('base')).history.at(-1)).toMatchObject({ kind: 'retrain_skipped' });
    await dropSchedule('base');
  });

  it("refuses a schedule on data without the champion's columns, and skips a run whose newest version lost one", async () => {
    // The champion of "base" reads x1, x2 and c.
    await upload('narrow', binaryTable(80, 8).replace(/^([^,]+),([^,]+),[^,]+,/gm, '$1,$2,'));
    const refused = await expectError(await putSchedule('base', { every: '1d', dataset: 'narrow', budget: { trials: 1 } }), 400, 'invalid_dataset');
    expect(refused.details).toMatchObject({ field: 'dataset', missing: ['c'] });
    expect(refused.message).toContain('dataset "narrow" v1 lacks a column the champion was trained on ("c")');

    await upload('shrink', binaryTable(80, 9));
    await train('shrink', 'shrink');
    const set = await jsonOf(await putSchedule('shrink', { every: '1d', dataset: 'shrink', budget: { trials: 1 } }));
    await upload('shrink', binaryTable(80, 10).replace(/^([^,]+),[^,]+,/gm, '$1,'));
    await tick(Date.parse(set.next_due_at) + MIN);
    const run = (await getSchedule('shrink')).runs[0];
    expect(run).toMatchObject({ status: 'skipped', job_id: null });
    expect(run.reason).toContain('the retraining job could not start: dataset "shrink" v2 lacks a column the champion was trained on ("x2")');
    await dropSchedule('shrink');
  }, 120_000);

  it('applies the default margin of the metric a champion of another task brings, saying why, not the number set for the old one', async () => {
    await upload('kindswap', binaryTable(60, 4));
    await train('kindswap', 'kindswap');
    const set = await jsonOf(await putSchedule('kindswap', { every: '1d', dataset: 'kindswap', margin: 0.05 }));
    expect(set).toMatchObject({ margin: 0.05, margin_kind: 'absolute', metric: 'roc_auc' });
    expect(set.margin_note).toBeUndefined();
    // The champion is replaced by a regression of x1: a 0.05 score difference is no 5% loss difference.
    const res = await send({ method: 'POST', path: '/v1/jobs', key, body: { dataset: 'kindswap', target: 'x1', model: 'kindswap', models: ['linear'], budget: { trials: 1 }, seed: 3, replace_model: true } });
    expect(res.status).toBe(202);
    expect((await waitJob((await jsonOf(res)).id, key)).status).toBe('succeeded');
    const after = await getSchedule('kindswap');
    expect(after).toMatchObject({ margin: 0.01, margin_kind: 'relative', metric: 'rmse' });
    expect(after.margin_note).toContain('the margin 0.05 was given as an absolute score difference');
    expect(scheduleWithRunsResponse.safeParse(after).success).toBe(true);
    // Set again for the new metric, the margin given is the one applied.
    expect(await jsonOf(await putSchedule('kindswap', { every: '1d', dataset: 'kindswap', margin: 0.03 }))).toMatchObject({ margin: 0.03, margin_kind: 'relative' });
    expect((await getSchedule('kindswap')).margin_note).toBeUndefined();
    await dropSchedule('kindswap');
  }, 120_000);
});
