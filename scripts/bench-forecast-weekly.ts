/**
 * `npm run bench:forecast-weekly -- [--series 12] [--trials 30] [--families linear,gbdt,random_forest]
 *   [--origins 3] [--threads 2]`
 * Whether the weekly options of a series whose season is a day (the tabular families' `weekday` one-hot
 * and `weekly_lag`, offered and turned on by default when the job's shape has a `week`) make a forecast
 * job's published model better on points no model saw, and whether they do harm where the days of the
 * week do not differ. The rolling origins that pick the model see the options too, so a lower validation
 * RMSE with them could be fit to noise: only the held-out points can tell. Each scenario
 * (scripts/lib/synthetic-weekly, seeded by its index) is an hourly series of 8 to 10 weeks (UTC) or a
 * business-hours one of 8 to 12 working weeks (09:00 to 17:00 Monday to Friday, timestamps without an
 * offset), with a daily shape, maybe a trend, AR(1) noise and a day-of-week factor whose strength (the
 * standard deviation of its log) is drawn per scenario, 0 in every third: no weekly pattern. Held out:
 * the last 48 hours of an hourly series (two days, so a weekend or a Monday shows up in some scenarios and
 * not others), the last working week of business hours (45 points, every working day once); the horizon is
 * that many points. Each scenario is searched twice as a job would search it (scripts/lib/forecast-search,
 * the same plan, blend and publication as bench-forecast-blend; search seed index + 1): (a) with the shape
 * forecastShapeOf returns, weekly options included, (b) with the shape's `week` removed, so the spaces and
 * defaults are the ones from before the weekly options. Each published forecaster forecasts the held-out
 * points and is scored by RMSE (and 80% / 95% interval coverage). Printed: a row per scenario, then, for
 * scenarios with and without a weekly pattern apart, RMSE(a)/RMSE(b) summed up as a geometric mean and
 * wins/losses, each search's RMSE over seasonal naive's, and coverage (a row's `days` are calendar days of
 * an hourly series, working days of a business-hours one, held-out ones included; `max/min day` is the
 * busiest day's factor over the quietest's). Scenarios run on --threads worker threads (default 2, one
 * per core of the machine it was sized for), the longest first; their figures do not depend on it. rnn
 * is never searched: too slow for this many searches of series this long.
 */
import { parseArgs } from 'node:util';
import { BASELINES, type SearchResult } from './lib/forecast-search';
import { geometricMean, mean, winsLossesTies } from './lib/ratio-stats';
import { runOnThreads } from './lib/scenario-threads';
import { HELD_OUT, syntheticWeekly } from './lib/synthetic-weekly';
import { SCENARIO_OPTIONS, scenarioSettings } from './lib/scenario-options';
import { formatTable } from './lib/tables';
import { type ScenarioResult, WEEKLY_SEARCHES } from './lib/weekly-scenarios';

const { values } = parseArgs({
  options: {
    ...SCENARIO_OPTIONS,
  },
});
const { series: SERIES, threads: THREADS, families: FAMILIES, search: SEARCH } = scenarioSettings(values, 'rnn is left out of this benchmark: dozens of searches of it on series of a thousand points would take hours');

/**
 * Every scenario, the longest series first (an hourly one takes several times a business-hours one), so
 * the threads finish together. Scenarios are seeded by their index alone, so the figures do not depend on
 * the thread that ran them; only their seconds do.
 */
async function runScenarios(): Promise<ScenarioResult[]> {
  const points = Array.from({ length: SERIES }, (_, i) => syntheticWeekly(i).history.rows);
  const order = Array.from({ length: SERIES }, (_, i) => i).sort((a, b) => points[b] - points[a] || a - b);
  const results = await runOnThreads<ScenarioResult>(new URL('./lib/weekly-scenario-worker.ts', import.meta.url), SEARCH, order, THREADS, (r, done) =>
    console.error(`scenario ${r.index}: ${r.seconds.toFixed(0)} s (${done}/${SERIES})`),
  );
  return results.sort((a, b) => a.index - b.index);
}

/** What a search published: the best trial's family, or the blend and its member count. */
const publishedName = (r: SearchResult) => (r.blendPublished ? `ensemble(${r.members})` : r.best.family);

