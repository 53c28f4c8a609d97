/**
 * @module engine/forecast/business-hours
 * Business-hours series: points recorded only while a call centre or a shop is open (09:00 to 17:00
 * Monday to Friday, 10:00 to 19:00 Monday to Saturday, 08:00 to 21:00 every day), every hour, half hour
 * or quarter hour (the intervals of call-centre workforce planning). The overnight and closed-day jumps
 * are not one step, so the plain fixed-step reading refuses such a series as irregular; here the step is
 * one opening slot (an opening hour when the step is an hour). Owns the arithmetic the frequency needs:
 * an opening-slot count from a fixed origin (its remainder by the points of a day is the slot of the
 * opening day, the seasonal phase), stepping over closed hours and days, whether a time is open,
 * detection from sorted timestamps, and what a refusal tells the user. Working days are counted by
 * ./business-days.
 *
 * Everything is on the UTC clock. A point belongs to the opening day whose first point precedes it, so a
 * run that passes UTC midnight (local opening hours east or west of UTC) is still one day, on the UTC
 * day of its first point: that is the day the working week is detected on.
 */
import { businessIndex, dayOfIndex, detectBusinessWeek, isBusinessDay, type WorkWeek } from './business-days';
import { MAX_GAP_POINTS, SHORT_GAPS_RULE } from './gap-limits';

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

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

/** The working week and the run of points open on each of its days (the fields of a business-hours frequency). */
export interface OpeningHours extends WorkWeek {
  readonly workDays: 5 | 6 | 7;
  /** UTC hour (0..23) and minute (0..59) of the first point of every working day. */
  readonly firstHour: number;
  readonly minute: number;
  /**
   * Points per working day, one step apart: hours when the step is an hour (at least 2, the run shorter
   * than 24 hours; it may pass UTC midnight).
   */
  readonly hours: number;
  /** Minutes between the points: 30 or 15; absent (or 60) for an hour, as in every frequency stored before shorter steps. */
  readonly stepMinutes?: OpeningStep;
}

/** Minutes between the points of `o`. */
export const stepMinutesOf = (o: OpeningHours): OpeningStep => o.stepMinutes ?? 60;

/** The frequency name of a step: business_hourly, business_half_hourly or business_quarter_hourly. */
export const openingStepName = (stepMinutes: OpeningStep) => STEPS[stepMinutes].name;

/** What one step of `o` is called in messages: hour, half-hour or quarter-hour. */
export const openingUnit = (o: OpeningHours): string => STEPS[stepMinutesOf(o)].unit;

/** Whether points per day and step make a run of opening hours: at least 2 points, shorter than a day (a full day is a fixed step). */
export const validRun = (points: unknown, stepMinutes: number): boolean => Number.isInteger(points) && (points as number) >= 2 && (points as number) * stepMinutes < 24 * 60;

const stepOf = (o: OpeningHours) => stepMinutesOf(o) * MINUTE;

/** Where a time falls: its opening day (UTC epoch day of that day's first point), the slot counted from the opening, and the rest within the step. */
function placeOf(t: number, o: OpeningHours): { day: number; slot: number; rest: number } {
  const step = stepOf(o);
  const sinceOpening = t - (o.firstHour * HOUR + o.minute * MINUTE);
  const day = Math.floor(sinceOpening / DAY);
  const withinDay = sinceOpening - day * DAY;
  const slot = Math.floor(withinDay / step);
  return { day, slot, rest: withinDay - slot * step };
}

/** Whether `t` is one of the opening slots: on the series' grid, within the run, on a working day. */
export function isOpeningHour(t: number, o: OpeningHours): boolean {
  const { day, slot, rest } = placeOf(t, o);
  return rest === 0 && slot < o.hours && isBusinessDay(day * DAY, o);
}

/**
 * Opening slots from a fixed origin to `t` (any integer). A closed time, which a checked series never
 * holds, counts as the last opening slot before it when `roundUp` is false and as the first one after
 * when it is true, so that stepping from it lands on the nearest opening slot either way.
 */
export function openingHourIndex(t: number, o: OpeningHours, roundUp = false): number {
  const { day, slot } = placeOf(t, o);
  const workingDay = isBusinessDay(day * DAY, o);
  // On a closed day, businessIndex already rounds to the working day before (or after).
  const index = businessIndex(day * DAY, o, roundUp);
  if (workingDay && slot < o.hours) return index * o.hours + slot;
  // After closing (up to the next day's opening), or a closed day rounded up to the working day after.
  if (!roundUp) return index * o.hours + o.hours - 1;
  return (workingDay ? index + 1 : index) * o.hours;
}

