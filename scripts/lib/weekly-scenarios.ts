/**
 * One scenario of bench-forecast-weekly: a simulated series whose season is a day (./synthetic-weekly)
 * searched twice as a job would (./forecast-search) with the same search seed, once with the weekly
 * options its shape brings and once with the shape's `week` removed, so the spaces and defaults are the
 * ones from before the weekly options. Here so the benchmark's worker threads run exactly what it reports.
 */
import type { ForecastShape } from '../../src/engine/forecast';
import { searchAndScore, type SearchResult, type SearchSettings } from './forecast-search';
import { syntheticWeekly, type WeeklyParams } from './synthetic-weekly';

/** The shape without its weekly second season: forecastSpace and forecastDefaults then offer no weekly option. */
function withoutWeek(shape: ForecastShape): ForecastShape {
  const { week: _week, ...rest } = shape;
  return rest;
}

/** The two searches of every scenario: the job's shape as it is, and without the week. */
export const WEEKLY_SEARCHES = [
  { name: 'weekly options', shape: (shape: ForecastShape) => shape },
  { name: 'without', shape: withoutWeek },
] as const;

export interface ScenarioResult {
  readonly index: number;
  readonly params: WeeklyParams;
  /** One search per WEEKLY_SEARCHES entry, in order. */
  readonly runs: readonly SearchResult[];
  readonly seconds: number;
}

/** Scenario `index`, both searches with search seed index + 1, so only the weekly options differ. */
export async function runScenario(index: number, search: SearchSettings): Promise<ScenarioResult> {
  const started = performance.now();
  const { params, history, future, horizon } = syntheticWeekly(index);
  const runs: SearchResult[] = [];
  for (const { shape } of WEEKLY_SEARCHES) {
    runs.push(await searchAndScore(history, future, { target: 'y', horizon, seed: index + 1, shape }, search));
  }
  return { index, params, runs, seconds: (performance.now() - started) / 1000 };
}
