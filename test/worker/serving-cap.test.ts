/**
 * A job's serving cap (`serving.max_us_per_row`): on data where a forest or a bag of boosted models wins
 * uncapped, the capped job publishes a model whose estimated single-row time is within the cap (its gbdt
 * trial refits instead of bagging, the forest is recorded but not published), every trial reports its
 * estimate, a scheduled retraining keeps the cap, and a cap that is not a positive number is refused
 * naming the field.
 */
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { servingCostMicros } from '../../src/engine/serialize/serving-cost';
import type { AnyEnvelope } from '../../src/engine/serialize/envelope';
import { expectError, jsonOf, scheduledTick, send, tenantKey, waitJob } from './tenant';

/** An interaction a linear model cannot draw: the label flips with b. */
const XOR_CSV = ['a,b,label', ...Array.from({ length: 200 }, (_, i) => `${(i * 37) % 100},${i % 3 === 0 ? 'x' : 'y'},${(((i * 37) % 100) > 50) !== (i % 3 === 0) ? 'yes' : 'no'}`)].join('\n');
// Estimates of this table's trials (engine/serialize/serving-cost): the gbdt bag about 21 µs, its refit about
// 5.3, the forest of 300 small trees about 6.5, the linear model 1.3. The cap rules out the bag and the forest.
const CAP = 6;

let key = '';

async function train(model: string, extra: Record<string, unknown>): Promise<Record<string, any>> {
  const res = await send({
    method: 'POST',
    path: '/v1/jobs',
    key,
    body: { dataset: 'xor', target: 'label', model, models: ['random_forest', 'gbdt', 'linear'], budget: { trials: 3 }, seed: 5, parallelism: 1, ...extra },
  });
  expect(res.status).toBe(202);
  const job = await waitJob((await jsonOf(res)).id, key, 150_000);
  expect(job.status).toBe('succeeded');
  const { trials } = await jsonOf(await send({ method: 'GET', path: `/v1/jobs/${job.id}/trials`, key }));
  return { ...job, trials };
}

async function publishedCost(model: string): Promise<number> {
  const res = await send({ method: 'GET', path: `/v1/models/${model}/versions/1/artifact`, key });
  expect(res.status).toBe(200);
  return servingCostMicros((await res.json()) as AnyEnvelope);
}

describe('serving.max_us_per_row', () => {
  let free: Record<string, any>;
  let capped: Record<string, any>;

  beforeAll(async () => {
    key = await tenantKey('serving-cap', 'k');
    expect((await send({ method: 'PUT', path: '/v1/datasets/xor', key, body: XOR_CSV, contentType: 'text/csv' })).status).toBe(201);
    [free, capped] = await Promise.all([train('free', {}), train('capped', { serving: { max_us_per_row: CAP } })]);
  }, 200_000);

  it('publishes a model within the cap where the uncapped job publishes a slower one', async () => {
    expect(await publishedCost('free')).toBeGreaterThan(CAP);
    expect(await publishedCost('capped')).toBeLessThanOrEqual(CAP);
  });

  it("records every trial's estimate; the capped gbdt refits instead of bagging; the forest stays unpublished", async () => {
    const byFamily = (job: Record<string, any>, family: string) => job.trials.find((t: Record<string, any>) => t.family === family);
    for (const t of [...free.trials, ...capped.trials]) expect(t.serving_us).toBeGreaterThan(0);
    expect(byFamily(free, 'gbdt').fit_info.bagged_folds).toBe(5);
    expect(byFamily(free, 'gbdt').serving_us).toBeGreaterThan(CAP);
    // Over the cap as a bag, the gbdt trial served its refit instead: one model, cheaper than five.
    expect(byFamily(capped, 'gbdt').fit_info.bagged_folds).toBeUndefined();
    expect(byFamily(capped, 'gbdt').serving_us).toBeLessThan(byFamily(free, 'gbdt').serving_us);
    expect(byFamily(capped, 'random_forest').serving_us).toBeGreaterThan(CAP);
    // What the capped job calls best is within the cap (a trial, or a blend of trials within it).
    const best = capped.trials.find((t: Record<string, any>) => t.trial_id === capped.best.trial_id);
    if (best) expect(best.serving_us).toBeLessThanOrEqual(CAP);
    else expect(capped.best.trial_id).toBe('ensemble');
  });

  it('keeps the cap when the schedule retrains the model', async () => {
    // The table uploaded again: a run retrains only on data the model has not learned from.
    expect((await send({ method: 'PUT', path: '/v1/datasets/xor', key, body: XOR_CSV, contentType: 'text/csv' })).status).toBe(201);
    const set = await send({ method: 'PUT', path: '/v1/models/capped/schedule', key, body: { every: '1d', dataset: 'xor', budget: { trials: 2 } } });
    expect(set.status).toBe(200);
    await scheduledTick(Date.parse((await jsonOf(set)).next_due_at) + 60_000);
    const runs = (await jsonOf(await send({ method: 'GET', path: '/v1/models/capped/schedule', key }))).runs;
    expect(runs[0], JSON.stringify(runs)).toMatchObject({ status: 'started' });
    expect((await send({ method: 'DELETE', path: '/v1/models/capped/schedule', key })).status).toBe(204);
    const retrain = await waitJob(runs[0].job_id, key, 150_000);
    expect(retrain.status).toBe('succeeded');
    const basis = await env.SEARCH.getByName(`serving-cap/${retrain.id}`).retrainBasis('t0000');
    expect(basis?.config.max_serving_us).toBe(CAP);
  }, 200_000);

  it('under a cap no trial meets, publishes the fastest trial and says so; the ensemble says why it has nothing to blend', async () => {
    const tight = await train('tight', { serving: { max_us_per_row: 1 } });
    const fastest = [...tight.trials].sort((a: Record<string, any>, b: Record<string, any>) => a.serving_us - b.serving_us)[0];
    expect(tight.best.trial_id).toBe(fastest.trial_id);
    expect(tight.warnings).toEqual([expect.stringMatching(new RegExp(`^no trial met serving.max_us_per_row \\(1 µs\\): the fastest, ${fastest.trial_id} \\(${fastest.family}, about [\\d.]+ µs per row\\), is the job's model$`))]);
    expect(tight.ensemble).toMatchObject({ status: 'skipped', reason: "no trial is within the ensemble's serving cap of 1 µs per row, so there is nothing to blend" });
    // A cap the trials meet says nothing of the kind.
    expect(capped.warnings).toBeUndefined();
    // Where the cap left trials out of the blend, a skipped ensemble names them and the trial published
    // (the words in every case: ./ensemble-skip-reason.test.ts; this job's blend need not be skipped).
    if (capped.ensemble?.status === 'skipped') {
      expect(capped.ensemble.reason).toMatch(
        new RegExp(`^no blend within the job's serving cap of ${CAP} µs per row beat the best trial within it \\((t\\d{4})\\) out of fold, so \\1 is published alone; (one trial|\\d+ trials) over the cap left out of the blend: t\\d{4} \\d+ µs`),
      );
      expect(capped.ensemble.reason).toContain(`so ${capped.best.trial_id} is published alone`);
    }
  }, 200_000);

  it('refuses a cap that is not a positive number, naming the field', async () => {
    for (const cap of [0, -5, 'fast']) {
      const res = await send({ method: 'POST', path: '/v1/jobs', key, body: { dataset: 'xor', target: 'label', serving: { max_us_per_row: cap } } });
      const body = await expectError(res, 400, 'invalid_request');
      expect(JSON.stringify(body)).toContain('max_us_per_row');
    }
  });
});
