/**
 * @module engine/forecast/business-hours
 * Business-hours series: points recorded only while a call centre or a shop is open (09:00 to 17:00
 * Monday to Friday, 10:00 to 19:00 Monday to Saturday, 08:00 to 21:00 every day), every hour, half hour
 * or quarter hour (the intervals of call-centre workforce planning). The overnight and closed-day jumps
 * are not one step, so the plain fixed-step reading refuses such a series as irregular; here the step is
 * one opening slot (an opening hour when the step is an hour). A day may close once in between, the same
 * every working day (a shop open 09:00 to 12:00 and 13:00 to 17:00: its lunch break). Or the days may
 * open for different hours (09:00 to 17:00 Monday to Friday, 10:00 to 15:00 on Saturday), each day one
 * run: a schedule, whose per-day arithmetic is ./opening-schedule. A break and a schedule are not
 * combined: each day's break would have to be read and stepped over on its own, so a week with both is
 * read as days alike (a break every day), and what does not fit it is refused as before. Owns the
 * arithmetic the frequency needs: an opening-slot count from a fixed origin (which gives the open slot
 * of the day, the seasonal phase), stepping over the break, closed hours and days, whether a time is
 * open, detection from sorted timestamps, and what a refusal tells the user. Working days are counted by
 * ./business-days.
 *
 * Everything is on the UTC clock. A point belongs to the opening day whose first point (with a schedule,
 * the week's earliest opening time) precedes it, so a run that passes UTC midnight (local opening hours
 * east or west of UTC) is still one day, on the UTC day of its first point: that is the day the working
 * week is detected on.
 */
import { businessIndex, dayOfIndex, detectBusinessWeek, isBusinessDay, type WorkWeek } from './business-days';
import { MAX_GAP_POINTS, SHORT_GAPS_RULE } from './gap-limits';
import { type DayHours, dayHours, dayStartIndex, readSchedule, sameDays, scheduleSpan, splitIndex, weekPosition } from './opening-schedule';

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
  /** UTC hour (0..23) and minute (0..59) of the first point of every working day (with `days`, of the earliest opening). */
  readonly firstHour: number;
  readonly minute: number;
  /**
   * Points per working day, one step apart: hours when the step is an hour (at least 2, the run shorter
   * than 24 hours; it may pass UTC midnight). With `days`, the clock slots from the earliest opening to
   * the latest last point of the week, the season (see ./opening-schedule).
   */
  readonly hours: number;
  /**
   * Per working day (0 = `weekStart`), its first point in steps from `firstHour`:`minute` and its points,
   * when the days open for different hours; absent: every day `hours` points from `firstHour`:`minute`, as
   * in every frequency stored before schedules. Never with a break.
   */
  readonly days?: readonly DayHours[];
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

/** The opening of the working day on UTC epoch day `day` (a working day of `o`). */
const hoursOn = (day: number, o: OpeningHours): DayHours => dayHours(o, weekPosition(businessIndex(day * DAY, o), o));

/** Whether clock slot `slot` falls within day `d`'s span (from its first point to its last, the break included). */
const inDaySpan = (slot: number, d: DayHours, o: OpeningHours) => slot >= d.open && slot < d.open + d.points + breakSlots(o);

/** Where a time falls: its opening day (UTC epoch day of the week's earliest first point that day), the clock slot counted from that opening, and the rest within the step. */
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
  if (rest !== 0 || !isBusinessDay(day * DAY, o)) return false;
  const d = hoursOn(day, o);
  return inDaySpan(slot, d, o) && !inBreak(slot - d.open, o);
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
  if (inDaySpan(slot, d, o)) return start + openSlotOf(slot - d.open, o, roundUp);
  // Before a later opening than the week's earliest (the last point before is the working day before's),
  // or after closing (up to the next day's opening).
  if (slot < d.open) return roundUp ? start : start - 1;
  return roundUp ? dayStartIndex(index + 1, o) : start + d.points - 1;
}

/** The time of opening slot `index`, `rest` past it. */
function timeOfIndex(index: number, o: OpeningHours, rest: number): number {
  const { dayIndex, within } = splitIndex(index, o);
  const slot = dayHours(o, weekPosition(dayIndex, o)).open + clockSlotOf(within, o);
  return dayOfIndex(dayIndex, o) * DAY + o.firstHour * HOUR + o.minute * MINUTE + slot * stepOf(o) + rest;
}

