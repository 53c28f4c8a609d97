/**
 * @module engine/forecast/business-hours
 * Business-hours series: hourly points recorded only while a call centre or a shop is open (09:00 to
 * 17:00 Monday to Friday, 10:00 to 19:00 Monday to Saturday, 08:00 to 21:00 every day). The overnight
 * and closed-day jumps are not one hour, so the plain hourly reading refuses such a series as irregular;
 * here the step is one opening hour. Owns the arithmetic the frequency needs: an opening-hour count from
 * a fixed origin (its remainder by the hours of a day is the hour of the opening day, the seasonal
 * phase), stepping over closed hours and days, whether a time is open, detection from sorted timestamps,
 * and what a refusal tells the user. Working days are counted by ./business-days.
 *
 * Everything is on the UTC clock. A point belongs to the opening day whose first hour precedes it, so a
 * run of hours that passes UTC midnight (local opening hours east or west of UTC) is still one day, on
 * the UTC day of its first hour: that is the day the working week is detected on.
 */
import { businessIndex, dayOfIndex, detectBusinessWeek, isBusinessDay, type WorkWeek } from './business-days';
import { MAX_GAP_POINTS, SHORT_GAPS_RULE } from './gap-limits';

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** The working week and the run of hours open on each of its days (the fields of a business-hours frequency). */
export interface OpeningHours extends WorkWeek {
  readonly workDays: 5 | 6 | 7;
  /** UTC hour (0..23) and minute (0..59) of the first point of every working day. */
  readonly firstHour: number;
  readonly minute: number;
  /** Points per working day, one hour apart (2..23; the run may pass UTC midnight). */
  readonly hours: number;
}

/** Where a time falls: its opening day (UTC epoch day of that day's first hour), the hour counted from the opening, and the rest within the hour. */
function placeOf(t: number, o: OpeningHours): { day: number; hour: number; rest: number } {
  const sinceOpening = t - (o.firstHour * HOUR + o.minute * MINUTE);
  const day = Math.floor(sinceOpening / DAY);
  const withinDay = sinceOpening - day * DAY;
  const hour = Math.floor(withinDay / HOUR);
  return { day, hour, rest: withinDay - hour * HOUR };
}

/** Whether `t` is one of the opening hours: on the series' minute, within the run of hours, on a working day. */
export function isOpeningHour(t: number, o: OpeningHours): boolean {
  const { day, hour, rest } = placeOf(t, o);
  return rest === 0 && hour < o.hours && isBusinessDay(day * DAY, o);
}

/**
 * Opening hours from a fixed origin to `t` (any integer). A closed time, which a checked series never
 * holds, counts as the last opening hour before it when `roundUp` is false and as the first one after
 * when it is true, so that stepping from it lands on the nearest opening hour either way.
 */
export function openingHourIndex(t: number, o: OpeningHours, roundUp = false): number {
  const { day, hour } = placeOf(t, o);
  const workingDay = isBusinessDay(day * DAY, o);
  // On a closed day, businessIndex already rounds to the working day before (or after).
  const index = businessIndex(day * DAY, o, roundUp);
  if (workingDay && hour < o.hours) return index * o.hours + hour;
  // After closing (up to the next day's opening), or a closed day rounded up to the working day after.
  if (!roundUp) return index * o.hours + o.hours - 1;
  return (workingDay ? index + 1 : index) * o.hours;
}

/** The time of opening hour `index`, `rest` past it. */
function timeOfIndex(index: number, o: OpeningHours, rest: number): number {
  const dayIndex = Math.floor(index / o.hours);
  const hour = index - dayIndex * o.hours;
  return dayOfIndex(dayIndex, o) * DAY + o.firstHour * HOUR + o.minute * MINUTE + hour * HOUR + rest;
}

