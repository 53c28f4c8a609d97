/**
 * The simulated shops of the past-covariate tests: each shop's daily web visits (a persistent random
 * process, so the past alone says little a week on) and its sales, a weekly shape plus twice the visits
 * of nine days before, and noise; `channel` is a category observed with the visits that the sales do
 * not follow. As rows, as CSV (a row's visits may be written empty) and as an engine Dataset.
 */
import { Rng } from '../../src/engine/core/rng';
import { datasetFromCsv } from './forecast-fixtures';

export const DAY = 86_400_000;
export const START = Date.UTC(2024, 0, 1);
/** Sales follow the visits this many days later. */
export const LEAD = 9;
export const DAYS = 240;
export const SHOPS = ['a', 'b', 'c'];

export interface Row {
  readonly day: string;
  readonly shop: string;
  /** NaN: written as an empty cell. */
  visits: number;
  channel: string;
  readonly sales: number;
}

/** Every shop's DAYS days, shop by shop. */
export function shops(seed = 1): Row[] {
  const rng = new Rng(seed);
  const gauss = () => {
    let s = 0;
    for (let i = 0; i < 12; i++) s += rng.next();
    return s - 6;
  };
  const weekly = [0, 5, 8, 10, 15, 30, 20];
  const rows: Row[] = [];
  for (const shop of SHOPS) {
    const v: number[] = [];
    for (let i = 0; i < DAYS; i++) v.push((i > 0 ? 0.6 * v[i - 1] : 0) + 10 * gauss());
    for (let i = 0; i < DAYS; i++) {
      const sales = 200 + weekly[i % 7] + 2 * (i >= LEAD ? v[i - LEAD] : 0) + 2 * gauss();
      rows.push({ day: new Date(START + i * DAY).toISOString().slice(0, 10), shop, visits: Number((50 + v[i]).toFixed(2)), channel: rng.next() < 0.5 ? 'ads' : 'search', sales: Number(sales.toFixed(2)) });
    }
  }
  return rows;
}

const cell = (x: number | string) => (typeof x === 'number' && Number.isNaN(x) ? '' : String(x));
export const csv = (rows: readonly Row[]) => ['day,shop,visits,channel,sales', ...rows.map((r) => `${r.day},${r.shop},${cell(r.visits)},${r.channel},${r.sales}`)].join('\n');
export const table = (rows: readonly Row[]) => datasetFromCsv(csv(rows), { day: 'datetime', shop: 'categorical', channel: 'categorical' });
