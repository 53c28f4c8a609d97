/**
 * @module engine/forecast/opening-hours-reading
 * Reading a business-hours frequency (./business-hours) from sorted timestamps: the offset of the grid,
 * the runs of open slots a day holds (one, or more around breaks), which closed stretch is the night,
 * the working week, and the per-weekday schedule when the days open for different hours, each day read as
 * its own runs (./opening-schedule). Of the readings the slots allow, the one more steps follow wins. The
 * result is written in the oldest stored form that holds it: no break fields for consecutive points, the
 * daily break's `breakAfter`/`breakPoints` for one break, `breaks` for more, and `days` only when the
 * days differ, each day's `breaks` only when it closes in between.
 */
import { businessIndex, detectBusinessWeek, isBusinessDay, type WorkWeek } from './business-days';
import { addOpeningHours, DAY, HOUR, MINUTE, type OpeningHours, type OpeningStep, placeOf, stepOf, validRun } from './business-hours';
import { type DayHours, dayOfSlots, daySpan } from './opening-day';
import { readSchedule, sameDays, scheduleSeason, scheduleSpan, weekPosition, weekSpan } from './opening-schedule';

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
 * Where the day can open, from the runs of open slots on the circle of `slots`: after the longest closed
 * stretch between two runs, the night (the others are breaks), each from its opening to its last open
 * slot. When two stretches or more are as long, nothing in the slots says which is the night: a window
 * after each, in the order of the slots, for the steps to decide (see detectOpeningHours).
 */
function dayWindows(runs: readonly { start: number; length: number }[], slots: number): { start: number; length: number }[] {
  const gapBefore = runs.map((r, i) => {
    const prev = runs[(i + runs.length - 1) % runs.length];
    return (r.start - prev.start - prev.length + 2 * slots) % slots;
  });
  const night = Math.max(...gapBefore);
  return runs.flatMap((r, i) => (gapBefore[i] === night ? [{ start: r.start, length: slots - night }] : []));
}

/** The slots of `open` from `start` on the circle, `length` of them. */
const slotsFrom = (open: readonly boolean[], start: number, length: number) => Array.from({ length }, (_, i) => open[(start + i) % open.length]);

/** The fields of an opening day whose first point is `first` slots of `stepMinutes` past `offset` (ms past UTC midnight). */
function openingAt(offset: number, first: number, stepMinutes: OpeningStep, hours: number): OpeningDay {
  const opening = (offset + first * stepMinutes * MINUTE) % DAY;
  return { firstHour: Math.floor(opening / HOUR), minute: (opening % HOUR) / MINUTE, hours, ...(stepMinutes === 60 ? {} : { stepMinutes }) };
}

/** The fields of day `d`, alike every working day: its points, and one daily break as stored before days closed more than once, or the list. */
function alikeFields(d: DayHours): Pick<OpeningHours, 'hours' | 'breakAfter' | 'breakPoints' | 'breaks'> {
  const breaks = d.breaks ?? [];
  if (breaks.length === 0) return { hours: d.points };
  if (breaks.length === 1) return { hours: d.points, breakAfter: breaks[0].after, breakPoints: breaks[0].slots };
  return { hours: d.points, breaks };
}

/**
 * The opening days alike the slots allow: the UTC slots of the day (hours, half hours or quarters)
 * holding at least `majority` as many points as the busiest one (a stray early or late point, a few
 * missing ones, do not count or hide one) make runs of consecutive slots on the 24-hour circle: one, or
 * more around the day's breaks, of at least 2 points in all, the day from its first to its last point
 * shorter than 24 hours. None for a full day (a fixed step) and for one point a day (business days at
 * that time). A day missing the slot before or after a break is a minority: a gap, not another break.
 * Local hours written with a daylight-saving offset hold their first and last UTC hours in part of the
 * year only: the slots they share make the runs, and the others are then refused as outside them, saying
 * why, rather than read as a longer day missing an hour every day.
 */
function openingDays(times: Float64Array, offset: number, stepMinutes: OpeningStep, majority: number): OpeningDay[] {
  const step = stepMinutes * MINUTE;
  const perSlot = slotCounts(times, offset, step);
  const busiest = Math.max(...perSlot);
  const open = perSlot.map((c) => c >= majority * busiest);
  return dayWindows(runsOf(open), open.length).flatMap(({ start, length }) => {
    const d = dayOfSlots(slotsFrom(open, start, length));
    if (d === null || !validRun(d.points, stepMinutes, daySpan(d) - d.points)) return [];
    const { firstHour, minute } = openingAt(offset, start, stepMinutes, 0);
    return [{ firstHour, minute, ...alikeFields(d), ...(stepMinutes === 60 ? {} : { stepMinutes }) }];
  });
}