/**
 * The seasonal phase of `t`: its clock slot from the week's earliest opening, counting open slots only
 * across a break (0 at opening when every day opens alike; Saturday 10:00 is 1 when the week opens at
 * 09:00, as Monday 10:00 is; see ./opening-schedule for why the clock, not the day's own count).
 */
export function openingPhase(t: number, o: OpeningHours): number {
  const { dayIndex, within } = splitIndex(openingHourIndex(t, o), o);
  return dayHours(o, weekPosition(dayIndex, o)).open + within;
}

/** The working day (0..workDays-1, 0 = the week's first) of `t`: the day of its run's first point. */
export const openingWeekday = (t: number, o: OpeningHours): number => weekPosition(splitIndex(openingHourIndex(t, o), o).dayIndex, o);

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

/** Points per slot of the day (slot 0 at the grid's first slot after UTC midnight), over every day. */
function slotCounts(times: Float64Array, offset: number, step: number): number[] {
  const perSlot = new Array<number>(DAY / step).fill(0);
  for (const t of times) {
    const sinceMidnight = (((t - offset) % DAY) + DAY) % DAY;
    if (sinceMidnight % step === 0) perSlot[sinceMidnight / step]++;
  }
  return perSlot;
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
  const perSlot = slotCounts(times, offset, step);
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

/** What a slot open on one day of the week holds of the busiest slot's points, at most (open every day of seven). */
const ONE_DAY_A_WEEK = 1 / 7;

/**
 * The week's clock window: the run of slots on the 24-hour circle that some working day holds (at least
 * `majority` of a seventh of the busiest slot's points, so a slot only Saturday opens counts and a stray
 * point does not). Null unless it is one run shorter than a day: a day with a break is no schedule.
 */
function weekWindow(times: Float64Array, offset: number, step: number, majority: number): { start: number; length: number } | null {
  const perSlot = slotCounts(times, offset, step);
  const busiest = Math.max(...perSlot);
  const runs = runsOf(perSlot.map((c) => c >= majority * ONE_DAY_A_WEEK * busiest));
  return runs.length === 1 ? runs[0] : null;
}

/** The fields of an opening day whose first point is `first` slots of `stepMinutes` past `offset` (ms past UTC midnight). */
function openingAt(offset: number, first: number, stepMinutes: OpeningStep, hours: number): OpeningDay {
  const opening = (offset + first * stepMinutes * MINUTE) % DAY;
  return { firstHour: Math.floor(opening / HOUR), minute: (opening % HOUR) / MINUTE, hours, ...(stepMinutes === 60 ? {} : { stepMinutes }) };
}

/** Points per working day of the week and clock slot of `window` (slot 0 at its first hour and minute). */
function countsPerDay(times: Float64Array, window: OpeningDay, week: WorkWeek & { workDays: 5 | 6 | 7 }): number[][] {
  const everyDay: OpeningHours = { ...window, weekStart: 1, workDays: 7 };
  const counts = Array.from({ length: week.workDays }, () => new Array<number>(window.hours).fill(0));
  for (const t of times) {
    const { day, slot, rest } = placeOf(t, everyDay);
    if (rest !== 0 || slot >= window.hours || !isBusinessDay(day * DAY, week)) continue;
    counts[weekPosition(businessIndex(day * DAY, week), week)][slot]++;
  }
  return counts;
}

/**
 * The opening hours per day of the week, when the days differ (a short Saturday): within the week's clock
 * window, each working day's run by the majority rule of the whole-week reading, on that day's points
 * only. Read from the window's first slot, then again from the earliest day's opening when no day opens
 * at the first slot (a slot some day holds in part, as local hours across a daylight-saving change do),
 * so that the opening day and its working week are those of the earliest opening. Null when the days
 * all agree (the plain reading stores them, as always), or a day is not one run (see readSchedule).
 */
function scheduleReading(times: Float64Array, offset: number, stepMinutes: OpeningStep, majority: number, window = weekWindow(times, offset, stepMinutes * MINUTE, majority)): OpeningHours | null {
  if (window === null) return null;
  const day = openingAt(offset, window.start, stepMinutes, window.length);
  const week = workingWeekOf(times, day, majority);
  const read = readSchedule(countsPerDay(times, day, week), majority);
  if (read === null || sameDays(read.days)) return null;
  if (read.shift > 0) return scheduleReading(times, offset, stepMinutes, majority, { start: window.start + read.shift, length: window.length - read.shift });
  const hours = scheduleSpan(read.days);
  return validRun(hours, stepMinutes) ? { ...week, ...day, hours, days: read.days } : null;
}

/**
 * The opening hours of sorted datetimes at a step of `stepMinutes`, when they are a business-hours
 * series: at least `majority` of the points share an offset within the step, the slots of the day nearly
 * every day holds make one run of at least 2 points shorter than a day, or two around a daily break, and
 * at least `majority` of the steps go to the next opening slot, one at least jumping closed hours (an
 * evening, a weekend or the break; without one, nothing tells the run from a fixed step). Of two
 * readings of the slots, the one more steps follow wins (the first on a tie). Days of different hours
 * (scheduleReading) are the last reading, so they win only by following more steps than every day alike
 * (whose short Saturday would be filled as gaps). The tolerance is the one the other calendars have: a
 * stray or a missing point does not hide the frequency, checkRegular then names it. Otherwise null.
 * Callers try this only when the plain fixed-step reading fails. An hourly step is returned without
 * `stepMinutes`, a day without a break without its fields, and days alike without `days`, as business
 * hours always were.
 */
export function detectOpeningHours(times: Float64Array, stepMinutes: OpeningStep, majority: number): OpeningHours | null {
  if (times.length < 3) return null;
  const offset = gridOffset(times, stepMinutes * MINUTE, majority);
  if (offset === null) return null;
  const readings: OpeningHours[] = openingDays(times, offset, stepMinutes, majority).map((day) => {
    const partial = { ...day, ...(stepMinutes === 60 ? {} : { stepMinutes }) };
    return { ...workingWeekOf(times, partial, majority), ...partial };
  });
  const schedule = scheduleReading(times, offset, stepMinutes, majority);
  if (schedule !== null) readings.push(schedule);
  let best: { hours: OpeningHours; follow: number } | null = null;
  for (const hours of readings) {
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
 * The runs of points from clock slot `bounds[0]` to `bounds[1]` (and from `bounds[2]` to `bounds[3]`
 * across a break) in words: "from 09:00 to 17:00". The first time past UTC midnight says so; the later
 * ones are on that day too.
 */
function runsInWords(bounds: readonly number[], o: OpeningHours): string {
  const minutes = bounds.map((slot) => minutesAt(slot, o));
  const nextDay = minutes.findIndex((m) => m >= 24 * 60);
  const times = minutes.map((m, i) => `${clock(m)}${i === nextDay ? ' the next UTC day' : ''}`);
  return times.length === 2 ? `from ${times[0]} to ${times[1]}` : `from ${times[0]} to ${times[1]} and from ${times[2]} to ${times[3]}`;
}

/** The name of the working day at week position `pos`: the UTC day of its first point. */
const dayName = (pos: number, o: OpeningHours) => WEEKDAYS[(o.weekStart + pos) % 7];

/** The working days from week position `from` to `to` in words: "Saturday", "Monday to Friday". */
const dayRange = (from: number, to: number, o: OpeningHours) => (from === to ? dayName(from, o) : `${dayName(from, o)} to ${dayName(to, o)}`);

/** Each stretch of consecutive working days of the same hours: "from 09:00 to 17:00 UTC, Monday to Friday; from 10:00 to 15:00 UTC, Saturday". */
function scheduleInWords(days: readonly DayHours[], o: OpeningHours): string {
  const parts: string[] = [];
  for (let from = 0, to = 0; from < days.length; from = to + 1) {
    for (to = from; to + 1 < days.length && days[to + 1].open === days[from].open && days[to + 1].points === days[from].points; to++);
    const d = days[from];
    parts.push(`${runsInWords([d.open, d.open + d.points - 1], o)} UTC, ${dayRange(from, to, o)}`);
  }
  return parts.join('; ');
}

/**
 * The opening hours in words: "hourly from 09:00 to 17:00 UTC, Monday to Friday", "every 30 minutes from
 * 09:00 to 16:30 UTC, …", with a break "hourly from 09:00 to 11:00 and from 13:00 to 17:00 UTC, …" (the
 * points' times), with days of different hours "hourly from 09:00 to 17:00 UTC, Monday to Friday; from
 * 10:00 to 15:00 UTC, Saturday".
 */
export function describeOpeningHours(o: OpeningHours): string {
  const cadence = STEPS[stepMinutesOf(o)].cadence;
  if (o.days !== undefined) return `${cadence} ${scheduleInWords(o.days, o)}`;
  const bounds = o.breakAfter === undefined ? [0, o.hours - 1] : [0, o.breakAfter - 1, o.breakAfter + breakSlots(o), spanOf(o) - 1];
  const days = o.workDays === 7 ? 'every day' : dayRange(0, o.workDays - 1, o);
  return `${cadence} ${runsInWords(bounds, o)} UTC, ${days}`;
}

/** The minutes past the hour the points fall on, in words: ":00", ":00 or :30", ":05, :20, :35 or :50". */
function gridMinutes(o: OpeningHours): string {
  const step = stepMinutesOf(o);
  const marks: string[] = [];
  for (let m = o.minute % step; m < 60; m += step) marks.push(`:${String(m).padStart(2, '0')}`);
  return marks.length === 1 ? marks[0] : `${marks.slice(0, -1).join(', ')} or ${marks.at(-1)}`;
}

/** The points of working day `dayIndex` (any integer). */
const pointsOf = (dayIndex: number, o: OpeningHours) => dayHours(o, weekPosition(dayIndex, o)).points;

/** The first working day (its index) wholly missing between the expected next opening slot and a later open point, or null. */
function missingWholeDay(expected: number, t: number, o: OpeningHours): number | null {
  const { dayIndex, within } = splitIndex(openingHourIndex(expected, o), o);
  const firstFullDay = within === 0 ? dayIndex : dayIndex + 1;
  return dayStartIndex(firstFullDay, o) + pointsOf(firstFullDay, o) <= openingHourIndex(t, o) ? firstFullDay : null;
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
  // Within the week's hours but before or after this day's own (a Saturday opening later or closing earlier).
  const d = hoursOn(day, o);
  if (!inDaySpan(slot, d, o)) {
    const own = `${WEEKDAYS[new Date(day * DAY).getUTCDay()]}'s opening hours (${runsInWords([d.open, d.open + d.points - 1], o)} UTC)`;
    return `it falls outside ${own}, which a business-hours series skips (${hours}): remove the row or resample the series. ${DAYLIGHT_SAVING}`;
  }
  // A break that moves from day to day is read as every slot closed on more than a few days: the points
  // of the days it falls elsewhere land here.
  if (inBreak(slot - d.open, o)) {
    return `it falls in the daily break (closed ${describeBreak(o)}), which a business-hours series skips (${hours}): remove the row, or resample the series. ${DAYLIGHT_SAVING}`;
  }
  const wholeDay = t > expected ? missingWholeDay(expected, t, o) : null;
  if (wholeDay !== null) {
    const start = dayStartIndex(wholeDay, o);
    const points = pointsOf(wholeDay, o);
    const first = timeOfIndex(start, o, 0);
    const last = timeOfIndex(start + points - 1, o, 0);
    const iso = (x: number) => new Date(x).toISOString();
    return (
      `the series misses the whole working day of ${WEEKDAYS[new Date(first).getUTCDay()]} ${iso(first).slice(0, 10)} (its ${points} opening ${unit}s, ${iso(first)} to ${iso(last)}), ` +
      `more steps than the ${MAX_GAP_POINTS} a gap is filled over: a holiday of a business-hours series must be added by you, as one row per opening ${unit} with an empty target ` +
      '(they are then interpolated), or the series resampled daily'
    );
  }
  return `the next opening ${unit} is ${new Date(expected).toISOString()}: add the missing ${unit}s with an empty target (they are interpolated; ${SHORT_GAPS_RULE}) or resample the series`;
}
