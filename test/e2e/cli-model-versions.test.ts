/**
 * `model NAME`'s versions table, in plain Node with a recording fetch in place of the server: each
 * version's score is shown in its own metric (a version published by a job with another metric is not in
 * the champion's), and the champion line reads the champion version's own metric.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { jsonAnswer, restoreFakes, runCli as run } from './fake-server';

afterEach(restoreFakes);

const version = (v: number, metric: string, score: number, greater: boolean) => ({
  version: v,
  job_id: `j${v}`,
  trial_id: 't0001',
  family: 'gbdt',
  metric,
  greater_is_better: greater,
  score,
  dataset: { name: 'imb', version: 1 },
  created_at: '2025-01-01T00:00:00.000Z',
});

const view = {
  name: 'imb',
  task: 'binary',
  target: 'label',
  // The model row's metric is the last published job's; v1 was promoted back since.
  metric: 'f1',
  greater_is_better: true,
  champion_version: 1,
  classes: ['fraud', 'ok'],
  family: 'gbdt',
  features: [],
  versions: [version(1, 'roc_auc', 0.9123, true), version(2, 'f1', 0.4567, true), version(3, 'log_loss', 0.2345, false)],
  history: [],
  updated_at: '2025-01-01T00:00:00.000Z',
};

describe('model NAME versions', () => {
  it('labels each version\'s score with its own metric', async () => {
    const ran = await run(['model', 'imb'], jsonAnswer(view));
    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.stdout).toContain('  champion v1: gbdt, roc_auc 0.9123 (higher is better), from job j1');
    expect(ran.stdout).toMatch(/v1 \(champion\) │ gbdt\s+│ roc_auc 0\.9123/);
    expect(ran.stdout).toMatch(/v2\s+│ gbdt\s+│ f1 0\.4567/);
    expect(ran.stdout).toMatch(/v3\s+│ gbdt\s+│ log_loss 0\.2345/);
    expect(ran.stdout).toMatch(/│ version\s+│ family\s+│ score\s+│/);
  });
});
