/**
 * @module engine/forecast/business-hours
 * Business-hours series: points recorded only while a call centre or a shop is open (09:00 to 17:00
 * Monday to Friday, 10:00 to 19:00 Monday to Saturday, 08:00 to 21:00 every day), every hour, half hour
 * or quarter hour (the intervals of call-centre workforce planning). The overnight and closed-day jumps
 * are not one step, so the plain fixed-step reading refuses such a series as irregular; here the step is
 * one opening slot (an opening hour when the step is an hour). A day is one or more runs of open slots:
 * it may close in between, once (a shop open 09:00 to 12:00 and 13:00 to 17:00: its lunch break) or more
 * (08:00 to 10:00, 10:30 to 12:30 and 13:30 to 17:00), the same every working day; or the days may open
 * for different hours, each with its own runs (09:00 to 17:00 Monday to Friday and 10:00 to 15:00 on
 * Saturday; a pharmacy open 08:30 to 12:30 and 14:30 to 18:30 on weekdays, 09:00 to 13:00 on Saturday):
 * a schedule (./opening-schedule; one day's runs and breaks are ./opening-day). Owns the frequency's
 * fields and the arithmetic it needs: an opening-slot count from a fixed origin (which gives the open slot
 * of the day, the seasonal phase), stepping over breaks, closed hours and days both ways, whether a time
 * is open, and the working day of a time. Working days are counted by ./business-days; detection from
 * sorted timestamps is ./opening-hours-reading, what a refusal tells the user ./opening-hours-words.
 *
 * Everything is on the UTC clock (a series read on its local clock holds its wall-clock times as UTC
 * fields, so the same arithmetic reads them: ./local-clock). A point belongs to the opening day whose first point (with a schedule,
 * the week's earliest opening time) precedes it, so a run that passes UTC midnight (local opening hours
 * east or west of UTC) is still one day, on the UTC day of its first point: that is the day the working
 * week is detected on.
 */
import { businessIndex, dayOfIndex, isBusinessDay, type WorkWeek } from './business-days';
import { clockOfPoint, breakAt, type DayBreak, type DayHours, daySpan, pointAtClock } from './opening-day';
import { dayHours, dayStartIndex, splitIndex, weekPhase, weekPosition } from './opening-schedule';

export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

/** Minutes between the points of an opening day. */
export type OpeningStep = 15 | 30 | 60;

/** The frequency's name per step, and the words a refusal uses for one step. */
const STEPS = {
  60: { name: 'business_hourly', cadence: 'hourly', unit: 'hour' },
  30: { name: 'business_half_hourly', cadence: 'every 30 minutes', unit: 'half-hour' },
  15: { name: 'business_quarter_hourly', cadence: 'every 15 minutes', unit: 'quarter-hour' },
} as const;

/** Whether a step in minutes is one a business-hours series may take. */
export const isOpeningStep = (minutes: number): minutes is OpeningStep => Object.hasOwn(STEPS, minutes);

/** The working week and the runs of points open on each of its days (the fields of a business-hours frequency). */
export interface OpeningHours extends WorkWeek {
  readonly workDays: 5 | 6 | 7;
  /** UTC hour (0..23) and minute (0..59) of the first point of every working day (with `days`, of the earliest opening). */
  readonly firstHour: number;
  readonly minute: number;
  /**
   * Points per working day, one step apart but across its breaks: hours when the step is an hour (at
   * least 2, the day from its first point to its last shorter than 24 hours; it may pass UTC midnight).
   * With `days`, the clock slots from the earliest opening to the latest last point less those every day
   * is closed in between, the season (see ./opening-schedule).
   */
  readonly hours: number;
  /**
   * Per working day (0 = `weekStart`), its first point in steps from `firstHour`:`minute`, its points and
   * its breaks, when the days open for different hours; absent: every day `hours` points from
   * `firstHour`:`minute` with the daily breaks below, as in every frequency stored before schedules.
   * Never with the daily break fields (a day's own `breaks` say it); a day without breaks has no field,
   * as schedules were stored before days had breaks.
   */
  readonly days?: readonly DayHours[];
  /** Minutes between the points: 30 or 15; absent (or 60) for an hour, as in every frequency stored before shorter steps. */
  readonly stepMinutes?: OpeningStep;
  /**
   * The daily break (a lunch closing) of days alike: `breakAfter` points (1..hours-1) before it, then
   * `breakPoints` slots (at least 1) closed. Both absent: the points of a day are consecutive, as in
   * every frequency stored before breaks (or it closes more than once: `breaks`). `hours` counts the open
   * points only.
   */
  readonly breakAfter?: number;
  readonly breakPoints?: number;
  /**
   * The breaks of days alike that close more than once a day (./opening-day), in order; stored only then,
   * a single break keeping `breakAfter` and `breakPoints` as before.
   */
  readonly breaks?: readonly DayBreak[];
}

/** Minutes between the points of `o`. */
export const stepMinutesOf = (o: OpeningHours): OpeningStep => o.stepMinutes ?? 60;

/** The frequency name of a step: business_hourly, business_half_hourly or business_quarter_hourly. */
export const openingStepName = (stepMinutes: OpeningStep) => STEPS[stepMinutes].name;

/** What one step of `o` is called in messages: hour, half-hour or quarter-hour. */
export const openingUnit = (o: OpeningHours): string => STEPS[stepMinutesOf(o)].unit;

/** How often `o` has a point, in words: hourly, every 30 minutes, every 15 minutes. */
export const openingCadence = (o: OpeningHours): string => STEPS[stepMinutesOf(o)].cadence;

