/**
 * The stepping property every business-hours frequency must keep (hourly, half- and quarter-hourly, with
 * or without breaks, every day alike or days of different hours, each with its own breaks): from random
 * opening slots, k steps forward then back return to the start, both ends are opening slots, k single
 * steps land where one k-step lands, a whole number of weeks (the points of a working week) is that many
 * calendar weeks, and the phase moves by k, or, when the days differ, is the clock slot from the week's
 * earliest opening (less the slots every day is closed in between before it).
 */
import { expect } from 'vitest';
import type { Rng } from '../../../src/engine/core/rng';
import type { SeriesFrequency } from '../../../src/engine/forecast';
import { isOpeningHour } from '../../../src/engine/forecast/business-hours';
import { phaseOf, stepTime } from '../../../src/engine/forecast/frequency';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
/** The Monday the opening-hours tests' weeks start on. */
export const MONDAY = Date.UTC(2024, 0, 1);
export const iso = (t: number) => new Date(t).toISOString();
/** Whether `t` falls on a Saturday or Sunday (UTC). */
export const weekend = (t: number) => new Date(t).getUTCDay() % 6 === 0;

export type BusinessHours = Extract<SeriesFrequency, { kind: 'business_hours' }>;

/** Points in a working week of `freq`, counted here rather than by the code under test. */
const weekPoints = (freq: BusinessHours) => freq.days?.reduce((sum, d) => sum + d.points, 0) ?? freq.hours * freq.workDays;

type Day = NonNullable<BusinessHours['days']>[number];

/** The clock slots a day holds, walked from its opening across its breaks. */
function heldSlots(d: Day): number[] {
  const held: number[] = [];
  let slot = d.open;
  let point = 0;
  for (const b of [...(d.breaks ?? []), { after: d.points, slots: 0 }]) {
    for (; point < b.after; point++) held.push(slot++);
    slot += b.slots;
  }
  return held;
}

/**
 * Steps from the week's earliest opening (`firstHour`:`minute`) to `t` on its clock, through UTC midnight,
 * less the slots before it that fall within some day's hours but that no day holds (a break every day keeps).
 */
function clockSlot(freq: BusinessHours, t: number): number {
  const sinceOpening = t - (freq.firstHour * 60 + freq.minute) * MINUTE;
  const slot = (((sinceOpening % DAY) + DAY) % DAY) / ((freq.stepMinutes ?? 60) * MINUTE);
  const days = (freq.days ?? []).map(heldSlots);
  const held = new Set(days.flat());
  const closed = new Set(days.flatMap((h) => Array.from({ length: h[h.length - 1] - h[0] }, (_, i) => h[0] + i).filter((c) => !held.has(c))));
  return slot - [...closed].filter((c) => c < slot).length;
}

/** Checks the property for `trials` starts: the opening slot after a random time on the grid within `days` days of `from`. */
export function expectStepsRoundTrip(freq: BusinessHours, rng: Rng, trials: number, from: number, days: number): void {
  const step = freq.stepMinutes ?? 60;
  const week = weekPoints(freq);
  const phase = (x: number) => phaseOf(freq, freq.hours, x, 0);
  for (let trial = 0; trial < trials; trial++) {
    const start = stepTime(freq, from + rng.int(days) * DAY + rng.int(1440 / step) * step * MINUTE + (freq.minute % step) * MINUTE, 1);
    expect(isOpeningHour(start, freq)).toBe(true);
    const k = rng.int(4 * week) - 2 * week;
    const end = stepTime(freq, start, k);
    expect(isOpeningHour(end, freq)).toBe(true);
    expect(stepTime(freq, end, -k)).toBe(start);
    let walk = start;
    for (let i = 0; i < Math.abs(k); i++) walk = stepTime(freq, walk, Math.sign(k));
    expect(walk).toBe(end);
    if (k % week === 0) expect(end - start).toBe((k / week) * 7 * DAY);
    // Days of different hours: a step from Friday's last hour to Saturday's later opening moves the clock by more than one.
    if (freq.days !== undefined) expect([phase(start), phase(end)]).toEqual([clockSlot(freq, start), clockSlot(freq, end)]);
    else expect(phase(end)).toBe((((phase(start) + k) % freq.hours) + freq.hours) % freq.hours);
  }
}
