/**
 * The options the threaded forecast-scenario benches share (bench-forecast-weekly, bench-forecast-schedule):
 * how many scenarios, the search each runs (learned trials, families, rolling origins) and the threads
 * they run on, and what those give: the search settings and the thread count. rnn is refused in the
 * searches, with the bench's own reason: dozens of searches of it would take hours.
 */
import { availableParallelism } from 'node:os';
import { DEFAULT_ORIGINS, type ForecastFamily } from '../../src/engine/forecast';
import type { SearchSettings } from './forecast-search';

/** parseArgs options; spread beside a bench's own. */
export const SCENARIO_OPTIONS = {
  series: { type: 'string', default: '12' },
  trials: { type: 'string', default: '30' },
  families: { type: 'string', default: 'linear,gbdt,random_forest' },
  origins: { type: 'string', default: String(DEFAULT_ORIGINS) },
  threads: { type: 'string', default: String(Math.min(2, availableParallelism())) },
} as const;

type ScenarioValues = { readonly [K in keyof typeof SCENARIO_OPTIONS]?: string };

/** The scenario count, the threads (at most one per scenario) and the search, from parsed SCENARIO_OPTIONS. */
export function scenarioSettings(values: ScenarioValues, rnnRefusal: string): { series: number; threads: number; families: ForecastFamily[]; search: SearchSettings } {
  const series = Number(values.series);
  const families = values.families!.split(',') as ForecastFamily[];
  if (families.includes('rnn')) throw new Error(rnnRefusal);
  return { series, threads: Math.max(1, Math.min(Number(values.threads), series)), families, search: { trials: Number(values.trials), families, origins: Number(values.origins) } };
}
