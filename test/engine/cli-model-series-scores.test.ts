/**
 * `model MODEL` on a grouped forecast model (cli/commands/models describeModel), in plain Node: the view's
 * `forecast.series_scores` give one line naming the five series the described version forecasts worst, in
 * that version's metric and in the very words the job report (cli/job-report) uses for its job; nothing
 * for a model without them.
 */
import { describe, expect, it } from 'vitest';
import type { Job, Model, SeriesScore } from '../../src/client';
import { describeModel } from '../../src/cli/commands/models';
import { describeJob } from '../../src/cli/job-report';

/** Six series, worst first, each score with more digits than the line keeps. */
const SCORES: SeriesScore[] = ['north', 'east', 'south', 'west', 'centre', 'port'].map((group, i) => ({ group, score: 41.234567 - 5 * i, points: 36 - i }));

type Version = Model['versions'][number];
const version = (n: number, metric: string, score: number): Version => ({ version: n, job_id: `j${n}`, trial_id: 't1', family: 'linear', metric, greater_is_better: false, score, dataset: { name: 'stores', version: 1 }, created_at: '2024-05-01T00:00:00.000Z' });

/** A grouped monthly forecast model's view of v1 (rmse), with the forecast block's extra fields given. */
function view(forecast: Partial<NonNullable<Model['forecast']>>, over: Partial<Model> = {}): Model {
  return {
    name: 'stores',
    task: 'forecast',
    target: 'sales',
    metric: 'rmse',
    greater_is_better: false,
    champion_version: 1,
    classes: [],
    family: 'linear',
    features: [],
    versions: [version(1, 'rmse', 12.5)],
    history: [],
    forecast: { time_column: 'month', group_column: 'store', groups: SCORES.map((s) => s.group), frequency: 'monthly', season: 12, horizon: 6, max_horizon: 24, ...forecast },
    updated_at: '2024-05-01T00:00:00.000Z',
    ...over,
  };
}

/** The job that made it, as `status` reports it. */
function job(over: Partial<Job>): Job {
  return {
    id: 'j1',
    status: 'succeeded',
    dataset: { name: 'stores', version: 1 },
    target: 'sales',
    task: 'forecast',
    metric: 'rmse',
    greater_is_better: false,
    strategy: 'auto',
    models: ['linear'],
    seed: 1,
    progress: { trials_done: 3, trials_running: 0, trials_failed: 0, elapsed_ms: 60_000, budget: { seconds: 60 } },
    best: null,
    leaderboard: [],
    best_over_time: [],
    model: { name: 'stores', version: 1 },
    created_at: '2024-05-01T00:00:00.000Z',
    finished_at: '2024-05-01T00:01:00.000Z',
    ...over,
  };
}

const worstLines = (text: string) => text.split('\n').filter((l) => l.startsWith('  worst series'));

describe("`model MODEL` on a forecast model's series scores", () => {
  it('names the five worst series in one line, as the job report words them', () => {
    const lines = worstLines(describeModel(view({ series_scores: SCORES })));
    expect(lines).toEqual(['  worst series (rmse): north 41.23 (36 points), east 36.23 (35 points), south 31.23 (34 points), west 26.23 (33 points), centre 21.23 (32 points); 6 series in all']);
    // The same words as the job's report of the same scores.
    expect(lines).toEqual(worstLines(describeJob(job({ series_scores: SCORES }), 'edge-automl')));
    // It sits with the series' other lines, before the versions table.
    const text = describeModel(view({ series_scores: SCORES }));
    expect(text.indexOf('  worst series')).toBeGreaterThan(text.indexOf('  series   '));
    expect(text.indexOf('  worst series')).toBeLessThan(text.indexOf('\nversions'));
  });

  it('counts the series the view did not list, and says nothing of a count when all are shown', () => {
    expect(worstLines(describeModel(view({ series_scores: SCORES.slice(0, 2), series_scores_total: 1200 })))).toEqual(['  worst series (rmse): north 41.23 (36 points), east 36.23 (35 points); 1200 series in all']);
    expect(worstLines(describeModel(view({ series_scores: SCORES.slice(0, 3) })))).toEqual(['  worst series (rmse): north 41.23 (36 points), east 36.23 (35 points), south 31.23 (34 points)']);
  });

  it("scores a version described with --version in that version's metric, not the champion's", () => {
    const model = view({ series_scores: SCORES.slice(0, 1) }, { champion_version: 2, described_version: 1, versions: [version(1, 'mase', 0.9), version(2, 'rmse', 12.5)] });
    expect(worstLines(describeModel(model))).toEqual(['  worst series (mase): north 41.23 (36 points)']);
  });

  it('prints no such line for a model without series scores (one series, or a version made before them)', () => {
    expect(worstLines(describeModel(view({})))).toEqual([]);
    expect(worstLines(describeModel(view({ series_scores: [] })))).toEqual([]);
  });
});
