/**
 * A forecast's covariates are described by the rows its series hold. A file that plans the future in its
 * own rows (an empty target, a promotion and a price set ahead) added their categories and values too: a
 * category only there got a column no training row set, so a request naming it was taken and its effect
 * silently left out (an unseen category is refused), and a price only planned widened the range a request
 * is held to (forecast audit). A group a rule forecasts still counts (its requests are checked against
 * them), and so does a category whose rows a retraining held out (the model is brought up to them).
 */
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/engine/data/csv';
import { inferDataset } from '../../src/engine/data/infer-schema';
import { extractSeries, loadForecaster, runForecastTrial } from '../../src/engine/forecast/index';
import { stateAtLatest, withoutSeriesTail } from '../../src/engine/forecast/series-holdout';

const DAY = 86_400_000;
const day = (i: number) => new Date(Date.UTC(2024, 0, 1) + i * DAY).toISOString().slice(0, 10);

/** Two stores of 60 days (promotion none or bogo, price 8 to 12), 7 planned days with clearance at 50, and a 5-day store on sale. */
function csv(): string {
  const rows: string[] = [];
  for (const store of ['a', 'b']) {
    for (let i = 0; i < 60; i++) {
      const promo = i % 5 === 0 ? 'bogo' : 'none';
      const price = 8 + (i % 5);
      rows.push(`${day(i)},${store},${100 + (promo === 'bogo' ? 30 : 0) - price + (i % 7)},${promo},${price}`);
    }
    for (let i = 60; i < 67; i++) rows.push(`${day(i)},${store},,clearance,50`);
  }
  for (let i = 55; i < 60; i++) rows.push(`${day(i)},new,40,sale,9`);
  return ['day,store,sales,promo,price', ...rows].join('\n');
}

describe('covariates as training saw them', () => {
  const columns = { target: 'sales', timeColumn: 'day', groupColumn: 'store', covariates: ['promo', 'price'], horizon: 7, minLength: 21 };

  it('hold the categories and the range of the rows the models learn from', () => {
    const { dataset } = inferDataset(parseCsv(csv()));
    const { info, series } = extractSeries(dataset, columns);
    expect(info.covariates).toEqual([
      { name: 'promo', kind: 'categorical', levels: ['bogo', 'none', 'sale'] },
      { name: 'price', kind: 'numeric', min: 8, max: 12 },
    ]);
    // One column per category (bogo, none, sale: the group a rule forecasts is checked against them), then the price.
    expect(series[0].covariates?.map((c) => c[0])).toEqual([1, 0, 0, 8]);
    expect(series[0].covariates?.map((c) => c[1])).toEqual([0, 1, 0, 9]);
  });

  it('refuse a category or a value only the planned rows held, as any unseen one', async () => {
    const { dataset } = inferDataset(parseCsv(csv()));
    const out = await runForecastTrial(dataset, { seed: 1, family: 'linear', params: {}, ...columns });
    if (out.status !== 'complete') throw new Error(out.reason);
    const f = await loadForecaster(out.envelope);
    const steps = (promo: string, price: number) => Array.from({ length: 3 }, () => ({ promo, price }));
    expect(f.forecast(3, { group: 'a', covariates: steps('bogo', 10) })).toHaveLength(3);
    expect(() => f.forecast(3, { group: 'a', covariates: steps('clearance', 10) })).toThrow(/clearance/);
    expect(() => f.forecast(3, { group: 'a', covariates: steps('none', 50) })).toThrow(/price/);
    // The new store a rule forecasts takes its own promotion, as every group's covariates are checked alike.
    expect(f.forecast(3, { group: 'new', covariates: steps('sale', 9) })).toHaveLength(3);
  });

  it('keep a category whose rows were cut from the table, as a retraining holds out the latest points', async () => {
    // Store a runs "flash" on its last 3 observed days; the retraining's trials read the table without them.
    const text = csv().replace(/^(2024-02-2[789]|2024-02-29),a,(\d+),none,/gm, '$1,a,$2,flash,');
    expect(text.match(/flash/g)).toHaveLength(3);
    const { dataset } = inferDataset(parseCsv(text));
    const cut = withoutSeriesTail(dataset, columns, 3);
    const out = await runForecastTrial(cut, { seed: 1, family: 'linear', params: {}, ...columns });
    if (out.status !== 'complete') throw new Error(out.reason);
    // (The cut drops the planned rows too, and the new store: their categories are kept as well, as before.)
    expect(out.envelope.covariates?.[0]).toMatchObject({ name: 'promo', kind: 'categorical' });
    expect((out.envelope.covariates?.[0] as unknown as { levels: string[] }).levels).toContain('flash');
    // Brought up to the latest points, it forecasts from days that ran flash.
    const latest = await loadForecaster(stateAtLatest(out.envelope, dataset, columns));
    expect(latest.forecast(3, { group: 'a', covariates: Array.from({ length: 3 }, () => ({ promo: 'flash', price: 10 })) })).toHaveLength(3);
  });
});
