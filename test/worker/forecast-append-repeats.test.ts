/**
 * Appending rows to a forecast model's data inside workerd (worker/appended-series): a row at a time its
 * series (group) already has, stored or among the rows sent, is refused with a 400 naming the line of the
 * file, the time, the group, the row it repeats and the model, and no version or file is left behind;
 * new times are taken, and a dataset no forecast model reads takes any rows as before. And a forecast
 * model's schedule and challenge say the rule that decides them: the margin alone (a forecast comparison
 * has no noise interval), even for a schedule stored with "beyond_noise" or a request asking for it.
 */
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { call, json, waitForJob } from './helpers';

/** Daily sales of shops north and south from 1 September 2024, 60 days (north's day d at data row 2d + 1). */
function shops(): string {
  const rows = ['date,shop,sales'];
  for (let d = 0; d < 60; d++) {
    const day = new Date(Date.UTC(2024, 8, 1 + d)).toISOString().slice(0, 10);
    const week = [0, 3, 5, 4, 6, 12, 9][d % 7];
    rows.push(`${day},north,${200 + week + (d % 3)}`, `${day},south,${90 + week / 2 + (d % 2)}`);
  }
  return `${rows.join('\n')}\n`;
}

const objectCount = async (name: string) => (await env.STORE.list({ prefix: `datasets/default/${name}/` })).objects.length;
const latest = async (name: string) => (await json(await call('GET', `/v1/datasets/${name}`))).version as number;
const schedule = (extra: Record<string, unknown> = {}) => ({ every: '1d', dataset: 'shops-data', budget: { trials: 2 }, ...extra });

beforeAll(async () => {
  expect((await call('PUT', '/v1/datasets/shops-data', shops())).status).toBe(201);
  const created = await call('POST', '/v1/jobs', {
    dataset: 'shops-data',
    target: 'sales',
    task: 'forecast',
    forecast: { time_column: 'date', group_column: 'shop', horizon: 7 },
    models: ['seasonal_naive'],
    budget: { trials: 1 },
    model: 'shops',
  });
  expect(created.status, await created.clone().text()).toBe(202);
  expect((await waitForJob((await json(created)).id)).status).toBe('succeeded');
}, 180_000);

