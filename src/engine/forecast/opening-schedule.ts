/**
 * @module engine/forecast/opening-schedule
 * Opening hours that differ by day of the working week (a shop open 09:00 to 17:00 Monday to Friday and
 * 10:00 to 15:00 on Saturday): the per-day schedule of a business-hours frequency and the arithmetic
 * ./business-hours needs from it, apart from the clock: where each working day's points start in the
 * opening-slot count, which day and point an index is, the points of a week, a stored schedule's check,
 * and the reading of one from per-day slot counts. A frequency without a schedule is read as one whose
 * every day is `{ open: 0, points: hours }`, so the same arithmetic serves both and gives the counts it
 * always gave.
 *
 * With a schedule, `hours` (the season) is the clock slots from the week's earliest opening to its latest
 * last point: the longest day's points when that day opens first and closes last, as a short Saturday
 * inside the weekday hours does; the span rather than that day's points, so that every clock slot some
 * day opens has a phase of its own (a Saturday opening at 08:00, an hour before the weekdays, widens it
 * to 10 hourly slots). The phase of a point is its clock slot from that earliest opening, so
 * Saturday 10:00 has Monday 10:00's phase. The daily shape is about the time of day (a lunch peak at
 * 12:00 every day, a quiet first hour): counting each day's slots from its own opening would put
 * Saturday's 12:00 on Monday's 11:00 and teach the phase one-hot two shapes at once. The price is that a
 * short day never holds some phases, and a lag of `hours` steps is not the same clock time the day before
 * across a day of other hours; the week (the sum of the days' points) stays exact, so a lag of a week is.
 */

/** One working day of a schedule: its first point in steps from the frequency's first hour and minute, and its number of points. */
export interface DayHours {
  readonly open: number;
  readonly points: number;
}

/** What the schedule arithmetic reads of a business-hours frequency. */
export interface ScheduleShape {
  readonly workDays?: number;
  readonly hours: number;
  /** One entry per working day, working day 0 first; absent: every day `{ open: 0, points: hours }`. */
  readonly days?: readonly DayHours[];
}

const workDaysOf = (s: { readonly workDays?: number }) => s.workDays ?? 5;

/** Position (0..workDays-1) in its week of working day `dayIndex` (any integer). */
export const weekPosition = (dayIndex: number, s: { readonly workDays?: number }): number => {
  const n = workDaysOf(s);
  return ((dayIndex % n) + n) % n;
};

/** The opening of the working day at week position `pos`. */
export const dayHours = (s: ScheduleShape, pos: number): DayHours => s.days?.[pos] ?? { open: 0, points: s.hours };

/** Points in a working week: the sum of its days' points (the week of the weekly lag and season). */
export function weekPoints(s: ScheduleShape): number {
  if (s.days === undefined) return s.hours * workDaysOf(s);
  return s.days.reduce((sum, d) => sum + d.points, 0);
}

/** Points of the days before week position `pos`. */
function pointsBefore(s: ScheduleShape, pos: number): number {
  let sum = 0;
  for (let i = 0; i < pos; i++) sum += dayHours(s, i).points;
  return sum;
}

/** The opening-slot index of the first point of working day `dayIndex` (any integer). */
export function dayStartIndex(dayIndex: number, s: ScheduleShape): number {
  const n = workDaysOf(s);
  const week = Math.floor(dayIndex / n);
  return week * weekPoints(s) + pointsBefore(s, dayIndex - week * n);
}

/** The working day of opening-slot index `index` (any integer) and the point within it (0..points-1). */
export function splitIndex(index: number, s: ScheduleShape): { dayIndex: number; within: number } {
  const total = weekPoints(s);
  const week = Math.floor(index / total);
  let within = index - week * total;
  let pos = 0;
  while (within >= dayHours(s, pos).points) within -= dayHours(s, pos++).points;
  return { dayIndex: week * workDaysOf(s) + pos, within };
}

/** The clock slots a schedule spans from its earliest opening: the latest last point, plus one. */
export const scheduleSpan = (days: readonly DayHours[]): number => Math.max(...days.map((d) => d.open + d.points));

/**
 * Whether stored fields make a schedule: one day per working day, each opening at a whole slot (at least
 * 0) with at least 2 points, the earliest opening at 0 (the frequency's first hour and minute) and the
 * latest last point at `hours` - 1, so the phase (a clock slot) stays within the season.
 */
export function validSchedule(days: unknown, workDays: unknown, hours: unknown): boolean {
  if (!Array.isArray(days) || days.length !== workDays) return false;
  const ok = days.every((d) => typeof d === 'object' && d !== null && Number.isInteger(d.open) && d.open >= 0 && Number.isInteger(d.points) && d.points >= 2);
  return ok && Math.min(...days.map((d: DayHours) => d.open)) === 0 && scheduleSpan(days) === hours;
}

/** Whether every day of a schedule opens at the same slot with as many points. */
export const sameDays = (days: readonly DayHours[]): boolean => days.every((d) => d.open === days[0].open && d.points === days[0].points);

/**
 * The run of one working day from its points per clock slot: the slots holding at least `majority` as
 * many points as the day's busiest (a stray early or late point, a few missing ones, do not count or hide
 * one) must be consecutive, at least 2. Null otherwise (a day with a break, or never seen).
 */
function dayRun(counts: readonly number[], majority: number): DayHours | null {
  const busiest = Math.max(...counts);
  if (busiest === 0) return null;
  const open = counts.map((c) => c >= majority * busiest);
  const first = open.indexOf(true);
  const points = open.lastIndexOf(true) - first + 1;
  if (points < 2 || open.slice(first, first + points).includes(false)) return null;
  return { open: first, points };
}

/**
 * The schedule of a week read from its points per working day and clock slot (`counts[pos][slot]`,
 * slots counted from a first slot no day opens before), or null when a day is not one run of at least
 * 2 points. `shift` is the slot the earliest day opens at: the frequency's first hour moves by it, and
 * the days' openings are counted from there.
 */
export function readSchedule(counts: readonly (readonly number[])[], majority: number): { days: DayHours[]; shift: number } | null {
  const runs = counts.map((c) => dayRun(c, majority));
  if (runs.some((r) => r === null)) return null;
  const shift = Math.min(...runs.map((r) => (r as DayHours).open));
  return { days: runs.map((r) => ({ open: (r as DayHours).open - shift, points: (r as DayHours).points })), shift };
}
