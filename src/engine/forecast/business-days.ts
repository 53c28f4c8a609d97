/**
 * @module engine/forecast/business-days
 * Business-day series (stock prices, B2B sales): one point per working day, five a week, the weekend
 * skipped. Owns the weekday arithmetic the frequency needs: a business-day count from the start of a
 * week (so its remainder by 5 is the weekday phase, Monday 0 .. Friday 4), stepping over weekends while
 * keeping the time of day, and detection from sorted timestamps. All in UTC days; the working week's
 * first UTC day is detected rather than assumed Monday, because local midnights east of UTC
 * (`…T00:00:00+01:00`) fall on the UTC day before, and a Sunday-to-Thursday week is the same shape.
 */

const DAY = 86_400_000;

/** Business days in a working week: the season of a business-day series. */
export const BUSINESS_WEEK = 5;

/** 1970-01-01, day 0 of epoch days, was a Thursday (UTC day of week 4). */
const EPOCH_WEEKDAY = 4;

/** Week number and position in the week (0..4 working days, 5 and 6 the weekend) of a UTC epoch day. */
function weekOf(day: number, weekStart: number): { week: number; pos: number } {
  const e = day + EPOCH_WEEKDAY - weekStart;
  const week = Math.floor(e / 7);
  return { week, pos: e - 7 * week };
}

/** The UTC epoch day of business day `index` (inverse of businessIndex on working days). */
function dayOfIndex(index: number, weekStart: number): number {
  const week = Math.floor(index / BUSINESS_WEEK);
  return 7 * week + (index - BUSINESS_WEEK * week) - EPOCH_WEEKDAY + weekStart;
}

/**
 * Business days from a fixed origin to the day of `t` (any integer, negative before 1970). A weekend
 * day, which a checked series never holds, counts as the Friday before when `roundUp` is false and as
 * the Monday after when it is true, so stepping from it lands on the nearest working day either way.
 */
export function businessIndex(t: number, weekStart: number, roundUp = false): number {
  const { week, pos } = weekOf(Math.floor(t / DAY), weekStart);
  if (pos < BUSINESS_WEEK) return BUSINESS_WEEK * week + pos;
  return BUSINESS_WEEK * week + (roundUp ? BUSINESS_WEEK : BUSINESS_WEEK - 1);
}

/** Whether `t` falls on a working day of the week starting on UTC day `weekStart`. */
export function isBusinessDay(t: number, weekStart: number): boolean {
  return weekOf(Math.floor(t / DAY), weekStart).pos < BUSINESS_WEEK;
}

/** The time `k` business days after `t` (k may be negative), at the same time of day. */
export function addBusinessDays(t: number, k: number, weekStart: number): number {
  if (k === 0) return t;
  const day = Math.floor(t / DAY);
  const timeOfDay = t - day * DAY;
  // From a weekend day, one step forward is the Monday after and one step back the Friday before.
  const index = businessIndex(t, weekStart, k < 0) + k;
  return dayOfIndex(index, weekStart) * DAY + timeOfDay;
}

/**
 * The UTC day the working week starts on, when sorted datetimes are a business-day series: at least
 * `majority` of the points fall on its five days, at least `majority` of the steps go to the next
 * working day at the same time of day, and at least one step jumps a weekend (Friday to Monday; without
 * one, the points are as well read as daily). Otherwise null. The stray tolerance is the one calendar
 * months get: a holiday or a weekend point does not hide the frequency, checkRegular then names it.
 */
export function detectBusinessWeek(times: Float64Array, majority: number): number | null {
  const n = times.length;
  if (n < 3) return null;
  const perWeekday = new Array<number>(7).fill(0);
  for (const t of times) perWeekday[(((Math.floor(t / DAY) + EPOCH_WEEKDAY) % 7) + 7) % 7]++;
  // Monday first, so it wins a tie (a series too short to show which days it skips).
  let weekStart = -1;
  let inWeek = -1;
  for (const start of [1, 2, 3, 4, 5, 6, 0]) {
    let count = 0;
    for (let j = 0; j < BUSINESS_WEEK; j++) count += perWeekday[(start + j) % 7];
    if (count > inWeek) [weekStart, inWeek] = [start, count];
  }
  if (inWeek < majority * n) return null;
  let follow = 0;
  let weekendJumps = 0;
  for (let i = 1; i < n; i++) {
    if (times[i] !== addBusinessDays(times[i - 1], 1, weekStart)) continue;
    follow++;
    if (times[i] - times[i - 1] === 3 * DAY) weekendJumps++;
  }
  return weekendJumps > 0 && follow >= majority * (n - 1) ? weekStart : null;
}
