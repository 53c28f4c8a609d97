/**
 * One scenario of bench-forecast-covariates: a simulated shops dataset (./synthetic-shops) searched three
 * times as a job would (./forecast-search), naming no covariates, the informative ones, and a useless
 * one. Here so the benchmark's worker threads (./covariate-scenario-worker) run exactly what it reports.
 */
import { searchAndScore, type SearchResult, type SearchSettings } from './forecast-search';
import { type ShopsParams, syntheticShops } from './synthetic-shops';

/** The three searches of every scenario: what each names as covariates. */
export const COVARIATE_SEARCHES = [
  { name: 'none', covariates: [] },
  { name: 'promo, holiday', covariates: ['promo', 'holiday'] },
  { name: 'noise', covariates: ['noise'] },
] as const;

export interface ScenarioOptions {
  readonly days: number;
  readonly horizon: number;
  readonly search: SearchSettings;
}

export interface ScenarioResult {
  readonly seed: number;
  readonly params: ShopsParams;
  /** One search per COVARIATE_SEARCHES entry, in order. */
  readonly runs: readonly SearchResult[];
  readonly seconds: number;
}

/** Scenario `index`, searched with search seed index + 1 (each of the three alike, so only the covariates differ). */
export async function runScenario(index: number, { days, horizon, search }: ScenarioOptions): Promise<ScenarioResult> {
  const started = performance.now();
  const { params, history, future } = syntheticShops(index, days, horizon);
  const runs: SearchResult[] = [];
  for (const { covariates } of COVARIATE_SEARCHES) {
    runs.push(await searchAndScore(history, future, { target: 'sales', horizon, seed: index + 1, groupColumn: 'shop', covariates }, search));
  }
  return { seed: index, params, runs, seconds: (performance.now() - started) / 1000 };
}
