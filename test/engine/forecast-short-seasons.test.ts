/**
 * The season a short series is searched with (frequency seasonFor) and the rolling-origin plan
 * (validation-plan) follow one rule, so a series given a season can always validate with it. From a
 * read-only audit of forecasting: weekly series of 156 to 208 points (three to four years) were given a
 * yearly season of 52 that needs 209 points to validate, and refused as too short, while 155 points were
 * taken without the season.
 */
import { describe, expect, it } from 'vitest';
import type { SeriesFrequency } from '../../src/engine/forecast';
import { seasonFor } from '../../src/engine/forecast/frequency';
import { validationPlan } from '../../src/engine/forecast/validation-plan';

const DAY = 86_400_000;
const FREQUENCIES: Record<string, SeriesFrequency> = {
  weekly: { kind: 'fixed', name: 'weekly', stepMs: 7 * DAY },
  daily: { kind: 'fixed', name: 'daily', stepMs: DAY },
  hourly: { kind: 'fixed', name: 'hourly', stepMs: DAY / 24 },
  monthly: { kind: 'months', name: 'monthly', months: 1, monthEnd: false },
  quarterly: { kind: 'months', name: 'quarterly', months: 3, monthEnd: false },
};

describe('the season of a short series', () => {
  it('is one the series can validate with, at every length from the shortest taken', () => {
    for (const [name, freq] of Object.entries(FREQUENCIES)) {
      for (let length = 21; length <= 400; length++) {
        const season = seasonFor(freq, length);
        expect(() => validationPlan({ length, season, groups: 1, horizon: 1 }), `${name}, ${length} points, season ${season}`).not.toThrow();
      }
    }
  });

  it('is a year of weeks from 209 weekly points, and none below', () => {
    const weekly = FREQUENCIES.weekly!;
    expect([155, 156, 180, 208].map((n) => seasonFor(weekly, n))).toEqual([1, 1, 1, 1]);
    expect([209, 260].map((n) => seasonFor(weekly, n))).toEqual([52, 52]);
    // Three years of weeks validate a quarter ahead without the season.
    expect(validationPlan({ length: 180, season: seasonFor(weekly, 180), groups: 1, horizon: 13 })).toMatchObject({ horizon: 13, origins: 3 });
  });
});
