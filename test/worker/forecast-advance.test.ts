/**
 * A forecast champion kept by a scheduled retraining forecasts from the newest data, inside workerd (real
 * queue, Durable Objects, R2): the store-sales model is trained on data ending 2024-12-17, the fortnight
 * after it is appended (28 rows, to 2024-12-31), and the retraining's challenger is kept out by the
 * margin. The champion stays but is advanced to the new data as a new version (the same fitted model):
 * served forecasts start on 2025-01-01, the model view says where each series ends, the history and the
 * job say it was advanced, and a client pinned to version 1 still gets exactly what it got before.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import futureCsv from '../../examples/store-sales/future.csv?raw';
import testCsv from '../../examples/store-sales/test.csv?raw';
import trainCsv from '../../examples/store-sales/train.csv?raw';
import type { z } from 'zod';
import { jobViewResponse, modelDetailResponse } from '../../src/worker/openapi/responses';
import { CHAMPION_TTL_MS } from '../../src/worker/version-cache';
import { csvObjects } from './helpers';
import { jsonOf, scheduledTick, send, tenantKey, waitJob } from './tenant';

const TENANT = 'fc-advance';
const MODEL = 'shops';
let key = '';

const post = (path: string, body: unknown) => send({ method: 'POST', path, key, body });
/** An answer as documented (src/worker/openapi): it parses with its schema, losing no field. */
function expectDocumented(schema: z.ZodType, body: unknown): void {
  const parsed = schema.safeParse(body);
  expect(parsed.success ? [] : parsed.error.issues).toEqual([]);
  expect(parsed.data).toEqual(body);
}
const describeModel = async () => jsonOf(await send({ method: 'GET', path: `/v1/models/${MODEL}`, key }));
/** Two days of north's forecast, with no promotion and no holiday, from the champion or a pinned version. */
async function forecastNorth(version?: number): Promise<Record<string, any>> {
  const res = await post(`/v1/models/${MODEL}/forecast`, { horizon: 2, group: 'north', covariates: [{ promo: 0, holiday: 'no' }, { promo: 0, holiday: 'no' }], ...(version ? { version } : {}) });
  expect(res.status, await res.clone().text()).toBe(200);
  return jsonOf(res);
}

