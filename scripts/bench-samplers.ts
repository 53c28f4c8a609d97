/**
 * `npm run bench:samplers -- [--data DIR] [--datasets a,b] [--seeds 1,2,3] [--trials 40] [--strategies bayes,random] [--json OUT]`
 * TPE against random search at an equal trial count, on the shared datasets. For each dataset and seed,
 * each strategy runs its own in-process search over every table family (the job's folds, each trial as
 * the trial consumer runs it) for exactly --trials trials. Both searches see the same seed, so random
 * search's first trials are the very ones TPE starts from (TPE is random until its startup trials finish).
 *
 * Two figures per search:
 *  - cv: the best out-of-fold score found, what the sampler optimises;
 *  - test: that best trial's model scored once on the test split, what a user would get.
 * The summary counts, per dataset, the seeds on which TPE's figure is better than random search's.
 * Ensembles are left out on purpose: they blend the same trials and would blur which sampler found what.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { samplerFor } from '../src/engine';
import { METRICS, type MetricName, toLoss } from '../src/engine/eval/metrics';
import type { SamplerStrategy } from '../src/engine/search/samplers';
import { runInProcessSearch } from './lib/in-process-search';
import { loadJobSplit } from './lib/job-split';
import { formatTable } from './lib/tables';
import { initWasmInNode } from './lib/tfjs-wasm-node';

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: resolve(import.meta.dirname, '../../shared/data') },
    datasets: {
      type: 'string',
      default: 'credit_g,pima_diabetes,vote,penguins,ionosphere,breast_cancer_wisconsin,auto_mpg,concrete,diabetes_progression,soybean,segment',
    },
    seeds: { type: 'string', default: '1,2,3' },
    trials: { type: 'string', default: '40' },
    strategies: { type: 'string', default: 'bayes,random' },
    json: { type: 'string' },
  },
});

interface SearchResult {
  dataset: string;
  seed: number;
  strategy: SamplerStrategy;
  metric: MetricName;
  trials: number;
  failed: number;
  /** Best out-of-fold score (the metric's own direction). */
  cv: number;
  bestFamily: string;
  /** The best trial's model on the test split. */
  test: number;
  seconds: number;
}

/** One search of `trials` trials with one strategy; returns its best trial's scores. */
async function search(dataset: string, seed: number, strategy: SamplerStrategy, trials: number): Promise<SearchResult> {
  const split = loadJobSplit(values.data, dataset);
  const run = await runInProcessSearch(split, samplerFor(strategy), seed, { trials });
  if (run.complete.length === 0) throw new Error(`${dataset} seed ${seed} ${strategy}: every trial failed`);
  const best = run.complete.reduce((a, b) => (b.loss < a.loss ? b : a));
  const cv = METRICS[split.metric].greaterIsBetter ? -best.loss : best.loss;
  const test = await split.testScore(best.envelope);
  return { dataset, seed, strategy, metric: split.metric, trials, failed: run.failed, cv, bestFamily: best.family, test, seconds: run.seconds };
}

/** "+" when a is better than b in the metric's direction, "-" when worse, "=" on a tie. */
function compare(metric: MetricName, a: number, b: number): '+' | '-' | '=' {
  const [la, lb] = [toLoss(metric, a), toLoss(metric, b)];
  return la < lb ? '+' : la > lb ? '-' : '=';
}

async function main() {
  await initWasmInNode();
  const strategies = values.strategies.split(',') as SamplerStrategy[];
  const [first, second] = strategies;
  const trials = Number(values.trials);
  const results: SearchResult[] = [];
  for (const dataset of values.datasets.split(',')) {
    for (const seed of values.seeds.split(',').map(Number)) {
      for (const strategy of strategies) {
        const r = await search(dataset, seed, strategy, trials);
        results.push(r);
        console.log(`- ${dataset} seed ${seed} ${strategy}: cv ${r.cv.toPrecision(5)} (${r.bestFamily}), test ${r.test.toPrecision(5)}, ${r.failed} failed, ${r.seconds.toFixed(0)} s`);
      }
    }
  }
  const find = (d: string, s: number, st: SamplerStrategy) => results.find((r) => r.dataset === d && r.seed === s && r.strategy === st);
  const pairs = results.filter((r) => r.strategy === first).map((a) => ({ a, b: find(a.dataset, a.seed, second) }));
  console.log(`\n${first} vs ${second} at ${trials} trials each (best trial by out-of-fold score; its test score on the test split)\n`);
  console.log(
    formatTable(
      ['dataset', 'seed', 'metric', `${first} cv`, `${second} cv`, 'cv', `${first} test`, `${second} test`, 'test'],
      pairs.filter((p) => p.b).map(({ a, b }) => [a.dataset, a.seed, a.metric, a.cv, b!.cv, compare(a.metric, a.cv, b!.cv), a.test, b!.test, compare(a.metric, a.test, b!.test)]),
    ),
  );
  // Per dataset: the median over seeds of each figure, and the seeds each strategy won.
  const datasets = [...new Set(pairs.map((p) => p.a.dataset))];
  const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor((xs.length - 1) / 2)];
  const perDataset = datasets.map((d) => {
    const ps = pairs.filter((p) => p.a.dataset === d && p.b);
    const metric = ps[0].a.metric;
    const wins = (key: 'cv' | 'test') => ps.filter((p) => compare(metric, p.a[key], p.b![key]) === '+').length;
    const losses = (key: 'cv' | 'test') => ps.filter((p) => compare(metric, p.a[key], p.b![key]) === '-').length;
    const medianOf = (key: 'cv' | 'test', which: 'a' | 'b') => median(ps.map((p) => (which === 'a' ? p.a[key] : p.b![key])));
    return { d, metric, n: ps.length, cvA: medianOf('cv', 'a'), cvB: medianOf('cv', 'b'), cvWins: wins('cv'), cvLosses: losses('cv'), testA: medianOf('test', 'a'), testB: medianOf('test', 'b'), testWins: wins('test'), testLosses: losses('test') };
  });
  console.log(`\nper dataset: medians over seeds, and seeds ${first} won-lost\n`);
  console.log(
    formatTable(
      ['dataset', 'metric', `${first} cv`, `${second} cv`, 'cv won-lost', `${first} test`, `${second} test`, 'test won-lost'],
      perDataset.map((p) => [p.d, p.metric, p.cvA, p.cvB, `${p.cvWins}-${p.cvLosses}`, p.testA, p.testB, `${p.testWins}-${p.testLosses}`]),
    ),
  );
  const better = (key: 'cv' | 'test') => perDataset.filter((p) => compare(p.metric, key === 'cv' ? p.cvA : p.testA, key === 'cv' ? p.cvB : p.testB) === '+').length;
  console.log(`\n${first}'s median is better than ${second}'s on ${better('cv')} of ${perDataset.length} datasets out of fold, on ${better('test')} of ${perDataset.length} on the test split`);
  if (values.json) writeFileSync(values.json, JSON.stringify(results, null, 2));
}

await main();
