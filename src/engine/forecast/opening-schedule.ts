/**
 * @module engine/forecast/opening-schedule
 * Opening hours that differ by day of the working week (a shop open 09:00 to 17:00 Monday to Friday and
 * 10:00 to 15:00 on Saturday; a pharmacy open 08:30 to 12:30 and 14:30 to 18:30 on weekdays but 09:00
 * to 13:00 on Saturday): the per-day schedule of a business-hours frequency and the arithmetic
 * ./business-hours needs from it, apart from the clock: each working day's opening (./opening-day, its
 * runs and breaks), where its points start in the opening-slot count, which day and point an index is,
 * the points of a week, the season and phase of a clock slot, a stored schedule's check, and the reading
 * of one from per-day slot counts. A frequency without a schedule is read as one whose every day is
 * `{ open: 0, points: hours }` with its daily breaks (`breakAfter`/`breakPoints`, or `breaks`), so the
 * same arithmetic serves every form and gives the counts it always gave.
 *
 * With a schedule, `hours` (the season) is the clock slots from the week's earliest opening to its latest
 * last point, less the slots every day is closed in between (a lunch break no day opens through): the
 * longest day's points when that day opens first and closes last, as a short Saturday inside the weekday
 * hours does; the span rather than that day's points, so that every clock slot some day opens has a phase
 * of its own (a Saturday opening at 08:00, an hour before the weekdays, widens it to 10 hourly slots, and
 * a Saturday open through the weekday lunch break keeps that hour as a phase). The phase of a point is
 * its clock slot from that earliest opening, counting on across those closed slots, so Saturday 10:00 has
 * Monday 10:00's phase. The daily shape is about the time of day (a lunch peak at 12:00 every day, a quiet
 * first hour): counting each day's slots from its own opening would put Saturday's 12:00 on Monday's
 * 11:00 and teach the phase one-hot two shapes at once. The price is that a short day never holds some
 * phases, and a lag of `hours` steps is not the same clock time the day before across a day of other
 * hours; the week (the sum of the days' points) stays exact, so a lag of a week is.
 */
import { type DayBreak, type DayHours, dayOfSlots, daySpan, holdsSlot, pointAtClock, sameHours, validBreaks } from './opening-day';

export type { DayBreak, DayHours } from './opening-day';

/** What the schedule arithmetic reads of a business-hours frequency. */
export interface ScheduleShape {
  readonly workDays?: number;
  readonly hours: number;
  /** The one daily break of days alike (see OpeningHours), as stored before days had breaks of their own. */
  readonly breakAfter?: number;
  readonly breakPoints?: number;
  /** The daily breaks of days alike closing more than once. */
  readonly breaks?: readonly DayBreak[];
  /** One entry per working day, working day 0 first; absent: every day `{ open: 0, points: hours }` and its breaks. */
  readonly days?: readonly DayHours[];
}

const workDaysOf = (s: { readonly workDays?: number }) => s.workDays ?? 5;

/** Position (0..workDays-1) in its week of working day `dayIndex` (any integer). */
export const weekPosition = (dayIndex: number, s: { readonly workDays?: number }): number => {
  const n = workDaysOf(s);
  return ((dayIndex % n) + n) % n;
};

/** The breaks every day of a frequency without a schedule shares: its list, its one daily break, or none. */
function dailyBreaks(s: ScheduleShape): readonly DayBreak[] | undefined {
  if (s.breaks !== undefined) return s.breaks;
  return s.breakAfter === undefined ? undefined : [{ after: s.breakAfter, slots: s.breakPoints ?? 0 }];
}

/** The day of a frequency without a schedule, made once per frequency (it is asked for at every step). */
const alikeDays = new WeakMap<ScheduleShape, DayHours>();

function everyDay(s: ScheduleShape): DayHours {
  let day = alikeDays.get(s);
  if (day === undefined) {
    const breaks = dailyBreaks(s);
    day = breaks === undefined ? { open: 0, points: s.hours } : { open: 0, points: s.hours, breaks };
    alikeDays.set(s, day);
  }
  return day;
}

/** The opening of the working day at week position `pos`. */
export const dayHours = (s: ScheduleShape, pos: number): DayHours => s.days?.[pos] ?? everyDay(s);

