/**
 * `npm run bench:out-of-bag -- [--data DIR] [--datasets a,b] [--families random_forest,extra_trees] [--seeds 1,2,3] [--json OUT]`
 * What validating a forest trial on out-of-bag rows (run-trial validatesOutOfBag) changes against
 * cross-validating it: the same trial (family defaults, and a smaller forest of 100 trees, 4 rows per
 * leaf, half the features) runs both ways per seed, on the job's folds for the dataset's size. The table
 * gives each way's score and trial time, their ratios (out of bag over cross-validation; a score ratio
 * above 1 means a higher number, which is worse for RMSE and log loss), whether the served artifact is the
 * same to the byte, and the served model's test score. Times are single runs on a noisy machine: read the
 * medians.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { MetricName } from '../src/engine/eval/metrics';
import { runTrial, type TrialSpec } from '../src/engine/run-trial';
import { familyDefaults } from '../src/engine/search/space-provider';
import { loadJobSplit } from './lib/job-split';
import { median } from './lib/ratio-stats';
import { formatTable } from './lib/tables';

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: resolve(import.meta.dirname, '../../shared/data') },
    datasets: { type: 'string', default: 'credit_g,pima_diabetes,vote,soybean,segment,concrete,auto_mpg,ames_housing' },
    families: { type: 'string', default: 'random_forest,extra_trees' },
    seeds: { type: 'string', default: '1,2,3' },
    json: { type: 'string' },
  },
});

interface Row {
  dataset: string;
  family: string;
  config: string;
  seed: number;
  metric: MetricName;
  cv: number;
  oob: number;
  cvMs: number;
  oobMs: number;
  sameModel: boolean;
  test: number;
}

async function timed<T>(run: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const out = await run();
  return [out, performance.now() - t0];
}

async function main() {
  const rows: Row[] = [];
  for (const name of values.datasets.split(',')) {
    const { meta, ds, target, metric, folds, shape, testScore } = loadJobSplit(values.data, name);
    if (folds === 1) {
      console.log(`- ${name}: validated on a single split (over 20,000 rows), where forests cross-validate as before`);
      continue;
    }
    for (const family of values.families.split(',') as ('random_forest' | 'extra_trees')[]) {
      const defaults = familyDefaults(family, shape);
      const configs = { default: defaults, small: { ...defaults, n_estimators: 100, min_samples_leaf: 4, max_features: 0.5 } };
      for (const [config, params] of Object.entries(configs)) {
        for (const seed of values.seeds.split(',').map(Number)) {
          const spec: TrialSpec = { family, params, target: meta.target, task: target.task, metric, seed, foldSeed: seed + 100, folds };
          // Alternate which way runs first, so neither always finds the other's garbage to collect.
          const order = seed % 2 === 0 ? [true, false] : [false, true];
          const results = new Map<boolean, [Awaited<ReturnType<typeof runTrial>>, number]>();
          for (const outOfBag of order) results.set(outOfBag, await timed(() => runTrial(ds, { ...spec, outOfBag })));
          const [cv, cvMs] = results.get(false)!;
          const [oob, oobMs] = results.get(true)!;
          if (cv.status !== 'complete' || oob.status !== 'complete') throw new Error(`${name} ${family} ${config} seed ${seed}: a trial failed`);
          if (oob.fitInfo.out_of_bag !== 1) throw new Error(`${name} ${family} ${config}: the trial did not validate out of bag`);
          const row: Row = { dataset: name, family, config, seed, metric, cv: cv.score, oob: oob.score, cvMs, oobMs, sameModel: JSON.stringify(cv.envelope) === JSON.stringify(oob.envelope), test: await testScore(oob.envelope) };
          rows.push(row);
          console.log(`- ${name} ${family} ${config} seed ${seed}: ${metric} cv ${row.cv.toFixed(4)} oob ${row.oob.toFixed(4)}, ${row.cvMs.toFixed(0)} ms vs ${row.oobMs.toFixed(0)} ms`);
        }
      }
    }
  }
  console.log(
    `\n${formatTable(
      ['dataset', 'family', 'config', 'metric', 'cv score', 'oob score', 'score ratio', 'cv ms', 'oob ms', 'speed-up', 'same model', 'test score'],
      groups(rows).map((g) => [
        g[0].dataset,
        g[0].family,
        g[0].config,
        g[0].metric,
        median(g.map((r) => r.cv)),
        median(g.map((r) => r.oob)),
        median(g.map((r) => r.oob / r.cv)).toFixed(3),
        median(g.map((r) => r.cvMs)).toFixed(0),
        median(g.map((r) => r.oobMs)).toFixed(0),
        `${median(g.map((r) => r.cvMs / r.oobMs)).toFixed(2)}x`,
        g.every((r) => r.sameModel) ? 'yes' : 'NO',
        median(g.map((r) => r.test)),
      ]),
    )}`,
  );
  console.log(`\nmedians over ${values.seeds.split(',').length} seeds; all trials: speed-up ${median(rows.map((r) => r.cvMs / r.oobMs)).toFixed(2)}x, score ratio ${median(rows.map((r) => r.oob / r.cv)).toFixed(3)}`);
  if (values.json) writeFileSync(values.json, JSON.stringify(rows, null, 2));
}

function groups(rows: Row[]): Row[][] {
  const by = new Map<string, Row[]>();
  for (const r of rows) {
    const key = `${r.dataset}/${r.family}/${r.config}`;
    by.set(key, [...(by.get(key) ?? []), r]);
  }
  return [...by.values()];
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
