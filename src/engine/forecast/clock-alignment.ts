/**
 * @module engine/forecast/clock-alignment
 * Reading a season back on the clock, for business hours whose days open for different hours
 * (./opening-schedule): the season counts the longest day's slots, so `season` points back from Monday
 * 09:00 lands inside a short Saturday at another time of day (15:00 when Saturday opens 10:00 to 16:00),
 * and a Saturday point on Friday an hour earlier. Where a model reads "the same time a day before"
 * (seasonal differencing, seasonal lags `k * season` back, exponential smoothing's seasonal state, the
 * phase of each step of an rnn's window), this module gives the point of the same clock slot on the last
 * open day that holds that slot, and each point's phase. The table is per position in the working week,
 * so it follows from the frequency alone and a stored model needs nothing new to read it: a point's
 * position is its opening-slot count modulo the week's points, known from any one time of its series (a
 * forecast's tail, from its last point's).
 *
 * A slot the day before does not hold (Monday 09:00 after a Saturday opening at 10:00, Monday 17:00 after
 * one closing at 16:00) reads the latest earlier day that holds it (Friday 09:00), at worst the same day a
 * week back (an early Saturday's 08:00, which no weekday holds). The week's same slot for every such slot
 * was measured too, with a variant not kept: held-out RMSE over the positional reading 0.854 against
 * 0.811 for gbdt's seasonal differencing, 1.014 against 0.972 for two seasonal lags, the same (0.797,
 * 0.801) for linear's differencing. The nearest day is the closer level, and it keeps the reach short
 * (15 points for that shop rather than a week of 51), which leaves more rows to learn from.
 *
 * Measured (`npm run bench:forecast-schedule -- --series 36`: simulated shops with a short or an early
 * Saturday or a lunch break, a strong time-of-day shape and weekday levels, the last working week held
 * out): on the clock, each option's held-out RMSE over the positional reading's came to 0.840 for gbdt's
 * seasonal differencing (26 of 36 lower), 0.788 for linear's (34 of 36), 0.973 for two seasonal lags
 * (24 of 36) and 0.606 for ets with its season (30 of 36). The job's search (30 trials, the blend)
 * published a model neither better nor worse: 0.999 (18 of 36 lower), its best trials there read no day
 * back (no or first differences, the phase one-hot and the weekly lag). So it is each option that gains,
 * where it is the one chosen (ets named by the job; series on which seasonal differencing wins).
 * The rnn reads its window's phases from the table too (counting back one phase per step goes wrong
 * across a short Saturday or a break): its defaults (seasonal differencing) on the clock scored 0.88 of
 * the positional reading on the first 12 scenarios, two seeds each (6 lower; with the differencing alone
 * on the clock, 0.98), within its own spread from one seed to another (a scratch harness, not kept;
 * `--rnn` fits one seed). `clock_aligned: false`, a trial parameter never searched, reads positionally.
 *
 * Every other frequency, and a schedule series whose season was dropped (too short), has no alignment:
 * its reads stay positional, as every model stored before reads them.
 */
import { openingHourIndex } from './business-hours';
import type { Calendar } from './calendar';
import { clockOfPoint, holdsSlot, pointAtClock } from './opening-day';
import { dayHours, dayStartIndex, splitIndex, weekPhase, weekPoints, weekPosition } from './opening-schedule';
import type { SeriesFrequency } from './types';

/** The clock reading of a schedule's season: per position in its working week, how far back and which phase. */
export interface ClockAlignment {
  readonly season: number;
  /** Points in a working week: the table's period, and a lag that is always the same clock slot. */
  readonly week: number;
  /** Per week position: points back to the same clock slot on the last open day holding it. */
  readonly back: Int32Array;
  /** Per week position: the seasonal phase (the clock slot from the week's earliest opening, ./opening-schedule weekPhase). */
  readonly phase: Int32Array;
  /** The most points `days` open days back reaches, by `days` (filled as asked). */
  readonly reach: number[];
}

type Schedule = Extract<SeriesFrequency, { kind: 'business_hours' }>;

const tables = new WeakMap<Schedule, ClockAlignment>();

const mod = (a: number, n: number) => ((a % n) + n) % n;

