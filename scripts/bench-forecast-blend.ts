/**
 * `npm run bench:forecast-blend -- [--series 30] [--trials 60] [--families linear,gbdt,random_forest] [--length 120] [--horizon 24]
 *   [--airpassengers DIR] [--real] [--real-seeds 1,2,3] [--origins 3]`
 * Whether publishing a forecast job's end-of-search blend beats publishing its single best trial, on data
 * neither saw. Both are picked on the same three rolling origins, so the blend's lower validation RMSE may
 * be no more than a closer fit to those origins: only the series' continuation can tell. Each synthetic
 * monthly series (scripts/lib/synthetic-series, as bench-intervals; seeded by its index) is cut after
 * `length` points and searched as a job would: the seasonal_naive and drift baselines, then the families'
 * defaults, then random configurations of the job's space, `trials` learned ones in all, cycling through
 * the families. The blend is selected greedily over the job's candidate pool (the 20 best trials plus each
 * family's best) and published only when it beats the best trial on the origins, as the job does; both
 * forecasters get the job's publication widening (the selection estimate over the model's own RMSE) and
 * are scored on the next `horizon` points: test RMSE against the best single's, and 80% / 95% interval
 * coverage. With --airpassengers DIR, the same on airpassengers (36-month horizon, DIR/airpassengers.
 * {train,test}.csv), once per search seed. With --real, the same on the real public-domain series of
 * scripts/data/forecast (scripts/lib/real-series: co2 and elnino monthly, realgdp, cpi and unemp quarterly,
 * sunspots and nile yearly), because the synthetic series are close to log-scale exponential smoothing and
 * flatter the ets family: each holds out its last 24 months, 8 quarters or 10 years and is searched on the
 * rest once per --real-seeds seed, with a row per search. --series 0 skips the synthetic part. rnn is never
 * searched: too slow for this many searches. The search, blend, publication and scoring are
 * scripts/lib/forecast-search's, shared with bench-forecast-covariates.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { parseCsv } from '../src/engine/data/csv';
import type { Dataset, NumericColumn } from '../src/engine/data/dataset';
import { inferDataset } from '../src/engine/data/infer-schema';
import { DEFAULT_ORIGINS, type ForecastFamily } from '../src/engine/forecast';
import { BASELINES, type HeldOut, searchAndScore, type SearchResult, type SearchSettings } from './lib/forecast-search';
import { geometricMean, mean, median, winsLossesTies } from './lib/ratio-stats';
import { loadRealSplit, REAL_HORIZONS, REAL_SERIES, type RealSplit } from './lib/real-series';
import { monthlyDataset, syntheticSeries } from './lib/synthetic-series';
import { formatTable } from './lib/tables';

const { values } = parseArgs({
  options: {
    series: { type: 'string', default: '30' },
    trials: { type: 'string', default: '60' },
    families: { type: 'string', default: 'linear,gbdt,random_forest' },
    length: { type: 'string', default: '120' },
    horizon: { type: 'string', default: '24' },
    airpassengers: { type: 'string' },
    real: { type: 'boolean', default: false },
    'real-seeds': { type: 'string', default: '1,2,3' },
    origins: { type: 'string', default: String(DEFAULT_ORIGINS) },
  },
});
const SERIES = Number(values.series);
const TRIALS = Number(values.trials);
const LENGTH = Number(values.length);
const HORIZON = Number(values.horizon);
const FAMILIES = values.families!.split(',') as ForecastFamily[];
const REAL_SEEDS = values['real-seeds']!.split(',').map(Number);
/** Rolling origins every trial validates on, as a forecast job's `folds`. */
const ORIGINS = Number(values.origins);
if (FAMILIES.includes('rnn')) throw new Error('rnn is left out of this benchmark: hundreds of searches of it would take hours');
const SEARCH: SearchSettings = { trials: TRIALS, families: FAMILIES, origins: ORIGINS };
const AIR = { target: 'passengers_thousands', horizon: 36, seeds: [1, 2, 3, 4, 5] };

interface Method {
  readonly name: string;
  readonly pick: (r: SearchResult) => HeldOut;
  readonly members: (r: SearchResult) => number;
  /** Whether the row is the blend (the published count means nothing for the best single). */
  readonly isBlend: boolean;
}

const METHODS: readonly Method[] = [
  { name: 'best single', pick: (r) => r.best, members: () => 1, isBlend: false },
  { name: 'blend as published', pick: (r) => r.published, members: (r) => r.members, isBlend: true },
];

function summaryRow({ name, pick, members, isBlend }: Method, results: readonly SearchResult[]): (string | number)[] {
  const ratios = results.map((r) => pick(r).rmse / r.best.rmse);
  return [
    name,
    median(ratios).toFixed(3),
    geometricMean(ratios).toFixed(3),
    winsLossesTies(ratios),
    geometricMean(results.map((r) => pick(r).rmse / r.naiveRmse)).toFixed(3),
    mean(results.map((r) => pick(r).inside80)).toFixed(3),
    mean(results.map((r) => pick(r).inside95)).toFixed(3),
    median(results.map((r) => pick(r).widening)).toFixed(2),
    median(results.map(members)),
    isBlend ? `${results.filter((r) => r.blendPublished).length}/${results.length}` : '-',
  ];
}

