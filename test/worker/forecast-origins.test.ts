/**
 * A forecast job's own number of rolling origins and its exact duplicate rows, in workerd: `forecast.origins`
 * 5 validates every trial on 5 origins (their fold scores) and the job view says so; more origins than the
 * shortest series holds is a 400 naming forecast.origins, the series, its length and the most it holds; a
 * scheduled retraining and a challenger keep the origins asked for. A dataset with rows identical in every column trains,
 * warning how many were dropped and where the first was, while two rows of one time with different values
 * are still refused; the append route takes a row copying the stored row of its time exactly.
 */
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectError, jsonOf, scheduledTick, send, tenantKey, waitJob } from './tenant';
import { monthly, trend } from './monthly-sales';

const TENANT = 'fc-origins';
const MIN = 60_000;
let key = '';

const upload = async (name: string, csv: string) => expect((await send({ method: 'PUT', path: `/v1/datasets/${name}`, key, body: csv, contentType: 'text/csv' })).status).toBe(201);
const create = (body: Record<string, unknown>) => send({ method: 'POST', path: '/v1/jobs', key, body: { target: 'sales', task: 'forecast', models: ['seasonal_naive', 'linear'], budget: { trials: 2 }, seed: 3, ...body } });

async function train(body: Record<string, unknown>): Promise<Record<string, any>> {
  const res = await create(body);
  expect(res.status, await res.clone().text()).toBe(202);
  const job = await waitJob((await jsonOf(res)).id, key);
  expect(job.status, JSON.stringify(job.error)).toBe('succeeded');
  return job;
}

const trialsOf = async (id: string) => (await jsonOf(await send({ method: 'GET', path: `/v1/jobs/${id}/trials`, key }))).trials as { status: string; fold_scores?: number[]; fit_info?: Record<string, number> }[];

/** Daily rows from 1 January 2024: `days` of them, a wavy series, and a note column no model reads. */
function daily(days: number): string[] {
  return Array.from({ length: days }, (_, d) => `${new Date(Date.UTC(2024, 0, 1 + d)).toISOString().slice(0, 10)},${(60 + 12 * Math.sin((2 * Math.PI * d) / 7) + d / 4).toFixed(1)},ok`);
}

describe('forecast.origins', () => {
  beforeAll(async () => {
    key = await tenantKey(TENANT, 'k');
  });

  it('validates every trial on the origins asked for, shown in the job view; 3 without it, or the 1 a short series falls back to', async () => {
    await upload('sales72', monthly(72, trend));
    const five = await train({ dataset: 'sales72', model: 'five', forecast: { horizon: 6, origins: 5 } });
    expect(five.forecast).toMatchObject({ horizon: 6, season: 12, origins: 5 });
    const trials = (await trialsOf(five.id)).filter((t) => t.status === 'complete');
    expect(trials.length).toBeGreaterThan(0);
    for (const t of trials) {
      expect(t.fold_scores).toHaveLength(5);
      expect(t.fit_info?.origins).toBe(5);
    }
    const three = await train({ dataset: 'sales72', model: 'three', forecast: { horizon: 6 } });
    expect(three.forecast.origins).toBe(3);
    expect((await trialsOf(three.id)).filter((t) => t.status === 'complete').every((t) => t.fold_scores?.length === 3)).toBe(true);
    // 22 days: too short for the default three origins, so the plan falls back to one, and the view says one.
    await upload('days22', `date,sales,note\n${daily(22).join('\n')}\n`);
    const one = await train({ dataset: 'days22', model: 'one', forecast: { horizon: 2 } });
    expect(one.forecast.origins).toBe(1);
    expect((await trialsOf(one.id)).filter((t) => t.status === 'complete').every((t) => t.fold_scores?.length === 1)).toBe(true);
  }, 200_000);

  it('refuses more origins than the shortest series holds, naming it, its length and the most it holds', async () => {
    // 56 months, season 12: the earliest fold keeps 48; 7 origins a month apart validate 2 steps (6 / 4, the horizon's cap).
    await upload('sales56', monthly(56, trend));
    const body = await expectError(await create({ dataset: 'sales56', model: 'many', forecast: { horizon: 6, origins: 8 } }), 400, 'invalid_request');
    expect(body.details).toMatchObject({ field: 'forecast.origins', origins: 8, max: 7, length: 56 });
    expect(body.message).toContain('forecast.origins 8: the shortest series has 56 points, which hold at most 7 rolling origins');
    await upload('shops', ['month,shop,sales', ...monthly(72, trend).split('\n').slice(1).map((l) => `${l.slice(0, 10)},big${l.slice(10)}`), ...monthly(56, trend).split('\n').slice(1).map((l) => `${l.slice(0, 10)},small${l.slice(10)}`)].join('\n'));
    const named = await expectError(await create({ dataset: 'shops', model: 'shops', forecast: { horizon: 6, origins: 10, group_column: 'shop' } }), 400, 'invalid_request');
    expect(named.details).toMatchObject({ field: 'forecast.origins', max: 7, length: 56, group: 'small' });
    expect(named.message).toContain('the shortest series (group "small") has 56 points');
    // Within what it holds the job is taken; out of 1..10 the schema refuses it.
    expect((await create({ dataset: 'sales56', model: 'seven', forecast: { horizon: 6, origins: 7 }, budget: { trials: 1 } })).status).toBe(202);
    await expectError(await create({ dataset: 'sales56', model: 'eleven', forecast: { horizon: 6, origins: 11 } }), 400, 'invalid_request');
  }, 120_000);

  it('a scheduled retraining and a challenge keep the origins the champion was asked for', async () => {
    await upload('kept', monthly(72, trend));
    await train({ dataset: 'kept', model: 'kept', forecast: { horizon: 6, origins: 4 } });
    await upload('kept', monthly(84, trend));
    const res = await send({ method: 'PUT', path: '/v1/models/kept/schedule', key, body: { every: '1d', dataset: 'kept', budget: { trials: 1 } } });
    expect(res.status).toBe(200);
    await scheduledTick(Date.parse((await jsonOf(res)).next_due_at) + MIN);
    const run = (await jsonOf(await send({ method: 'GET', path: '/v1/models/kept/schedule', key }))).runs[0];
    expect(run, JSON.stringify(run)).toMatchObject({ status: 'started' });
    expect((await send({ method: 'DELETE', path: '/v1/models/kept/schedule', key })).status).toBe(204);
    const retrain = await waitJob(run.job_id, key);
    expect(retrain.forecast.origins).toBe(4);
    const basis = await env.SEARCH.getByName(`${TENANT}/${retrain.id}`).retrainBasis('t0000');
    expect(basis?.config).toMatchObject({ folds: 4, forecast: { origins: 4, holdout_points: 6 } });
    // A job by hand challenging the champion takes them too, as it takes the champion's horizon.
    await waitJob(retrain.id, key);
    const challenger = await create({ dataset: 'kept', model: 'kept', challenge: true, budget: { trials: 1 } });
    expect(challenger.status, await challenger.clone().text()).toBe(202);
    const view = await jsonOf(await send({ method: 'GET', path: `/v1/jobs/${(await jsonOf(challenger)).id}`, key }));
    expect(view.forecast).toMatchObject({ horizon: 6, origins: 4 });
  }, 200_000);
});

