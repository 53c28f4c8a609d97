/**
 * Covariate steps that carry the model's time and group columns (engine/forecast/step-columns) in
 * workerd, on the store-sales demo data: examples/store-sales/future.csv's rows as objects (date, shop,
 * promo, holiday) forecast exactly as the covariates alone do, and a step whose date is not its step's or
 * whose shop is not the series asked for is refused naming covariates[i], the column and both values.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import futureCsv from '../../examples/store-sales/future.csv?raw';
import trainCsv from '../../examples/store-sales/train.csv?raw';
import { trainAndForecast } from './forecast-helpers';
import { call, csvObjects, json } from './helpers';

const MODEL = 'shops-dated';
const HORIZON = 14;
const future = csvObjects(futureCsv);
/** A shop's planned days as the file writes them: date and shop beside the covariates. */
const datedSteps = (shop: string) => future.filter((r) => r.shop === shop).map((r) => ({ date: r.date, shop: r.shop, promo: Number(r.promo), holiday: r.holiday }));
/** The same steps with the covariates alone. */
const bareSteps = (shop: string) => datedSteps(shop).map(({ promo, holiday }) => ({ promo, holiday }));

const ask = (body: Record<string, unknown>) => call('POST', `/v1/models/${MODEL}/forecast`, body);

describe('covariate steps with the time and group columns', () => {
  beforeAll(async () => {
    expect((await call('PUT', '/v1/datasets/shops-dated', trainCsv)).status).toBe(201);
    await trainAndForecast({ dataset: 'shops-dated', model: MODEL, target: 'sales', horizon: 1, forecast: { group_column: 'shop', covariates: ['promo', 'holiday'], horizon: HORIZON } });
  });

  it('forecasts the same values from steps with date and shop as from the covariates alone', async () => {
    for (const shop of ['north', 'south']) {
      const bare = await ask({ horizon: HORIZON, group: shop, covariates: bareSteps(shop) });
      expect(bare.status, await bare.clone().text()).toBe(200);
      const dated = await ask({ horizon: HORIZON, group: shop, covariates: datedSteps(shop) });
      expect(dated.status, await dated.clone().text()).toBe(200);
      const a = (await json(bare)).forecasts;
      const b = (await json(dated)).forecasts;
      expect(b).toEqual(a);
      // The file's dates are the forecast's steps, so the check had something to hold them to.
      expect(b.map((p: { time: string }) => p.time.slice(0, 10))).toEqual(datedSteps(shop).map((s) => s.date));
      // The promotions move the forecast: covariates were read, not dropped with the date and shop.
      const flat = await json(await ask({ horizon: HORIZON, group: shop, covariates: bareSteps(shop).map((s) => ({ ...s, promo: 0 })) }));
      expect(flat.forecasts.map((p: { value: number }) => p.value)).not.toEqual(a.map((p: { value: number }) => p.value));
    }
    // Written day first (05/01/2024 style) or with a time of day and offset, a date is still its step's.
    const steps = datedSteps('north').slice(0, 2).map((s) => ({ ...s, date: `${s.date.slice(8, 10)}/${s.date.slice(5, 7)}/${s.date.slice(0, 4)}` }));
    steps[1] = { ...steps[1], date: `${datedSteps('north')[1].date}T00:00:00Z` };
    const res = await ask({ horizon: 2, group: 'north', covariates: steps });
    expect(res.status, await res.clone().text()).toBe(200);
    // Steps past the horizon are not read, their date included.
    const extra = [...datedSteps('north').slice(0, 2), { date: '1999-01-01', shop: 'south', promo: 0, holiday: 'no' }];
    expect((await ask({ horizon: 2, group: 'north', covariates: extra })).status).toBe(200);
  });

  it('refuses a step whose date is not its step, naming covariates[i] and both times', async () => {
    const steps = datedSteps('north');
    // Step 2's row says the day after (a planned calendar missing a day).
    steps[1] = { ...steps[1], date: steps[2].date };
    const res = await ask({ horizon: HORIZON, group: 'north', covariates: steps });
    expect(res.status).toBe(400);
    const { error } = await json(res);
    expect(error).toMatchObject({
      code: 'invalid_input',
      details: { field: 'covariates[1].date', column: 'date', step: 2, value: '2024-12-20', expected: '2024-12-19T00:00:00.000Z' },
    });
    expect(error.message).toBe('covariates[1].date is "2024-12-20", but step 2 of the forecast is 2024-12-19; covariates[k] holds the values of step k + 1, in order');
  });

  it('refuses a step of another series, and the time and group columns of nothing but this model', async () => {
    const steps = datedSteps('north');
    steps[3] = { ...steps[3], shop: 'south' };
    const res = await ask({ horizon: HORIZON, group: 'north', covariates: steps });
    expect(res.status).toBe(400);
    const { error } = await json(res);
    expect(error).toMatchObject({ code: 'invalid_input', details: { field: 'covariates[3].shop', column: 'shop', step: 4, value: 'south', expected: 'north' } });
    expect(error.message).toMatch(/^covariates\[3\]\.shop is "south", but the forecast is of series "north"/);
    // Any other column stays refused as it was.
    const other = await ask({ horizon: 1, group: 'north', covariates: [{ ...bareSteps('north')[0], day: '2024-12-18' }] });
    expect(other.status).toBe(400);
    expect((await json(other)).error).toMatchObject({ code: 'invalid_input', details: { field: 'covariates[0].day' }, message: expect.stringMatching(/is not a covariate of this model/) });
  });
});
