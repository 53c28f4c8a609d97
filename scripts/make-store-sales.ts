/**
 * Writes examples/store-sales: the demo data of forecast jobs with known-future covariates. Two shops'
 * daily sales for 2024, simulated (so anyone may ship and change them): a weekly shape, a slow rise,
 * promotion days (+35% of the day's usual sales) and public holidays (half the usual sales), with noise.
 * `train.csv` runs to 17 December, `future.csv` holds the promotions and holidays of the 14 days after
 * (what a forecast request gives as covariates) and `test.csv` what the shops then sold. Deterministic:
 * `npx tsx scripts/make-store-sales.ts` writes the same files every time.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Rng } from '../src/engine/core/rng';

const DIR = join(import.meta.dirname, '..', 'examples', 'store-sales');
const DAY = 86_400_000;
const START = Date.UTC(2024, 0, 1);
const DAYS = 366;
const HELD = 14;
const SHOPS = [
  { shop: 'north', base: 120, weekly: [0.85, 0.9, 0.95, 1.0, 1.15, 1.35, 0.8] },
  { shop: 'south', base: 80, weekly: [0.9, 0.9, 1.0, 1.0, 1.1, 1.4, 0.7] },
];
// Public holidays of 2024 the two shops share (day of the year, 0 = 1 January), one on a held-out day.
const HOLIDAYS = new Set([0, 90, 121, 130, 140, 359, 360]);

const rng = new Rng(2024);
const train = ['date,shop,promo,holiday,sales'];
const future = ['date,shop,promo,holiday'];
const test = ['date,shop,sales'];
for (let d = 0; d < DAYS; d++) {
  const date = new Date(START + d * DAY).toISOString().slice(0, 10);
  const weekday = (new Date(START + d * DAY).getUTCDay() + 6) % 7;
  const holiday = HOLIDAYS.has(d) ? 'yes' : 'no';
  for (const s of SHOPS) {
    const promo = rng.next() < 0.15 ? 1 : 0;
    const usual = s.base * (1 + 0.3 * (d / DAYS)) * s.weekly[weekday];
    const sales = usual * (promo ? 1.35 : 1) * (holiday === 'yes' ? 0.5 : 1) * (1 + 0.05 * rng.normal());
    const value = sales.toFixed(1);
    if (d < DAYS - HELD) train.push(`${date},${s.shop},${promo},${holiday},${value}`);
    else {
      future.push(`${date},${s.shop},${promo},${holiday}`);
      test.push(`${date},${s.shop},${value}`);
    }
  }
}
mkdirSync(DIR, { recursive: true });
for (const [name, lines] of [['train.csv', train], ['future.csv', future], ['test.csv', test]] as const) writeFileSync(join(DIR, name), `${lines.join('\n')}\n`);
console.log(`wrote ${DIR}: ${train.length - 1} training rows, ${future.length - 1} future rows`);