describe('a forecast champion kept by a scheduled retraining', () => {
  beforeAll(async () => {
    key = await tenantKey(TENANT, 'k');
  });

  it('is advanced to the newest data as a new version, and forecasts from there', async () => {
    expect((await send({ method: 'PUT', path: `/v1/datasets/${MODEL}`, key, body: trainCsv, contentType: 'text/csv' })).status).toBe(201);
    const trained = await post('/v1/jobs', {
      dataset: MODEL,
      model: MODEL,
      target: 'sales',
      task: 'forecast',
      forecast: { group_column: 'shop', covariates: ['promo', 'holiday'], horizon: 14 },
      models: ['seasonal_naive', 'linear'],
      budget: { trials: 3, seconds: 300 },
      seed: 1,
    });
    expect(trained.status, await trained.clone().text()).toBe(202);
    expect((await waitJob((await jsonOf(trained)).id, key)).status).toBe('succeeded');
    const before = await forecastNorth();
    expect(before.forecasts[0].time).toBe('2024-12-18T00:00:00.000Z');
    expect((await describeModel()).forecast.series).toEqual([
      { group: 'north', last_time: '2024-12-17T00:00:00.000Z', points: 352 },
      { group: 'south', last_time: '2024-12-17T00:00:00.000Z', points: 352 },
    ]);

    // The 28 rows that followed (2024-12-18 to 2024-12-31), appended as the dataset's next version.
    const sold = new Map(csvObjects(testCsv).map((r) => [`${r.date},${r.shop}`, r.sales]));
    const later = csvObjects(futureCsv).map((r) => `${r.date},${r.shop},${r.promo},${r.holiday},${sold.get(`${r.date},${r.shop}`)}`);
    expect(later).toHaveLength(28);
    const appended = await send({ method: 'POST', path: `/v1/datasets/${MODEL}/rows`, key, body: ['date,shop,promo,holiday,sales', ...later].join('\n'), contentType: 'text/csv' });
    expect(appended.status, await appended.clone().text()).toBe(201);

    // A relative margin of 0.99 keeps the champion unless a challenger has a hundredth of its error.
    const res = await send({ method: 'PUT', path: `/v1/models/${MODEL}/schedule`, key, body: { every: '1d', dataset: MODEL, budget: { trials: 2 }, margin: 0.99 } });
    expect(res.status, await res.clone().text()).toBe(200);
    await scheduledTick(Date.parse((await jsonOf(res)).next_due_at) + 60_000);
    const run = (await jsonOf(await send({ method: 'GET', path: `/v1/models/${MODEL}/schedule`, key }))).runs[0];
    expect(run, JSON.stringify(run)).toMatchObject({ status: 'started' });
    const retrain = await waitJob(run.job_id, key);
    expect(retrain.status).toBe('succeeded');
    expect(retrain.model).toEqual({ name: MODEL, version: 2 });
    expect(retrain.challenge, JSON.stringify(retrain.challenge)).toMatchObject({ status: 'complete', promoted: false, champion_version: 1, advanced_version: 3 });
    expectDocumented(jobViewResponse, retrain);
    expect(retrain.challenge.decision).toMatch(/the champion stays; champion v1 is advanced to the newest points as v3/);

    // Version 3 is version 1's fitted model, advanced with the new data, and the champion.
    const model = await describeModel();
    expectDocumented(modelDetailResponse, model);
    expect(model.champion_version).toBe(3);
    const [v1, v2, v3] = model.versions;
    expect(v2).not.toHaveProperty('advanced_from');
    expect(v3).toMatchObject({ advanced_from: 1, job_id: v1.job_id, trial_id: v1.trial_id, family: v1.family, score: v1.score, dataset: { name: MODEL, version: 2 } });
    expect(model.history.slice(-2)).toMatchObject([
      { kind: 'challenger_kept', version: 2, previous_version: 1, job_id: retrain.id },
      { kind: 'advanced', version: 3, previous_version: 1, job_id: retrain.id, advance: { from_version: 1, dataset: { name: MODEL, version: 2 }, series: 2, left: [], left_count: 0 } },
    ]);
    expect(model.history.at(-1).reason).toMatch(/champion v1 stays and forecasts from the newest points of shops v2 as v3 .*2 series advanced to their newest points, each now ending at 2024-12-31T00:00:00.000Z \(14 points after 2024-12-17T00:00:00.000Z\)/);
    expect(model.forecast.series).toEqual([
      { group: 'north', last_time: '2024-12-31T00:00:00.000Z', points: 366 },
      { group: 'south', last_time: '2024-12-31T00:00:00.000Z', points: 366 },
    ]);

    // Served forecasts start the day after the newest data (once this isolate's champion entry has aged
    // out, as after any change of champion); version 1, pinned, answers exactly as before.
    await new Promise((r) => setTimeout(r, CHAMPION_TTL_MS + 50));
    const after = await forecastNorth();
    expect(after.model).toEqual({ name: MODEL, version: 3 });
    expect(after.forecasts[0].time).toBe('2025-01-01T00:00:00.000Z');
    const pinned = await forecastNorth(1);
    expect(pinned).toEqual(before);
    const history = await jsonOf(await post(`/v1/models/${MODEL}/forecast`, { horizon: 1, group: 'south', history: true, covariates: [{ promo: 0, holiday: 'no' }] }));
    expect(history.history.at(-1)).toEqual({ time: '2024-12-31T00:00:00.000Z', value: Number(sold.get('2024-12-31,south')) });

    // Rolling back returns to version 1 as it was.
    const back = await jsonOf(await post(`/v1/models/${MODEL}/rollback`, {}));
    expect(back).toMatchObject({ champion_version: 1, previous_version: 3 });
  }, 300_000);
});
