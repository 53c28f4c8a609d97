/**
 * `npm run bench:explain-cost -- [--data DIR] [--datasets credit_g,ames_housing] [--rows 300]`
 * How long exact explanations take per row with each family's DEFAULT configuration on the shared
 * datasets, beside what engine/explain/explain-cost estimates from the model's structure (the price that
 * decides how many rows one predict request may have explained). Each family is trained as a job's trial
 * on the train split (2 folds); `--rows` test rows (distinct, as a client's batch is) are explained 5
 * times and the median batch is reported per row, with the model's path steps per row, ns per step, and
 * estimate / measured (above 1: the estimate is conservative, refusing batches that would fit).
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parseCsv } from '../src/engine/data/csv';
import { inferDataset } from '../src/engine/data/infer-schema';
import { explainMicrosPerRow } from '../src/engine/explain/explain-cost';
import type { ModelFamily } from '../src/engine/models/model';
import { getModelSpec } from '../src/engine/models/registry';
import { Predictor } from '../src/engine/predictor';
import { runTrial } from '../src/engine/run-trial';
import { formatTable } from './lib/tables';

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: resolve(import.meta.dirname, '../../shared/data') },
    datasets: { type: 'string', default: 'credit_g,ames_housing' },
    rows: { type: 'string', default: '300' },
  },
});
const FAMILIES: readonly ModelFamily[] = ['random_forest', 'extra_trees', 'gbdt', 'linear'];
const rowCount = Number(values.rows);

const table: (string | number)[][] = [];
for (const name of values.datasets.split(',')) {
  const meta = JSON.parse(readFileSync(join(values.data, `${name}.json`), 'utf8')) as { target: string; task: string };
  const { dataset } = inferDataset(parseCsv(readFileSync(join(values.data, `${name}.train.csv`), 'utf8')));
  const test = parseCsv(readFileSync(join(values.data, `${name}.test.csv`), 'utf8'));
  const rows = test.rows.slice(0, rowCount).map((r) => Object.fromEntries(test.header.map((h, j) => [h, r[j]])));
  const task = meta.task === 'regression' ? 'regression' : meta.task === 'multiclass' ? 'multiclass' : 'binary';
  for (const family of FAMILIES) {
    const shape = { rows: dataset.rows, cols: dataset.columns.length - 1, task, nClasses: task === 'regression' ? 0 : 2 } as const;
    const outcome = await runTrial(dataset, { family, params: getModelSpec(family).defaults(shape), target: meta.target, metric: task === 'regression' ? 'rmse' : 'roc_auc', seed: 1, folds: 2 });
    if (outcome.status !== 'complete') throw new Error(`${name} ${family}: ${outcome.reason}`);
    const predictor = await Predictor.load(JSON.parse(JSON.stringify(outcome.envelope)));
    const work = predictor.explainWorkPerRow();
    predictor.explainRows(rows.slice(0, 20));
    const times: number[] = [];
    for (let k = 0; k < 5; k++) {
      const t0 = performance.now();
      predictor.explainRows(rows);
      times.push((performance.now() - t0) / rows.length);
    }
    times.sort((a, b) => a - b);
    const measuredMs = times[2];
    const estimatedMs = explainMicrosPerRow(work) / 1000;
    table.push([name, family, work, measuredMs.toFixed(3), ((measuredMs * 1e6) / work).toFixed(2), estimatedMs.toFixed(3), (estimatedMs / measuredMs).toFixed(2)]);
    predictor.dispose();
  }
}
console.log(`exact explanations of ${rowCount} test rows, median of 5 batches, default configurations`);
console.log(formatTable(['dataset', 'family', 'steps/row', 'ms/row', 'ns/step', 'estimate ms/row', 'estimate/measured'], table));