/** RMSE of (a), with the weekly options, over (b)'s, without. */
const ratio = (r: ScenarioResult) => r.runs[0].published.rmse / r.runs[1].published.rmse;

function scenarioRow(r: ScenarioResult): (string | number)[] {
  const { index, params, runs, seconds } = r;
  const [weekly, without] = runs;
  const steps = params.kind === 'hourly' ? 24 : 9;
  return [
    index,
    params.kind,
    params.days,
    params.strength.toFixed(2),
    // How far apart the busiest and the quietest day of the week are, for a feel of the strength.
    `x${(Math.max(...params.dayFactors) / Math.min(...params.dayFactors)).toFixed(2)}`,
    params.growth === 0 ? '-' : `${params.growth > 0 ? '+' : ''}${(100 * params.growth).toFixed(0)}%`,
    params.noise.toFixed(3),
    `${params.days * steps - HELD_OUT[params.kind]}`,
    params.heldOut,
    weekly.naiveRmse.toFixed(2),
    weekly.published.rmse.toFixed(2),
    without.published.rmse.toFixed(2),
    ratio(r).toFixed(3),
    publishedName(weekly),
    publishedName(without),
    seconds.toFixed(0),
  ];
}

function scenarioTable(results: readonly ScenarioResult[]): string {
  const headers = [
    'seed', 'kind', 'days', 'weekly strength', 'max/min day', 'trend', 'noise sd', 'points searched', 'held out', 'naive rmse',
    'rmse (a) weekly', 'rmse (b) without', '(a)/(b)', 'published (a)', 'published (b)', 's',
  ];
  return formatTable(headers, results.map(scenarioRow));
}

/** Each search's figures over one group of scenarios; the ratio and wins are (a) against (b). */
function summaryRows(group: string, results: readonly ScenarioResult[]): (string | number)[][] {
  if (results.length === 0) return [[group, 0, '-', '-', '-', '-', '-', '-', '-']];
  return WEEKLY_SEARCHES.map(({ name }, k) => {
    const runs = results.map((r) => r.runs[k]);
    return [
      k === 0 ? group : '',
      k === 0 ? results.length : '',
      `(${'ab'[k]}) ${name}`,
      k === 0 ? geometricMean(results.map(ratio)).toFixed(3) : '-',
      k === 0 ? winsLossesTies(results.map(ratio)) : '-',
      geometricMean(runs.map((r) => r.published.rmse / r.naiveRmse)).toFixed(3),
      mean(runs.map((r) => r.published.inside80)).toFixed(3),
      mean(runs.map((r) => r.published.inside95)).toFixed(3),
      `${runs.filter((r) => r.blendPublished).length}/${runs.length}`,
    ];
  });
}

function summaryTable(results: readonly ScenarioResult[]): string {
  const headers = ['scenarios', 'n', 'search', 'geomean (a)/(b)', 'wins/losses/ties (a) vs (b)', 'geomean rmse/naive', '80% cov', '95% cov', 'blend published'];
  const rows = [
    ...summaryRows('weekly pattern', results.filter((r) => r.params.strength > 0)),
    ...summaryRows('no weekly pattern', results.filter((r) => r.params.strength === 0)),
  ];
  return formatTable(headers, rows);
}

async function main(): Promise<void> {
  const started = performance.now();
  const searched = `${SEARCH.trials} learned trials + ${BASELINES.length} baselines per search, families ${FAMILIES.join(', ')}, ${SEARCH.origins} rolling origins`;
  console.log(`Held-out test RMSE of the published forecaster searched (a) with the weekly options (weekday, weekly_lag) vs (b) without; ${searched}.`);
  const held = `the last ${HELD_OUT.hourly} hourly / ${HELD_OUT['business hours']} business-hours points held out`;
  console.log(`\n${SERIES} simulated hourly and business-hours scenarios, ${held}, ${THREADS} thread${THREADS === 1 ? '' : 's'}`);
  const results = await runScenarios();
  console.log(scenarioTable(results));
  console.log(`\n${summaryTable(results)}`);
  console.log(`\n${((performance.now() - started) / 1000).toFixed(0)} s`);
}

await main();