/**
 * Whether points per day, a step and the slots closed by breaks make an opening day: at least 2 points,
 * the day from its first point to its last shorter than a day (a full day is a fixed step).
 */
export const validRun = (points: unknown, stepMinutes: number, closed = 0): boolean =>
  Number.isInteger(points) && (points as number) >= 2 && ((points as number) + closed) * stepMinutes < 24 * 60;

/**
 * Whether stored fields make an opening day: `hours` points at the step, and a break with both of its
 * fields (`breakAfter` 1..hours-1 points before it, `breakPoints` >= 1 closed slots) or neither.
 */
export function validOpeningDay(hours: unknown, stepMinutes: number, breakAfter: unknown, breakPoints: unknown): boolean {
  if (breakAfter === undefined && breakPoints === undefined) return validRun(hours, stepMinutes);
  if (!Number.isInteger(breakAfter) || !Number.isInteger(breakPoints) || (breakPoints as number) < 1) return false;
  return validRun(hours, stepMinutes, breakPoints as number) && (breakAfter as number) >= 1 && (breakAfter as number) < (hours as number);
}

/** Milliseconds between the points of `o`. */
export const stepOf = (o: OpeningHours) => stepMinutesOf(o) * MINUTE;

/** The opening of the working day on UTC epoch day `day` (a working day of `o`). */
export const hoursOn = (day: number, o: OpeningHours): DayHours => dayHours(o, weekPosition(businessIndex(day * DAY, o), o));

/** Whether clock slot `slot` falls within day `d`'s span (from its first point to its last, its breaks included). */
export const inDaySpan = (slot: number, d: DayHours) => slot >= d.open && slot < d.open + daySpan(d);

/** Where a time falls: its opening day (UTC epoch day of the week's earliest first point that day), the clock slot counted from that opening, and the rest within the step. */
export function placeOf(t: number, o: OpeningHours): { day: number; slot: number; rest: number } {
  const step = stepOf(o);
  const sinceOpening = t - (o.firstHour * HOUR + o.minute * MINUTE);
  const day = Math.floor(sinceOpening / DAY);
  const withinDay = sinceOpening - day * DAY;
  const slot = Math.floor(withinDay / step);
  return { day, slot, rest: withinDay - slot * step };
}

/** Whether `t` is one of the opening slots: on the series' grid, within its day's span and not in one of its breaks, on a working day. */
export function isOpeningHour(t: number, o: OpeningHours): boolean {
  const { day, slot, rest } = placeOf(t, o);
  if (rest !== 0 || !isBusinessDay(day * DAY, o)) return false;
  const d = hoursOn(day, o);
  return inDaySpan(slot, d) && breakAt(d, slot) === null;
}

/**
 * Opening slots from a fixed origin to `t` (any integer). A closed time, which a checked series never
 * holds, counts as the last opening slot before it when `roundUp` is false and as the first one after
 * when it is true, so that stepping from it lands on the nearest opening slot either way.
 */
export function openingHourIndex(t: number, o: OpeningHours, roundUp = false): number {
  const { day, slot } = placeOf(t, o);
  // On a closed day, businessIndex already rounds to the working day before (or after).
  const index = businessIndex(day * DAY, o, roundUp);
  const start = dayStartIndex(index, o);
  const d = dayHours(o, weekPosition(index, o));
  if (!isBusinessDay(day * DAY, o)) return roundUp ? start : start + d.points - 1;
  if (inDaySpan(slot, d)) return start + pointAtClock(d, slot, roundUp);
  // Before a later opening than the week's earliest (the last point before is the working day before's),
  // or after closing (up to the next day's opening).
  if (slot < d.open) return roundUp ? start : start - 1;
  return roundUp ? dayStartIndex(index + 1, o) : start + d.points - 1;
}

/** The time of opening slot `index`, `rest` past it. */
export function timeOfIndex(index: number, o: OpeningHours, rest: number): number {
  const { dayIndex, within } = splitIndex(index, o);
  const slot = clockOfPoint(dayHours(o, weekPosition(dayIndex, o)), within);
  return dayOfIndex(dayIndex, o) * DAY + o.firstHour * HOUR + o.minute * MINUTE + slot * stepOf(o) + rest;
}

/**
 * The seasonal phase of `t`: its clock slot from the week's earliest opening, counting on across the
 * slots every day is closed in between (0 at opening when every day opens alike, the open slot of the
 * day; Saturday 10:00 is 1 when the week opens at 09:00, as Monday 10:00 is; see ./opening-schedule for
 * why the clock, not the day's own count).
 */
export function openingPhase(t: number, o: OpeningHours): number {
  const { dayIndex, within } = splitIndex(openingHourIndex(t, o), o);
  return weekPhase(o, clockOfPoint(dayHours(o, weekPosition(dayIndex, o)), within));
}

/** The working day (0..workDays-1, 0 = the week's first) of `t`: the day of its run's first point. */
export const openingWeekday = (t: number, o: OpeningHours): number => weekPosition(splitIndex(openingHourIndex(t, o), o).dayIndex, o);

/** The time `k` opening slots after `t` (k may be negative), keeping any offset within the step. */
export function addOpeningHours(t: number, k: number, o: OpeningHours): number {
  if (k === 0) return t;
  // From a closed time, one step forward is the first opening slot after and one step back the last before.
  return timeOfIndex(openingHourIndex(t, o, k < 0) + k, o, placeOf(t, o).rest);
}
