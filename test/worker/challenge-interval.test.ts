/**
 * The champion/challenger comparison's uncertainty inside workerd, end to end through scheduled
 * retraining: the job's `challenge` and the model history's `comparison` carry challenger − champion
 * with its 90% paired-bootstrap interval over the held-out rows and the promotion rule that decided,
 * and the decision says where the difference stands against the holdout's noise. New schedules promote
 * "beyond_noise" (a clear win is promoted); "margin" stays settable, and a schedule stored before the
 * rule existed reads as "margin". The PUT answer warns about an on_drift.min_rows too small for drift to
 * stand out of noise.
 */
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectError, jsonOf, scheduledTick, send, tenantKey, waitJob } from './tenant';
import { binaryTable } from './binary-table';

const TENANT = 'interval';
let key = '';
const MIN = 60_000;


const upload = async (name: string, csv: string) => expect((await send({ method: 'PUT', path: `/v1/datasets/${name}`, key, body: csv, contentType: 'text/csv' })).status).toBe(201);
const append = async (name: string, csv: string) => expect((await send({ method: 'POST', path: `/v1/datasets/${name}/rows`, key, body: csv, contentType: 'text/csv' })).status).toBe(201);
const putSchedule = (model: string, body: unknown) => send({ method: 'PUT', path: `/v1/models/${model}/schedule`, key, body });
const describeModel = async (model: string) => jsonOf(await send({ method: 'GET', path: `/v1/models/${model}`, key }));

async function train(dataset: string, model: string): Promise<void> {
  const res = await send({ method: 'POST', path: '/v1/jobs', key, body: { dataset, target: 'label', model, models: ['linear'], budget: { trials: 2 }, seed: 3 } });
  expect(res.status).toBe(202);
  expect((await waitJob((await jsonOf(res)).id, key)).status).toBe('succeeded');
}

/** Sets a schedule due now, ticks after it and returns the retraining job it started, once ended; removes the schedule. */
async function retrainNow(model: string, body: Record<string, unknown>): Promise<{ job: Record<string, any>; schedule: Record<string, any> }> {
  const res = await putSchedule(model, body);
  expect(res.status).toBe(200);
  const schedule = await jsonOf(res);
  await scheduledTick(Date.parse(schedule.next_due_at) + MIN);
  const runs = (await jsonOf(await send({ method: 'GET', path: `/v1/models/${model}/schedule`, key }))).runs;
  expect(runs[0]?.job_id, JSON.stringify(runs)).toEqual(expect.any(String));
  const job = await waitJob(runs[0].job_id, key);
  expect((await send({ method: 'DELETE', path: `/v1/models/${model}/schedule`, key })).status).toBe(204);
  return { job, schedule };
}

const signed = (x: number) => `${x < 0 ? '−' : '+'}${Math.abs(x).toFixed(4)}`;

describe("the comparison's interval", () => {
  beforeAll(async () => {
    key = await tenantKey(TENANT, 'k');
  });

  it('promotes a challenger better beyond noise, recording the difference and its interval in the job and the history', async () => {
    // The champion learned coin flips; the challenger learns the signal of 300 new rows.
    await upload('grow', binaryTable(50, 2, true));
    await train('grow', 'grow');
    await upload('grow', binaryTable(300, 4));
    const { job, schedule } = await retrainNow('grow', { every: '1d', dataset: 'grow', budget: { trials: 3 } });
    expect(schedule.promotion).toBe('beyond_noise');
    expect(job.status).toBe('succeeded');
    const c = job.challenge;
    expect(c).toMatchObject({ status: 'complete', promoted: true, promotion: 'beyond_noise', holdout_rows: 60 });
    expect(c.difference.value).toBeCloseTo(c.challenger_score - c.champion_score, 10);
    const [low, high] = c.difference.interval;
    expect(low).toBeGreaterThan(0);
    expect(low).toBeLessThanOrEqual(c.difference.value);
    expect(high).toBeGreaterThanOrEqual(c.difference.value);
    expect(c.difference).toMatchObject({ within_noise: false, bootstraps: expect.any(Number) });
    expect(c.difference.bootstraps).toBeGreaterThanOrEqual(200);
    expect(c.decision).toContain(`better beyond the holdout's noise (90% interval of challenger − champion ${signed(low)} to ${signed(high)}); promoted`);

    const model = await describeModel('grow');
    expect(model.champion_version).toBe(2);
    const event = model.history.find((e: Record<string, any>) => e.version === 2 && e.comparison);
    expect(event.comparison).toMatchObject({ promoted: true, promotion: 'beyond_noise', difference: c.difference });
    expect(event.reason).toMatch(/^job .* published .*; challenger v2 vs champion v1 on 60 held-out rows: /);
    expect(event.reason.endsWith(c.decision)).toBe(true);
  }, 150_000);

  it('says where the difference stands under the margin rule too, and keeps "margin" for a schedule stored before the rule', async () => {
    await upload('same', binaryTable(160, 5));
    await train('same', 'same');
    await append('same', binaryTable(60, 6));
    // A margin of 0.9 cannot be beaten: the champion stays, and the decision still reads the interval.
    const { job, schedule } = await retrainNow('same', { every: '1d', dataset: 'same', budget: { trials: 2 }, margin: 0.9, promotion: 'margin' });
    expect(schedule.promotion).toBe('margin');
    const c = job.challenge;
    expect(c).toMatchObject({ status: 'complete', promoted: false, promotion: 'margin', holdout_from: 'new_rows' });
    const [low, high] = c.difference.interval;
    expect(c.difference.within_noise).toBe(low <= 0 && high >= 0);
    const where = c.difference.within_noise ? "the difference is within the holdout's noise" : `${low > 0 ? 'better' : 'worse'} beyond the holdout's noise`;
    expect(c.decision).toContain(`${where} (90% interval of challenger − champion ${signed(low)} to ${signed(high)}); the champion stays`);

    // A schedule stored before `promotion` existed has none: it reads, and decides, as "margin".
    const registry = env.REGISTRY.getByName(TENANT);
    await registry.putSchedule('same', { every: '1d', dataset: 'same', budget: { trials: 1 }, min_new_rows: 0, margin: 0.002 });
    const old = await jsonOf(await send({ method: 'GET', path: `/v1/models/same/schedule`, key }));
    expect(old.promotion).toBe('margin');
    expect((await send({ method: 'DELETE', path: '/v1/models/same/schedule', key })).status).toBe(204);
  }, 150_000);

  it('refuses an unknown promotion rule by name, and warns about a drift trigger on too few rows', async () => {
    const err = await expectError(await putSchedule('grow', { every: '1d', dataset: 'grow', budget: { trials: 1 }, promotion: 'always' }), 400, 'invalid_request');
    expect(err.details.field).toBe('promotion');
    const few = await jsonOf(await putSchedule('grow', { every: '1d', dataset: 'grow', budget: { trials: 1 }, on_drift: { psi: 0.25, min_rows: 40 } }));
    expect(few.warnings).toEqual([expect.stringMatching(/^on_drift\.min_rows 40 is under the 200 recommended: over 40 live rows sampling noise alone reads a PSI of about 0\.23 on a feature of ten deciles/)]);
    const enough = await jsonOf(await putSchedule('grow', { every: '1d', dataset: 'grow', budget: { trials: 1 }, on_drift: { psi: 0.25 } }));
    expect(enough.warnings).toBeUndefined();
    expect(enough.on_drift).toEqual({ psi: 0.25, hours: 24, min_rows: 200 });
    expect((await send({ method: 'DELETE', path: '/v1/models/grow/schedule', key })).status).toBe(204);
  });
});
