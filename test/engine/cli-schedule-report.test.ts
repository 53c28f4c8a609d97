/**
 * What `edge-automl schedule MODEL --show` prints (cli/schedule-report), in plain Node: runs numbered
 * per model, a run whose job ended shows how (status with the version it published, when it ended, and
 * the decision in words), a waiting or skipped run its reason; answers of older servers (no outcome
 * fields) still print.
 */
import { describe, expect, it } from 'vitest';
import type { ScheduleRun, ScheduleWithRuns } from '../../src/client';
import { describeSchedule } from '../../src/cli/schedule-report';

const run = (over: Partial<ScheduleRun>): ScheduleRun => ({
  run: 1,
  due_at: '2026-11-30T09:00:00.000Z',
  claimed_at: '2026-11-30T09:00:01.000Z',
  status: 'skipped',
  job_id: null,
  reason: null,
  started_at: null,
  finished_at: null,
  version: null,
  outcome: null,
  ...over,
});

const schedule = (runs: ScheduleRun[]): ScheduleWithRuns => ({
  model: 'credit-risk',
  every: '1d',
  dataset: 'credit',
  budget: { seconds: 60 },
  min_new_rows: 100,
  margin: 0.002,
  margin_kind: 'absolute',
  metric: 'roc_auc',
  on_drift: null,
  next_due_at: '2026-12-01T09:00:00.000Z',
  created_at: '2026-11-29T09:00:00.000Z',
  updated_at: '2026-11-29T09:00:00.000Z',
  runs,
});

describe('describeSchedule', () => {
  it('shows how each run ended: the outcome of a run whose job ended, the reason of the others', () => {
    const text = describeSchedule(
      schedule([
        run({ run: 3, status: 'waiting', reason: 'job j9, which publishes to model "credit-risk", has not finished; the run stays due' }),
        run({ run: 2, status: 'challenger_kept', job_id: 'j2', reason: 'retraining job started; 150 rows appended', started_at: '2026-11-30T09:00:02.000Z', finished_at: '2026-11-30T09:05:00.000Z', version: 3, outcome: 'v3 kept as a challenger: roc_auc worse' }),
        run({ run: 1, status: 'skipped', reason: 'nothing new to learn', finished_at: '2026-11-29T09:00:01.000Z' }),
      ]),
      Date.parse('2026-11-30T10:00:00Z'),
    );
    expect(text).toContain('next run   2026-12-01 09:00:00 UTC');
    const lines = text.split('\n');
    const row = (n: number) => lines.find((l) => new RegExp(`^│ ${n} `).test(l)) ?? '';
    expect(row(3)).toMatch(/│ waiting .* │ - .*job j9, which publishes/);
    expect(row(2)).toMatch(/│ challenger_kept v3 │ 2026-11-30 09:05:00 │ j2 .*│ v3 kept as a challenger: roc_auc worse/);
    expect(row(1)).toMatch(/│ skipped .*│ 2026-11-29 09:00:01 │ - .*│ nothing new to learn/);
  });

  it("says the margin alone decides under promotion \"margin\" (a forecast model's), and the noise rule only under \"beyond_noise\"", () => {
    const forecast = { ...schedule([]), model: 'stores', metric: 'rmse', margin: 0.01, margin_kind: 'relative' as const, promotion: 'margin' as const };
    const rules = (s: ScheduleWithRuns) => describeSchedule(s).split('\n').find((l) => l.startsWith('  rules ')) ?? '';
    expect(rules(forecast)).toBe("  rules      at least 100 new rows; challenger must beat the champion's rmse by 0.01 (relative); the margin alone decides");
    expect(rules({ ...schedule([]), promotion: 'beyond_noise' })).toBe("  rules      at least 100 new rows; challenger must beat the champion's roc_auc by 0.002 (absolute) and beyond the holdout's noise");
  });

  it('prints runs from a server that sends no outcome fields', () => {
    const old = { run: 7, due_at: '2026-11-30T09:00:00.000Z', claimed_at: '2026-11-30T09:00:00.000Z', status: 'started', job_id: 'j7', reason: 'retraining job started', finished_at: null } as ScheduleRun;
    expect(describeSchedule(schedule([old]))).toMatch(/│ 7 .*│ started .*│ j7 .*│ retraining job started/);
  });
});
