/**
 * Forecast jobs with past-only covariates in workerd (real queue, Durable Object, R2): two shops whose
 * daily sales follow their web visits nine days later, forecast a week ahead. The job reads the visits,
 * the model view lists them with a longest horizon of the job's week, and a forecast request that gives no
 * value of them forecasts the held-out week far better than seasonal naive; a longer horizon is refused
 * naming horizon and the limit and saying why. Jobs naming a column in both lists, or a horizon too long
 * to read them at, are refused naming the field and column. A scheduled retraining keeps them, compares
 * champion and challenger on the held-out week from the visits observed before it, and publishes a model
 * that forecasts from the latest visits. Data whose newest two days lack the visits (not recorded yet)
 * train as the complete data do: the job warns naming the column, the shops, the days filled and their
 * times, loses no day, and forecasts the next week about as well; more empty days than half the horizon
 * are refused naming the column, the shop and the rows. A shop whose visits were recorded later than its
 * sales is trained on from its first visits, the job warning naming it and the days left out, and its
 * forecasts are as good; one whose visits leave it too short to validate on is left out of the model as a
 * short group is, the job warning naming the column, and the other shop is forecast; when no shop is left
 * long enough the job is refused naming the column.
 */
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../src/engine/core/rng';
import { jsonOf, scheduledTick, send, tenantKey, waitJob } from './tenant';

const TENANT = 'fc-past-covariates';
const H = 7;
const LEAD = 9;
const DAYS = 150;
const SHOPS = ['north', 'south'];
let key = '';

interface Day {
  readonly date: string;
  readonly shop: string;
  readonly visits: number;
  readonly sales: number;
}

/** `days` days of each shop: persistent random visits, and sales of a weekly shape plus twice the visits of nine days before. */
function shopDays(days: number): Day[] {
  const rng = new Rng(5);
  const gauss = () => {
    let s = 0;
    for (let i = 0; i < 12; i++) s += rng.next();
    return s - 6;
  };
  const weekly = [0, 5, 8, 10, 15, 30, 20];
  const out: Day[] = [];
  for (const shop of SHOPS) {
    const v: number[] = [];
    for (let i = 0; i < days; i++) v.push((i > 0 ? 0.6 * v[i - 1] : 0) + 10 * gauss());
    for (let i = 0; i < days; i++) {
      const sales = 200 + weekly[i % 7] + 2 * (i >= LEAD ? v[i - LEAD] : 0) + 2 * gauss();
      out.push({ date: new Date(Date.UTC(2024, 0, 1 + i)).toISOString().slice(0, 10), shop, visits: Number((50 + v[i]).toFixed(2)), sales: Number(sales.toFixed(2)) });
    }
  }
  return out;
}

const ALL = shopDays(DAYS + 2 * H);
/** The first `days` days of each shop, as a CSV; the visits of each shop's newest `late` (of `shops`) left empty, not recorded yet. */
const csvOf = (days: number, late = 0, shops: readonly string[] = SHOPS) =>
  ['date,shop,visits,sales', ...ALL.filter((d, i) => i % (DAYS + 2 * H) < days).map((d, i) => `${d.date},${d.shop},${i % days >= days - late && shops.includes(d.shop) ? '' : d.visits},${d.sales}`)].join('\n');
/** The first `days` days of each shop, as a CSV, the visits of each shop in `from` recorded from that day on only. */
const csvFrom = (days: number, from: Readonly<Record<string, number>>) =>
  ['date,shop,visits,sales', ...ALL.filter((d, i) => i % (DAYS + 2 * H) < days).map((d, i) => `${d.date},${d.shop},${i % days < (from[d.shop] ?? 0) ? '' : d.visits},${d.sales}`)].join('\n');
/** Days [from, from + H) of a shop. */
const weekOf = (shop: string, from: number) => ALL.filter((d) => d.shop === shop).slice(from, from + H);

const post = (path: string, body: unknown) => send({ method: 'POST', path, key, body });
const upload = async (name: string, csv: string) => expect((await send({ method: 'PUT', path: `/v1/datasets/${name}`, key, body: csv, contentType: 'text/csv' })).status).toBe(201);

async function trainJob(dataset: string, model: string, forecast: Record<string, unknown> = {}) {
  const res = await post('/v1/jobs', {
    dataset,
    model,
    target: 'sales',
    task: 'forecast',
    forecast: { group_column: 'shop', past_covariates: ['visits'], horizon: H, ...forecast },
    models: ['seasonal_naive', 'linear'],
    budget: { trials: 4, seconds: 300 },
    seed: 1,
  });
  expect(res.status, await res.clone().text()).toBe(202);
  return jsonOf(res);
}