function summaryTable(results: readonly SearchResult[]): string {
  const headers = ['method', 'median rmse/best', 'geomean rmse/best', 'wins/losses/ties', 'geomean rmse/naive', '80% cov', '95% cov', 'median widening', 'median members', 'blend published'];
  return formatTable(headers, METHODS.map((m) => summaryRow(m, results)));
}

async function syntheticResults(): Promise<SearchResult[]> {
  const results: SearchResult[] = [];
  for (let i = 0; i < SERIES; i++) {
    const series = syntheticSeries(i, LENGTH + HORIZON);
    // Seeded by the index as bench-intervals is, so the two benchmarks search alike.
    results.push(await searchAndScore(monthlyDataset(series.slice(0, LENGTH)), [{ values: series.slice(LENGTH) }], { target: 'y', horizon: HORIZON, seed: i + 1 }, SEARCH));
  }
  return results;
}

function readAirpassengers(dir: string, split: 'train' | 'test'): Dataset {
  return inferDataset(parseCsv(readFileSync(join(dir, `airpassengers.${split}.csv`), 'utf8')), { date: 'datetime' }).dataset;
}

async function airpassengersTable(dir: string): Promise<string> {
  const train = readAirpassengers(dir, 'train');
  const test = Array.from((readAirpassengers(dir, 'test').columns.find((c) => c.name === AIR.target) as NumericColumn).values);
  const rows: (string | number)[][] = [];
  const results: SearchResult[] = [];
  for (const seed of AIR.seeds) {
    const r = await searchAndScore(train, [{ values: test }], { target: AIR.target, horizon: AIR.horizon, seed }, SEARCH);
    results.push(r);
    const coverage = (h: HeldOut) => `${h.inside80.toFixed(2)} / ${h.inside95.toFixed(2)}`;
    rows.push([seed, r.best.family, r.best.rmse.toFixed(2), r.published.rmse.toFixed(2), r.blendPublished ? 'yes' : 'no', r.members, coverage(r.best), coverage(r.published)]);
  }
  const headers = ['seed', 'best family', 'best single rmse', 'blend rmse', 'blend published', 'members', 'best 80/95% cov', 'blend 80/95% cov'];
  return `${formatTable(headers, rows)}\n\n${summaryTable(results)}`;
}

/** RMSEs of series that range from unemployment rates to GDP in billions: four significant digits. */
const significant = (x: number) => x.toPrecision(4);

/** One row of the real-series table: how the best single and the published blend did on the continuation. */
function realRow(split: RealSplit, seed: number, r: SearchResult, seconds: number): (string | number)[] {
  return [
    split.name,
    split.frequency,
    split.length,
    split.horizon,
    seed,
    r.best.family,
    significant(r.best.rmse),
    significant(r.published.rmse),
    r.blendPublished ? 'yes' : 'no',
    r.members,
    (r.best.rmse / r.naiveRmse).toFixed(3),
    (r.published.rmse / r.naiveRmse).toFixed(3),
    r.best.inside80.toFixed(2),
    r.published.inside80.toFixed(2),
    seconds.toFixed(0),
  ];
}

/** Every real series searched once per seed on all but its last `horizon` points, scored on those. */
async function realTables(): Promise<string> {
  const rows: (string | number)[][] = [];
  const results: SearchResult[] = [];
  for (const spec of REAL_SERIES) {
    const split = loadRealSplit(spec);
    for (const seed of REAL_SEEDS) {
      const started = performance.now();
      const r = await searchAndScore(split.history, [{ values: split.future }], { target: split.target, horizon: split.horizon, seed }, SEARCH);
      results.push(r);
      rows.push(realRow(split, seed, r, (performance.now() - started) / 1000));
    }
  }
  const headers = ['series', 'frequency', 'length', 'horizon', 'seed', 'best family', 'best rmse', 'blend rmse', 'blend published', 'members', 'best rmse/naive', 'blend rmse/naive', 'best 80% cov', 'blend 80% cov', 's'];
  return `${formatTable(headers, rows)}\n\n${summaryTable(results)}`;
}

async function main(): Promise<void> {
  await tf.setBackend('cpu');
  const started = performance.now();
  const searched = `${TRIALS} learned trials + ${BASELINES.length} baselines per search, families ${FAMILIES.join(', ')}, ${ORIGINS} rolling origins`;
  console.log(`Held-out test RMSE and interval coverage of the published blend vs the single best trial; ${searched}.`);
  // --series 0 skips the synthetic part (e.g. to run --real alone): a summary of no series means nothing.
  if (SERIES > 0) {
    console.log(`\n${SERIES} synthetic monthly series, ${LENGTH} points, horizon ${HORIZON}`);
    console.log(summaryTable(await syntheticResults()));
  }
  if (values.airpassengers) {
    console.log(`\nairpassengers: 108 train months, horizon ${AIR.horizon}, search seeds ${AIR.seeds.join(', ')}`);
    console.log(await airpassengersTable(values.airpassengers));
  }
  if (values.real) {
    const horizons = Object.entries(REAL_HORIZONS).map(([frequency, h]) => `${frequency} ${h}`).join(', ');
    console.log(`\n${REAL_SERIES.length} real series (scripts/data/forecast), the last points held out (${horizons}), search seeds ${REAL_SEEDS.join(', ')}`);
    const realStarted = performance.now();
    console.log(await realTables());
    console.log(`real series: ${((performance.now() - realStarted) / 1000).toFixed(0)} s`);
  }
  console.log(`\n${((performance.now() - started) / 1000).toFixed(0)} s`);
}

await main();
