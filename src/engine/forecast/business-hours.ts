/**
 * @module engine/forecast/business-hours
 * Business-hours series: points recorded only while a call centre or a shop is open (09:00 to 17:00
 * Monday to Friday, 10:00 to 19:00 Monday to Saturday, 08:00 to 21:00 every day), every hour, half hour
 * or quarter hour (the intervals of call-centre workforce planning). The overnight and closed-day jumps
 * are not one step, so the plain fixed-step reading refuses such a series as irregular; here the step is
 * one opening slot (an opening hour when the step is an hour). A day may close once in between, the same
 * every working day (a shop open 09:00 to 12:00 and 13:00 to 17:00: its lunch break). Owns the
 * arithmetic the frequency needs: an opening-slot count from a fixed origin (its remainder by the points
 * of a day is the open slot of the day, the seasonal phase), stepping over the break, closed hours and
 * days, whether a time is open, detection from sorted timestamps, and what a refusal tells the user.
 * Working days are counted by ./business-days.
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
  /**
   * The daily break (a lunch closing): `breakAfter` points (1..hours-1) before it, then `breakPoints`
   * slots (at least 1) closed. Both absent: the points of a day are consecutive, as in every frequency
   * stored before breaks. `hours` counts the open points only.
   */
  readonly breakAfter?: number;
  readonly breakPoints?: number;
}

/** Minutes between the points of `o`. */
export const stepMinutesOf = (o: OpeningHours): OpeningStep => o.stepMinutes ?? 60;

/** The frequency name of a step: business_hourly, business_half_hourly or business_quarter_hourly. */
export const openingStepName = (stepMinutes: OpeningStep) => STEPS[stepMinutes].name;

/** What one step of `o` is called in messages: hour, half-hour or quarter-hour. */
export const openingUnit = (o: OpeningHours): string => STEPS[stepMinutesOf(o)].unit;

/**
 * Whether points per day, a step and the slots closed by a break make an opening day: at least 2 points,
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

const stepOf = (o: OpeningHours) => stepMinutesOf(o) * MINUTE;

/** Slots closed by the daily break, 0 without one. */
const breakSlots = (o: OpeningHours) => o.breakPoints ?? 0;

/** Slots from the day's first point to its last, the break included: the points of a day and their clock. */
const spanOf = (o: OpeningHours) => o.hours + breakSlots(o);

/** Whether clock slot `slot` (counted from the opening) falls in the daily break. */
const inBreak = (slot: number, o: OpeningHours) => o.breakAfter !== undefined && slot >= o.breakAfter && slot < o.breakAfter + breakSlots(o);

/**
 * The open slot (0..hours-1) of clock slot `slot` within the span: the count continues after the break.
 * A slot in the break counts as the last open one before it, or the first after when `roundUp` is set.
 */
function openSlotOf(slot: number, o: OpeningHours, roundUp: boolean): number {
  if (o.breakAfter === undefined || slot < o.breakAfter) return slot;
  if (!inBreak(slot, o)) return slot - breakSlots(o);
  return roundUp ? o.breakAfter : o.breakAfter - 1;
}

/** The clock slot of open slot `open` (the inverse of openSlotOf on open slots). */
const clockSlotOf = (open: number, o: OpeningHours) => (o.breakAfter !== undefined && open >= o.breakAfter ? open + breakSlots(o) : open);

/** Where a time falls: its opening day (UTC epoch day of that day's first point), the clock slot counted from the opening, and the rest within the step. */
function placeOf(t: number, o: OpeningHours): { day: number; slot: number; rest: number } {
  const step = stepOf(o);
  const sinceOpening = t - (o.firstHour * HOUR + o.minute * MINUTE);
  const day = Math.floor(sinceOpening / DAY);
  const withinDay = sinceOpening - day * DAY;
  const slot = Math.floor(withinDay / step);
  return { day, slot, rest: withinDay - slot * step };
}

/** Whether `t` is one of the opening slots: on the series' grid, within the day and not in its break, on a working day. */
export function isOpeningHour(t: number, o: OpeningHours): boolean {
  const { day, slot, rest } = placeOf(t, o);
  return rest === 0 && slot < spanOf(o) && !inBreak(slot, o) && isBusinessDay(day * DAY, o);
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
  if (workingDay && slot < spanOf(o)) return index * o.hours + openSlotOf(slot, o, roundUp);
  // After closing (up to the next day's opening), or a closed day rounded up to the working day after.
  if (!roundUp) return index * o.hours + o.hours - 1;
  return (workingDay ? index + 1 : index) * o.hours;
}

