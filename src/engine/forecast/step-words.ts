/**
 * @module engine/forecast/step-words
 * A fixed time step in numbers and words, for describing a model: `{seconds: 1800, text: "every 30
 * minutes"}`. A fixed step other than a minute, an hour, a day or a week is named `fixed` (a name stored
 * in envelopes, kept as it is), which tells a reader nothing about how far apart the points are.
 */
import type { SeriesFrequency } from './types';

/** A fixed step: its length in seconds (a fraction below a second) and in words. */
export interface FixedStep {
  readonly seconds: number;
  readonly text: string;
}

/** Units from the largest, in milliseconds; a step is said in the largest one that divides it. */
const UNITS: readonly (readonly [ms: number, one: string, many: string])[] = [
  [7 * 86_400_000, 'week', 'weeks'],
  [86_400_000, 'day', 'days'],
  [3_600_000, 'hour', 'hours'],
  [60_000, 'minute', 'minutes'],
  [1_000, 'second', 'seconds'],
  [1, 'millisecond', 'milliseconds'],
];

/** "every 30 minutes", "every hour", "every 2 weeks", "every 90 seconds" for a step of `stepMs` > 0. */
export function stepWords(stepMs: number): string {
  const [ms, one, many] = UNITS.find(([unit]) => stepMs % unit === 0) ?? UNITS[UNITS.length - 1];
  const count = stepMs / ms;
  return count === 1 ? `every ${one}` : `every ${count} ${many}`;
}

/** The step of a fixed-step frequency; undefined for calendar months, working days, opening hours and index steps, whose points are not a fixed time apart. */
export function fixedStepOf(freq: SeriesFrequency): FixedStep | undefined {
  if (freq.kind !== 'fixed') return undefined;
  return { seconds: freq.stepMs / 1000, text: stepWords(freq.stepMs) };
}