describe('exact duplicate rows in a forecast job', () => {
  beforeAll(async () => {
    key ||= await tenantKey(TENANT, 'k');
  });

  it('trains on a dataset with rows copied exactly, warning how many were dropped and where the first is', async () => {
    const rows = daily(60);
    // Data rows 61 to 63 copy rows 10, 11 and 12 (an export run twice over its last days, in part).
    await upload('twice', ['date,sales,note', ...rows, rows[9], rows[10], rows[11]].join('\n'));
    const job = await train({ dataset: 'twice', model: 'twice', forecast: { horizon: 7 } });
    expect(job.warnings).toContain(
      '3 rows repeat an earlier row exactly (the same in every column, as a file loaded twice) and were dropped, the series reading each point once: the first is data row 61 (2024-01-10T00:00:00.000Z), a copy of data row 10; rows of one time that differ in any column are still refused, but for a planned row without a target, which a later one revises',
    );
    // Read once: the published series has the 60 days.
    const model = await jsonOf(await send({ method: 'GET', path: '/v1/models/twice', key }));
    expect(model.forecast.series).toEqual([{ last_time: '2024-02-29T00:00:00.000Z', points: 60 }]);
  }, 150_000);

  it("the append route takes a row copying a stored one exactly, and still refuses one differing in any column", async () => {
    const rows = daily(60);
    await upload('resent', ['date,sales,note', ...rows].join('\n'));
    await train({ dataset: 'resent', model: 'resent', forecast: { horizon: 7 }, budget: { trials: 1 } });
    const append = (lines: string[]) => send({ method: 'POST', path: '/v1/datasets/resent/rows', key, body: ['date,sales,note', ...lines].join('\n'), contentType: 'text/csv' });
    const differing = await expectError(await append([rows[59].replace(/,ok$/, ',late')]), 400, 'invalid_dataset');
    expect(differing.details).toMatchObject({ line: 2, data_row: 60, model: 'resent' });
    // The last day sent again (a retried request) with a new day: both taken, and a job reads the copy once.
    const next = '2024-03-01,80.0,ok';
    const taken = await append([rows[59], next]);
    expect(taken.status, await taken.clone().text()).toBe(201);
    expect(await jsonOf(taken)).toMatchObject({ version: 2, appended_rows: 2 });
    const job = await train({ dataset: 'resent', model: 'resent', forecast: { horizon: 7 }, budget: { trials: 1 } });
    expect(job.warnings).toEqual(expect.arrayContaining([expect.stringMatching(/^1 row repeats an earlier row exactly .* it is data row 61 \(2024-02-29T00:00:00\.000Z\), a copy of data row 60;/)]));
  }, 150_000);

  it('still refuses two rows of one time whose values differ, in the target or in any other column', async () => {
    const rows = daily(60);
    await upload('clash', ['date,sales,note', ...rows, rows[9].replace(/,ok$/, ',redo')].join('\n'));
    const body = await expectError(await create({ dataset: 'clash', model: 'clash', forecast: { horizon: 7 } }), 400, 'invalid_dataset');
    expect(body.message).toContain('repeats 2024-01-10');
    expect(body.details).toMatchObject({ rows: [10, 61] });
  }, 60_000);
});
