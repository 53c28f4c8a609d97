/**
 * A forecast job's metric inside workerd: `metric: "mase"` runs, its view and model name mase, its trials
 * score otherwise than the same search by rmse (two stores of very different sizes), a metric a forecast
 * is not scored by is refused naming the ones it is, mape on a target with a 0 is refused saying why, and
 * scheduled retraining of a mase model compares champion and challenger by mase.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { expectError, jsonOf, scheduledTick, send, tenantKey, waitJob } from './tenant';

const TENANT = 'fc-metric';
const MIN = 60_000;
let key = '';

/**
 * Two monthly stores from January 2000: "north" about a hundred times the size of "late", each with its
 * own yearly swing and a deterministic wobble (so no family fits either exactly).
 */
function stores(n: number, zeroAt?: number): string {
  const lines = ['month,store,sales'];
  for (let i = 0; i < n; i++) {
    const month = `${2000 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}-01`;
    const wobble = ((i * 7919) % 13) / 13 - 0.5;
    lines.push(`${month},north,${(2000 + 10 * i + 300 * Math.sin((2 * Math.PI * i) / 12) + 120 * wobble).toFixed(3)}`);
    lines.push(`${month},late,${i === zeroAt ? 0 : (20 + 0.1 * i + 6 * Math.cos((2 * Math.PI * i) / 12) + 4 * wobble).toFixed(3)}`);
  }
  return lines.join('\n');
}

const upload = async (name: string, csv: string) => expect((await send({ method: 'PUT', path: `/v1/datasets/${name}`, key, body: csv, contentType: 'text/csv' })).status).toBe(201);
const post = (body: Record<string, unknown>) => send({ method: 'POST', path: '/v1/jobs', key, body: { target: 'sales', task: 'forecast', forecast: { horizon: 6, group_column: 'store' }, ...body } });

async function train(dataset: string, model: string, metric?: string): Promise<Record<string, any>> {
  const res = await post({ dataset, model, models: ['seasonal_naive', 'linear'], budget: { trials: 2 }, seed: 3, ...(metric ? { metric } : {}) });
  expect(res.status, await res.clone().text()).toBe(202);
  const job = await waitJob((await jsonOf(res)).id, key);
  expect(job.status).toBe('succeeded');
  return job;
}

describe('the metric of a forecast job', () => {
  beforeAll(async () => {
    key = await tenantKey(TENANT, 'k');
    await upload('stores', stores(72));
  });

  it('refuses a metric a forecast is not scored by, naming the ones it is', async () => {
    for (const metric of ['r2', 'roc_auc']) {
      const error = await expectError(await post({ dataset: 'stores', metric }), 400, 'invalid_metric');
      expect(error.message).toMatch(/rmse, mae, mase, mape/);
      expect(error.details.field).toBe('metric');
    }
    // A name no job knows is refused by the request's schema, as any bad field is (invalid_request), naming them too.
    const unknown = await expectError(await post({ dataset: 'stores', metric: 'wql' }), 400, 'invalid_request');
    expect(unknown.message).toMatch(/rmse, mae, mase, mape/);
    expect(unknown.details.field).toBe('metric');
    // A table job still refuses mase: it needs each series' own scale.
    const table = await expectError(await send({ method: 'POST', path: '/v1/jobs', key, body: { dataset: 'stores', target: 'sales', task: 'regression', metric: 'mase' } }), 400, 'invalid_metric');
    expect(table.message).toMatch(/does not apply to a regression task/);
    expect(table.details.allowed).toEqual(['rmse', 'mae', 'r2', 'mape']);
  });

  it('refuses mape when the target is 0 somewhere, saying why', async () => {
    await upload('zeroes', stores(72, 30));
    const error = await expectError(await post({ dataset: 'zeroes', metric: 'mape' }), 400, 'invalid_metric');
    expect(error.message).toMatch(/"sales" is 0 in row/);
    expect(error.details.allowed).toEqual(['rmse', 'mae', 'mase']);
    // A table regression job on the same rows is refused alike, offered the table's metrics.
    const table = await expectError(await send({ method: 'POST', path: '/v1/jobs', key, body: { dataset: 'zeroes', target: 'sales', task: 'regression', metric: 'mape' } }), 400, 'invalid_metric');
    expect(table.message).toMatch(/"sales" is 0 in row \d+; use one of rmse, mae, r2/);
    expect(table.details).toMatchObject({ field: 'metric', column: 'sales', allowed: ['rmse', 'mae', 'r2'] });
  });

  it('runs a mase job: the view and model name mase, and its trials score otherwise than by rmse', async () => {
    const byRmse = await train('stores', 'stores-rmse');
    const byMase = await train('stores', 'stores-mase', 'mase');
    expect(byRmse.metric).toBe('rmse');
    expect(byMase).toMatchObject({ metric: 'mase', greater_is_better: false });
    // The same search (seed, families, budget): the same trials, scored by another metric.
    const scores = (job: Record<string, any>) => Object.fromEntries((job.leaderboard as { trial_id: string; score: number }[]).map((e) => [e.trial_id, e.score]));
    const [r, m] = [scores(byRmse), scores(byMase)];
    expect(Object.keys(m).sort()).toEqual(Object.keys(r).sort());
    for (const id of Object.keys(r)) {
      expect(Number.isFinite(m[id])).toBe(true);
      // RMSE is in sales (north's hundreds decide it); MASE is a ratio to each store's naive error, near 1.
      expect(Math.abs(m[id] - r[id])).toBeGreaterThan(1);
      expect(m[id]).toBeLessThan(5);
    }
    expect(byMase.best.score).toBe(Math.min(...Object.values(m).filter((v) => Number.isFinite(v))));
    const model = await jsonOf(await send({ method: 'GET', path: '/v1/models/stores-mase', key }));
    expect(model.versions.at(-1)).toMatchObject({ metric: 'mase' });
  }, 200_000);

  it('retrains a mase model comparing champion and challenger by mase', async () => {
    await upload('shops', stores(72));
    await train('shops', 'shops', 'mase');
    await upload('shops', stores(84));
    const res = await send({ method: 'PUT', path: '/v1/models/shops/schedule', key, body: { every: '1d', dataset: 'shops', budget: { trials: 2 } } });
    expect(res.status, await res.clone().text()).toBe(200);
    await scheduledTick(Date.parse((await jsonOf(res)).next_due_at) + MIN);
    const schedule = await jsonOf(await send({ method: 'GET', path: '/v1/models/shops/schedule', key }));
    const run = schedule.runs[0];
    expect(run, JSON.stringify(run)).toMatchObject({ status: 'started' });
    const retrain = await waitJob(run.job_id, key);
    expect(retrain.status).toBe('succeeded');
    expect(retrain.metric).toBe('mase');
    expect(retrain.challenge).toMatchObject({ status: 'complete', holdout_rows: 12 });
    // Scores by mase: ratios to each store's naive error, not sales (an RMSE here would be in the hundreds).
    for (const score of [retrain.challenge.challenger_score, retrain.challenge.champion_score]) {
      expect(Number.isFinite(score)).toBe(true);
      expect(score).toBeLessThan(5);
    }
    const model = await jsonOf(await send({ method: 'GET', path: '/v1/models/shops', key }));
    expect(model.history.at(-1)).toMatchObject({ comparison: { metric: 'mase', greater_is_better: false, margin_kind: 'relative' } });
    expect((await send({ method: 'DELETE', path: '/v1/models/shops/schedule', key })).status).toBe(204);
  }, 200_000);
});
