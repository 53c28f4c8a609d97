/**
 * `npm run bench:forecast-covariates -- [--series 12] [--trials 30] [--families linear,gbdt,random_forest]
 *   [--days 365] [--horizon 14] [--origins 3] [--threads 2]`
 * Whether naming known-future covariates makes a forecast job's published model better on days no model
 * saw, and whether naming a useless one makes it worse. The rolling origins that pick the model read the
 * covariates too, so a lower validation RMSE with them could be fit to noise: only the held-out days can
 * tell. Each scenario (scripts/lib/synthetic-shops, seeded by its index) is a year of one or two shops'
 * daily sales with promotions and holidays, its levels, weekly shapes, promotion lift and rate, holiday
 * cut and noise drawn anew; the last `horizon` days are held out. It is searched three times, as a job
 * would search it (scripts/lib/forecast-search, the same plan, blend and publication as
 * bench-forecast-blend; search seed index + 1): (a) with no covariates, (b) naming `promo` and `holiday`,
 * (c) naming only `noise`, a column of random numbers sales do not depend on. Each published forecaster
 * forecasts every shop's held-out days, given those days' values of the covariates it names, and is
 * scored by RMSE pooled over the shops (and 80% / 95% interval coverage) against what the shops sold.
 * Printed: a row per scenario, then RMSE(b)/RMSE(a) and RMSE(c)/RMSE(a) summed up as geometric means,
 * medians and wins/losses, each search's RMSE over seasonal naive's, and coverage. Scenarios run on --threads worker
 * threads (default 2, one per core of the machine it was sized for); their figures do not depend on it.
 * rnn is never searched: too slow for this many searches.
 */
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { DEFAULT_ORIGINS, type ForecastFamily } from '../src/engine/forecast';
import { COVARIATE_SEARCHES, type ScenarioOptions, type ScenarioResult } from './lib/covariate-scenarios';
import { BASELINES, type SearchResult } from './lib/forecast-search';
import { geometricMean, mean, median, winsLossesTies } from './lib/ratio-stats';
import { formatTable } from './lib/tables';
import { runOnThreads } from './lib/scenario-threads';

const { values } = parseArgs({
  options: {
    series: { type: 'string', default: '12' },
    trials: { type: 'string', default: '30' },
    families: { type: 'string', default: 'linear,gbdt,random_forest' },
    days: { type: 'string', default: '365' },
    horizon: { type: 'string', default: '14' },
    origins: { type: 'string', default: String(DEFAULT_ORIGINS) },
    threads: { type: 'string', default: String(Math.min(2, availableParallelism())) },
  },
});
const SERIES = Number(values.series);
const THREADS = Math.max(1, Math.min(Number(values.threads), SERIES));
const FAMILIES = values.families!.split(',') as ForecastFamily[];
if (FAMILIES.includes('rnn')) throw new Error('rnn is left out of this benchmark: dozens of searches of it would take hours');
const OPTIONS: ScenarioOptions = {
  days: Number(values.days),
  horizon: Number(values.horizon),
  search: { trials: Number(values.trials), families: FAMILIES, origins: Number(values.origins) },
};

/**
 * Every scenario, run on THREADS worker threads (./lib/scenario-threads; a two-shop scenario takes about
 * twice as long as a one-shop one). Scenarios are seeded by their index alone, so the figures do not
 * depend on the thread that ran them; only their seconds do.
 */
async function runScenarios(): Promise<ScenarioResult[]> {
  const indices = Array.from({ length: SERIES }, (_, i) => i);
  const results = await runOnThreads<ScenarioResult>(new URL('./lib/covariate-scenario-worker.ts', import.meta.url), OPTIONS, indices, THREADS, (r, done) =>
    console.error(`scenario ${r.seed}: ${r.seconds.toFixed(0)} s (${done}/${SERIES})`),
  );
  return results.sort((a, b) => a.seed - b.seed);
}

/** What a search published: the best trial's family, or the blend and its member count. */
const publishedName = (r: SearchResult) => (r.blendPublished ? `ensemble(${r.members})` : r.best.family);

function scenarioRow({ seed, params, runs, seconds }: ScenarioResult): (string | number)[] {
  const [none, named, noise] = runs;
  return [
    seed,
    params.shops,
    `+${(100 * params.promoLift).toFixed(0)}%`,
    params.promoRate.toFixed(2),
    `x${params.holidayFactor.toFixed(2)}`,
    params.noise.toFixed(3),
    none.naiveRmse.toFixed(2),
    ...runs.map((r) => r.published.rmse.toFixed(2)),
    (named.published.rmse / none.published.rmse).toFixed(3),
    (noise.published.rmse / none.published.rmse).toFixed(3),
    ...runs.map(publishedName),
    seconds.toFixed(0),
  ];
}

function scenarioTable(results: readonly ScenarioResult[]): string {
  const headers = [
    'seed', 'shops', 'promo lift', 'promo rate', 'holiday', 'noise sd', 'naive rmse',
    'rmse (a) none', 'rmse (b) promo,holiday', 'rmse (c) noise', '(b)/(a)', '(c)/(a)',
    'published (a)', 'published (b)', 'published (c)', 's',
  ];
  return formatTable(headers, results.map(scenarioRow));
}

function summaryTable(results: readonly ScenarioResult[]): string {
  const rows = COVARIATE_SEARCHES.map(({ name }, k) => {
    const runs = results.map((r) => r.runs[k]);
    const ratios = results.map((r) => r.runs[k].published.rmse / r.runs[0].published.rmse);
    return [
      `(${'abc'[k]}) ${name}`,
      k === 0 ? '-' : geometricMean(ratios).toFixed(3),
      k === 0 ? '-' : median(ratios).toFixed(3),
      k === 0 ? '-' : winsLossesTies(ratios),
      geometricMean(runs.map((r) => r.published.rmse / r.naiveRmse)).toFixed(3),
      mean(runs.map((r) => r.published.inside80)).toFixed(3),
      mean(runs.map((r) => r.published.inside95)).toFixed(3),
      `${runs.filter((r) => r.blendPublished).length}/${runs.length}`,
    ];
  });
  const headers = ['covariates named', 'geomean rmse/(a)', 'median rmse/(a)', 'wins/losses/ties vs (a)', 'geomean rmse/naive', '80% cov', '95% cov', 'blend published'];
  return formatTable(headers, rows);
}

async function main(): Promise<void> {
  const started = performance.now();
  const { search } = OPTIONS;
  const searched = `${search.trials} learned trials + ${BASELINES.length} baselines per search, families ${FAMILIES.join(', ')}, ${search.origins} rolling origins`;
  console.log(`Held-out test RMSE of the published forecaster searched with (b) promo and holiday, (c) a useless noise column, vs (a) no covariates; ${searched}.`);
  console.log(`\n${SERIES} simulated shop scenarios, ${OPTIONS.days} days each, the last ${OPTIONS.horizon} held out (RMSE pooled over the shops), ${THREADS} thread${THREADS === 1 ? '' : 's'}`);
  const results = await runScenarios();
  console.log(scenarioTable(results));
  console.log(`\n${summaryTable(results)}`);
  console.log(`\n${((performance.now() - started) / 1000).toFixed(0)} s`);
}

await main();
