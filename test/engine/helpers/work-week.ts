/**
 * A property both working-week tests check (five-day business days, six-day working days): random
 * stretches of k working days forward then back return to the start, never land on a closed day, keep
 * the time of day, agree with k single steps, move whole calendar weeks for whole working weeks, and
 * shift the weekday phase by k.
 */
import { expect } from 'vitest';
import { Rng } from '../../../src/engine/core/rng';
import { phaseOf, stepTime } from '../../../src/engine/forecast/frequency';
import type { SeriesFrequency } from '../../../src/engine/forecast/types';

const DAY = 86_400_000;

export function expectWorkWeekStepping(freq: SeriesFrequency, workDays: number, closed: (t: number) => boolean, seed: number): void {
  const rng = new Rng(seed);
  for (let trial = 0; trial < 200; trial++) {
    let start = Date.UTC(1960, 0, 1) + rng.int(25_000) * DAY + rng.int(24) * 3_600_000;
    while (closed(start)) start += DAY;
    const k = rng.int(16 * workDays) - 8 * workDays;
    const end = stepTime(freq, start, k);
    expect(closed(end)).toBe(false);
    expect(end % DAY).toBe(start % DAY);
    expect(stepTime(freq, end, -k)).toBe(start);
    let walk = start;
    for (let i = 0; i < Math.abs(k); i++) walk = stepTime(freq, walk, Math.sign(k));
    expect(walk).toBe(end);
    // A whole number of working weeks moves as many calendar weeks.
    if (k % workDays === 0) expect(end - start).toBe((k / workDays) * 7 * DAY);
    // The phase moves by k (mod the week), whatever the anchor.
    expect(phaseOf(freq, workDays, end, 0)).toBe((((phaseOf(freq, workDays, start, start) + k) % workDays) + workDays) % workDays);
  }
}
