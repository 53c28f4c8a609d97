/**
 * Writes examples/shop-visits: the demo data of forecast jobs with past covariates. Two shops' daily web
 * visits and sales for 2024, simulated (so anyone may ship and change them): the visits wander (each
 * day keeps 60% of the day before's excess and adds noise, so their own past says little a week on), and
 * the sales follow a weekly shape plus the visits of nine days before, with noise. Nobody knows
 * tomorrow's visits, which is why they are past covariates: a week-ahead forecast reads them at lags of
 * 7 days and more. `train.csv` holds 240 days, `test.csv` the 7 days after (what the shops then sold).
 * Deterministic: `npx tsx scripts/make-shop-visits.ts` writes the same files every time.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Rng } from '../src/engine/core/rng';

const DIR = join(import.meta.dirname, '..', 'examples', 'shop-visits');
const DAY = 86_400_000;
const START = Date.UTC(2024, 0, 1);
const TRAIN = 240;
const HELD = 7;
/** Sales follow the visits this many days later. */
const LEAD = 9;
const SHOPS = [
  { shop: 'north', base: 150, visits: 400, weekly: [0, 5, 8, 10, 15, 30, 20] },
  { shop: 'south', base: 110, visits: 300, weekly: [0, 4, 6, 8, 12, 25, 10] },
];

const rng = new Rng(2024);
const days = Array.from({ length: TRAIN + HELD }, (_, d) => new Date(START + d * DAY).toISOString().slice(0, 10));
// Each shop's visits first (a persistent random walk around its usual level), then its sales from them.
const series = SHOPS.map((s) => {
  const excess: number[] = [];
  for (let d = 0; d < days.length; d++) excess.push((d > 0 ? 0.6 * excess[d - 1] : 0) + 40 * rng.normal());
  const visits = excess.map((e) => Math.max(0, Math.round(s.visits + e)));
  const sales = visits.map((_, d) => s.base + s.weekly[d % 7] + 0.5 * (d >= LEAD ? visits[d - LEAD] - s.visits : 0) + 3 * rng.normal());
  return { ...s, visits, sales };
});
const train = ['date,shop,visits,sales'];
const test = ['date,shop,sales'];
for (let d = 0; d < days.length; d++) {
  for (const s of series) {
    if (d < TRAIN) train.push(`${days[d]},${s.shop},${s.visits[d]},${s.sales[d].toFixed(1)}`);
    else test.push(`${days[d]},${s.shop},${s.sales[d].toFixed(1)}`);
  }
}
mkdirSync(DIR, { recursive: true });
for (const [name, lines] of [['train.csv', train], ['test.csv', test]] as const) writeFileSync(join(DIR, name), `${lines.join('\n')}\n`);
console.log(`wrote ${DIR}: ${train.length - 1} training rows, ${test.length - 1} test rows`);
