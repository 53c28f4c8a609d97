/**
 * Simulated series whose season is a day, for bench-forecast-weekly: hourly data (UTC timestamps, every
 * hour) and business hours (09:00 to 17:00 Monday to Friday, nine points a day, timestamps written without
 * an offset as an export from a local system would). Each scenario, fully determined by its index, has a
 * daily shape (a peak of random hour, height and width), maybe a trend, AR(1) multiplicative noise, and a
 * weekly pattern: a factor per day of the week (hourly weekends lower than weekdays, business days all
 * different) whose log is `strength` times a standard draw, so strength 0 is no weekly pattern at all.
 * Every third scenario has strength 0, and the kinds alternate, so both kinds have some without one.
 * Held out: the last two days of an hourly series (48 points), the last working week of business hours
 * (45 points); each starts on a random day, so the held-out days are not always the same ones.
 */
import { Rng } from '../../src/engine/core/rng';
import { parseCsv } from '../../src/engine/data/csv';
import type { Dataset } from '../../src/engine/data/dataset';
import { inferDataset } from '../../src/engine/data/infer-schema';
import type { Continuation } from './forecast-search';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** A Monday. */
const MONDAY = Date.UTC(2024, 0, 1);
const OPEN = { firstHour: 9, hours: 9, workDays: 5 };
const DAY_NAMES = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

export type WeeklyKind = 'hourly' | 'business hours';

/** What set a scenario's values, for the benchmark's table. */
export interface WeeklyParams {
  readonly kind: WeeklyKind;
  /** Days in the series, the held-out ones included (working days for business hours). */
  readonly days: number;
  /** Standard deviation of the log of the day-of-week factors (0: no weekly pattern). */
  readonly strength: number;
  /** The day factors drawn, Monday first (for the table: how far apart the days really are). */
  readonly dayFactors: readonly number[];
  /** Growth over the whole series (0: no trend). */
  readonly growth: number;
  /** Standard deviation of the multiplicative noise's innovations. */
  readonly noise: number;
  /** The days of the week held out, first to last ("Sat-Sun"). */
  readonly heldOut: string;
}

export interface WeeklyScenario {
  readonly params: WeeklyParams;
  /** The points searched: `time`, `y`. */
  readonly history: Dataset;
  /** The held-out points, the truth the published forecaster is scored on. */
  readonly future: readonly Continuation[];
  /** Held-out points, the job's horizon. */
  readonly horizon: number;
}

/** Held-out points of each kind: two days of hours, a working week of opening hours. */
export const HELD_OUT: Readonly<Record<WeeklyKind, number>> = { hourly: 48, 'business hours': OPEN.hours * OPEN.workDays };

/** Day-of-week factors with geometric mean 1; hourly weekends (Saturday, Sunday) are pushed down. */
function dayFactors(rng: Rng, kind: WeeklyKind, strength: number): number[] {
  // Monday first: hourly index 5 and 6 are the weekend.
  const z = kind === 'hourly' ? Array.from({ length: 7 }, (_, d) => 0.5 * rng.normal() - (d >= 5 ? 1.5 : 0)) : Array.from({ length: OPEN.workDays }, () => rng.normal());
  const mean = z.reduce((a, x) => a + x, 0) / z.length;
  return z.map((x) => Math.exp(strength * (x - mean)));
}

/** The scenario of `index`. Deterministic given it. */
export function syntheticWeekly(index: number): WeeklyScenario {
  const rng = new Rng(40_000 + index);
  const kind: WeeklyKind = index % 2 === 0 ? 'hourly' : 'business hours';
  const strength = index % 3 === 0 ? 0 : rng.uniform(0.15, 0.6);
  const stepsPerDay = kind === 'hourly' ? 24 : OPEN.hours;
  // Hourly: 8 to 10 weeks; business hours: 8 to 12 working weeks.
  const days = kind === 'hourly' ? 56 + rng.int(15) : OPEN.workDays * (8 + rng.int(5));
  const firstDay = rng.int(kind === 'hourly' ? 7 : OPEN.workDays);
  const params: WeeklyParams = {
    kind,
    days,
    strength,
    dayFactors: dayFactors(rng, kind, strength),
    growth: rng.next() < 0.5 ? 0 : rng.uniform(-0.2, 0.4),
    noise: rng.uniform(0.03, 0.12),
    heldOut: heldOutDays(kind, firstDay, days),
  };
  const base = rng.uniform(20, 500);
  const phi = rng.uniform(0, 0.7);
  // The daily shape: a bump over a floor, its peak inside the day (or the opening hours).
  const peak = kind === 'hourly' ? rng.uniform(8, 20) : rng.uniform(1, 7);
  const height = kind === 'hourly' ? rng.uniform(0.5, 3) : rng.uniform(0.2, 1.5);
  const width = kind === 'hourly' ? rng.uniform(2, 5) : rng.uniform(1, 3);
  const daily = Array.from({ length: stepsPerDay }, (_, h) => 1 + height * Math.exp(-((h - peak) ** 2) / (2 * width ** 2)));

  const horizon = HELD_OUT[kind];
  const n = days * stepsPerDay;
  const lines = ['time,y'];
  const future: number[] = [];
  let ar = 0;
  for (let i = 0; i < n; i++) {
    const day = firstDay + Math.floor(i / stepsPerDay);
    const hour = i % stepsPerDay;
    const weekday = day % (kind === 'hourly' ? 7 : OPEN.workDays);
    ar = phi * ar + params.noise * rng.normal();
    const value = base * (1 + (params.growth * i) / n) * daily[hour] * params.dayFactors[weekday] * Math.exp(ar);
    // Rounded as the table stores it, so the truth is what the data would have said.
    const y = Number(value.toFixed(2));
    if (i >= n - horizon) future.push(y);
    else lines.push(`${timestamp(kind, day, hour)},${y}`);
  }
  return { params, history: inferDataset(parseCsv(lines.join('\n')), { time: 'datetime', y: 'numeric' }).dataset, future: [{ values: future }], horizon };
}

/** The first and last held-out day of the week: two days of an hourly series, a working week of business hours. */
function heldOutDays(kind: WeeklyKind, firstDay: number, days: number): string {
  const week = kind === 'hourly' ? 7 : OPEN.workDays;
  const held = HELD_OUT[kind] / (kind === 'hourly' ? 24 : OPEN.hours);
  return `${DAY_NAMES[(firstDay + days - held) % week]}-${DAY_NAMES[(firstDay + days - 1) % week]}`;
}

/** Hourly: a UTC ISO timestamp; business hours: the calendar day of working day `day` (Monday 0), no offset. */
function timestamp(kind: WeeklyKind, day: number, hour: number): string {
  if (kind === 'hourly') return new Date(MONDAY + day * DAY + hour * HOUR).toISOString();
  const calendarDay = 7 * Math.floor(day / OPEN.workDays) + (day % OPEN.workDays);
  return new Date(MONDAY + calendarDay * DAY + (OPEN.firstHour + hour) * HOUR).toISOString().slice(0, 19);
}
