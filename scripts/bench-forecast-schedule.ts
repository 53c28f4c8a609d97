/**
 * `npm run bench:forecast-schedule -- [--series 12] [--trials 30] [--families linear,gbdt,random_forest]
 *   [--origins 3] [--threads 2] [--rnn]`
 * Whether reading the season on the clock (engine/forecast/clock-alignment) makes forecasts of business
 * hours whose days open for different hours better on points no model saw. The season of such a series
 * counts the longest day's slots, so `season` points back from Monday 09:00 lands inside a short Saturday
 * at another hour; on the clock it is the same time of day on the last open day holding it. Each scenario
 * (scripts/lib/synthetic-schedule, seeded by its index: a short Saturday, a pharmacy with a lunch break
 * and a short Saturday, an early Saturday, in turn) holds out its last working week, the job's horizon.
 * Each option that reads the season back is fitted alone, positionally (`clock_aligned: false`, as models
 * did before) and on the clock, and scored on that week: seasonal differencing (gbdt's defaults, linear's
 * with it), seasonal lags (linear with two) and ets with its season (and with --rnn the rnn's defaults,
 * which difference seasonally: slow). Then the job's search
 * (scripts/lib/forecast-search: baselines, defaults, random draws, the blend) runs both ways with the same
 * seed, and its published forecaster is scored. Printed: a row per scenario, then per option and for the
 * search the geometric mean of RMSE(clock) / RMSE(positional), wins/losses, and each over seasonal naive's.
 */
import { parseArgs } from 'node:util';
import { geometricMean, winsLossesTies } from './lib/ratio-stats';
import { runOnThreads } from './lib/scenario-threads';
import { optionsOf, READINGS, type ScheduleResult, type ScheduleSettings } from './lib/schedule-scenarios';
import { SCENARIO_OPTIONS, scenarioSettings } from './lib/scenario-options';
import { formatTable } from './lib/tables';

const { values } = parseArgs({
  options: {
    ...SCENARIO_OPTIONS,
    rnn: { type: 'boolean', default: false },
  },
});
const { series: SERIES, threads: THREADS, families: FAMILIES, search: SEARCH } = scenarioSettings(values, 'rnn is left out of the searches: too slow for this many (--rnn fits its defaults alone)');
const OPTIONS = optionsOf(values.rnn === true);

const fmt = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : 'failed');

function scenarioTable(results: readonly ScheduleResult[]): string {
  const headers = ['seed', 'shop', 'weeks', 'held out', 'naive', ...OPTIONS.map((o) => `${o.name} pos -> clock`), 'search pos -> clock', 'published pos / clock', 's'];
  const rows = results.map((r) => [
    r.index,
    r.params.shop,
    r.params.weeks,
    r.horizon,
    fmt(r.naiveRmse),
    ...r.options.map(([pos, clock]) => `${fmt(pos)} -> ${fmt(clock)}`),
    `${fmt(r.searches[0].rmse)} -> ${fmt(r.searches[1].rmse)}`,
    `${r.searches[0].published} / ${r.searches[1].published}`,
    r.seconds.toFixed(0),
  ]);
  return formatTable(headers, rows);
}

/** One summary row: the ratios clock / positional over the scenarios where both ran, and each over naive. */
function summaryRow(name: string, results: readonly ScheduleResult[], rmse: (r: ScheduleResult, reading: number) => number): (string | number)[] {
  const ran = results.filter((r) => Number.isFinite(rmse(r, 0)) && Number.isFinite(rmse(r, 1)));
  if (ran.length === 0) return [name, 0, '-', '-', '-', '-'];
  const ratios = ran.map((r) => rmse(r, 1) / rmse(r, 0));
  return [
    name,
    ran.length,
    geometricMean(ratios).toFixed(3),
    winsLossesTies(ratios),
    ...READINGS.map((_, k) => geometricMean(ran.map((r) => rmse(r, k) / r.naiveRmse)).toFixed(3)),
  ];
}

function summaryTable(results: readonly ScheduleResult[]): string {
  const headers = ['what', 'n', 'geomean clock/positional', 'wins/losses/ties', 'geomean rmse/naive positional', 'geomean rmse/naive clock'];
  const rows = [
    ...OPTIONS.map((o, k) => summaryRow(o.name, results, (r, reading) => r.options[k][reading])),
    summaryRow(`search (${SEARCH.trials} trials)`, results, (r, reading) => r.searches[reading].rmse),
  ];
  return formatTable(headers, rows);
}

async function main(): Promise<void> {
  const started = performance.now();
  console.log(`Held-out RMSE of the options reading the season back, positional vs on the clock, and of the job's search both ways (${SEARCH.trials} learned trials + baselines, families ${FAMILIES.join(', ')}, ${SEARCH.origins} rolling origins).`);
  console.log(`\n${SERIES} simulated business-hours scenarios whose days open for different hours, the last working week held out, ${THREADS} thread${THREADS === 1 ? '' : 's'}`);
  const indices = Array.from({ length: SERIES }, (_, i) => i);
  const settings: ScheduleSettings = { search: SEARCH, rnn: values.rnn === true };
  const results = await runOnThreads<ScheduleResult>(new URL('./lib/schedule-scenario-worker.ts', import.meta.url), settings, indices, THREADS, (r, done) =>
    console.error(`scenario ${r.index}: ${r.seconds.toFixed(0)} s (${done}/${SERIES})`),
  );
  results.sort((a, b) => a.index - b.index);
  console.log(scenarioTable(results));
  console.log(`\n${summaryTable(results)}`);
  console.log(`\n${((performance.now() - started) / 1000).toFixed(0)} s`);
}

await main();