/** The time `k` opening hours after `t` (k may be negative), keeping any offset within the hour. */
export function addOpeningHours(t: number, k: number, o: OpeningHours): number {
  if (k === 0) return t;
  // From a closed time, one step forward is the first opening hour after and one step back the last before.
  return timeOfIndex(openingHourIndex(t, o, k < 0) + k, o, placeOf(t, o).rest);
}

/** The most frequent value of a list and its count (ties: the first seen). */
function mostFrequent(values: Iterable<number>): { value: number; count: number } {
  const counts = new Map<number, number>();
  let best = { value: NaN, count: 0 };
  for (const v of values) {
    const c = (counts.get(v) ?? 0) + 1;
    counts.set(v, c);
    if (c > best.count) best = { value: v, count: c };
  }
  return best;
}

/** The offset past the hour (whole minutes, in ms) at least `majority` of the points share, or null. */
function gridOffset(times: Float64Array, majority: number): number | null {
  const offset = mostFrequent(Array.from(times, (t) => ((t % HOUR) + HOUR) % HOUR));
  return offset.count >= majority * times.length && offset.value % MINUTE === 0 ? offset.value : null;
}

/**
 * The run of hours the day is open: the UTC hours holding at least `majority` as many points as the
 * busiest one (a stray early or late point, a few missing hours, do not count or hide one) must be 2..23
 * consecutive hours on the 24-hour circle. Null for a full 24-hour day (plain hourly), for one hour a
 * day (business days at that time), and for hours split in two runs (a lunch closing), which are none
 * of the shapes this frequency knows. Local hours written with a daylight-saving offset hold their first
 * and last UTC hours in part of the year only: the hours they share make the run, and the others are
 * then refused as outside it, saying why, rather than read as a longer day missing an hour every day.
 */
function openRun(times: Float64Array, offset: number, majority: number): { firstHour: number; hours: number } | null {
  const perHour = new Array<number>(24).fill(0);
  for (const t of times) {
    const sinceMidnight = (((t - offset) % DAY) + DAY) % DAY;
    if (sinceMidnight % HOUR === 0) perHour[sinceMidnight / HOUR]++;
  }
  const busiest = Math.max(...perHour);
  const open = perHour.map((c) => c >= majority * busiest);
  const hours = open.filter(Boolean).length;
  const openings = open.map((o, h) => o && !open[(h + 23) % 24]);
  if (hours < 2 || hours > 23 || openings.filter(Boolean).length !== 1) return null;
  return { firstHour: openings.indexOf(true), hours };
}

/** The working week of the opening days the points fall on: five or six days as business days detect them, else every day. */
function workingWeekOf(times: Float64Array, run: Omit<OpeningHours, 'weekStart' | 'workDays'>, majority: number): WorkWeek & { workDays: 5 | 6 | 7 } {
  const everyDay = { ...run, weekStart: 1, workDays: 7 as const };
  const days = new Set<number>();
  for (const t of times) {
    const p = placeOf(t, everyDay);
    if (p.hour < run.hours) days.add(p.day);
  }
  const week = detectBusinessWeek(Float64Array.from([...days].sort((a, b) => a - b), (d) => d * DAY), majority);
  if (week === null) return { weekStart: 1, workDays: 7 };
  return { weekStart: week.weekStart, workDays: (week.workDays ?? 5) as 5 | 6 };
}

/**
 * The opening hours of sorted datetimes, when they are a business-hours series: at least `majority` of
 * the points share a minute past the hour, the hours of the day nearly every day holds make one run of
 * 2..23 hours, and at least `majority` of the steps go to the next opening hour, one at least jumping
 * closed hours (an evening or a weekend; without one, nothing tells the run from plain hours). The tolerance is the one
 * the other calendars have: a stray or a missing hour does not hide the frequency, checkRegular then
 * names it. Otherwise null. Callers try this only when the plain hourly reading fails.
 */
