/**
 * Simulated daily shop sales with known-future covariates, for bench-forecast-covariates: much as
 * scripts/make-store-sales writes the demo data, but a new scenario per seed, so a benchmark sees many
 * kinds of shop rather than one. Each has one or two shops (column `shop`), a weekly shape, a slow trend,
 * promotion days (`promo` 0/1, lifting the day's sales), public holidays (`holiday` yes/no, cutting them),
 * multiplicative noise, and `noise`: a random number per row that sales do not depend on. The last
 * `horizon` days are held out: their covariates are what a forecast request gives, their sales the truth.
 */
import { Rng } from '../../src/engine/core/rng';
import { parseCsv } from '../../src/engine/data/csv';
import type { Dataset } from '../../src/engine/data/dataset';
import { inferDataset } from '../../src/engine/data/infer-schema';
import type { Continuation } from './forecast-search';

const DAY = 86_400_000;
/** A Monday, so weekday 0 of the weekly shapes is a Monday. */
const START = Date.UTC(2023, 0, 2);

/** What set a scenario's sales, for the benchmark's table. */
export interface ShopsParams {
  readonly shops: number;
  /** Promotion days sell (1 + lift) times the usual. */
  readonly promoLift: number;
  /** Chance that a shop runs a promotion on a given day. */
  readonly promoRate: number;
  /** Holidays sell this share of the usual. */
  readonly holidayFactor: number;
  /** Standard deviation of the multiplicative noise. */
  readonly noise: number;
}

export interface ShopsScenario {
  readonly params: ShopsParams;
  /** The days searched: date, shop, promo, holiday, noise, sales. */
  readonly history: Dataset;
  /** Per shop, the held-out days' sales and covariates (every covariate column). */
  readonly future: readonly Continuation[];
}

/** The scenario of `seed`: `days` days in all, the last `horizon` held out. Deterministic given its arguments. */
export function syntheticShops(seed: number, days = 365, horizon = 14): ShopsScenario {
  const rng = new Rng(30_000 + seed);
  const params: ShopsParams = {
    shops: rng.next() < 0.5 ? 1 : 2,
    promoLift: rng.uniform(0.15, 0.5),
    promoRate: rng.uniform(0.05, 0.25),
    holidayFactor: rng.uniform(0.4, 0.9),
    noise: rng.uniform(0.03, 0.12),
  };
  const shops = Array.from({ length: params.shops }, (_, k) => {
    const spread = rng.uniform(0.05, 0.3);
    const raw = Array.from({ length: 7 }, () => Math.exp(spread * rng.normal()));
    const mean = raw.reduce((a, x) => a + x, 0) / 7;
    return { name: `shop${k + 1}`, base: rng.uniform(40, 400), growth: rng.uniform(-0.1, 0.4), weekly: raw.map((x) => x / mean) };
  });
  // About nine holidays a year, shared by the shops, and one among the held-out days (as make-store-sales
  // has) so the holiday covariate has something to tell on the continuation, not only on the origins.
  const holidays = new Set<number>();
  while (holidays.size < Math.round((9 * days) / 365)) holidays.add(rng.int(days - horizon));
  holidays.add(days - horizon + rng.int(horizon));

  const lines = ['date,shop,promo,holiday,noise,sales'];
  const future = shops.map((s) => ({ group: s.name, values: [] as number[], covariates: [] as Record<string, number | string>[] }));
  for (let d = 0; d < days; d++) {
    const date = new Date(START + d * DAY).toISOString().slice(0, 10);
    const holiday = holidays.has(d) ? 'yes' : 'no';
    shops.forEach((s, k) => {
      const promo = rng.next() < params.promoRate ? 1 : 0;
      const usual = s.base * (1 + (s.growth * d) / days) * s.weekly[d % 7];
      const sales = usual * (1 + params.promoLift * promo) * (holiday === 'yes' ? params.holidayFactor : 1) * Math.exp(params.noise * rng.normal());
      // Rounded as the table stores them, so the truth is what the data would have said.
      const value = Number(sales.toFixed(1));
      const noise = Number(rng.normal().toFixed(3));
      if (d < days - horizon) lines.push(`${date},${s.name},${promo},${holiday},${noise},${value}`);
      else {
        future[k].values.push(value);
        future[k].covariates.push({ promo, holiday, noise });
      }
    });
  }
  const types = { date: 'datetime', shop: 'categorical', promo: 'numeric', holiday: 'categorical', noise: 'numeric', sales: 'numeric' } as const;
  return { params, history: inferDataset(parseCsv(lines.join('\n')), types).dataset, future };
}
