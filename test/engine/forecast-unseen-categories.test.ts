/**
 * A forecast model facing a covariate category it was not trained with (engine/forecast/forecaster
 * unseenCategories, series-holdout unseenTailCategories): a champion trained before a new kind of
 * promotion cannot forecast held-out points that hold it, and says which categories of which covariate
 * in which series stop it, while a challenger trained on the new data forecasts them. A category further
 * back in the history than the points a forecast starts from stops nothing: it is not read.
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/engine/core/rng';
import { loadForecaster, runForecastTrial, scoreOnSeriesTail, unseenTailCategories, withoutSeriesTail } from '../../src/engine/forecast';
import { datasetFromCsv } from './forecast-fixtures';

const DAY = 86_400_000;
const START = Date.UTC(2024, 0, 1);
const HELD = 14;
const COLUMNS = { target: 'sales', groupColumn: 'shop', covariates: ['promo'] };
const PARAMS = { transform: 'none', lags: 7, differencing: 'none', calendar: true, seasonal_lags: 0, rolling_window: 0 };

type Promo = 'none' | 'discount' | 'clearance';
const LIFT: Readonly<Record<Promo, number>> = { none: 0, discount: 30, clearance: 60 };

/**
 * `days` days of two shops' sales: a weekly shape, a promotion lift, noise; a discount on a fifth of the
 * days. `relabel(shop, day)` may turn a day's promotion into another kind.
 */
function shops(days: number, relabel: (shop: string, day: number, promo: Promo) => Promo = (_s, _d, p) => p): string {
  const rng = new Rng(11);
  const weekly = [0, 5, 8, 10, 15, 30, 20];
  const lines = ['day,shop,promo,sales'];
  for (let d = 0; d < days; d++) {
    for (const shop of ['a', 'b']) {
      const promo = relabel(shop, d, rng.next() < 0.2 ? 'discount' : 'none');
      const sales = (shop === 'a' ? 100 : 60) + weekly[d % 7] + LIFT[promo] + 4 * (rng.next() - 0.5);
      lines.push(`${new Date(START + d * DAY).toISOString().slice(0, 10)},${shop},${promo},${sales.toFixed(2)}`);
    }
  }
  return lines.join('\n');
}

const table = (csv: string) => datasetFromCsv(csv, { day: 'datetime', shop: 'categorical', promo: 'categorical' });

async function modelOf(ds: ReturnType<typeof table>) {
  const out = await runForecastTrial(ds, { family: 'linear', params: PARAMS, target: 'sales', groupColumn: 'shop', horizon: HELD, seed: 3, covariates: ['promo'] });
  if (out.status !== 'complete') throw new Error(out.reason);
  return loadForecaster(out.envelope);
}

describe('a covariate category the model was not trained with', () => {
  it('stops the champion on held-out points holding it, naming covariate, category and series; the challenger forecasts them', async () => {
    const champion = await modelOf(table(shops(90)));
    // From day 80 shop a runs clearances instead of discounts, through the held-out fortnight.
    const later = table(shops(120, (shop, d, p) => (shop === 'a' && d >= 80 && p === 'discount' ? 'clearance' : p)));
    expect(unseenTailCategories(champion, later, COLUMNS, HELD)).toEqual([{ covariate: 'promo', categories: ['clearance'], groups: ['a'] }]);
    expect(() => scoreOnSeriesTail(champion, later, COLUMNS, HELD)).toThrow(/"clearance", not one of the categories/);

    // Trained on the data before the held-out points, the challenger knows the category and learned its lift.
    const challenger = await modelOf(withoutSeriesTail(later, COLUMNS, HELD));
    expect(unseenTailCategories(challenger, later, COLUMNS, HELD)).toEqual([]);
    const scored = scoreOnSeriesTail(challenger, later, COLUMNS, HELD);
    expect(scored.points).toBe(2 * HELD);
    // The noise is uniform on ±2 (RMS 1.15), a clearance lifts a day by 60: the lift is forecast.
    expect(scored.rmse).toBeLessThan(5);
    // Measured: 2.48; missing the lift of the ~3 clearance days would alone give about 20.
    champion.dispose();
    challenger.dispose();
  });

  it('stops nothing when it lies further back than the points a forecast starts from', async () => {
    const champion = await modelOf(table(shops(90)));
    // Days 40 to 59 of shop b relabelled: long before the points its forecast of the held-out ones reads.
    const relabelled = table(shops(120, (shop, d, p) => (shop === 'b' && d >= 40 && d < 60 && p === 'discount' ? 'clearance' : p)));
    const plain = table(shops(120));
    expect(unseenTailCategories(champion, relabelled, COLUMNS, HELD)).toEqual([]);
    // The same held-out points and recent history: the same forecasts, so the same score to the last bit.
    expect(scoreOnSeriesTail(champion, relabelled, COLUMNS, HELD)).toEqual(scoreOnSeriesTail(champion, plain, COLUMNS, HELD));
    champion.dispose();
  });

  it('leaves models without covariates, and series the model never saw, to the score', async () => {
    const plainOut = await runForecastTrial(table(shops(90)), { family: 'linear', params: PARAMS, target: 'sales', groupColumn: 'shop', horizon: HELD, seed: 3 });
    if (plainOut.status !== 'complete') throw new Error(plainOut.reason);
    const plain = await loadForecaster(plainOut.envelope);
    const later = table(shops(120, (shop, d, p) => (d >= 100 && p === 'discount' ? 'clearance' : p)));
    expect(unseenTailCategories(plain, later, { target: 'sales', groupColumn: 'shop' }, HELD)).toEqual([]);
    const champion = await modelOf(table(shops(90)));
    expect(unseenTailCategories(champion, later, COLUMNS, HELD)).toEqual([{ covariate: 'promo', categories: ['clearance'], groups: ['a', 'b'] }]);
    // Shop c, always on clearance, is unknown to the model: not listed here, scoreOnSeriesTail refuses it by name.
    const withC = table(`${shops(120)}\n${newShop(120)}`);
    expect(unseenTailCategories(champion, withC, COLUMNS, HELD)).toEqual([]);
    expect(() => scoreOnSeriesTail(champion, withC, COLUMNS, HELD)).toThrow(/never seen the series "c"/);
    plain.dispose();
    champion.dispose();
  });
});

/** Rows of a third shop, c, always on clearance (appended to a shops() table). */
function newShop(days: number): string {
  return Array.from({ length: days }, (_, d) => `${new Date(START + d * DAY).toISOString().slice(0, 10)},c,clearance,${(200 + d).toFixed(2)}`).join('\n');
}