/** The table of a schedule frequency (every position of its week), found once per frequency object. */
function tableOf(f: Schedule, season: number): ClockAlignment {
  const cached = tables.get(f);
  if (cached !== undefined) return cached;
  const week = weekPoints(f);
  const back = new Int32Array(week);
  const phase = new Int32Array(week);
  const workDays = f.workDays;
  for (let w = 0; w < week; w++) {
    const { dayIndex, within } = splitIndex(w, f);
    const slot = clockOfPoint(dayHours(f, weekPosition(dayIndex, f)), within);
    phase[w] = weekPhase(f, slot);
    // Working days back, up to the same day a week before, which always holds the slot.
    for (let k = 1; k <= workDays; k++) {
      const before = dayHours(f, weekPosition(dayIndex - k, f));
      if (holdsSlot(before, slot)) {
        back[w] = w - (dayStartIndex(dayIndex - k, f) + pointAtClock(before, slot, false));
        break;
      }
    }
  }
  const table: ClockAlignment = { season, week, back, phase, reach: [0] };
  tables.set(f, table);
  return table;
}

/**
 * The clock alignment of a calendar: for business hours whose days differ (a `days` schedule) and whose
 * season is the schedule's, else null (every day alike: `season` back already is the same clock slot).
 */
export function clockAlignmentOf(cal: Calendar): ClockAlignment | null {
  const f = cal.frequency;
  if (f.kind !== 'business_hours' || f.days === undefined || cal.season <= 1 || cal.season !== f.hours) return null;
  return tableOf(f, cal.season);
}

/**
 * How far back a difference of a season reaches: the season, or on the clock of a schedule the most
 * points back its last open day holding a slot is (Monday 09:00 back to Friday 09:00 after a Saturday
 * opening at 10:00; a week for a slot only one day holds). What the search spaces leave room for.
 */
export function seasonReach(frequency: SeriesFrequency, season: number): number {
  const al = clockAlignmentOf({ frequency, season, anchor: 0 });
  return al === null ? season : Math.max(season, daysReach(al, 1));
}

/** The week position (0 .. week-1, 0 = the first point of the working week) of an opening slot's time. */
export function weekPositionAt(al: ClockAlignment, cal: Calendar, t: number): number {
  return mod(openingHourIndex(t, cal.frequency as Schedule), al.week);
}

/** The index `days` open days back at the same clock slot from index u of a series whose index 0 is at week position `start`. */
export function daysBack(al: ClockAlignment, start: number, u: number, days: number): number {
  let v = u;
  for (let j = 0; j < days; j++) v -= al.back[mod(start + v, al.week)];
  return v;
}

/** The most points back `days` open days reaches, from any position. */
export function daysReach(al: ClockAlignment, days: number): number {
  if (al.reach[days] === undefined) {
    let most = 0;
    for (let w = 0; w < al.week; w++) most = Math.max(most, w - daysBack(al, 0, w, days));
    al.reach[days] = most;
  }
  return al.reach[days];
}

/** The phases of `count` consecutive points from week position `start` (any integer). */
export function phasesFrom(al: ClockAlignment, start: number, count: number): Int32Array {
  const out = new Int32Array(count);
  for (let i = 0; i < count; i++) out[i] = al.phase[mod(start + i, al.week)];
  return out;
}

/** The phase of index u of a series whose index 0 is at week position `start`. */
export function phaseReader(al: ClockAlignment, start: number): (u: number) => number {
  return (u) => al.phase[mod(start + u, al.week)];
}

/**
 * Which index a read `k` steps back from index u gives. Positional reads are u - k; on the clock, a whole
 * number of seasons back (but a week, which always is the same slot) is that many open days back.
 */
export type BackReader = (u: number, k: number) => number;

/** The reader of a series whose index 0 is at week position `start`; positional without an alignment. */
export function backReader(al: ClockAlignment | null, start: number): BackReader | undefined {
  if (al === null) return undefined;
  return (u, k) => (k === al.week || k % al.season !== 0 ? u - k : daysBack(al, start, u, k / al.season));
}

/** How far back a read of `k` steps may reach (k itself when positional). */
export function readReach(al: ClockAlignment | null, k: number): number {
  if (al === null || k === al.week || k % al.season !== 0 || k === 0) return k;
  return daysReach(al, k / al.season);
}
