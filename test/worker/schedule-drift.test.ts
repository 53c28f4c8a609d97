/**
 * Retraining on drift, inside workerd: the `on_drift` field of a schedule (defaults, every refusal naming
 * its field, the board told to watch it), the Registry's early claim (once per tick, only for the
 * schedule as measured, the usual rules applied, the cadence restarting from a run that trains, skipped
 * when the data holds nothing the model has not learned: retraining on it cannot answer drift), and cron
 * ticks on real predictions: a schedule due next year starts a retraining job the tick after its
 * champion's live rows drift (and newer rows were added), with the feature and its PSI (the drift
 * route's figure) as the reason; unshifted rows, too few rows and a failing drift check start nothing. Drift sampling takes every row
 * and flushes at once (as in drift.test.ts), so a request's counts are in the monitor when it returns.
 */
import { env } from 'cloudflare:workers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../src/engine/core/rng';
import { configureDriftSampling, type DriftSamplingOptions } from '../../src/worker/drift-sampler';
import { type RetrainOutcome, startClaimedRun } from '../../src/worker/retrain';
import { runDueSchedules } from '../../src/worker/scheduled';
import { expectError, jsonOf, send, tenantKey, waitJob } from './tenant';

const TENANT = 'sched-drift';
const MIN = 60_000;
let key = '';
let previousOptions: DriftSamplingOptions;

/** Rows like the training data (amount ~ N(1000, 200), four regions), amounts moved by `shift`. */
function rows(seed: number, n: number, shift = 0, withLabel = false): Record<string, unknown>[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => {
    const amount = Math.round(1000 + 200 * rng.normal());
    const region = ['north', 'south', 'east', 'west'][rng.int(4)];
    const label = amount + 100 * rng.normal() > 1000 ? 'good' : 'bad';
    return { amount: amount + shift, region, ...(withLabel ? { label } : {}) };
  });
}
const csv = (table: Record<string, unknown>[]) => ['amount,region,label', ...table.map((r) => `${r.amount},${r.region},${r.label}`)].join('\n');

async function train(model: string): Promise<void> {
  const res = await send({ method: 'POST', path: '/v1/jobs', key, body: { dataset: 'sales', target: 'label', model, models: ['linear'], budget: { trials: 1 }, seed: 3 } });
  expect(res.status).toBe(202);
  expect((await waitJob((await jsonOf(res)).id, key, 100_000)).status).toBe('succeeded');
}

const putSchedule = (model: string, body: unknown) => send({ method: 'PUT', path: `/v1/models/${model}/schedule`, key, body });
const getSchedule = async (model: string) => jsonOf(await send({ method: 'GET', path: `/v1/models/${model}/schedule`, key }));
const predict = async (model: string, table: Record<string, unknown>[]) => expect((await send({ method: 'POST', path: `/v1/models/${model}/predict`, key, body: { rows: table } })).status).toBe(200);
const jobCount = async () => (await jsonOf(await send({ method: 'GET', path: '/v1/jobs', key }))).jobs.length as number;

let lastTick = 0;

/** One tick through the cron handler at the current time (later than the last); this tenant's outcomes, by model. */
async function tick(bindings: Env = env): Promise<Record<string, RetrainOutcome>> {
  lastTick = Math.max(Date.now(), lastTick + 1);
  const outcomes = await runDueSchedules(bindings, lastTick);
  return Object.fromEntries(outcomes.filter((o) => o.tenant === TENANT).map((o) => [o.model, o]));
}

/** A schedule that is not due for months, watching drift with the default window. */
const watching = { every: '0 3 1 1 *', dataset: 'sales', budget: { trials: 1 }, on_drift: { psi: 0.25, min_rows: 200 } };