describe("appending rows to a forecast model's data", () => {
  it('refuses a row at a time its series already has, naming line, time, group, the stored row and the model, and writes nothing', async () => {
    expect((await call('PUT', '/v1/models/shops/schedule', schedule())).status).toBe(200);
    const files = await objectCount('shops-data');
    // Line 4 is north's 20 October, day 49: data row 99.
    const res = await call('POST', '/v1/datasets/shops-data/rows', 'date,shop,sales\n2024-10-31,north,210\n2024-10-31,south,95\n2024-10-20,north,250\n');
    const body = await json(res);
    expect(res.status, JSON.stringify(body)).toBe(400);
    expect(body.error.code).toBe('invalid_dataset');
    expect(body.error.message).toContain('line 4: "date" "2024-10-20" of series "north" (column "shop") is already at data row 99 of dataset "shops-data" v1');
    expect(body.error.message).toContain('the retraining schedule of forecast model "shops" trains on dataset "shops-data"');
    expect(body.error.message).toContain('each scheduled retraining would be skipped');
    expect(body.error.details).toEqual({ line: 4, column: 'date', time: '2024-10-20T00:00:00.000Z', group_column: 'shop', group: 'north', data_row: 99, model: 'shops' });
    // The stored row is north's 20 October indeed.
    expect(shops().trim().split('\n')[99].startsWith('2024-10-20,north,')).toBe(true);
    expect(await latest('shops-data')).toBe(1);
    expect(await objectCount('shops-data')).toBe(files);
  });

  it('refuses a time repeated among the rows sent, naming both lines; new times of every series are taken', async () => {
    const repeated = await call('POST', '/v1/datasets/shops-data/rows', 'date,shop,sales\n2024-10-31,north,210\n2024-10-31,south,95\n2024-10-31,north,211\n');
    const body = await json(repeated);
    expect(repeated.status).toBe(400);
    expect(body.error.message).toContain('line 4: "date" "2024-10-31" of series "north" (column "shop") is already at line 2 of these rows');
    expect(body.error.details).toMatchObject({ line: 4, repeats_line: 2, group: 'north' });
    expect(await latest('shops-data')).toBe(1);

    const fresh = await call('POST', '/v1/datasets/shops-data/rows', 'date,shop,sales\n2024-10-31,north,210\n2024-10-31,south,95\n');
    expect(fresh.status, await fresh.clone().text()).toBe(201);
    expect(await json(fresh)).toMatchObject({ version: 2, appended_rows: 2 });
  });

  it('refuses it too when the dataset is only what the champion was trained on, and says so', async () => {
    expect((await call('DELETE', '/v1/models/shops/schedule')).status).toBe(204);
    const res = await call('POST', '/v1/datasets/shops-data/rows', 'date,shop,sales\n2024-10-31,south,96\n');
    const body = await json(res);
    expect(res.status).toBe(400);
    // The row appended as v2 (data row 122) is the one repeated now.
    expect(body.error.message).toContain('line 2: "date" "2024-10-31" of series "south" (column "shop") is already at data row 122 of dataset "shops-data" v2');
    expect(body.error.message).toContain('forecast model "shops" (champion v1) was trained on dataset "shops-data"');
    expect(body.error.message).not.toContain('scheduled retraining');
    expect(await latest('shops-data')).toBe(2);
  });

  it('takes the observation of a planned row without a target, and a retraining reads the observation', async () => {
    // The shops' data with 31 October planned ahead (no sales yet), and a model trained on it.
    expect((await call('PUT', '/v1/datasets/planned-data', `${shops()}2024-10-31,north,\n2024-10-31,south,\n`)).status).toBe(201);
    const job = { dataset: 'planned-data', target: 'sales', task: 'forecast', forecast: { time_column: 'date', group_column: 'shop', horizon: 7 }, models: ['seasonal_naive'], budget: { trials: 1 }, model: 'planned' };
    const created = await call('POST', '/v1/jobs', job);
    expect((await waitForJob((await json(created)).id)).status).toBe('succeeded');
    // What happened on 31 October: taken, though the planned rows hold that time (it was refused as a repeat).
    const observed = await call('POST', '/v1/datasets/planned-data/rows', 'date,shop,sales\n2024-10-31,north,210\n2024-10-31,south,95\n');
    expect(observed.status, await observed.clone().text()).toBe(201);
    // A second observation of that day is a repeated point still, of the observed row.
    const again = await call('POST', '/v1/datasets/planned-data/rows', 'date,shop,sales\n2024-10-31,north,211\n');
    expect(again.status).toBe(400);
    expect((await json(again)).error.details).toMatchObject({ group: 'north', data_row: 123 });
    // A retraining on the new version reads 31 October as observed.
    const retrained = await call('POST', '/v1/jobs', { ...job, dataset_version: 2 });
    expect(retrained.status, await retrained.clone().text()).toBe(202);
    expect((await waitForJob((await json(retrained)).id)).status).toBe('succeeded');
    const answer = await json(await call('POST', '/v1/models/planned/forecast', { horizon: 1, group: 'north', history: true }));
    expect(answer.history.at(-1)).toMatchObject({ time: '2024-10-31T00:00:00.000Z', value: 210 });
    expect(answer.forecasts[0].time).toBe('2024-11-01T00:00:00.000Z');
  });

  it('takes a revised plan for a planned time, and a job reads the row written last, saying it left the earlier out', async () => {
    // The shops' data with a promotion column and 31 October planned with a promotion in the north.
    const withPromo = shops().trim().split('\n').map((l, i) => `${l},${i === 0 ? 'promo' : 0}`).join('\n');
    expect((await call('PUT', '/v1/datasets/revised-plan', `${withPromo}\n2024-10-31,north,,1\n2024-10-31,south,,0\n`)).status).toBe(201);
    const job = { dataset: 'revised-plan', target: 'sales', task: 'forecast', forecast: { time_column: 'date', group_column: 'shop', horizon: 7 }, models: ['seasonal_naive'], budget: { trials: 1 }, model: 'revised-plan' };
    expect((await waitForJob((await json(await call('POST', '/v1/jobs', job))).id)).status).toBe('succeeded');
    // The promotion is called off: the new plan is appended (it was refused as a repeated time).
    // With it, by mistake, a plan for a day already observed (1 October): taken, and left out by jobs.
    const revised = await call('POST', '/v1/datasets/revised-plan/rows', 'date,shop,sales,promo\n2024-10-31,north,,0\n2024-10-01,south,,1\n');
    expect(revised.status, await revised.clone().text()).toBe(201);
    const rerun = await json(await call('POST', '/v1/jobs', { ...job, dataset_version: 2 }));
    const done = await waitForJob(rerun.id);
    expect(done.status).toBe('succeeded');
    // The plan was data row 121 (after 60 days of two shops); the revision, appended, data row 123.
    expect(done.warnings).toContain(
      '1 planned row without a value of "sales" ("north": 1) was revised by a later row of its time and series and left out: the row written last is the plan (data row 121, 2024-10-31T00:00:00.000Z, "north", revised by data row 123)',
    );
    expect(done.warnings).toContain('1 planned row without a value of "sales" ("south": 1) came after the observation of its time and was left out: the observation is what happened');
  });

  it('takes any rows into a dataset no forecast model reads, as before', async () => {
    expect((await call('PUT', '/v1/datasets/shops-copy', shops())).status).toBe(201);
    const res = await call('POST', '/v1/datasets/shops-copy/rows', 'date,shop,sales\n2024-10-20,north,250\n');
    expect(res.status, await res.clone().text()).toBe(201);
  });
});

