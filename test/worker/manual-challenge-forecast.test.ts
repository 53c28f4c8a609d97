/**
 * A job started by hand with `"challenge"` over a forecast model, inside workerd, without `task`: as a
 * scheduled retraining does (worker/retrain), it is a forecast job taking the champion's series settings
 * (time column, horizon, covariates...) where the request leaves them out, and what the request gives
 * wins (a past covariate added, a shorter horizon). What then differs from the champion is refused as
 * before (409 model_conflict), a column taken from the champion that the data lacks is refused naming the
 * field, and a forecast's refusals (a strategy of fractions of rows, series options on a table job) hold.
 * A series too short to hold the horizon out from is refused naming the covariate column whose late start
 * shortened it, and how many points it cut, when one did.
 */
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectError, jsonOf, send, tenantKey, waitJob } from './tenant';
import { trend } from './monthly-sales';

const TENANT = 'manual-challenge-forecast';
let key = '';

/** Monthly sales from January 2000 with a promotion every third month (a known-future covariate) and a price. */
function promoSales(n: number, columns: readonly ('promo' | 'price')[] = ['promo', 'price']): string {
  const lines = [['month', ...columns, 'sales'].join(',')];
  for (let i = 0; i < n; i++) {
    const promo = i % 3 === 0 ? 1 : 0;
    const cells = { promo: String(promo), price: String(10 + (i % 5)) };
    lines.push([`${2000 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}-01`, ...columns.map((c) => cells[c]), (trend(i) + 15 * promo).toFixed(3)].join(','));
  }
  return lines.join('\n');
}

const upload = async (name: string, csv: string) => expect((await send({ method: 'PUT', path: `/v1/datasets/${name}`, key, body: csv, contentType: 'text/csv' })).status).toBe(201);
/** A job on dataset "promo" publishing to model "promo": two linear trials. */
const job = (body: Record<string, unknown>) => send({ method: 'POST', path: '/v1/jobs', key, body: { dataset: 'promo', target: 'sales', model: 'promo', models: ['linear'], budget: { trials: 2 }, seed: 3, ...body } });
const forecastOf = async (jobId: string) => (await env.SEARCH.getByName(`${TENANT}/${jobId}`).retrainBasis('t0000'))?.config.forecast;

async function finished(res: Response): Promise<Record<string, any>> {
  expect(res.status, await res.clone().text()).toBe(202);
  const done = await waitJob((await jsonOf(res)).id, key, 300_000);
  expect(done.status).toBe('succeeded');
  return done;
}