/** The working week of the opening days the points fall on: five or six days as business days detect them, else every day. */
function workingWeekOf(times: Float64Array, run: OpeningDay, majority: number): WorkWeek & { workDays: 5 | 6 | 7 } {
  const everyDay: OpeningHours = { ...run, weekStart: 1, workDays: 7 };
  const span = weekSpan(everyDay);
  const days = new Set<number>();
  for (const t of times) {
    const p = placeOf(t, everyDay);
    if (p.slot < span) days.add(p.day);
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
 * The week's clock windows: the slots on the 24-hour circle that some working day holds (at least
 * `majority` of a seventh of the busiest slot's points, so a slot only Saturday opens counts and a stray
 * point does not), from the opening after the longest closed stretch (the night) to the last open slot
 * before it; one per stretch as long (see dayWindows). A lunch break every day keeps is inside a window.
 */
function weekWindows(times: Float64Array, offset: number, step: number, majority: number): { start: number; length: number }[] {
  const perSlot = slotCounts(times, offset, step);
  const busiest = Math.max(...perSlot);
  return dayWindows(runsOf(perSlot.map((c) => c >= majority * ONE_DAY_A_WEEK * busiest)), perSlot.length);
}

/**
 * Points per working day of the week and clock slot of `window` (slot 0 at its first hour and minute).
 * The series' first and last days are left out of their weekday's counts when other days of that weekday
 * are in: an export cut mid-day (sales up to 13:00 on the Saturday it was taken) holds part of its day,
 * and with a few weeks of data that part would outvote the whole days under the majority rule and be read
 * as the weekday's hours (Saturday 10:00 to 13:00), refusing every earlier Saturday's later hours.
 */
function countsPerDay(times: Float64Array, window: OpeningDay, week: WorkWeek & { workDays: 5 | 6 | 7 }): number[][] {
  const everyDay: OpeningHours = { ...window, weekStart: 1, workDays: 7 };
  const counts = Array.from({ length: week.workDays }, () => new Array<number>(window.hours).fill(0));
  const edge = Array.from({ length: week.workDays }, () => new Array<number>(window.hours).fill(0));
  const first = placeOf(times[0], everyDay).day;
  const last = placeOf(times[times.length - 1], everyDay).day;
  for (const t of times) {
    const { day, slot, rest } = placeOf(t, everyDay);
    if (rest !== 0 || slot >= window.hours || !isBusinessDay(day * DAY, week)) continue;
    (day === first || day === last ? edge : counts)[weekPosition(businessIndex(day * DAY, week), week)][slot]++;
  }
  // A weekday seen only on an edge day reads its hours from it, as before.
  for (let pos = 0; pos < week.workDays; pos++) {
    if (counts[pos].every((c) => c === 0)) counts[pos] = edge[pos];
  }
  return counts;
}

/**
 * The opening hours per day of the week, when the days differ (a short Saturday, with or without the
 * weekdays' lunch break): within a clock window of the week, each working day's runs by the majority
 * rule of the whole-week reading, on that day's points only. Read from the window's first slot, then
 * again from the earliest day's opening when no day opens at the first slot (a slot some day holds in
 * part, as local hours across a daylight-saving change do), so that the opening day and its working week
 * are those of the earliest opening. Null when the days all agree (the days-alike reading stores them,
 * as always) or a day has fewer than 2 points. A lunch at 12:00 on Mondays and 13:00 on Tuesdays, every
 * week, is each weekday's own hours; one that moves from one Monday to the next fits no reading and is
 * refused naming its row.
 */
function scheduleReading(times: Float64Array, offset: number, stepMinutes: OpeningStep, majority: number, window: { start: number; length: number }): OpeningHours | null {
  const day = openingAt(offset, window.start, stepMinutes, window.length);
  const week = workingWeekOf(times, day, majority);
  const read = readSchedule(countsPerDay(times, day, week), majority);
  if (read === null || sameDays(read.days)) return null;
  if (read.shift > 0) return scheduleReading(times, offset, stepMinutes, majority, { start: window.start + read.shift, length: window.length - read.shift });
  const hours = scheduleSeason(read.days);
  return validRun(hours, stepMinutes, scheduleSpan(read.days) - hours) ? { ...week, ...day, hours, days: read.days } : null;
}

/**
 * The opening hours of sorted datetimes at a step of `stepMinutes`, when they are a business-hours
 * series: at least `majority` of the points share an offset within the step, the slots of the day nearly
 * every day holds make runs of at least 2 points in all, shorter than a day from the first to the last
 * (one run, or more around daily breaks), and at least `majority` of the steps go to the next opening
 * slot, one at least jumping closed hours (an evening, a weekend or a break; without one, nothing tells
 * the run from a fixed step). Of the readings of the slots, the one more steps follow wins (the first on
 * a tie). Days of different hours (scheduleReading) are the last readings, so they win only by following
 * more steps than every day alike (whose short Saturday would be filled as gaps). The tolerance is the
 * one the other calendars have: a stray or a missing point does not hide the frequency, checkRegular then
 * names it. Otherwise null. Callers try this only when the plain fixed-step reading fails.
 */
export function detectOpeningHours(times: Float64Array, stepMinutes: OpeningStep, majority: number): OpeningHours | null {
  if (times.length < 3) return null;
  const offset = gridOffset(times, stepMinutes * MINUTE, majority);
  if (offset === null) return null;
  const readings: OpeningHours[] = openingDays(times, offset, stepMinutes, majority).map((day) => ({ ...workingWeekOf(times, day, majority), ...day }));
  for (const window of weekWindows(times, offset, stepMinutes * MINUTE, majority)) {
    const schedule = scheduleReading(times, offset, stepMinutes, majority, window);
    if (schedule !== null) readings.push(schedule);
  }
  let best: { hours: OpeningHours; follow: number } | null = null;
  for (const hours of readings) {
    const { follow, jumps } = stepsFollowed(times, hours);
    if (jumps > 0 && follow >= majority * (times.length - 1) && follow > (best?.follow ?? -1)) best = { hours, follow };
  }
  return best?.hours ?? null;
}