/** The time of opening slot `index`, `rest` past it. */
function timeOfIndex(index: number, o: OpeningHours, rest: number): number {
  const dayIndex = Math.floor(index / o.hours);
  const slot = index - dayIndex * o.hours;
  return dayOfIndex(dayIndex, o) * DAY + o.firstHour * HOUR + o.minute * MINUTE + slot * stepOf(o) + rest;
}

/** The time `k` opening slots after `t` (k may be negative), keeping any offset within the step. */
export function addOpeningHours(t: number, k: number, o: OpeningHours): number {
  if (k === 0) return t;
  // From a closed time, one step forward is the first opening slot after and one step back the last before.
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

/** The offset within the step (whole minutes, in ms) at least `majority` of the points share, or null. */
function gridOffset(times: Float64Array, step: number, majority: number): number | null {
  const offset = mostFrequent(Array.from(times, (t) => ((t % step) + step) % step));
  return offset.count >= majority * times.length && offset.value % MINUTE === 0 ? offset.value : null;
}

/**
 * The run of slots the day is open: the UTC slots of the day (hours, half hours or quarters) holding at
 * least `majority` as many points as the busiest one (a stray early or late point, a few missing ones,
 * do not count or hide one) must be one run of at least 2 consecutive slots on the 24-hour circle, short
 * of the whole day. Null for a full day (a fixed step), for one point a day (business days at that time),
 * and for slots split in two runs (a lunch closing), which are none of the shapes this frequency knows.
 * Local hours written with a daylight-saving offset hold their first and last UTC hours in part of the
 * year only: the slots they share make the run, and the others are then refused as outside it, saying
 * why, rather than read as a longer day missing an hour every day.
 */
function openRun(times: Float64Array, offset: number, stepMinutes: OpeningStep, majority: number): { firstHour: number; minute: number; hours: number } | null {
  const step = stepMinutes * MINUTE;
  const slots = DAY / step;
  const perSlot = new Array<number>(slots).fill(0);
  for (const t of times) {
    const sinceMidnight = (((t - offset) % DAY) + DAY) % DAY;
    if (sinceMidnight % step === 0) perSlot[sinceMidnight / step]++;
  }
  const busiest = Math.max(...perSlot);
  const open = perSlot.map((c) => c >= majority * busiest);
  const points = open.filter(Boolean).length;
  const openings = open.map((o, s) => o && !open[(s + slots - 1) % slots]);
  if (!validRun(points, stepMinutes) || openings.filter(Boolean).length !== 1) return null;
  const opening = offset + openings.indexOf(true) * step;
  return { firstHour: Math.floor(opening / HOUR), minute: (opening % HOUR) / MINUTE, hours: points };
}

/** The working week of the opening days the points fall on: five or six days as business days detect them, else every day. */
function workingWeekOf(times: Float64Array, run: Omit<OpeningHours, 'weekStart' | 'workDays'>, majority: number): WorkWeek & { workDays: 5 | 6 | 7 } {
  const everyDay = { ...run, weekStart: 1, workDays: 7 as const };
  const days = new Set<number>();
  for (const t of times) {
    const p = placeOf(t, everyDay);
    if (p.slot < run.hours) days.add(p.day);
  }
  const week = detectBusinessWeek(Float64Array.from([...days].sort((a, b) => a - b), (d) => d * DAY), majority);
  if (week === null) return { weekStart: 1, workDays: 7 };
  return { weekStart: week.weekStart, workDays: (week.workDays ?? 5) as 5 | 6 };
}

/**
 * The opening hours of sorted datetimes at a step of `stepMinutes`, when they are a business-hours
 * series: at least `majority` of the points share an offset within the step, the slots of the day nearly
 * every day holds make one run of at least 2 points shorter than a day, and at least `majority` of the
 * steps go to the next opening slot, one at least jumping closed hours (an evening or a weekend; without
 * one, nothing tells the run from a fixed step). The tolerance is the one the other calendars have: a
 * stray or a missing point does not hide the frequency, checkRegular then names it. Otherwise null.
 * Callers try this only when the plain fixed-step reading fails. An hourly step is returned without
 * `stepMinutes`, as business hours always were.
 */
export function detectOpeningHours(times: Float64Array, stepMinutes: OpeningStep, majority: number): OpeningHours | null {
  if (times.length < 3) return null;
  const step = stepMinutes * MINUTE;
  const offset = gridOffset(times, step, majority);
  if (offset === null) return null;
  const run = openRun(times, offset, stepMinutes, majority);
  if (run === null) return null;
  const partial = { ...run, ...(stepMinutes === 60 ? {} : { stepMinutes }) };
  const hours: OpeningHours = { ...workingWeekOf(times, partial, majority), ...partial };
  let follow = 0;
  let jumps = 0;
  for (let i = 1; i < times.length; i++) {
    if (times[i] !== addOpeningHours(times[i - 1], 1, hours)) continue;
    follow++;
    if (times[i] - times[i - 1] > step) jumps++;
  }
  return jumps > 0 && follow >= majority * (times.length - 1) ? hours : null;
}

/** A time of day in minutes (past midnight, any day) as HH:MM. */
const clock = (minutes: number) => `${String(Math.floor(minutes / 60) % 24).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

/** The opening hours in words: "hourly from 09:00 to 17:00 UTC, Monday to Friday", "every 30 minutes from 09:00 to 16:30 UTC, …". */
export function describeOpeningHours(o: OpeningHours): string {
  const first = o.firstHour * 60 + o.minute;
  const last = first + (o.hours - 1) * stepMinutesOf(o);
  const wraps = last >= 24 * 60 ? ' the next UTC day' : '';
  const days = o.workDays === 7 ? 'every day' : `${WEEKDAYS[o.weekStart]} to ${WEEKDAYS[(o.weekStart + o.workDays - 1) % 7]}`;
  return `${STEPS[stepMinutesOf(o)].cadence} from ${clock(first)} to ${clock(last)}${wraps} UTC, ${days}`;
}

/** The minutes past the hour the points fall on, in words: ":00", ":00 or :30", ":05, :20, :35 or :50". */
function gridMinutes(o: OpeningHours): string {
  const step = stepMinutesOf(o);
  const marks: string[] = [];
  for (let m = o.minute % step; m < 60; m += step) marks.push(`:${String(m).padStart(2, '0')}`);
  return marks.length === 1 ? marks[0] : `${marks.slice(0, -1).join(', ')} or ${marks.at(-1)}`;
}

/** The first working day wholly missing between the expected next opening slot and a later open point, or null. */
function missingWholeDay(expected: number, t: number, o: OpeningHours): number | null {
  const firstFullDay = Math.ceil(openingHourIndex(expected, o) / o.hours);
  return (firstFullDay + 1) * o.hours <= openingHourIndex(t, o) ? firstFullDay : null;
}

/**
 * What the user can do about point `t` of a business-hours series when `expected` was the next opening
 * slot: a point off the grid, on a closed day or outside the hours is removed; a missing whole day (a
 * holiday) is more steps than a gap is filled over, so its slots are added as empty rows (interpolated)
 * or the series resampled daily; a shorter gap is added like any other.
 */
export function openingHoursRemedy(t: number, expected: number, o: OpeningHours): string {
  const { day, slot, rest } = placeOf(t, o);
  const hours = `its opening hours are ${describeOpeningHours(o)}`;
  const unit = openingUnit(o);
  if (rest !== 0) return `it is not at ${gridMinutes(o)} past the hour as the other points are (${hours}): correct or remove the row, or resample the series`;
  // Before the hours are checked, a point at 08:00 on a Monday would be on the closed Sunday's evening.
  if (slot >= o.hours) {
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
      `the series misses the whole working day of ${WEEKDAYS[new Date(first).getUTCDay()]} ${iso(first).slice(0, 10)} (its ${o.hours} opening ${unit}s, ${iso(first)} to ${iso(last)}), ` +
      `more steps than the ${MAX_GAP_POINTS} a gap is filled over: a holiday of a business-hours series must be added by you, as one row per opening ${unit} with an empty target ` +
      '(they are then interpolated), or the series resampled daily'
    );
  }
  return `the next opening ${unit} is ${new Date(expected).toISOString()}: add the missing ${unit}s with an empty target (they are interpolated; ${SHORT_GAPS_RULE}) or resample the series`;
}
