/**
 * A forecast champion advanced by a retraining whose job leaves out a group the champion models, inside
 * workerd: trained when most groups were short (no season, every group modelled), the champion models a
 * 30-month store; once most stores are long enough for the yearly season, the retraining's job leaves that
 * store to its own rule (engine/forecast/group-length). Advancing the champion learns nothing, so it must
 * not take the job's threshold: it left the store where it was, forecasting from a month already past.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import trainCsv from '../../examples/airpassengers/train.csv?raw';
import { jsonOf, scheduledTick, send, tenantKey, waitJob } from './tenant';

const TENANT = 'fc-advance-short';
const MODEL = 'airlines';
let key = '';
const months = trainCsv.trim().split('\n').slice(1).map((l) => l.split(','));
/** Rows of a store over months [from, to) of the 108 training months, scaled. */
const store = (name: string, from: number, to: number, scale: number) => months.slice(from, to).map(([m, v]) => `${m},${name},${Number(v) * scale}`);

describe('a forecast champion advanced by a job that leaves one of its groups to a rule', () => {
  beforeAll(async () => {
    key = await tenantKey(TENANT, 'k');
  });

  it('still moves that group to its newest points', async () => {
    // Month 0-77 of "big", the last 30 of "young" and of "mid": most stores are short, no season, all three modelled.
    const first = ['month,store,passengers', ...store('big', 0, 78, 1), ...store('young', 48, 78, 0.5), ...store('mid', 48, 78, 2)];
    expect((await send({ method: 'PUT', path: `/v1/datasets/${MODEL}`, key, body: first.join('\n'), contentType: 'text/csv' })).status).toBe(201);
    const trained = await send({ method: 'POST', path: '/v1/jobs', key, body: { dataset: MODEL, model: MODEL, target: 'passengers', task: 'forecast', forecast: { group_column: 'store', horizon: 6 }, models: ['seasonal_naive'], budget: { trials: 1 }, seed: 1 } });
    expect(trained.status, await trained.clone().text()).toBe(202);
    expect((await waitJob((await jsonOf(trained)).id, key)).status).toBe('succeeded');
    expect((await jsonOf(await send({ method: 'GET', path: `/v1/models/${MODEL}`, key }))).forecast.series.map((s: { group: string }) => s.group)).toEqual(['big', 'mid', 'young']);

    // 30 more months of big and mid, mid from month 18 on too, 12 of young: big (108) and mid (90) are long enough for the season now, young (42) is not.
    const more = ['month,store,passengers', ...store('big', 78, 108, 1), ...store('young', 78, 90, 0.5), ...store('mid', 78, 108, 2), ...store('mid', 18, 48, 2)];
    const appended = await send({ method: 'POST', path: `/v1/datasets/${MODEL}/rows`, key, body: more.join('\n'), contentType: 'text/csv' });
    expect(appended.status, await appended.clone().text()).toBe(201);

    const res = await send({ method: 'PUT', path: `/v1/models/${MODEL}/schedule`, key, body: { every: '1d', dataset: MODEL, budget: { trials: 1 }, margin: 0.99 } });
    expect(res.status, await res.clone().text()).toBe(200);
    await scheduledTick(Date.parse((await jsonOf(res)).next_due_at) + 60_000);
    const run = (await jsonOf(await send({ method: 'GET', path: `/v1/models/${MODEL}/schedule`, key }))).runs[0];
    const retrain = await waitJob(run.job_id, key);
    expect(retrain.status).toBe('succeeded');
    // The job modelled big and mid; young is forecast by its rule.
    expect(retrain.series_scores.map((s: { group: string }) => s.group).sort()).toEqual(['big', 'mid']);
    expect(retrain.challenge, JSON.stringify(retrain.challenge)).toMatchObject({ promoted: false, advanced_version: 3 });
    const series = (await jsonOf(await send({ method: 'GET', path: `/v1/models/${MODEL}`, key }))).forecast.series;
    expect(series.map((s: { group: string; last_time: string }) => [s.group, s.last_time.slice(0, 7)])).toEqual([['big', '1957-12'], ['mid', '1957-12'], ['young', '1956-06']]);
  });
});
