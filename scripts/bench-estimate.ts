/**
 * `npm run bench:estimate -- [--data DIR] [--datasets a,b] [--seeds 1,2,3] [--trials 40] [--json OUT]`
 * Whether a job's `best_estimate` (engine/eval/selection-estimate: the best trial's out-of-fold score with
 * the optimism of picking it removed) says what the best trial then scores on the test split, better
 * than its raw out-of-fold score does. Per dataset and seed: an in-process search (the `auto` sampler,
 * the job's folds), the job's candidate pool (engine/ensemble/candidate-pool), the estimate over it, and
 * the best trial scored once on the test split. Prints both errors against the test score and whether
 * the test score fell inside the estimate's 90% interval.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { samplerFor } from '../src/engine';
import { ensembleCandidatePool } from '../src/engine/ensemble/candidate-pool';
import { METRICS } from '../src/engine/eval/metrics';
import { selectionEstimate } from '../src/engine/eval/selection-estimate';
import { runInProcessSearch } from './lib/in-process-search';
import { loadJobSplit } from './lib/job-split';
import { formatTable } from './lib/tables';
import { initWasmInNode } from './lib/tfjs-wasm-node';

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: resolve(import.meta.dirname, '../../shared/data') },
    datasets: { type: 'string', default: 'credit_g,pima_diabetes,vote,penguins,ionosphere,breast_cancer_wisconsin,auto_mpg,concrete,diabetes_progression,soybean' },
    seeds: { type: 'string', default: '1,2,3' },
    trials: { type: 'string', default: '40' },
    json: { type: 'string' },
  },
});

async function main() {
  await initWasmInNode();
  const rows: (string | number)[][] = [];
  const out: Record<string, unknown>[] = [];
  let closer = 0;
  let inside = 0;
  for (const name of values.datasets.split(',')) {
    const split = loadJobSplit(values.data, name);
    const sign = METRICS[split.metric].greaterIsBetter ? -1 : 1;
    for (const seed of values.seeds.split(',').map(Number)) {
      const run = await runInProcessSearch(split, samplerFor('auto'), seed, { trials: Number(values.trials) });
      const pool = ensembleCandidatePool(run.complete, 20);
      const best = pool.reduce((a, b) => (b.loss < a.loss ? b : a));
      const estimate = selectionEstimate(split.target.y, split.target.classes.length, split.metric, pool.map((c) => c.oof), { seed: 1 });
      if (!estimate) continue;
      const cv = sign * best.loss;
      const test = await split.testScore(best.envelope);
      const [cvError, estimateError] = [Math.abs(cv - test), Math.abs(estimate.score - test)];
      const covered = test >= estimate.interval[0] && test <= estimate.interval[1];
      if (estimateError < cvError) closer++;
      if (covered) inside++;
      rows.push([name, seed, split.metric, pool.length, cv, estimate.score, `${estimate.interval[0].toPrecision(4)}–${estimate.interval[1].toPrecision(4)}`, test, estimateError < cvError ? 'estimate' : 'cv', covered ? 'yes' : 'no']);
      out.push({ dataset: name, seed, metric: split.metric, candidates: pool.length, cv, estimate, test });
      console.log(`- ${name} seed ${seed}: cv ${cv.toPrecision(5)}, estimate ${estimate.score.toPrecision(5)}, test ${test.toPrecision(5)}`);
    }
  }
  console.log('\nthe best trial: its out-of-fold score (cv), the estimate without the optimism of picking it, and its test score\n');
  console.log(formatTable(['dataset', 'seed', 'metric', 'pool', 'cv', 'estimate', '90% interval', 'test', 'closer', 'test inside'], rows));
  console.log(`\nthe estimate is closer to the test score than the cv score in ${closer} of ${rows.length}; the test score is inside its 90% interval in ${inside} of ${rows.length}`);
  if (values.json) writeFileSync(values.json, JSON.stringify(out, null, 2));
}

await main();
