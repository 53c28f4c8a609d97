/**
 * Scheduled retraining of forecast models inside workerd: the retraining job keeps the champion's series
 * and horizon, holds out the latest horizon of every series (never a random fifth: that would score a
 * model between points it was fitted on), searches the rest, and the champion and the challenger forecast
 * the held-out points after the same history. A challenger that learned a new seasonal pattern is
 * promoted; one that cannot beat the margin is kept; a series too short to hold out from skips the run,
 * saying why. Ticks go straight to the Worker's scheduled handler.
 */
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { jsonOf, scheduledTick, send, tenantKey, waitJob } from './tenant';
import { monthly, seasonal, trend } from './monthly-sales';

const TENANT = 'fc-retrain';
const MIN = 60_000;
let key = '';

const upload = async (name: string, csv: string) => expect((await send({ method: 'PUT', path: `/v1/datasets/${name}`, key, body: csv, contentType: 'text/csv' })).status).toBe(201);

async function train(dataset: string, model: string, models = ['linear'], trials = 2): Promise<Record<string, any>> {
  const res = await send({ method: 'POST', path: '/v1/jobs', key, body: { dataset, target: 'sales', task: 'forecast', forecast: { horizon: 6 }, model, models, budget: { trials }, seed: 3 } });
  expect(res.status).toBe(202);
  const job = await waitJob((await jsonOf(res)).id, key);
  expect(job.status).toBe('succeeded');
  return job;
}

const tick = scheduledTick;

/** Sets a schedule, ticks after its due time and returns the run it recorded. */
async function runNow(model: string, body: Record<string, unknown>): Promise<Record<string, any>> {
  const res = await send({ method: 'PUT', path: `/v1/models/${model}/schedule`, key, body });
  expect(res.status, await res.clone().text()).toBe(200);
  await tick(Date.parse((await jsonOf(res)).next_due_at) + MIN);
  const schedule = await jsonOf(await send({ method: 'GET', path: `/v1/models/${model}/schedule`, key }));
  expect((await send({ method: 'DELETE', path: `/v1/models/${model}/schedule`, key })).status).toBe(204);
  return schedule.runs[0];
}

const describeModel = async (model: string) => jsonOf(await send({ method: 'GET', path: `/v1/models/${model}`, key }));

describe('scheduled retraining of forecast models', () => {
  beforeAll(async () => {
    key = await tenantKey(TENANT, 'k');
  });

  it('holds out the latest points, and promotes a challenger that forecasts them better', async () => {
    await upload('shop', monthly(72, trend));
    await train('shop', 'shop');
    await upload('shop', monthly(108, seasonal));

    const run = await runNow('shop', { every: '1d', dataset: 'shop', budget: { trials: 3 } });
    expect(run, JSON.stringify(run)).toMatchObject({ status: 'started' });
    const retrain = await waitJob(run.job_id, key);
    expect(retrain.status).toBe('succeeded');
    expect(retrain.dataset).toEqual({ name: 'shop', version: 2 });
    // Six held-out months (the horizon); the champion (a trend learned before the swing) misses them.
    expect(retrain.challenge).toMatchObject({ status: 'complete', promoted: true, holdout_rows: 6, champion_version: 1 });
    expect(retrain.challenge.challenger_score).toBeLessThan(retrain.challenge.champion_score / 2);

    // The search never saw the held-out months: its config counts 102 points and keeps the horizon.
    const basis = await env.SEARCH.getByName(`${TENANT}/${retrain.id}`).retrainBasis('t0000');
    expect(basis?.config.forecast).toMatchObject({ horizon: 6, length: 102, holdout_points: 6, time_column: 'month' });
    expect(basis?.config.holdout).toBeUndefined();

    const model = await describeModel('shop');
    expect(model.champion_version).toBe(2);
    expect(model.history.at(-1)).toMatchObject({ kind: 'published', version: 2, comparison: { metric: 'rmse', promoted: true, holdout_rows: 6 } });
    // Fitted without the held-out months, the new champion still forecasts from the latest one (January
    // 2009 comes next) and follows the swing.
    const next = await jsonOf(await send({ method: 'POST', path: '/v1/models/shop/forecast', key, body: { horizon: 3 } }));
    expect(next.model.version).toBe(2);
    expect(next.forecasts[0].time.slice(0, 7), JSON.stringify(next)).toBe('2009-01');
    for (let h = 0; h < 3; h++) expect(Math.abs(next.forecasts[h].value - seasonal(108 + h))).toBeLessThan(15);
  }, 200_000);

  it('keeps the champion when the challenger cannot beat the margin, recording both RMSEs', async () => {
    await upload('flat', monthly(72, trend));
    await train('flat', 'flat', ['seasonal_naive', 'drift', 'linear', 'gbdt', 'random_forest'], 5);
    // The series uploaded again: a run retrains only on data the model has not learned from.
    await upload('flat', monthly(72, trend));
    // A relative margin of 0.99 on a loss asks for a challenger with a hundredth of the champion's error.
    const run = await runNow('flat', { every: '1d', dataset: 'flat', budget: { trials: 3 }, margin: 0.99 });
    expect(run).toMatchObject({ status: 'started' });
    const kept = await waitJob(run.job_id, key);
    expect(kept.status).toBe('succeeded');
    // The champion's configurations first (warm start), then the baselines the cold portfolio would have run.
    const trials = (await jsonOf(await send({ method: 'GET', path: `/v1/jobs/${kept.id}/trials`, key }))).trials as { family: string; status: string }[];
    expect(trials).toHaveLength(3);
    expect(trials.map((t) => t.family)).toEqual(expect.arrayContaining(['seasonal_naive', 'drift']));
    expect(kept.challenge).toMatchObject({ status: 'complete', promoted: false, holdout_rows: 6, champion_version: 1 });
    expect(Number.isFinite(kept.challenge.challenger_score) && Number.isFinite(kept.challenge.champion_score)).toBe(true);
    const model = await describeModel('flat');
    expect(model.champion_version).toBe(1);
    expect(model.history.at(-1)).toMatchObject({ kind: 'challenger_kept', version: 2, comparison: { metric: 'rmse', promoted: false } });
  }, 200_000);

  it('skips a run whose series is too short to hold out the horizon from, saying why', async () => {
    await upload('short', monthly(50, trend));
    await train('short', 'short');
    await upload('short', monthly(50, trend));
    const run = await runNow('short', { every: '1d', dataset: 'short', budget: { trials: 1 } });
    expect(run.status).toBe('skipped');
    expect(run.reason).toMatch(/holds out the latest 6 points of every series/);
    expect((await describeModel('short')).champion_version).toBe(1);
  }, 120_000);
});