/** The working days' openings, working day 0 first. */
const allDays = (s: ScheduleShape): readonly DayHours[] => s.days ?? Array.from({ length: workDaysOf(s) }, () => everyDay(s));

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
export const scheduleSpan = (days: readonly DayHours[]): number => Math.max(...days.map((d) => d.open + daySpan(d)));

/** The clock slots the week spans from its earliest opening to its latest last point, plus one. */
export const weekSpan = (s: ScheduleShape): number => scheduleSpan(allDays(s));

/** The clock slots within some day's span that no day holds (a break every day shares), ascending. */
function closedInBetween(days: readonly DayHours[]): number[] {
  const closed = new Set<number>();
  for (const d of days) for (let slot = d.open; slot < d.open + daySpan(d); slot++) if (!days.some((other) => holdsSlot(other, slot))) closed.add(slot);
  return [...closed].sort((a, b) => a - b);
}

/** The season of a schedule: the clock slots it spans less those every day is closed in between. */
export const scheduleSeason = (days: readonly DayHours[]): number => scheduleSpan(days) - closedInBetween(days).length;

/** closedInBetween of a stored schedule, found once per schedule (the phase is asked for at every point). */
const closedOfSchedule = new WeakMap<readonly DayHours[], readonly number[]>();

/**
 * The phase of clock slot `slot` (an open one) from the week's earliest opening: the slot, less the
 * slots every day is closed in between before it (so days alike count their open slots, on after a break).
 */
export function weekPhase(s: ScheduleShape, slot: number): number {
  if (s.days === undefined) return pointAtClock(everyDay(s), slot, false);
  let closed = closedOfSchedule.get(s.days);
  if (closed === undefined) closedOfSchedule.set(s.days, (closed = closedInBetween(s.days)));
  return slot - closed.filter((c) => c < slot).length;
}

/**
 * Whether stored fields make a schedule: one day per working day, each opening at a whole slot (at least
 * 0) with at least 2 points and, when it closes in between, a non-empty list of breaks (./opening-day),
 * the earliest opening at 0 (the frequency's first hour and minute) and a season of `hours`
 * (scheduleSeason), so the phase stays within it. Days without breaks are as stored before days had them.
 */
export function validSchedule(days: unknown, workDays: unknown, hours: unknown): boolean {
  if (!Array.isArray(days) || days.length !== workDays) return false;
  const ok = days.every(
    (d) =>
      typeof d === 'object' && d !== null && Number.isInteger(d.open) && d.open >= 0 && Number.isInteger(d.points) && d.points >= 2 &&
      (d.breaks === undefined || (validBreaks(d.breaks, d.points) && d.breaks.length > 0)),
  );
  return ok && Math.min(...days.map((d: DayHours) => d.open)) === 0 && scheduleSeason(days) === hours;
}

/** Whether every day of a schedule opens at the same slot with as many points and the same breaks. */
export const sameDays = (days: readonly DayHours[]): boolean => days.every((d) => sameHours(d, days[0]));

/**
 * The opening of one working day from its points per clock slot: the slots holding at least `majority`
 * as many points as the day's busiest (a stray early or late point, a few missing ones, do not count or
 * hide one), as runs around the day's breaks, at least 2 points. Null otherwise (a day never seen).
 */
function dayRuns(counts: readonly number[], majority: number): DayHours | null {
  const busiest = Math.max(...counts);
  if (busiest === 0) return null;
  return dayOfSlots(counts.map((c) => c >= majority * busiest));
}

/**
 * The schedule of a week read from its points per working day and clock slot (`counts[pos][slot]`,
 * slots counted from a first slot no day opens before), or null when a day has fewer than 2 points.
 * `shift` is the slot the earliest day opens at: the frequency's first hour moves by it, and the days'
 * openings are counted from there.
 */
export function readSchedule(counts: readonly (readonly number[])[], majority: number): { days: DayHours[]; shift: number } | null {
  const runs = counts.map((c) => dayRuns(c, majority));
  if (runs.some((r) => r === null)) return null;
  const days = runs as DayHours[];
  const shift = Math.min(...days.map((r) => r.open));
  return { days: days.map((r) => ({ ...r, open: r.open - shift })), shift };
}