describe('retraining on drift', () => {
  beforeAll(async () => {
    previousOptions = configureDriftSampling({ maxRowsPerRequest: 10_000, rowsPerSecond: 1e9, burstRows: 1e9, maxPendingRows: 10_000, flushIntervalMs: 0, retryAfterMs: 0 });
    key = await tenantKey(TENANT, 'k');
    expect((await send({ method: 'PUT', path: '/v1/datasets/sales', key, body: csv(rows(1, 600, 0, true)), contentType: 'text/csv' })).status).toBe(201);
    await Promise.all([train('calm'), train('moved')]);
  }, 200_000);

  afterAll(() => {
    configureDriftSampling(previousOptions);
  });

  it('takes on_drift with defaults, refuses each bad part by name, and tells the board to watch it', async () => {
    const base = { every: '1d', dataset: 'sales', budget: { trials: 1 } };
    const refusals: [unknown, string, RegExp][] = [
      [{}, 'on_drift.psi', /psi must be a number/],
      [{ psi: '0.25' }, 'on_drift.psi', /psi must be a number/],
      [{ psi: 0 }, 'on_drift.psi', /greater than 0/],
      [{ psi: 0.25, hours: 0 }, 'on_drift.hours', /from 1 to 168/],
      [{ psi: 0.25, hours: 169 }, 'on_drift.hours', /from 1 to 168/],
      [{ psi: 0.25, hours: 1.5 }, 'on_drift.hours', /whole number/],
      [{ psi: 0.25, min_rows: 0 }, 'on_drift.min_rows', /at least 1/],
      [{ psi: 0.25, min_rows: 10.5 }, 'on_drift.min_rows', /whole number/],
      [{ psi: 0.25, rows: 10 }, 'on_drift.rows', /^unknown field "on_drift.rows"$/],
      [0.25, 'on_drift', /on_drift/],
    ];
    for (const [onDrift, field, message] of refusals) {
      const err = await expectError(await putSchedule('calm', { ...base, on_drift: onDrift }), 400, 'invalid_request');
      expect(err.details.field, JSON.stringify(onDrift)).toBe(field);
      expect(err.message).toMatch(message);
    }

    const set = await jsonOf(await putSchedule('calm', { ...base, on_drift: { psi: 0.3 } }));
    expect(set.on_drift).toEqual({ psi: 0.3, hours: 24, min_rows: 200 });
    expect((await getSchedule('calm')).on_drift).toEqual(set.on_drift);
    expect((await env.SCHEDULES.getByName('global').entry(TENANT, 'calm'))?.watch_drift).toBe(true);
    const plain = await jsonOf(await putSchedule('calm', base));
    expect(plain.on_drift).toBeNull();
    expect((await env.SCHEDULES.getByName('global').entry(TENANT, 'calm'))?.watch_drift).toBe(false);
    expect((await send({ method: 'DELETE', path: '/v1/models/calm/schedule', key })).status).toBe(204);
  });

  it('claims an early run once, only for the schedule as measured, with the usual rules and a restarted cadence', async () => {
    const reg = env.REGISTRY.getByName('drift-unit');
    const iso = new Date().toISOString();
    const HOUR = 60 * MIN;
    await reg.addDatasetVersion('d', { rows: 100, bytes: 1, columns: [], raw_key: 'raw', data_key: 'data', created_at: iso });
    await reg.publish('m', { job_id: 'j0', trial_id: 't0000', family: 'linear', artifact_key: 'a', task: 'binary', target: 'label', classes: ['a', 'b'], metric: 'roc_auc', greater_is_better: true, score: 0.8, dataset: { name: 'd', version: 1 } });
    await reg.addDatasetVersionAfter('d', 1, { rows: 200, bytes: 1, columns: [], raw_key: 'raw', data_key: 'data', created_at: iso, appended: { base_version: 1, rows: 100 } });
    const spec = { every: '1h', dataset: 'd', budget: { trials: 1 }, min_new_rows: 0, margin: 0.002 };
    await reg.putSchedule('m', spec);
    expect(await reg.scheduleDriftBasis('m')).toBeNull(); // no trigger, nothing to check
    const s = await reg.putSchedule('m', { ...spec, on_drift: { psi: 0.25, hours: 24, min_rows: 200 } });
    expect(await reg.scheduleDriftBasis('m')).toMatchObject({ schedule: { revision: s.revision }, champion: { version: 1 }, last_run_at: null });
    const due = s.next_due_at;
    expect(await reg.claimDriftRun('m', due, s.revision, 'drift: x')).toMatchObject({ claimed: false, next_due_at: due }); // due anyway: the regular claim runs it

    const regular = await reg.claimScheduledRun('m', due);
    if (!regular.claimed) throw new Error('the regular run was not claimed');
    await reg.recordJob({ id: 'j1', dataset: 'd', target: 'label', status: 'running', model_name: 'm', created_at: iso });
    await reg.settleScheduledRun('m', regular.seq, { status: 'started', job_id: 'j1', reason: 'started' });

    const at1 = due + 30 * MIN;
    expect(await reg.claimDriftRun('m', at1, s.revision, 'drift: x')).toMatchObject({ claimed: false }); // measured an older schedule
    const basis = (await reg.scheduleDriftBasis('m'))!;
    expect(basis.last_run_at).toBe(due);
    const skipped = await reg.claimDriftRun('m', at1, basis.schedule.revision, 'drift: x PSI 0.50 ≥ 0.25');
    expect(skipped).toMatchObject({ claimed: true, outcome: 'skipped', due_at: at1, next_due_at: due + HOUR });
    expect(skipped.claimed && skipped.reason).toBe('drift: x PSI 0.50 ≥ 0.25; the previous retraining job j1 has not finished');
    // A retried tick with the same time claims nothing more.
    expect(await reg.claimDriftRun('m', at1, skipped.revision, 'drift: x')).toMatchObject({ claimed: false, next_due_at: due + HOUR });

    // j1 ends without publishing (failed): the data it was to learn from is still new.
    await reg.jobFinished('j1', 'failed');
    const at2 = due + 40 * MIN;
    const early = await reg.claimDriftRun('m', at2, skipped.revision, 'drift: x PSI 0.50 ≥ 0.25');
    expect(early).toMatchObject({ claimed: true, outcome: 'start', due_at: at2, next_due_at: at2 + HOUR, champion: { version: 1 } });
    expect(early.claimed && early.reason).toMatch(/^drift: x PSI 0\.50 ≥ 0\.25; 100 rows appended since v1 \(100 rows\), the data champion v1 was trained on/);
    expect((await reg.getSchedule('m'))!.schedule.next_due_at).toBe(at2 + HOUR);
    const history = (await reg.getSchedule('m'))!.runs.map((r) => [r.status, Date.parse(r.due_at)]);
    expect(history).toEqual([
      ['claimed', at2],
      ['skipped', at1],
      ['failed', due],
    ]);

    // Its job publishes a challenger trained on d v2, kept out. Drift again: the data holds nothing the
    // model has not learned, and retraining on it cannot answer drift, so the run is skipped, saying so.
    if (!early.claimed) throw new Error('unreachable');
    await reg.recordJob({ id: 'j2', dataset: 'd', target: 'label', status: 'running', model_name: 'm', created_at: iso });
    await reg.settleScheduledRun('m', early.seq, { status: 'started', job_id: 'j2', reason: 'started' });
    await reg.publish('m', { job_id: 'j2', trial_id: 't0000', family: 'linear', artifact_key: 'b', task: 'binary', target: 'label', classes: ['a', 'b'], metric: 'roc_auc', greater_is_better: true, score: 0.8, dataset: { name: 'd', version: 2 } }, { margin: 0.002, report: { status: 'complete', challenger_score: 0.7, champion_score: 0.8, champion_version: 1, holdout_rows: 50 } });
    await reg.jobFinished('j2', 'succeeded');
    const at3 = at2 + 20 * MIN;
    const same = await reg.claimDriftRun('m', at3, (await reg.scheduleDriftBasis('m'))!.schedule.revision, 'drift: x PSI 0.60 ≥ 0.25');
    expect(same).toMatchObject({ claimed: true, outcome: 'skipped', due_at: at3, next_due_at: at2 + HOUR });
    expect(same.claimed && same.reason).toBe('drift: x PSI 0.60 ≥ 0.25; nothing new to learn: dataset "d" v2 (200 rows) is the data model v2 was already trained on; retraining on the same rows cannot answer the drift: add recent rows to the dataset');
    expect((await reg.getSchedule('m'))!.runs.map((r) => [r.run, r.status, r.version])).toEqual([
      [4, 'skipped', null],
      [3, 'challenger_kept', 2],
      [2, 'skipped', null],
      [1, 'failed', null],
    ]);
  });

  it('skips an early run whose job cannot start, and leaves the regular run due when it was', async () => {
    const tenant = 'drift-unit-start';
    const reg = env.REGISTRY.getByName(tenant);
    const iso = new Date().toISOString();
    // The dataset's typed file is not in storage: the job cannot start (storage_missing, a lasting reason).
    await reg.addDatasetVersion('d', { rows: 100, bytes: 1, columns: [], raw_key: 'raw', data_key: 'gone.eac', created_at: iso });
    await reg.publish('m', { job_id: 'j0', trial_id: 't0000', family: 'linear', artifact_key: 'a', task: 'binary', target: 'label', classes: ['a', 'b'], metric: 'roc_auc', greater_is_better: true, score: 0.8, dataset: { name: 'd', version: 1 } });
    await reg.addDatasetVersionAfter('d', 1, { rows: 200, bytes: 1, columns: [], raw_key: 'raw', data_key: 'gone.eac', created_at: iso, appended: { base_version: 1, rows: 100 } });
    const s = await reg.putSchedule('m', { every: '7d', dataset: 'd', budget: { trials: 1 }, min_new_rows: 0, margin: 0.002, on_drift: { psi: 0.25, hours: 24, min_rows: 200 } });
    const at = s.next_due_at - 3 * 24 * 60 * MIN;
    const early = await reg.claimDriftRun('m', at, s.revision, 'drift: x PSI 0.50 ≥ 0.25');
    expect(early).toMatchObject({ claimed: true, outcome: 'start', next_due_at: at + 7 * 24 * 60 * MIN });
    const outcome = await startClaimedRun(env, tenant, 'm', early);
    expect(outcome).toMatchObject({ outcome: 'skipped', reason: expect.stringContaining('the retraining job could not start: the stored dataset is missing') });
    // The claim had moved the schedule a period on from the drift; the run never trained, so it is back.
    const after = (await reg.getSchedule('m'))!;
    expect(after.schedule.next_due_at).toBe(s.next_due_at);
    expect(after.runs[0]).toMatchObject({ status: 'skipped', job_id: null });
    expect((await env.SCHEDULES.getByName('global').entry(tenant, 'm'))?.next_due_at).toBe(s.next_due_at);
    const dropped = await reg.deleteSchedule('m');
    await env.SCHEDULES.getByName('global').set(tenant, 'm', null, dropped!.revision);
  });

  it('starts a retraining job the tick after the champion drifts, naming the feature and its PSI; calm or sparse traffic starts nothing', async () => {
    const calm = await jsonOf(await putSchedule('calm', watching));
    const moved = await jsonOf(await putSchedule('moved', watching));
    expect(Date.parse(moved.next_due_at)).toBeGreaterThan(Date.now() + 5 * MIN);
    const jobsBefore = await jobCount();

    await predict('calm', rows(2, 300));
    await predict('moved', rows(3, 100, 300));
    let out = await tick();
    expect(out.calm).toMatchObject({ outcome: 'not_due' });
    expect(out.calm.reason).toMatch(/no feature has a PSI of 0.25 or more/);
    expect(out.moved).toMatchObject({ outcome: 'not_due' });
    expect(out.moved.reason).toMatch(/100 live rows sampled, fewer than min_rows 200/);

    await predict('moved', rows(4, 200, 300));
    // A drift check that fails is logged and skipped: the tick goes on, nothing starts.
    const monitorDown = { ...env, DRIFT: { getByName: () => { throw new Error('injected fault: DriftMonitor unreachable'); } } } as unknown as Env;
    out = await tick(monitorDown);
    expect(out.moved).toMatchObject({ outcome: 'error' });
    expect(out.moved.reason).toMatch(/drift check skipped: injected fault/);
    expect(out.calm).toMatchObject({ outcome: 'error' });
    expect((await getSchedule('moved')).runs).toEqual([]);
    expect(await jobCount()).toBe(jobsBefore);

    // The shifted rows, labelled, are added to the data: something new to retrain on.
    expect((await send({ method: 'POST', path: '/v1/datasets/sales/rows', key, body: csv(rows(5, 100, 300, true)), contentType: 'text/csv' })).status).toBe(201);
    out = await tick();
    expect(out.calm).toMatchObject({ outcome: 'not_due' });
    expect(out.moved).toMatchObject({ outcome: 'started' });
    const report = await jsonOf(await send({ method: 'GET', path: '/v1/models/moved/drift', key }));
    expect(report.rows_sampled).toBe(300);
    expect(report.features[0].name).toBe('amount');
    const s = await getSchedule('moved');
    expect(s.runs).toHaveLength(1);
    expect(s.runs[0]).toMatchObject({ status: 'started', job_id: out.moved.job_id });
    const reason = /drift: amount PSI (\d+\.\d\d) ≥ 0\.25 over 300 live rows/.exec(s.runs[0].reason);
    expect(reason, s.runs[0].reason).not.toBeNull();
    expect(Number(reason![1])).toBeCloseTo(report.features[0].psi, 2);
    // The yearly cron's next time after the run is the one it had.
    expect(s.next_due_at).toBe(moved.next_due_at);
    const event = (await jsonOf(await send({ method: 'GET', path: '/v1/models/moved', key }))).history.at(-1);
    expect(event).toMatchObject({ kind: 'retrain_started', job_id: out.moved.job_id });
    expect(event.reason).toMatch(/drift: amount PSI \d+\.\d\d ≥ 0\.25/);
    expect(await jobCount()).toBe(jobsBefore + 1);

    // Drift already answered does not count again: the rows before the run are out of the next window.
    out = await tick();
    expect(out.moved.outcome).toBe('not_due');
    expect((await getSchedule('moved')).runs).toHaveLength(1);
    expect((await getSchedule('calm')).runs).toEqual([]);
    expect((await getSchedule('calm')).next_due_at).toBe(calm.next_due_at);
    expect((await waitJob(s.runs[0].job_id, key, 150_000)).status).toBe('succeeded');
  }, 200_000);
});
