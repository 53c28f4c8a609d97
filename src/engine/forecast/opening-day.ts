/**
 * @module engine/forecast/opening-day
 * One opening day of a business-hours frequency as runs of open slots: where it opens, how many points it
 * holds, and the breaks that close it in between: none, a lunch break (09:00 to 12:00 and 13:00 to 17:00),
 * or more (08:00 to 10:00, 10:30 to 12:30 and 13:30 to 17:00). Owns the arithmetic within one day that
 * ./business-hours and ./opening-schedule need, on clock slots counted from the frequency's first hour and
 * minute: the clock slot of a point and the point of a clock slot (a closed slot rounds to its neighbour),
 * the break a slot falls in, the day's runs, a stored day's check, and the reading of a day from the slots
 * its points fill. Points are counted over the runs, so the count continues after a break; a break is
 * stored as the points before it and the slots it closes, as the daily break always was.
 */

/** A break within an opening day: `after` points of the day (1..points-1) come before it, then `slots` closed slots (at least 1). */
export interface DayBreak {
  readonly after: number;
  readonly slots: number;
}

/**
 * One opening day: its first point `open` slots after the frequency's first hour and minute, its number of
 * points, and its breaks in order (absent or empty: the points are consecutive, as in every day stored
 * before days had breaks).
 */
export interface DayHours {
  readonly open: number;
  readonly points: number;
  readonly breaks?: readonly DayBreak[];
}

/** A run of open slots: its first clock slot and its points. */
export interface OpenRun {
  readonly start: number;
  readonly points: number;
}

const NO_BREAKS: readonly DayBreak[] = [];

/** The breaks of a day, none when it has no field. */
export const breaksOf = (d: DayHours): readonly DayBreak[] => d.breaks ?? NO_BREAKS;

/** Clock slots from a day's first point to its last, plus one: its points and the slots its breaks close. */
export const daySpan = (d: DayHours): number => breaksOf(d).reduce((span, b) => span + b.slots, d.points);

/** The clock slot of point `within` (0..points-1) of day `d`: past every break before it. */
export function clockOfPoint(d: DayHours, within: number): number {
  let slot = d.open + within;
  for (const b of breaksOf(d)) if (within >= b.after) slot += b.slots;
  return slot;
}

/**
 * The point of day `d` at clock slot `slot` (within the day's span). A slot in a break counts as the last
 * point before it, or the first after when `roundUp` is set, so that stepping from it lands on the
 * nearest open slot either way.
 */
export function pointAtClock(d: DayHours, slot: number, roundUp: boolean): number {
  let closed = 0;
  for (const b of breaksOf(d)) {
    const from = d.open + b.after + closed;
    if (slot < from) break;
    if (slot < from + b.slots) return roundUp ? b.after : b.after - 1;
    closed += b.slots;
  }
  return slot - d.open - closed;
}

/** The runs of open slots of day `d`, in order. */
export function runsOfDay(d: DayHours): OpenRun[] {
  const runs: OpenRun[] = [];
  let before = 0;
  for (const b of breaksOf(d)) {
    runs.push({ start: clockOfPoint(d, before), points: b.after - before });
    before = b.after;
  }
  runs.push({ start: clockOfPoint(d, before), points: d.points - before });
  return runs;
}

/** The break of day `d` clock slot `slot` falls in (its first closed slot and the reopening's), or null. */
export function breakAt(d: DayHours, slot: number): { from: number; to: number } | null {
  const runs = runsOfDay(d);
  for (let i = 1; i < runs.length; i++) {
    const from = runs[i - 1].start + runs[i - 1].points;
    if (slot >= from && slot < runs[i].start) return { from, to: runs[i].start };
  }
  return null;
}

/** Whether day `d` holds a point at clock slot `slot`. */
export const holdsSlot = (d: DayHours, slot: number): boolean => slot >= d.open && slot < d.open + daySpan(d) && breakAt(d, slot) === null;

/** Whether two days open at the same slot with the same points and breaks. */
export function sameHours(a: DayHours, b: DayHours): boolean {
  const [x, y] = [breaksOf(a), breaksOf(b)];
  return a.open === b.open && a.points === b.points && x.length === y.length && x.every((br, i) => br.after === y[i].after && br.slots === y[i].slots);
}

/**
 * Whether stored breaks fit a day of `points` points: a list of breaks, each after 1..points-1 points,
 * in order (no two after the same point: one closing is one break), each closing at least 1 slot.
 */
export function validBreaks(breaks: unknown, points: number): boolean {
  if (!Array.isArray(breaks)) return false;
  let last = 0;
  for (const b of breaks) {
    if (typeof b !== 'object' || b === null || !Number.isInteger(b.after) || !Number.isInteger(b.slots)) return false;
    if (b.after <= last || b.after >= points || b.slots < 1) return false;
    last = b.after;
  }
  return true;
}

/**
 * The day whose open slots are `open` (slot 0 at the frequency's first hour and minute): its first open
 * slot, its points and a break for each closed stretch between two runs. Null with fewer than 2 points
 * (one point a day is a working-day series, not opening hours).
 */
export function dayOfSlots(open: readonly boolean[]): DayHours | null {
  const first = open.indexOf(true);
  if (first < 0) return null;
  const breaks: DayBreak[] = [];
  let points = 0;
  for (let s = first; s <= open.lastIndexOf(true); s++) {
    if (open[s]) points++;
    else if (open[s - 1]) breaks.push({ after: points, slots: 1 });
    else breaks[breaks.length - 1] = { after: points, slots: breaks[breaks.length - 1].slots + 1 };
  }
  if (points < 2) return null;
  return breaks.length === 0 ? { open: first, points } : { open: first, points, breaks };
}