describe("a forecast model's promotion rule", () => {
  it('is "margin" in the schedule, with a warning when "beyond_noise" is asked for, and in a schedule stored with "beyond_noise"', async () => {
    const plain = await json(await call('PUT', '/v1/models/shops/schedule', schedule()));
    expect(plain.promotion).toBe('margin');
    expect(plain.warnings).toBeUndefined();
    const asked = await json(await call('PUT', '/v1/models/shops/schedule', schedule({ promotion: 'beyond_noise' })));
    expect(asked.promotion).toBe('margin');
    expect(asked.warnings).toEqual([expect.stringContaining('a forecast comparison has no noise interval')]);
    expect((await json(await call('GET', '/v1/models/shops/schedule'))).promotion).toBe('margin');
    // A schedule stored before the rule was resolved on saving, as its spec then held it.
    await env.REGISTRY.getByName('default').putSchedule('shops', { every: '1d', dataset: 'shops-data', budget: { trials: 2 }, min_new_rows: 0, margin: 0.01, promotion: 'beyond_noise', on_drift: null });
    expect((await json(await call('GET', '/v1/models/shops/schedule'))).promotion).toBe('margin');
    expect((await call('DELETE', '/v1/models/shops/schedule')).status).toBe(204);
  });

  it('is "margin" in the challenge of a job challenging the forecast champion, whatever the request asked', async () => {
    const created = await call('POST', '/v1/jobs', { dataset: 'shops-data', target: 'sales', model: 'shops', challenge: { promotion: 'beyond_noise' }, models: ['seasonal_naive'], budget: { trials: 1 } });
    expect(created.status, await created.clone().text()).toBe(202);
    const job = await waitForJob((await json(created)).id);
    expect(job.status).toBe('succeeded');
    expect(job.challenge).toMatchObject({ status: 'complete', holdout_from: 'latest_points', promotion: 'margin' });
  }, 180_000);
});
