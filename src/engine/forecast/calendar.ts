/**
 * @module engine/forecast/calendar
 * What a forecast model needs to know about time: the frequency (to step timestamps forward), the
 * seasonal period and an anchor time (the phase of index-based series counts from it). Stored in the
 * envelope so a loaded model computes the same phases it was trained with.
 */
import { phaseOf, stepTime, weekdayOf } from './frequency';
import type { SeriesFrequency } from './types';

export interface Calendar {
  readonly frequency: SeriesFrequency;
  readonly season: number;
  /** A reference time (the first timestamp seen in training). */
  readonly anchor: number;
}

/** Seasonal phase (0..season-1) of time `t`. */
export function phaseAt(cal: Calendar, t: number): number {
  return phaseOf(cal.frequency, cal.season, t, cal.anchor);
}

/** Day of the week of time `t` in a series with a weekly second season (see frequency weekdayOf); 0 otherwise. */
export function weekdayAt(cal: Calendar, t: number): number {
  return weekdayOf(cal.frequency, t);
}

/** The time `k` steps after `t`. */
export function timeAfter(cal: Calendar, t: number, k: number): number {
  return stepTime(cal.frequency, t, k);
}