export function detectOpeningHours(times: Float64Array, majority: number): OpeningHours | null {
  if (times.length < 3) return null;
  const offset = gridOffset(times, majority);
  if (offset === null) return null;
  const run = openRun(times, offset, majority);
  if (run === null) return null;
  const partial = { firstHour: run.firstHour, minute: offset / MINUTE, hours: run.hours };
  const hours: OpeningHours = { ...workingWeekOf(times, partial, majority), ...partial };
  let follow = 0;
  let jumps = 0;
  for (let i = 1; i < times.length; i++) {
    if (times[i] !== addOpeningHours(times[i - 1], 1, hours)) continue;
    follow++;
    if (times[i] - times[i - 1] > HOUR) jumps++;
  }
  return jumps > 0 && follow >= majority * (times.length - 1) ? hours : null;
}

const clock = (hour: number, minute: number) => `${String(hour % 24).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;

/** The opening hours in words: "hourly from 09:00 to 17:00 UTC, Monday to Friday". */
export function describeOpeningHours(o: OpeningHours): string {
  const last = o.firstHour + o.hours - 1;
  const wraps = last >= 24 ? ' the next UTC day' : '';
  const days = o.workDays === 7 ? 'every day' : `${WEEKDAYS[o.weekStart]} to ${WEEKDAYS[(o.weekStart + o.workDays - 1) % 7]}`;
  return `hourly from ${clock(o.firstHour, o.minute)} to ${clock(last, o.minute)}${wraps} UTC, ${days}`;
}

/** The first working day wholly missing between the expected next opening hour and a later open point, or null. */
function missingWholeDay(expected: number, t: number, o: OpeningHours): number | null {
  const firstFullDay = Math.ceil(openingHourIndex(expected, o) / o.hours);
  return (firstFullDay + 1) * o.hours <= openingHourIndex(t, o) ? firstFullDay : null;
}

/**
 * What the user can do about point `t` of a business-hours series when `expected` was the next opening
 * hour: a point off the minute, on a closed day or outside the hours is removed; a missing whole day (a
 * holiday) is more steps than a gap is filled over, so its hours are added as empty rows (interpolated)
 * or the series resampled daily; a shorter gap is added like any other.
 */
export function openingHoursRemedy(t: number, expected: number, o: OpeningHours): string {
  const { day, hour, rest } = placeOf(t, o);
  const hours = `its opening hours are ${describeOpeningHours(o)}`;
  if (rest !== 0) return `it is not at :${String(o.minute).padStart(2, '0')} past the hour as the other points are (${hours}): correct or remove the row, or resample the series`;
  // Before the hours are checked, a point at 08:00 on a Monday would be on the closed Sunday's evening.
  if (hour >= o.hours) {
    return (
      `it falls outside the opening hours, which a business-hours series skips (${hours}): remove the row or resample the series. ` +
      'Opening hours are read on the UTC clock, so timestamps whose UTC offset follows daylight saving time move by an hour twice a year: write the local times without an offset (2024-03-15 09:00), which read the same all year'
    );
  }
  if (!isBusinessDay(day * DAY, o)) return `it falls on a closed day of the week, which a business-hours series skips (${hours}): remove the row or resample the series`;
  const wholeDay = t > expected ? missingWholeDay(expected, t, o) : null;
  if (wholeDay !== null) {
    const first = timeOfIndex(wholeDay * o.hours, o, 0);
    const last = timeOfIndex(wholeDay * o.hours + o.hours - 1, o, 0);
    const iso = (x: number) => new Date(x).toISOString();
    return (
      `the series misses the whole working day of ${WEEKDAYS[new Date(first).getUTCDay()]} ${iso(first).slice(0, 10)} (its ${o.hours} opening hours, ${iso(first)} to ${iso(last)}), ` +
      `more steps than the ${MAX_GAP_POINTS} a gap is filled over: a holiday of a business-hours series must be added by you, as one row per opening hour with an empty target ` +
      '(they are then interpolated), or the series resampled daily'
    );
  }
  return `the next opening hour is ${new Date(expected).toISOString()}: add the missing hours with an empty target (they are interpolated; ${SHORT_GAPS_RULE}) or resample the series`;
}
