/**
 * `npm run bench:pool -- [--data DIR] [--datasets a,b] [--seeds 1,2,3] [--trials 150] [--seconds 50] [--json OUT]`
 * Which finished trials a job's ensemble should choose from, measured on held-out data. Runs a job's search
 * in process for each dataset and seed (the `auto` sampler: the portfolio, then TPE; the job's folds; each
 * trial as the trial consumer runs it, fold bags included), until --trials trials or --seconds seconds.
 * From the very same trials, greedy selection (the job's settings) is run over two pools:
 *  - top20: the best 20 trials by out-of-fold loss (the pool before engine/ensemble/candidate-pool),
 *  - pool: those plus the best trial of every family not among them (ensembleCandidatePool, what jobs use),
 * and each blend is scored once on the test split. The table gives both, and a count of wins.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildEnsembleEnvelope, samplerFor, selectJobEnsemble, servingCostMicros } from '../src/engine';
import { ensembleCandidatePool } from '../src/engine/ensemble/candidate-pool';
import { METRICS, type MetricName } from '../src/engine/eval/metrics';
import { type FinishedTrial, runInProcessSearch } from './lib/in-process-search';
import { loadJobSplit } from './lib/job-split';
import { formatTable } from './lib/tables';
import { initWasmInNode } from './lib/tfjs-wasm-node';

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: resolve(import.meta.dirname, '../../shared/data') },
    datasets: {
      type: 'string',
      default: 'credit_g,pima_diabetes,vote,penguins,ionosphere,breast_cancer_wisconsin,auto_mpg,concrete,diabetes_progression,soybean,segment,lending_club',
    },
    seeds: { type: 'string', default: '1,2,3' },
    trials: { type: 'string', default: '150' },
    seconds: { type: 'string', default: '50' },
    json: { type: 'string' },
  },
});

interface Finished extends FinishedTrial {
  readonly cost: number;
}

interface Row {
  dataset: string;
  seed: number;
  metric: MetricName;
  trials: number;
  top20: number;
  pool: number;
  /** pool − top20 in the metric's better direction (> 0: the pool's blend is better). */
  gain: number;
}

async function main() {
  await initWasmInNode();
  const rows: Row[] = [];
  for (const name of values.datasets.split(',')) {
    const split = loadJobSplit(values.data, name);
    const { meta, ds, target, metric, folds, testScore } = split;
    for (const seed of values.seeds.split(',').map(Number)) {
      const run = await runInProcessSearch(split, samplerFor('auto'), seed, { trials: Number(values.trials), seconds: Number(values.seconds) });
      // Greedy selection needs out-of-fold rows for every training row: only cross-validated trials have them.
      const done: Finished[] = folds > 1 ? run.complete.map((c) => ({ ...c, cost: servingCostMicros(c.envelope) })) : [];
      if (done.length === 0) continue;
      const blendScore = async (pool: Finished[]) => {
        const { selection, improves } = selectJobEnsemble(ds, { target: meta.target, task: target.task, metric }, pool.map((c) => ({ id: c.id, oof: c.oof, cost: c.cost })));
        const envelope = improves ? buildEnsembleEnvelope(selection, (id) => pool.find((c) => c.id === id)?.envelope, metric) : pool[0].envelope;
        return testScore(envelope);
      };
      const ranked = [...done].sort((a, b) => a.loss - b.loss);
      const [top20, pool] = [await blendScore(ranked.slice(0, 20)), await blendScore(ensembleCandidatePool(done, 20))];
      const gain = METRICS[metric].greaterIsBetter ? pool - top20 : top20 - pool;
      rows.push({ dataset: name, seed, metric, trials: done.length, top20, pool, gain });
      console.log(`- ${name} seed ${seed}: ${done.length} trials, top20 ${top20.toFixed(4)}, pool ${pool.toFixed(4)}`);
    }
  }
  console.log('\nthe ensemble blended from the top 20 by out-of-fold loss vs from those plus each family\'s best (test split; gain > 0: the pool is better)\n');
  console.log(formatTable(['dataset', 'seed', 'metric', 'trials', 'top20', 'pool', 'gain'], rows.map((r) => [r.dataset, r.seed, r.metric, r.trials, r.top20, r.pool, r.gain])));
  const better = rows.filter((r) => r.gain > 0).length;
  const worse = rows.filter((r) => r.gain < 0).length;
  console.log(`\nthe pool's blend is better in ${better}, worse in ${worse}, equal in ${rows.length - better - worse} of ${rows.length}`);
  if (values.json) writeFileSync(values.json, JSON.stringify(rows, null, 2));
}

await main();
