/**
 * `model NAME` of a forecast model, in plain Node with a recording fetch in place of the server: it says
 * where each series ends (forecasts start the step after), and marks a version that is an earlier one
 * advanced to newer data by a scheduled retraining. A view without series ends (an older server) prints
 * no such line.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { jsonAnswer, restoreFakes, runCli as run } from './fake-server';

afterEach(restoreFakes);

const version = (v: number, extra: Record<string, unknown> = {}) => ({
  version: v,
  job_id: 'j1',
  trial_id: 't0001',
  family: 'linear',
  metric: 'rmse',
  greater_is_better: false,
  score: 9.5,
  dataset: { name: 'shops', version: v === 1 ? 1 : 2 },
  created_at: '2025-01-01T00:00:00.000Z',
  ...extra,
});

const view = {
  name: 'shops',
  task: 'forecast',
  target: 'sales',
  metric: 'rmse',
  greater_is_better: false,
  champion_version: 3,
  classes: [],
  family: 'linear',
  features: [],
  versions: [version(1), version(2, { job_id: 'j2', family: 'gbdt' }), version(3, { advanced_from: 1 })],
  history: [],
  forecast: {
    time_column: 'date',
    group_column: 'shop',
    groups: ['north', 'south'],
    frequency: 'daily',
    season: 7,
    horizon: 14,
    max_horizon: 56,
    series: [
      { group: 'north', last_time: '2024-12-31T00:00:00.000Z', points: 366 },
      { group: 'south', last_time: '2024-12-31T00:00:00.000Z', points: 366 },
    ],
  },
  updated_at: '2025-01-01T00:00:00.000Z',
};

describe('model NAME of a forecast model', () => {
  it('says where each series ends and which version is an advance', async () => {
    const ran = await run(['model', 'shops'], jsonAnswer(view));
    expect(ran.code).toBe(0);
    expect(ran.stdout).toContain('  ends at  north 2024-12-31T00:00:00.000Z (366 points), south 2024-12-31T00:00:00.000Z (366 points); forecasts start the step after');
    expect(ran.stdout).toMatch(/v3 \(champion\) \(v1 advanced\) │ linear/);
    expect(ran.stdout).not.toMatch(/v2 \(champion\)|v2 \(v\d advanced\)/);
  });

  it('names an ungrouped series by its time alone, and prints no ends from a view without them', async () => {
    const one = { ...view, forecast: { ...view.forecast, group_column: undefined, groups: undefined, series: [{ last_time: '1957-12-01T00:00:00.000Z', points: 108 }] } };
    expect((await run(['model', 'shops'], jsonAnswer(one))).stdout).toContain('  ends at  1957-12-01T00:00:00.000Z (108 points); forecasts start the step after');
    const older = { ...view, forecast: { ...view.forecast, series: undefined } };
    expect((await run(['model', 'shops'], jsonAnswer(older))).stdout).not.toContain('ends at');
  });
});