/** Seasonal naive's RMSE over the week of every shop from day `from`: each shop's week before, repeated. */
function naiveRmse(from: number): number {
  let se = 0;
  for (const shop of SHOPS) {
    const before = weekOf(shop, from - H);
    weekOf(shop, from).forEach((d, h) => {
      se += (d.sales - before[h].sales) ** 2;
    });
  }
  return Math.sqrt(se / (SHOPS.length * H));
}

/** RMSE of a model's forecasts (its champion, or `version`), given no covariate values, over the week of every shop from day `from`. */
async function weekRmse(model: string, from: number, version?: number): Promise<number> {
  let se = 0;
  for (const shop of SHOPS) {
    const res = await post(`/v1/models/${model}/forecast`, { horizon: H, group: shop, ...(version !== undefined ? { version } : {}) });
    expect(res.status, await res.clone().text()).toBe(200);
    const { forecasts } = await jsonOf(res);
    expect(forecasts[0].time).toBe(`${weekOf(shop, from)[0].date}T00:00:00.000Z`);
    weekOf(shop, from).forEach((d, h) => {
      se += (d.sales - forecasts[h].value) ** 2;
    });
  }
  return Math.sqrt(se / (SHOPS.length * H));
}

describe('forecast jobs with past covariates', () => {
  beforeAll(async () => {
    key = await tenantKey(TENANT, 'k');
    await upload('visits', csvOf(DAYS));
  });

  it('learns from the visits and forecasts the next week from the ones observed, given no values of them', async () => {
    const created = await trainJob('visits', 'visits');
    // The visits are used, so no warning calls them unused.
    expect((created.warnings ?? []).join(' ')).not.toMatch(/"visits"/);
    const job = await waitJob(created.id, key);
    expect(job.status).toBe('succeeded');
    expect(job.best.family).not.toBe('seasonal_naive');

    const view = await jsonOf(await send({ method: 'GET', path: '/v1/models/visits', key }));
    expect(view.forecast).toMatchObject({ horizon: H, max_horizon: H, past_covariates: [{ name: 'visits', kind: 'numeric' }] });
    expect(view.forecast.covariates).toBeUndefined();

    expect(await weekRmse('visits', DAYS)).toBeLessThan(naiveRmse(DAYS) / 2);

    const longer = await post('/v1/models/visits/forecast', { horizon: H + 1, group: 'north' });
    expect(longer.status).toBe(400);
    expect((await jsonOf(longer)).error).toMatchObject({
      code: 'invalid_request',
      details: { field: 'horizon', max: H },
      message: expect.stringMatching(/^horizon must be an integer from 1 to 7 \(the longest this model forecasts; it reads the past covariates "visits" at least 7 steps back, and nothing later is observed yet: for longer forecasts, retrain with a longer forecast\.horizon\); got 8$/),
    });
    // Past covariates are not given: a request that gives values is refused as for a model without covariates.
    const given = await post('/v1/models/visits/forecast', { horizon: 1, group: 'north', covariates: [{ visits: 50 }] });
    expect(given.status).toBe(400);
    expect((await jsonOf(given)).error.message).toMatch(/trained without covariates/);
  });

  it('refuses a job naming a column in both lists, or a horizon too long to read the visits at, naming the field', async () => {
    const refused = async (forecast: Record<string, unknown>) => {
      const res = await post('/v1/jobs', { dataset: 'visits', target: 'sales', task: 'forecast', forecast: { group_column: 'shop', ...forecast }, budget: { trials: 1 } });
      expect(res.status).toBe(400);
      return (await jsonOf(res)).error;
    };
    expect(await refused({ covariates: ['visits'], past_covariates: ['visits'] })).toMatchObject({
      details: { field: 'forecast.past_covariates', column: 'visits' },
      message: expect.stringMatching(/column "visits" is in both forecast\.covariates and forecast\.past_covariates/),
    });
    expect(await refused({ past_covariates: ['clicks'] })).toMatchObject({ details: { field: 'forecast.past_covariates', column: 'clicks' }, message: expect.stringMatching(/past covariate column "clicks" is not in the dataset/) });
    expect(await refused({ past_covariates: ['shop'] })).toMatchObject({ message: expect.stringMatching(/past covariate column "shop" is the group column/) });
    // Half the week's newest visits may be missing, not four: the job is refused naming the shop and the rows.
    await upload('visits-late4', csvOf(DAYS, 4, ['south']));
    const late = await post('/v1/jobs', { dataset: 'visits-late4', target: 'sales', task: 'forecast', forecast: { group_column: 'shop', past_covariates: ['visits'], horizon: H }, budget: { trials: 1 } });
    expect(late.status).toBe(400);
    expect((await jsonOf(late)).error).toMatchObject({
      code: 'invalid_dataset',
      details: { field: 'forecast.past_covariates', column: 'visits', group: 'south', rows: [2 * DAYS - 3, 2 * DAYS - 2, 2 * DAYS - 1, 2 * DAYS], horizon: H },
      message: expect.stringMatching(/^past covariate column "visits" is empty at the newest 4 points in group "south", at data rows 297 to 300 \(2024-05-26T00:00:00\.000Z to 2024-05-29T00:00:00\.000Z\); with forecast\.horizon 7 at most 3 may be/),
    });
    // 150 days validated 3 origins of 60 days ahead: reading the visits 60 days back leaves the earliest fold nothing.
    expect(await refused({ past_covariates: ['visits'], horizon: 60 })).toMatchObject({
      details: { field: 'forecast.past_covariates', horizon: 60 },
      message: expect.stringMatching(/forecast\.past_covariates are read at least forecast\.horizon \(60\) steps back/),
    });
  });

  it('trains on data whose newest two days lack the visits, warns naming them, and forecasts the next week about as well', async () => {
    await upload('visits-late', csvOf(DAYS, 2));
    const created = await trainJob('visits-late', 'visits-late');
    const time = (i: number) => `${ALL[i].date}T00:00:00.000Z`;
    const warning = (created.warnings ?? []).find((w: string) => w.startsWith('past covariate "visits"'));
    expect(warning).toBe(
      `past covariate "visits" is empty at the newest points of 2 series, each filled with its series' last observed value carried forward: "north" 2 points (${time(DAYS - 2)} to ${time(DAYS - 1)}), "south" 2 points (${time(DAYS - 2)} to ${time(DAYS - 1)}). ` +
        `No training row or validation fold reads them, but the last steps of a forecast do, one per point filled (of its ${H}), in place of observed values, so those steps may be less accurate than the score says: add the values once they are recorded and retrain`,
    );
    const job = await waitJob(created.id, key);
    expect(job.status).toBe('succeeded');
    expect(job.warnings).toContain(warning);
    expect(job.best.family).not.toBe('seasonal_naive');
    // No day is lost: each series ends on its last day, and forecasts start the day after (weekRmse checks).
    const view = await jsonOf(await send({ method: 'GET', path: '/v1/models/visits-late', key }));
    expect(view.forecast.series).toEqual(SHOPS.map((group) => ({ group, last_time: time(DAYS - 1), points: DAYS })));

    // The same job on the complete data: the filled days are read by no training row or fold, so it scores the same.
    const full = await waitJob((await trainJob('visits', 'visits-full')).id, key);
    expect(job.best.score).toBeCloseTo(full.best.score, 9);
    // Only the week's last two steps read a carried value, at lags 7 and 8; the sales follow the visits of 9 days before.
    const [late, complete] = [await weekRmse('visits-late', DAYS), await weekRmse('visits-full', DAYS)];
    expect(late).toBeLessThan(complete * 1.15);
    expect(late).toBeLessThan(naiveRmse(DAYS) / 2);
  });

  it('trains on a shop whose visits were recorded later than its sales from then on, warns naming it, and forecasts it; leaves out one left too short, refused when none is left long enough', async () => {
    await upload('visits-start', csvFrom(DAYS, { south: 40 }));
    const created = await trainJob('visits-start', 'visits-start');
    const time = (i: number) => `${ALL[i].date}T00:00:00.000Z`;
    const warning = `past covariate "visits" is empty at the first points of 1 series, observed only later: "south" from ${time(40)} (40 points before, ${time(0)} to ${time(39)}). ` +
      'Every model, those that do not read covariates too, learns each series from the first point where all of its covariates have values, and is validated on it, so that all are scored on the same points: the points before are left out. Fill them in and retrain if they are known';
    expect(created.warnings).toContain(warning);
    const job = await waitJob(created.id, key);
    expect(job.status).toBe('succeeded');
    expect(job.warnings).toContain(warning);
    expect(job.best.family).not.toBe('seasonal_naive');
    // The south series counts its points from its first visits, and forecasts start the day after its last.
    const view = await jsonOf(await send({ method: 'GET', path: '/v1/models/visits-start', key }));
    expect(view.forecast.series).toEqual([
      { group: 'north', last_time: time(DAYS - 1), points: DAYS },
      { group: 'south', last_time: time(DAYS - 1), points: DAYS - 40 },
    ]);
    expect(await weekRmse('visits-start', DAYS)).toBeLessThan(naiveRmse(DAYS) / 2);

    // Visits from day 140 leave the south 10 points: too few for the rolling origins, so the south is left
    // out as a new store's few days are, the warning naming the column and why, and the north is forecast.
    await upload('visits-start-late', csvFrom(DAYS, { south: 140 }));
    const lateJob = (dataset: string) =>
      post('/v1/jobs', { dataset, model: dataset, target: 'sales', task: 'forecast', forecast: { group_column: 'shop', past_covariates: ['visits'], horizon: H }, models: ['linear'], budget: { trials: 1 }, seed: 1 });
    const res = await lateJob('visits-start-late');
    expect(res.status, await res.clone().text()).toBe(202);
    const cut =
      `past covariate "visits" is empty at the first 140 points of group "south" (${time(0)} to ${time(139)}) and observed there only from ${time(140)} on, which leaves 10 points, too few to validate a forecast on (at least 21 are needed): group "south" is left out of the model. ` +
      'Fill the points before in and retrain if they are known, or leave the column out of forecast.past_covariates to keep the group';
    const { id, warnings } = await jsonOf(res);
    expect(warnings).toContain(cut);
    // Said once, as the column's doing: not also as a group short by itself, nor as a series read from its first visits.
    expect(warnings.filter((w: string) => w.includes('"south"'))).toEqual([cut]);
    const done = await waitJob(id, key);
    expect(done.status).toBe('succeeded');
    expect((await jsonOf(await send({ method: 'GET', path: '/v1/models/visits-start-late', key }))).forecast.series).toEqual([{ group: 'north', last_time: time(DAYS - 1), points: DAYS }]);
    expect((await post('/v1/models/visits-start-late/forecast', { horizon: H, group: 'north' })).status).toBe(200);
    const south = await post('/v1/models/visits-start-late/forecast', { horizon: H, group: 'south' });
    expect((await jsonOf(south)).error.message).toContain('group "south" had 10 points, too few to validate a forecast on');

    // No shop left long enough (the north's visits from day 135 too): refused, naming the column that cut
    // the shortest, not a third shop short by its own five days (left out as before).
    const fresh = ['2024-01-01', '2024-01-02', '2024-01-03', '2024-01-04', '2024-01-05'].map((d, i) => `${d},new,${50 + i},${200 + i}`);
    await upload('visits-start-none', [csvFrom(DAYS, { north: 135, south: 140 }), ...fresh].join('\n'));
    const none = await lateJob('visits-start-none');
    expect(none.status).toBe(400);
    expect((await jsonOf(none)).error).toMatchObject({
      code: 'invalid_dataset',
      details: { field: 'forecast.past_covariates', column: 'visits', group: 'south', length: 10, needed: 21, rows: Array.from({ length: 20 }, (_, i) => DAYS + 1 + i) },
      message:
        `the shortest series (group "south") has 10 points; rolling-origin validation needs at least 21 (20 to fit on, with a season of 1, plus one to score); ` +
        `past covariate column "visits" is observed in group "south" only from ${time(140)} on, so the 140 points before (${time(0)} to ${time(139)}, data rows ${DAYS + 1} to ${DAYS + 140}) are left out of every model; fill them in, or leave the column out of forecast.past_covariates`,
    });
  });

  it('retrains on schedule with the same past covariates, and the new model forecasts from the latest visits', async () => {
    await upload('visits-r', csvOf(DAYS));
    await waitJob((await trainJob('visits-r', 'visits-r')).id, key);
    // The next version of the data holds the week that followed.
    await upload('visits-r', csvOf(DAYS + H));
    const res = await send({ method: 'PUT', path: '/v1/models/visits-r/schedule', key, body: { every: '1d', dataset: 'visits-r', budget: { trials: 3 } } });
    expect(res.status, await res.clone().text()).toBe(200);
    await scheduledTick(Date.parse((await jsonOf(res)).next_due_at) + 60_000);
    const run = (await jsonOf(await send({ method: 'GET', path: '/v1/models/visits-r/schedule', key }))).runs[0];
    expect(run, JSON.stringify(run)).toMatchObject({ status: 'started' });
    const retrain = await waitJob(run.job_id, key);
    expect(retrain.status).toBe('succeeded');
    const basis = await env.SEARCH.getByName(`${TENANT}/${retrain.id}`).retrainBasis('t0000');
    expect(basis?.config.forecast).toMatchObject({ past_covariates: ['visits'], holdout_points: H, group_column: 'shop' });
    // Both forecast the held-out week from the visits observed before it, so both score well.
    expect(retrain.challenge).toMatchObject({ status: 'complete', holdout_rows: SHOPS.length * H });
    expect(retrain.challenge.champion_score).toBeLessThan(naiveRmse(DAYS) / 2);
    expect(retrain.challenge.challenger_score).toBeLessThan(naiveRmse(DAYS) / 2);
    // The version it published (champion or not) forecasts the week after the new data, from the latest visits.
    const view = await jsonOf(await send({ method: 'GET', path: '/v1/models/visits-r', key }));
    const published = view.versions.find((v: { job_id: string }) => v.job_id === retrain.id);
    expect(published).toBeDefined();
    expect(await weekRmse('visits-r', DAYS + H, published.version)).toBeLessThan(naiveRmse(DAYS + H) / 2);
  });
});