/** The time of opening slot `index`, `rest` past it. */
function timeOfIndex(index: number, o: OpeningHours, rest: number): number {
  const dayIndex = Math.floor(index / o.hours);
  const slot = clockSlotOf(index - dayIndex * o.hours, o);
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

/** The shape of an opening day before its week is known: the fields of OpeningHours but the week's. */
type OpeningDay = Omit<OpeningHours, 'weekStart' | 'workDays'>;

/** The runs of open slots on the circle of a day (slot 0 at the grid's first slot after UTC midnight): where each starts and its length. */
function runsOf(open: readonly boolean[]): { start: number; length: number }[] {
  const n = open.length;
  const runs: { start: number; length: number }[] = [];
  for (let s = 0; s < n; s++) {
    if (!open[s] || open[(s + n - 1) % n]) continue;
    let length = 1;
    while (length < n && open[(s + length) % n]) length++;
    runs.push({ start: s, length });
  }
  return runs;
}

/**
 * Where the day opens and its break, from the runs of open slots: one run is a day without a break; two
 * are a day with one, the longer closed stretch between them being the night and the shorter the break.
 * When both are as long, nothing in the slots says which is the night: both readings are returned, for
 * the steps to decide (see detectOpeningHours). More runs are none of the shapes this frequency knows.
 */
function dayReadings(runs: readonly { start: number; length: number }[], slots: number): { first: number; breakAfter?: number; breakPoints?: number }[] {
  if (runs.length === 1) return [{ first: runs[0].start }];
  if (runs.length !== 2) return [];
  const [a, b] = runs;
  const afterA = (b.start - a.start - a.length + slots) % slots;
  const afterB = (a.start - b.start - b.length + 2 * slots) % slots;
  const fromA = { first: a.start, breakAfter: a.length, breakPoints: afterA };
  const fromB = { first: b.start, breakAfter: b.length, breakPoints: afterB };
  if (afterA === afterB) return [fromA, fromB];
  return [afterA < afterB ? fromA : fromB];
}

/**
 * The opening days the slots allow: the UTC slots of the day (hours, half hours or quarters) holding at
 * least `majority` as many points as the busiest one (a stray early or late point, a few missing ones,
 * do not count or hide one) must be one run of consecutive slots on the 24-hour circle, or two (a day
 * with a break), of at least 2 points in all, the day from its first to its last point shorter than 24
 * hours. None for a full day (a fixed step), for one point a day (business days at that time), and for
 * three runs and more. A day missing the slot before or after its break is a minority: a gap, not another
 * break. Local hours written with a daylight-saving offset hold their first and last UTC hours in part of
 * the year only: the slots they share make the runs, and the others are then refused as outside them,
 * saying why, rather than read as a longer day missing an hour every day.
 */
function openingDays(times: Float64Array, offset: number, stepMinutes: OpeningStep, majority: number): OpeningDay[] {
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
  return dayReadings(runsOf(open), slots)
    .filter((r) => validRun(points, stepMinutes, r.breakPoints ?? 0))
    .map(({ first, ...pause }) => {
      const opening = offset + first * step;
      return { firstHour: Math.floor(opening / HOUR), minute: (opening % HOUR) / MINUTE, hours: points, ...pause };
    });
}

/** The working week of the opening days the points fall on: five or six days as business days detect them, else every day. */
function workingWeekOf(times: Float64Array, run: OpeningDay, majority: number): WorkWeek & { workDays: 5 | 6 | 7 } {
  const everyDay = { ...run, weekStart: 1, workDays: 7 as const };
  const days = new Set<number>();
  for (const t of times) {
    const p = placeOf(t, everyDay);
    if (p.slot < spanOf(everyDay)) days.add(p.day);
  }
  const week = detectBusinessWeek(Float64Array.from([...days].sort((a, b) => a - b), (d) => d * DAY), majority);
  if (week === null) return { weekStart: 1, workDays: 7 };
  return { weekStart: week.weekStart, workDays: (week.workDays ?? 5) as 5 | 6 };
}

/** How many steps of sorted times go to the next opening slot of `o`, and how many of those jump closed slots. */
function stepsFollowed(times: Float64Array, o: OpeningHours): { follow: number; jumps: number } {
  const step = stepOf(o);
  let follow = 0;
  let jumps = 0;
  for (let i = 1; i < times.length; i++) {
    if (times[i] !== addOpeningHours(times[i - 1], 1, o)) continue;
    follow++;
    if (times[i] - times[i - 1] > step) jumps++;
  }
  return { follow, jumps };
}

/**
 * The opening hours of sorted datetimes at a step of `stepMinutes`, when they are a business-hours
 * series: at least `majority` of the points share an offset within the step, the slots of the day nearly
 * every day holds make one run of at least 2 points shorter than a day, or two around a daily break, and
 * at least `majority` of the steps go to the next opening slot, one at least jumping closed hours (an
 * evening, a weekend or the break; without one, nothing tells the run from a fixed step). Of two
 * readings of the slots, the one more steps follow wins (the first on a tie). The tolerance is the one
 * the other calendars have: a stray or a missing point does not hide the frequency, checkRegular then
 * names it. Otherwise null. Callers try this only when the plain fixed-step reading fails. An hourly step
 * is returned without `stepMinutes`, and a day without a break without its fields, as business hours
 * always were.
 */
export function detectOpeningHours(times: Float64Array, stepMinutes: OpeningStep, majority: number): OpeningHours | null {
  if (times.length < 3) return null;
  const offset = gridOffset(times, stepMinutes * MINUTE, majority);
  if (offset === null) return null;
  let best: { hours: OpeningHours; follow: number } | null = null;
  for (const day of openingDays(times, offset, stepMinutes, majority)) {
    const partial = { ...day, ...(stepMinutes === 60 ? {} : { stepMinutes }) };
    const hours: OpeningHours = { ...workingWeekOf(times, partial, majority), ...partial };
    const { follow, jumps } = stepsFollowed(times, hours);
    if (jumps > 0 && follow >= majority * (times.length - 1) && follow > (best?.follow ?? -1)) best = { hours, follow };
  }
  return best?.hours ?? null;
}

/** A time of day in minutes (past midnight, any day) as HH:MM. */
const clock = (minutes: number) => `${String(Math.floor(minutes / 60) % 24).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

/** Minutes past the opening day's UTC midnight of clock slot `slot` (past 24 hours on the next UTC day). */
const minutesAt = (slot: number, o: OpeningHours) => o.firstHour * 60 + o.minute + slot * stepMinutesOf(o);

/**
 * The opening hours in words: "hourly from 09:00 to 17:00 UTC, Monday to Friday", "every 30 minutes from
 * 09:00 to 16:30 UTC, …", with a break "hourly from 09:00 to 11:00 and from 13:00 to 17:00 UTC, …" (the
 * points' times). The first time past UTC midnight says so; the later ones are on that day too.
 */
export function describeOpeningHours(o: OpeningHours): string {
  const bounds = o.breakAfter === undefined ? [0, o.hours - 1] : [0, o.breakAfter - 1, o.breakAfter + breakSlots(o), spanOf(o) - 1];
  const minutes = bounds.map((slot) => minutesAt(slot, o));
  const nextDay = minutes.findIndex((m) => m >= 24 * 60);
  const times = minutes.map((m, i) => `${clock(m)}${i === nextDay ? ' the next UTC day' : ''}`);
  const runs = times.length === 2 ? `from ${times[0]} to ${times[1]}` : `from ${times[0]} to ${times[1]} and from ${times[2]} to ${times[3]}`;
  const days = o.workDays === 7 ? 'every day' : `${WEEKDAYS[o.weekStart]} to ${WEEKDAYS[(o.weekStart + o.workDays - 1) % 7]}`;
  return `${STEPS[stepMinutesOf(o)].cadence} ${runs} UTC, ${days}`;
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

/** Why hours may seem to move: said with a point outside the hours or in the break. */
const DAYLIGHT_SAVING =
  'Opening hours are read on the UTC clock, so timestamps whose UTC offset follows daylight saving time move by an hour twice a year: write the local times without an offset (2024-03-15 09:00), which read the same all year';

/** The daily break in words, from its first closed slot to the reopening: "12:00 to 13:00 UTC". */
function describeBreak(o: OpeningHours): string {
  const from = o.breakAfter as number;
  return `${clock(minutesAt(from, o))} to ${clock(minutesAt(from + breakSlots(o), o))} UTC`;
}

/**
 * What the user can do about point `t` of a business-hours series when `expected` was the next opening
 * slot: a point off the grid, on a closed day, outside the hours or in the daily break is removed; a
 * missing whole day (a holiday) is more steps than a gap is filled over, so its slots are added as empty
 * rows (interpolated) or the series resampled daily; a shorter gap is added like any other.
 */
export function openingHoursRemedy(t: number, expected: number, o: OpeningHours): string {
  const { day, slot, rest } = placeOf(t, o);
  const hours = `its opening hours are ${describeOpeningHours(o)}`;
  const unit = openingUnit(o);
  if (rest !== 0) return `it is not at ${gridMinutes(o)} past the hour as the other points are (${hours}): correct or remove the row, or resample the series`;
  // Before the hours are checked, a point at 08:00 on a Monday would be on the closed Sunday's evening.
  if (slot >= spanOf(o)) return `it falls outside the opening hours, which a business-hours series skips (${hours}): remove the row or resample the series. ${DAYLIGHT_SAVING}`;
  if (!isBusinessDay(day * DAY, o)) return `it falls on a closed day of the week, which a business-hours series skips (${hours}): remove the row or resample the series`;
  // A break that moves from day to day is read as every slot closed on more than a few days: the points
  // of the days it falls elsewhere land here.
  if (inBreak(slot, o)) {
    return `it falls in the daily break (closed ${describeBreak(o)}), which a business-hours series skips (${hours}): remove the row, or resample the series. ${DAYLIGHT_SAVING}`;
  }
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
