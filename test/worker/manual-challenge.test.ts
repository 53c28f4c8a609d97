/**
 * A job started by hand with `"challenge"` inside workerd: it holds rows out, is compared with the champion
 * as a scheduled retraining is, and becomes the champion only if it wins. A challenger that learned from
 * noise alone is kept as a version with the decision in its view and the model's history (holding out half
 * of the rows appended since the champion's data); one trained on better data than a champion of noise is
 * promoted; a job on the champion's own data, or by another metric, is told what that means; and every
 * refusal (no champion yet, beside replace_model, a bad margin or rule, another target) names its field
 * and creates no job. Without the field nothing changes: the lifecycle and model-conflict suites.
 */
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { binaryTable } from './binary-table';
import { expectError, jsonOf, send, tenantKey, waitJob } from './tenant';

const TENANT = 'manual-challenge';
let key = '';


const upload = async (name: string, csv: string) => expect((await send({ method: 'PUT', path: `/v1/datasets/${name}`, key, body: csv, contentType: 'text/csv' })).status).toBe(201);
const createJob = (body: Record<string, unknown>) => send({ method: 'POST', path: '/v1/jobs', key, body: { target: 'label', models: ['linear'], budget: { trials: 2 }, seed: 3, ...body } });
const describeModel = async (model: string) => jsonOf(await send({ method: 'GET', path: `/v1/models/${model}`, key }));
const jobCount = async () => (await jsonOf(await send({ method: 'GET', path: '/v1/jobs', key }))).jobs.length as number;

/** Starts a job and waits for it to succeed. */
async function run(body: Record<string, unknown>): Promise<{ created: Record<string, any>; job: Record<string, any> }> {
  const res = await createJob(body);
  expect(res.status, await res.clone().text()).toBe(202);
  const created = await jsonOf(res);
  const job = await waitJob(created.id, key);
  expect(job.status).toBe('succeeded');
  return { created, job };
}

