/**
 * @module engine/forecast/business-days
 * Working-day series: one point per working day, the closed days of the week skipped. Business days
 * (stock prices, B2B sales) work five days and skip a weekend of two; a shop closed on Sundays works six
 * and skips one. Owns the weekday arithmetic the frequency needs, generic over the number of working
 * days: a working-day count from the start of a week (so its remainder by the working days is the weekday
 * phase, Monday 0 .. Friday 4 or Saturday 5), stepping over closed days while keeping the time of day,
 * and detection from sorted timestamps. All in UTC days; the working week's first UTC day is detected
 * rather than assumed Monday, because local midnights east of UTC (`…T00:00:00+01:00`) fall on the UTC
 * day before, and a Sunday-to-Thursday (or Sunday-to-Friday) week is the same shape. Business hours
 * (./business-hours) count their working days with the same arithmetic, and also allow a week of seven.
 */

const DAY = 86_400_000;

/** Working days of a business week, and of a week when an older frequency does not say. */
export const BUSINESS_WEEK = 5;

/** The working-week lengths detection tries, the business week first so that it wins a tie. */
const WORK_DAYS = [5, 6] as const;

/**
 * Which days of the week are worked: `workDays` consecutive UTC days from `weekStart` (0 = Sunday).
 * A business-day frequency is one, so it is passed as it is.
 */
export interface WorkWeek {
  readonly weekStart: number;
  /**
   * 5 or 6 (7 for business hours open every day); absent in frequencies stored before six-day weeks,
   * which were all five.
   */
  readonly workDays?: number;
}

/** 1970-01-01, day 0 of epoch days, was a Thursday (UTC day of week 4). */
const EPOCH_WEEKDAY = 4;

/** Working days in the week of `w`. */
export const workDaysOf = (w: WorkWeek): number => w.workDays ?? BUSINESS_WEEK;

/** Week number and position in the week (0..workDays-1 working days, the rest closed) of a UTC epoch day. */
function weekOf(day: number, weekStart: number): { week: number; pos: number } {
  const e = day + EPOCH_WEEKDAY - weekStart;
  const week = Math.floor(e / 7);
  return { week, pos: e - 7 * week };
}

/** The UTC epoch day of working day `index` (inverse of businessIndex on working days). */
export function dayOfIndex(index: number, w: WorkWeek): number {
  const n = workDaysOf(w);
  const week = Math.floor(index / n);
  return 7 * week + (index - n * week) - EPOCH_WEEKDAY + w.weekStart;
}

/**
 * Working days from a fixed origin to the day of `t` (any integer, negative before 1970). A closed day,
 * which a checked series never holds, counts as the last working day before when `roundUp` is false and
 * as the first one after when it is true, so stepping from it lands on the nearest working day either way.
 */
export function businessIndex(t: number, w: WorkWeek, roundUp = false): number {
  const n = workDaysOf(w);
  const { week, pos } = weekOf(Math.floor(t / DAY), w.weekStart);
  if (pos < n) return n * week + pos;
  return n * week + (roundUp ? n : n - 1);
}

/** Whether `t` falls on a working day of `w`. */
export function isBusinessDay(t: number, w: WorkWeek): boolean {
  return weekOf(Math.floor(t / DAY), w.weekStart).pos < workDaysOf(w);
}

/** The time `k` working days after `t` (k may be negative), at the same time of day. */
export function addBusinessDays(t: number, k: number, w: WorkWeek): number {
  if (k === 0) return t;
  const day = Math.floor(t / DAY);
  const timeOfDay = t - day * DAY;
  // From a closed day, one step forward is the first working day after and one step back the last before.
  const index = businessIndex(t, w, k < 0) + k;
  return dayOfIndex(index, w) * DAY + timeOfDay;
}

/** How well one working week explains sorted times: the steps it expects, and whether it qualifies. */
function fitWeek(times: Float64Array, perWeekday: readonly number[], workDays: number, majority: number): { week: WorkWeek; follow: number } | null {
  const n = times.length;
  // Monday first, so it wins a tie (a series too short to show which days it skips).
  let weekStart = -1;
  let inWeek = -1;
  for (const start of [1, 2, 3, 4, 5, 6, 0]) {
    let count = 0;
    for (let j = 0; j < workDays; j++) count += perWeekday[(start + j) % 7];
    if (count > inWeek) [weekStart, inWeek] = [start, count];
  }
  if (inWeek < majority * n) return null;
  const week = { weekStart, workDays };
  const jump = (8 - workDays) * DAY; // last working day to the first of the next week
  let follow = 0;
  let jumps = 0;
  let oneDay = 0;
  for (let i = 1; i < n; i++) {
    const step = times[i] - times[i - 1];
    if (step === DAY) oneDay++;
    if (times[i] !== addBusinessDays(times[i - 1], 1, week)) continue;
    follow++;
    if (step === jump) jumps++;
  }
  // Six of seven days hold 86% of a daily series, and a missing Sunday is a two-day jump: the week must
  // explain more steps than plain days do, or the series is daily with a gap.
  return jumps > 0 && follow >= majority * (n - 1) && follow > oneDay ? { week, follow } : null;
}

/**
 * The working week of sorted datetimes, when they are a working-day series: at least `majority` of the
 * points fall on its five or six consecutive days, at least `majority` of the steps go to the next
 * working day at the same time of day, at least one step jumps the closed days (Friday to Monday, or
 * Saturday to Monday; without one, the points are as well read as daily), and more steps are explained
 * than by plain days. When both lengths qualify, the one explaining more steps wins, five on a tie, so a
 * Monday-to-Friday series with a stray Saturday stays a business week. Otherwise null. The stray
 * tolerance is the one calendar months get: a holiday or a closed-day point does not hide the frequency,
 * checkRegular then names it. Five-day weeks are returned without `workDays`, as they always were.
 */
export function detectBusinessWeek(times: Float64Array, majority: number): WorkWeek | null {
  if (times.length < 3) return null;
  const perWeekday = new Array<number>(7).fill(0);
  for (const t of times) perWeekday[(((Math.floor(t / DAY) + EPOCH_WEEKDAY) % 7) + 7) % 7]++;
  let best: { week: WorkWeek; follow: number } | null = null;
  for (const workDays of WORK_DAYS) {
    const fit = fitWeek(times, perWeekday, workDays, majority);
    if (fit !== null && (best === null || fit.follow > best.follow)) best = fit;
  }
  if (best === null) return null;
  return best.week.workDays === BUSINESS_WEEK ? { weekStart: best.week.weekStart } : best.week;
}
