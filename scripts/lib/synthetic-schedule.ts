/**
 * Simulated business hours whose days open for different hours, for bench-forecast-schedule: a shop open
 * 09:00 to 18:00 Monday to Friday and 10:00 to 16:00 on Saturday (hourly), a pharmacy open 08:30 to 12:30
 * and 14:30 to 18:30 on weekdays and 09:00 to 13:00 on Saturday (half-hourly), and a shop whose Saturday
 * opens early, 08:00 to 13:00, against 09:00 to 18:00 on weekdays (hourly), in turn by index. The value is
 * a level, maybe a trend, times a time-of-day shape (one or two bumps over the clock, the same every day:
 * a lunch peak is at 12:00 on Saturday too), times a factor per working day (`weekly` the standard
 * deviation of its log; Saturday drawn apart, busier or quieter), times AR(1) multiplicative noise.
 * Timestamps have no offset. Held out: the last working week (every day once); the job's horizon is that.
 */
import { Rng } from '../../src/engine/core/rng';
import { parseCsv } from '../../src/engine/data/csv';
import type { Dataset } from '../../src/engine/data/dataset';
import { inferDataset } from '../../src/engine/data/infer-schema';
import type { Continuation } from './forecast-search';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** A Monday. */
const MONDAY = Date.UTC(2024, 0, 1);

/** A day's open runs: [from, to) in minutes past midnight. */
type Runs = readonly (readonly [number, number])[];

interface Shop {
  readonly name: string;
  readonly stepMinutes: number;
  /** Monday to Friday, then Saturday. */
  readonly weekday: Runs;
  readonly saturday: Runs;
}

const h = (hours: number) => hours * 60;
export const SHOPS: readonly Shop[] = [
  { name: 'short Saturday', stepMinutes: 60, weekday: [[h(9), h(18)]], saturday: [[h(10), h(16)]] },
  { name: 'pharmacy', stepMinutes: 30, weekday: [[h(8.5), h(12.5)], [h(14.5), h(18.5)]], saturday: [[h(9), h(13)]] },
  { name: 'early Saturday', stepMinutes: 60, weekday: [[h(9), h(18)]], saturday: [[h(8), h(13)]] },
];

/** What set a scenario's values, for the benchmark's table. */
export interface ScheduleParams {
  readonly shop: string;
  readonly weeks: number;
  /** Height of the time-of-day bump over the floor (the shape's peak is 1 + height). */
  readonly height: number;
  /** Standard deviation of the log of the working days' factors. */
  readonly weekly: number;
  readonly growth: number;
  readonly noise: number;
}

export interface ScheduleScenario {
  readonly params: ScheduleParams;
  readonly history: Dataset;
  readonly future: readonly Continuation[];
  readonly horizon: number;
}

/** The minutes past midnight of a day's points. */
const pointsOf = (runs: Runs, step: number) => runs.flatMap(([from, to]) => Array.from({ length: (to - from) / step }, (_, i) => from + i * step));

/** The scenario of `index`. Deterministic given it. */
export function syntheticSchedule(index: number): ScheduleScenario {
  const rng = new Rng(70_000 + index);
  const shop = SHOPS[index % SHOPS.length];
  const weeks = 8 + rng.int(5);
  const height = rng.uniform(0.5, 2);
  const weekly = rng.uniform(0.05, 0.3);
  const params: ScheduleParams = { shop: shop.name, weeks, height, weekly, growth: rng.next() < 0.5 ? 0 : rng.uniform(-0.2, 0.4), noise: rng.uniform(0.03, 0.1) };
  const factors = Array.from({ length: 6 }, (_, d) => Math.exp(weekly * rng.normal() + (d === 5 ? rng.uniform(-0.4, 0.3) : 0)));
  // A main bump and a smaller second one (a lunch and an after-work peak), over the clock of the day.
  const peaks = [rng.uniform(h(10), h(17)), rng.uniform(h(9), h(18))];
  const widths = [rng.uniform(45, 150), rng.uniform(30, 90)];
  const shape = (minute: number) => 1 + height * Math.exp(-((minute - peaks[0]) ** 2) / (2 * widths[0] ** 2)) + 0.5 * height * Math.exp(-((minute - peaks[1]) ** 2) / (2 * widths[1] ** 2));
  const base = rng.uniform(20, 300);
  const phi = rng.uniform(0, 0.6);
  const days = [...Array.from({ length: 5 }, () => pointsOf(shop.weekday, shop.stepMinutes)), pointsOf(shop.saturday, shop.stepMinutes)];
  const perWeek = days.reduce((a, d) => a + d.length, 0);
  const n = weeks * perWeek;
  const lines = ['time,y'];
  const future: number[] = [];
  let ar = 0;
  let i = 0;
  for (let week = 0; week < weeks; week++) {
    for (let d = 0; d < 6; d++) {
      for (const minute of days[d]) {
        ar = phi * ar + params.noise * rng.normal();
        const value = base * (1 + (params.growth * i) / n) * shape(minute) * factors[d] * Math.exp(ar);
        const y = Number(value.toFixed(2));
        if (i >= n - perWeek) future.push(y);
        else lines.push(`${new Date(MONDAY + (7 * week + d) * DAY + minute * MINUTE).toISOString().slice(0, 19)},${y}`);
        i++;
      }
    }
  }
  return { params, history: inferDataset(parseCsv(lines.join('\n')), { time: 'datetime', y: 'numeric' }).dataset, future: [{ values: future }], horizon: perWeek };
}