describe('a job started by hand that challenges the champion', () => {
  beforeAll(async () => {
    key = await tenantKey(TENANT, 'k');
    await upload('keep', binaryTable(200, 5));
    await run({ dataset: 'keep', model: 'keep' });
  }, 120_000);

  it('refuses a challenge with no champion, beside replace_model, with a bad margin or rule, or of another target; nothing is created', async () => {
    const before = await jobCount();
    const none = await expectError(await createJob({ dataset: 'keep', model: 'nobody', challenge: true }), 400, 'invalid_request');
    expect(none.details).toMatchObject({ field: 'challenge', model: 'nobody' });
    expect(none.message).toMatch(/^challenge: model "nobody" has no champion to compare with/);
    const both = await expectError(await createJob({ dataset: 'keep', model: 'keep', challenge: true, replace_model: true }), 400, 'invalid_request');
    expect(both.details).toEqual({ field: 'challenge', fields: ['challenge', 'replace_model'] });
    expect(both.message).toMatch(/"challenge" and "replace_model" contradict each other/);
    // A margin the metric cannot use is refused as a schedule's is (roc_auc: absolute, under 1).
    const margin = await expectError(await createJob({ dataset: 'keep', model: 'keep', challenge: { margin: 1 } }), 400, 'invalid_request');
    expect(margin).toMatchObject({ message: expect.stringMatching(/^challenge\.margin: for roc_auc the margin is an absolute score difference and must be under 1/), details: { field: 'challenge.margin' } });
    const negative = await expectError(await createJob({ dataset: 'keep', model: 'keep', challenge: { margin: -0.1 } }), 400, 'invalid_request');
    expect(negative).toMatchObject({ message: 'challenge.margin: margin must be at least 0', details: { field: 'challenge.margin' } });
    const rule = await expectError(await createJob({ dataset: 'keep', model: 'keep', challenge: { promotion: 'sometimes' } }), 400, 'invalid_request');
    expect(rule).toMatchObject({ message: 'challenge.promotion must be "beyond_noise" or "margin"', details: { field: 'challenge' } });
    const unknown = await expectError(await createJob({ dataset: 'keep', model: 'keep', challenge: { holdout: 'new_rows' } }), 400, 'invalid_request');
    expect(unknown.details.field).toBe('challenge.holdout');
    const word = await expectError(await createJob({ dataset: 'keep', model: 'keep', challenge: 'yes' }), 400, 'invalid_request');
    expect(word).toMatchObject({ message: expect.stringMatching(/^challenge: expected true, false or \{"margin"/), details: { field: 'challenge' } });
    // A challenger of another target answers another question: refused as any such job, without advising replace_model beside it.
    const other = await expectError(await createJob({ dataset: 'keep', model: 'keep', target: 'c', challenge: true }), 409, 'model_conflict');
    expect(other.details.target).toEqual({ champion: 'label', job: 'c' });
    expect(other.message).toMatch(/leave "challenge" out and send "replace_model": true/);
    expect(await jobCount()).toBe(before);
  });

  it('keeps the champion when the challenger loses on rows appended since its data, recording the decision', async () => {
    expect((await send({ method: 'POST', path: '/v1/datasets/keep/rows', key, body: binaryTable(120, 15), contentType: 'text/csv' })).status).toBe(201);
    // Without x1 and x2 the challenger learns from noise: it cannot beat a champion that reads them.
    const { created, job } = await run({ dataset: 'keep', model: 'keep', columns: { x1: 'ignore', x2: 'ignore' }, challenge: true });
    expect(created.warnings ?? []).toEqual([]);
    expect(job.dataset).toEqual({ name: 'keep', version: 2 });
    expect(job.metric).toBe('roc_auc');
    expect(job.warm_start).toBeUndefined();
    // Half of the 120 appended rows (stratified, so give or take one), which the champion never saw.
    expect(job.challenge).toMatchObject({ status: 'complete', promoted: false, holdout_from: 'new_rows', champion_version: 1, margin: 0.002, promotion: 'beyond_noise' });
    expect(Math.abs(job.challenge.holdout_rows - 60)).toBeLessThanOrEqual(1);
    expect(job.challenge.challenger_score).toBeLessThan(job.challenge.champion_score);
    expect(job.challenge.decision).toMatch(/^challenger v2 vs champion v1 on \d+ held-out rows: roc_auc .*the champion stays/);
    expect(job.model).toEqual({ name: 'keep', version: 2 });
    const basis = await env.SEARCH.getByName(`${TENANT}/${job.id}`).retrainBasis('t0000');
    expect(basis?.config.holdout).toMatchObject({ fraction: 0.5, from_row: 200 });
    expect(basis?.config.dataset.rows).toBe(320 - job.challenge.holdout_rows);

    const model = await describeModel('keep');
    expect(model.champion_version).toBe(1);
    expect(model.versions.map((v: { version: number }) => v.version)).toEqual([1, 2]);
    const kept = model.history.at(-1);
    expect(kept).toMatchObject({ kind: 'challenger_kept', version: 2, previous_version: 1, job_id: job.id, reason: job.challenge.decision });
    expect(kept.comparison).toMatchObject({ metric: 'roc_auc', promoted: false, champion_version: 1, challenger_score: job.challenge.challenger_score, champion_score: job.challenge.champion_score });
    const served = await jsonOf(await send({ method: 'POST', path: '/v1/models/keep/predict', key, body: { rows: [{ x1: 1, x2: 1, c: 'p' }] } }));
    expect(served.model.version).toBe(1);
  }, 150_000);

  it('holds out the same rows for the same seed, so the same job compares the same way again', async () => {
    const body = { dataset: 'keep', model: 'keep', columns: { x1: 'ignore', x2: 'ignore' }, parallelism: 1, seed: 11, challenge: true };
    const [a, b] = [(await run(body)).job, (await run(body)).job];
    const holdouts = await Promise.all([a, b].map(async (j) => (await env.SEARCH.getByName(`${TENANT}/${j.id}`).retrainBasis('t0000'))?.config.holdout));
    expect(holdouts[0]).toMatchObject({ fraction: 0.5, from_row: 200 });
    expect(holdouts[1]).toEqual(holdouts[0]);
    const scores = (j: Record<string, any>) => [j.challenge.holdout_rows, j.challenge.challenger_score, j.challenge.champion_score];
    expect(scores(b)).toEqual(scores(a));
    // The scheduled runs' holdout differs run by run: it is drawn from the run's own job id.
  }, 150_000);

  it('promotes a challenger that beats the champion on held-out rows', async () => {
    await upload('win', binaryTable(50, 2, true));
    await run({ dataset: 'win', model: 'win' });
    await upload('win', binaryTable(300, 4));
    const { job } = await run({ dataset: 'win', model: 'win', budget: { trials: 3 }, challenge: { promotion: 'beyond_noise' } });
    // A new upload (not an append): which rows the champion saw cannot be told, so a fifth of all rows is held out.
    expect(job.challenge).toMatchObject({ status: 'complete', promoted: true, holdout_from: 'all_rows', holdout_rows: 60, champion_version: 1 });
    expect(job.challenge.challenger_score).toBeGreaterThan(0.9);
    expect(job.challenge.difference.within_noise).toBe(false);
    const model = await describeModel('win');
    expect(model.champion_version).toBe(2);
    expect(model.history.at(-1)).toMatchObject({ kind: 'published', version: 2, previous_version: 1, job_id: job.id, comparison: { metric: 'roc_auc', promoted: true, holdout_rows: 60 } });
    const served = await jsonOf(await send({ method: 'POST', path: '/v1/models/win/predict', key, body: { rows: [{ x1: 2, x2: 1, c: 'p' }, { x1: -2, x2: -1, c: 'q' }] } }));
    expect(served.model.version).toBe(2);
    expect(served.predictions).toEqual(['yes', 'no']);
  }, 150_000);

  it("warns that a challenge on the champion's own data favours the champion, and names another metric", async () => {
    // v2 of "win" was trained on dataset win v2: challenged on the same rows, by accuracy (the model's is roc_auc).
    const { created, job } = await run({ dataset: 'win', model: 'win', metric: 'accuracy', budget: { trials: 1 }, challenge: { margin: 0.9 } });
    expect(created.warnings).toEqual([
      expect.stringMatching(/^"challenge": dataset "win" v2 is the data champion v2 was trained on, so the comparison holds out a fifth of its rows, which the champion learned from: it favours the champion/),
      '"challenge": both models are compared by accuracy, this job\'s metric; model "win" was chosen by roc_auc, and a promoted challenger makes it accuracy',
    ]);
    expect(job.warnings).toEqual(created.warnings);
    // No challenger beats a champion by 0.9 of accuracy: kept, compared by the job's metric.
    expect(job.challenge).toMatchObject({ status: 'complete', promoted: false, holdout_from: 'all_rows', champion_version: 2, margin: 0.9 });
    const model = await describeModel('win');
    expect(model.champion_version).toBe(2);
    expect(model.metric).toBe('roc_auc');
    expect(model.history.at(-1)).toMatchObject({ kind: 'challenger_kept', version: 3, comparison: { metric: 'accuracy', margin: 0.9, margin_kind: 'absolute' } });
  }, 150_000);

  it('publishes as before with "challenge": false, also as the first version of a model', async () => {
    const { job } = await run({ dataset: 'keep', model: 'first', budget: { trials: 1 }, challenge: false });
    expect(job.challenge).toBeUndefined();
    expect(job.model).toEqual({ name: 'first', version: 1 });
    expect((await describeModel('first')).champion_version).toBe(1);
  }, 120_000);
});
