/**
 * A fixed step in numbers and words (engine/forecast/step-words): said in the largest unit that divides
 * it, "every" one unit without a count; only fixed-step frequencies have one (calendar months, working
 * days, opening hours and index steps are not a fixed time apart).
 */
import { describe, expect, it } from 'vitest';
import type { SeriesFrequency } from '../../src/engine/forecast';
import { fixedStepOf, stepWords } from '../../src/engine/forecast/step-words';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

describe('a fixed step in words', () => {
  it('says the step in the largest unit that divides it', () => {
    expect(stepWords(30 * MIN)).toBe('every 30 minutes');
    expect(stepWords(90 * MIN)).toBe('every 90 minutes');
    expect(stepWords(HOUR)).toBe('every hour');
    expect(stepWords(2 * HOUR)).toBe('every 2 hours');
    expect(stepWords(36 * HOUR)).toBe('every 36 hours');
    expect(stepWords(DAY)).toBe('every day');
    expect(stepWords(10 * DAY)).toBe('every 10 days');
    expect(stepWords(14 * DAY)).toBe('every 2 weeks');
    expect(stepWords(MIN)).toBe('every minute');
    expect(stepWords(90_000)).toBe('every 90 seconds');
    expect(stepWords(1_500)).toBe('every 1500 milliseconds');
  });

  it('gives fixed-step frequencies their seconds and words, and no other kind a step', () => {
    expect(fixedStepOf({ kind: 'fixed', name: 'fixed', stepMs: 30 * MIN })).toEqual({ seconds: 1800, text: 'every 30 minutes' });
    expect(fixedStepOf({ kind: 'fixed', name: 'hourly', stepMs: HOUR })).toEqual({ seconds: 3600, text: 'every hour' });
    const others: SeriesFrequency[] = [
      { kind: 'months', name: 'monthly', months: 1, monthEnd: false },
      { kind: 'business_days', name: 'business_daily', weekStart: 1 },
      { kind: 'index', name: 'index', step: 5 },
    ];
    for (const f of others) expect(fixedStepOf(f), f.name).toBeUndefined();
  });
});
