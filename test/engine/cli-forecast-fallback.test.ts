/**
 * What the CLI prints of a forecast model's floor and its groups a simple rule forecasts, in plain Node:
 * `model MODEL` (cli/commands/models describeModel) shows the view's `forecast.floor` and
 * `forecast.fallback_groups` in a line each, and `forecast` as a table (cli/forecast-report) says when the
 * answer's `fallback` forecast the series (and that covariates sent were not used), while its CSV stays the points alone.
 */
import { describe, expect, it } from 'vitest';
import type { Forecast, Model } from '../../src/client';
import { describeModel } from '../../src/cli/commands/models';
import { forecastCsv, forecastTable } from '../../src/cli/forecast-report';

/** A grouped monthly forecast model's view, with the forecast block given. */
function view(forecast: Partial<NonNullable<Model['forecast']>>): Model {
  return {
    name: 'stores',
    task: 'forecast',
    target: 'passengers',
    metric: 'rmse',
    greater_is_better: false,
    champion_version: 1,
    classes: [],
    family: 'linear',
    features: [],
    versions: [{ version: 1, job_id: 'j1', trial_id: 't1', family: 'linear', metric: 'rmse', greater_is_better: false, score: 12.5, dataset: { name: 'stores', version: 1 }, created_at: '2024-05-01T00:00:00.000Z' }],
    history: [],
    forecast: { time_column: 'date', group_column: 'store', groups: ['old'], frequency: 'monthly', season: 12, horizon: 6, max_horizon: 24, ...forecast },
    updated_at: '2024-05-01T00:00:00.000Z',
  };
}

const lineOf = (text: string, start: string) => text.split('\n').filter((l) => l.startsWith(start));

describe('the CLI on a forecast model\'s floor and fallback groups', () => {
  it('shows the floor and the groups a rule forecasts in a line each, and neither when the view has none', () => {
    const groups = ['tiny', 'a', 'b', 'c', 'd', 'e'].map((group, i) => ({ group, rule: i === 0 ? ('seasonal_naive' as const) : ('last_value' as const), points: 15 - i }));
    const text = describeModel(view({ floor: 0, fallback_groups: groups }));
    expect(lineOf(text, '  floor')).toEqual(['  floor    0: forecasts and intervals never go below it (the target never did in training)']);
    expect(lineOf(text, '  fallback')).toEqual(['  fallback tiny (seasonal_naive, 15 points), a (last_value, 14 points), b (last_value, 13 points), c (last_value, 12 points), d (last_value, 11 points) and 1 more: too few points to validate a model on, forecast by a simple rule']);

    const plain = describeModel(view({}));
    expect(lineOf(plain, '  floor')).toEqual([]);
    expect(lineOf(plain, '  fallback')).toEqual([]);
  });

  it('says above the table when a rule forecast the series, and keeps the CSV to the points', () => {
    const answer: Forecast = {
      model: { name: 'stores', version: 1 },
      group: 'tiny',
      horizon: 1,
      level: 0.8,
      forecasts: [{ time: '1958-01-01T00:00:00.000Z', value: 170, lower: 150, upper: 190 }],
      fallback: { rule: 'seasonal_naive', points: 15, reason: 'group "tiny" had 15 points, too few to validate a forecast on' },
    };
    const [head, said, ...table] = forecastTable(answer).split('\n');
    expect(head).toBe('model stores v1, series tiny, 1 steps, 80% intervals');
    expect(said).toBe('series "tiny" is forecast by seasonal_naive on its 15 points (too few to validate a model on)');
    expect(table.join('\n')).toContain('170');
    expect(forecastCsv(answer)).toBe('time,value,lower,upper\n1958-01-01T00:00:00.000Z,170,150,190');

    // Covariates sent for it were not read: the line says so (the CSV still holds the points alone).
    const ignored: Forecast = { ...answer, fallback: { ...answer.fallback!, covariates_ignored: true } };
    expect(forecastTable(ignored).split('\n')[1]).toBe('series "tiny" is forecast by seasonal_naive on its 15 points (too few to validate a model on); the covariates sent were not used (the rule reads none)');
    expect(forecastCsv(ignored)).toBe(forecastCsv(answer));

    // The model's own series: no such line.
    const own: Forecast = { model: answer.model, group: 'old', horizon: 1, level: 0.8, forecasts: answer.forecasts };
    expect(forecastTable(own).split('\n').some((l) => l.includes('forecast by'))).toBe(false);
  });
});