describe('a challenge by hand of a forecast model, without task', () => {
  beforeAll(async () => {
    key = await tenantKey(TENANT, 'k');
    await upload('promo', promoSales(60));
    // The champion: 4 months ahead, the promotion as a known-future covariate (the price unread).
    await finished(await job({ task: 'forecast', forecast: { time_column: 'month', horizon: 4, covariates: ['promo'] } }));
    await upload('promo', promoSales(72));
  }, 300_000);

  it("is a forecast job on the champion's series, horizon and covariates, compared on the latest points", async () => {
    const challenger = await finished(await job({ challenge: true }));
    expect(challenger.task).toBe('forecast');
    expect(challenger.challenge).toMatchObject({ status: 'complete', holdout_from: 'latest_points', holdout_rows: 4, champion_version: 1 });
    const forecast = await forecastOf(challenger.id);
    expect(forecast).toMatchObject({ time_column: 'month', horizon: 4, covariates: ['promo'], holdout_points: 4 });
    expect(forecast?.past_covariates).toBeUndefined();
  }, 300_000);

  it('keeps what the request gives: a shorter horizon, and a past covariate beside the champion\'s covariate', async () => {
    const challenger = await finished(await job({ forecast: { horizon: 2, past_covariates: ['price'] }, challenge: true }));
    expect(challenger.task).toBe('forecast');
    expect(await forecastOf(challenger.id)).toMatchObject({ time_column: 'month', horizon: 2, covariates: ['promo'], past_covariates: ['price'], holdout_points: 2 });
  }, 300_000);

  it('refuses what then differs from the champion as another model (409), creating no job', async () => {
    const before = (await jsonOf(await send({ method: 'GET', path: '/v1/jobs', key }))).jobs.length;
    const other = await expectError(await job({ forecast: { covariates: ['price'] }, challenge: true }), 409, 'model_conflict');
    expect(other.details).toMatchObject({ field: 'model', covariates: { champion: ['promo'], job: ['price'] } });
    expect(other.details.task).toBeUndefined();
    // A column named in the past list is not also taken into the known-future one: the champion's covariate is gone.
    const moved = await expectError(await job({ forecast: { past_covariates: ['promo'] }, challenge: true }), 409, 'model_conflict');
    expect(moved.details).toMatchObject({ covariates: { champion: ['promo'], job: [] } });
    expect((await jsonOf(await send({ method: 'GET', path: '/v1/jobs', key }))).jobs).toHaveLength(before);
  });

  it("refuses data lacking a column taken from the champion, naming the field and the champion", async () => {
    await upload('plain', promoSales(72, ['price']));
    const refused = await expectError(await job({ dataset: 'plain', challenge: true }), 400, 'invalid_dataset');
    expect(refused.details).toMatchObject({ field: 'forecast.covariates', column: 'promo' });
    expect(refused.message).toMatch(/^forecast\.covariates: champion v\d+ of model "promo" reads "promo" \(its covariates\), which dataset "plain" v1 lacks/);
  });

  it('refuses a series too short to hold out from, naming the covariate whose late start shortened it (only then)', async () => {
    // 72 months whose promotions were recorded from the 49th on: the series is read from there, 24 points.
    const late = promoSales(72).split('\n').map((line, i) => (i >= 1 && i <= 48 ? line.replace(/^([^,]*),[^,]*,/, '$1,,') : line)).join('\n');
    await upload('promo-late', late);
    const lateJob = (body: Record<string, unknown> = {}) => job({ dataset: 'promo-late', model: 'promo-late', ...body });
    await finished(await lateJob({ task: 'forecast', forecast: { time_column: 'month', horizon: 4, covariates: ['promo'] } }));
    const plain = 'a forecast job with "challenge" holds out the latest 4 points of every series to compare with the champion, and the 24 points of the shortest series leave too few to validate on';
    const refused = await expectError(await lateJob({ challenge: true }), 400, 'invalid_dataset');
    expect(refused.message).toBe(
      `${plain}; covariate column "promo" is known only from 2004-01-01T00:00:00.000Z on, so the 48 points before (2000-01-01T00:00:00.000Z to 2003-12-01T00:00:00.000Z, data rows 1 to 48) are left out of every model; fill them in, or leave the column out of forecast.covariates`,
    );
    expect(refused.details).toMatchObject({ field: 'dataset', column: 'promo' });
    // One series without a group column: no group to name (was "group": "").
    expect(refused.details).not.toHaveProperty('group');
    // A series as short by its own rows is refused as before, without a word about the covariate.
    await upload('promo-late', promoSales(24));
    const short = await expectError(await lateJob({ challenge: true }), 400, 'invalid_dataset');
    expect(short.message).toBe(plain);
    expect(short.details).toEqual({ field: 'dataset' });
  }, 300_000);

  it('keeps the refusals of a forecast job, and of series options on a job that is none', async () => {
    const asha = await expectError(await job({ strategy: 'asha', challenge: true }), 400, 'invalid_request');
    expect(asha.details).toMatchObject({ field: 'strategy' });
    // Without a champion to challenge the job is a table's, which takes no series options.
    const table = await expectError(await job({ model: 'promo-table', forecast: { horizon: 3 } }), 400, 'invalid_request');
    expect(table.details).toMatchObject({ field: 'forecast' });
    expect(table.message).toBe('forecast: only a forecast job ("task": "forecast") takes series options');
  });
});
