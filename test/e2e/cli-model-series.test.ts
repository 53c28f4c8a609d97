/**
 * `model NAME` of a forecast model, in plain Node with a recording fetch in place of the server: it says
 * where each series ends (forecasts start the step after), and marks a version that is an earlier one
 * advanced to newer data by a scheduled retraining. A view without series ends (an older server) prints
 * no such line. A step named `fixed` is said in words ("every 30 minutes"), named ones as before; `model
 * NAME --version N` asks for version N's view and says whose series and covariates it prints.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { jsonAnswer, refusal, restoreFakes, runCli as run } from './fake-server';

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

describe('model NAME: the step of a series and a pinned version', () => {
  const halfHourly = { ...view, forecast: { ...view.forecast, frequency: 'fixed', step: { seconds: 1800, text: 'every 30 minutes' }, season: 48 } };

  it('says a fixed step in words and keeps the names of named steps', async () => {
    expect((await run(['model', 'shops'], jsonAnswer(halfHourly))).stdout).toContain('  series   every 30 minutes by "date", 2 series by "shop", horizon 14');
    const hourly = { ...view, forecast: { ...view.forecast, frequency: 'hourly', step: { seconds: 3600, text: 'every hour' } } };
    expect((await run(['model', 'shops'], jsonAnswer(hourly))).stdout).toContain('  series   hourly by "date"');
    // A view without a step (an older server) still names the frequency.
    expect((await run(['model', 'shops'], jsonAnswer({ ...halfHourly, forecast: { ...halfHourly.forecast, step: undefined } }))).stdout).toContain('  series   fixed by "date"');
  });

  it("asks for version N's view with --version N and says whose series follow", async () => {
    const pinned = {
      ...halfHourly,
      described_version: 2,
      family: 'gbdt',
      forecast: { ...halfHourly.forecast, covariates: [{ name: 'promo', kind: 'numeric', min: 0, max: 1 }], past_covariates: [{ name: 'visits', kind: 'numeric' }] },
    };
    const ran = await run(['model', 'shops', '--version', '2'], jsonAnswer(pinned));
    expect(ran.code).toBe(0);
    expect(ran.requests.map((r) => `${r.method} ${r.url}`)).toEqual(['GET http://127.0.0.1:8787/v1/models/shops?version=2']);
    expect(ran.stdout).toContain('  champion v3: linear, rmse 9.5000 (lower is better), from job j1');
    expect(ran.stdout).toContain('  version  v2: gbdt, rmse 9.5000 (lower is better), from job j2 (described below)');
    expect(ran.stdout).toContain('  covariates promo (a number) for each step ahead');
    expect(ran.stdout).toContain('  past covariates visits, observed up to the end of the training data');
    // The champion's own view names no other version.
    expect((await run(['model', 'shops'], jsonAnswer({ ...halfHourly, described_version: 3 }))).stdout).not.toContain('  version  ');
  });

  it('refuses a version that is no positive integer, says the server\'s 404, and deletes one version with --delete', async () => {
    for (const args of [['--version', '0'], ['--version', 'two'], ['--version', 'two', '--delete']]) {
      const ran = await run(['model', 'shops', ...args]);
      expect(ran.code, args.join(' ')).not.toBe(0);
      expect(ran.requests).toEqual([]);
      expect(ran.stderr).toContain('--version');
    }
    const missing = await run(['model', 'shops', '--version', '9'], refusal(404, 'model_version_not_found', 'model "shops" has no version 9', { model: 'shops', version: 9 }));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('error: model_version_not_found (HTTP 404): model "shops" has no version 9');
    // With --delete, that version alone goes (DELETE …/versions/N); the champion is the server's to refuse.
    const deleted = await run(['model', 'shops', '--version', '1', '--delete'], new Response(null, { status: 204 }));
    expect(deleted.code, deleted.stderr).toBe(0);
    expect(deleted.requests.map((r) => [r.method, new URL(r.url).pathname])).toEqual([['DELETE', '/v1/models/shops/versions/1']]);
    expect(deleted.stdout).toBe('model shops: version 1 deleted\n');
  });
});
