/**
 * `npm run bench:bagging -- [--data DIR] [--datasets a,b] [--families gbdt,mlp] [--seeds 1,2,3] [--json OUT]`
 * What a job's trial serves for an early-stopping family: one refit on every train row at the folds' mean
 * best round (runTrial without `bag`) or the cross-validation's fold models averaged (with `bag`, what
 * the job's trials do). Both come from the very same folds (same seed, same out-of-fold score), so the
 * only difference is the model served. Each is scored once on the test split with the dataset's primary
 * metric; the table gives both, the difference in the metric's better direction, and a count of wins.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { METRICS, type MetricName } from '../src/engine/eval/metrics';
import type { ModelFamily } from '../src/engine/models/model';
import { runTrial } from '../src/engine/run-trial';
import { familyDefaults } from '../src/engine/search/space-provider';
import { loadJobSplit } from './lib/job-split';
import { formatTable } from './lib/tables';
import { initWasmInNode } from './lib/tfjs-wasm-node';

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: resolve(import.meta.dirname, '../../shared/data') },
    datasets: { type: 'string', default: 'credit_g,pima_diabetes,vote,penguins,breast_cancer_wisconsin,ionosphere,concrete,auto_mpg' },
    families: { type: 'string', default: 'gbdt,mlp' },
    seeds: { type: 'string', default: '1,2,3' },
    json: { type: 'string' },
  },
});

interface Row {
  dataset: string;
  family: string;
  seed: number;
  metric: MetricName;
  cv: number;
  refit: number;
  bag: number;
  /** bag − refit in the metric's better direction (> 0: the bag is better). */
  gain: number;
}

async function main() {
  await initWasmInNode();
  const rows: Row[] = [];
  for (const name of values.datasets.split(',')) {
    const { meta, ds, target, metric, folds, shape, testScore } = loadJobSplit(values.data, name);
    for (const family of values.families.split(',') as ModelFamily[]) {
      for (const seed of values.seeds.split(',').map(Number)) {
        const spec = { family, params: familyDefaults(family, shape), target: meta.target, task: target.task, metric, seed, folds };
        const [refit, bag] = [await runTrial(ds, { ...spec, bag: false }), await runTrial(ds, { ...spec, bag: true })];
        if (refit.status !== 'complete' || bag.status !== 'complete') {
          console.log(`- ${name} ${family} seed ${seed}: failed`);
          continue;
        }
        const [r, b] = [await testScore(refit.envelope), await testScore(bag.envelope)];
        const gain = METRICS[metric].greaterIsBetter ? b - r : r - b;
        rows.push({ dataset: name, family, seed, metric, cv: bag.score, refit: r, bag: b, gain });
        console.log(`- ${name} ${family} seed ${seed}: refit ${r.toFixed(4)}, bag ${b.toFixed(4)}`);
      }
    }
  }
  console.log('\nrefit on every row vs the fold models averaged (test split, primary metric; gain > 0: the bag is better)\n');
  console.log(formatTable(['dataset', 'family', 'seed', 'metric', 'cv', 'refit', 'bag', 'gain'], rows.map((r) => [r.dataset, r.family, r.seed, r.metric, r.cv, r.refit, r.bag, r.gain])));
  const wins = rows.filter((r) => r.gain > 0).length;
  console.log(`\nthe bag is better in ${wins} of ${rows.length} fits`);
  for (const family of new Set(rows.map((r) => r.family))) {
    const mine = rows.filter((r) => r.family === family);
    console.log(`  ${family}: ${mine.filter((r) => r.gain > 0).length} of ${mine.length}`);
  }
  if (values.json) writeFileSync(values.json, JSON.stringify(rows, null, 2));
}

await main();
