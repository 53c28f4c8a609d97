/**
 * The simulated shop of the known-future covariate tests: 210 days of sales with a weekly shape and a
 * slow trend, +40 on promotion days and -25 on rainy ones (promotions and rain at random), and noise.
 */
import { Rng } from '../../src/engine/core/rng';

const DAY = 86_400_000;
const START = Date.UTC(2024, 0, 1);

export interface SalesDay {
  readonly day: string;
  readonly promo: number;
  readonly weather: string;
  readonly sales: number;
}

export function salesDays(seed = 7): SalesDay[] {
  const rng = new Rng(seed);
  const weekly = [0, 5, 8, 10, 15, 30, 20];
  const rows: SalesDay[] = [];
  for (let i = 0; i < 210; i++) {
    const promo = rng.next() < 0.2 ? 1 : 0;
    const weather = rng.next() < 0.3 ? 'rainy' : 'sunny';
    const sales = 100 + 0.1 * i + weekly[i % 7] + 40 * promo - (weather === 'rainy' ? 25 : 0) + 3 * (rng.next() - 0.5);
    rows.push({ day: new Date(START + i * DAY).toISOString().slice(0, 10), promo, weather, sales });
  }
  return rows;
}
