/**
 * `npm run bench:gbdt-rounds -- [--repeats 3]`
 * What a boosting round costs, measured against the work budget's model of it (models/tree/round-cost):
 * gbdt fits of a fixed number of rounds (no early stopping) on synthetic tables of several sizes, tasks
 * and leaf counts, timed in this process; the median of the repeats per row. "model/meas" above 1 means
 * the budget overstates the cost (it caps a fit sooner than needed), below 1 that a capped fit could run
 * longer than the budget says.
 */
import { parseArgs } from 'node:util';
import { Rng } from '../src/engine/core/rng';
import type { Task } from '../src/engine/core/task';
import { getModelSpec } from '../src/engine/models/registry';
import { roundCostMs } from '../src/engine/models/tree/round-cost';
import { formatTable } from './lib/tables';

const { values } = parseArgs({ options: { repeats: { type: 'string', default: '3' } } });
const repeats = Math.max(1, Number(values.repeats));

interface Case {
  readonly rows: number;
  readonly cols: number;
  readonly task: Task;
  readonly classes: number;
  readonly leaves: number;
  readonly rounds: number;
}

const CASES: Case[] = [
  { rows: 2_000, cols: 20, task: 'binary', classes: 2, leaves: 31, rounds: 200 },
  { rows: 10_000, cols: 10, task: 'binary', classes: 2, leaves: 31, rounds: 50 },
  { rows: 50_000, cols: 10, task: 'binary', classes: 2, leaves: 31, rounds: 50 },
  { rows: 50_000, cols: 50, task: 'binary', classes: 2, leaves: 31, rounds: 50 },
  { rows: 200_000, cols: 20, task: 'binary', classes: 2, leaves: 31, rounds: 50 },
  { rows: 20_000, cols: 200, task: 'binary', classes: 2, leaves: 31, rounds: 50 },
  { rows: 50_000, cols: 20, task: 'multiclass', classes: 7, leaves: 31, rounds: 30 },
  { rows: 50_000, cols: 20, task: 'regression', classes: 0, leaves: 31, rounds: 50 },
  { rows: 50_000, cols: 20, task: 'binary', classes: 2, leaves: 255, rounds: 50 },
];

/** A table whose target depends on three features, so the trees grow real splits. */
function table(c: Case) {
  const rng = new Rng(1);
  const data = new Float32Array(c.rows * c.cols);
  for (let i = 0; i < data.length; i++) data[i] = rng.normal();
  const y = new Float32Array(c.rows);
  for (let i = 0; i < c.rows; i++) {
    const s = data[i * c.cols] + data[i * c.cols + 1] * data[i * c.cols + 2] + rng.normal();
    y[i] = c.task === 'regression' ? s : c.task === 'binary' ? (s > 0 ? 1 : 0) : Math.min(c.classes - 1, Math.max(0, Math.floor(s + c.classes / 2)));
  }
  return { X: { rows: c.rows, cols: c.cols, data }, y };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const gbdt = getModelSpec('gbdt');
const rows: (string | number)[][] = [];
for (const c of CASES) {
  const train = table(c);
  const times: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    const fitted = await gbdt.fit(train, { n_estimators: c.rounds, num_leaves: c.leaves, early_stopping_rounds: 0 }, { task: c.task, nClasses: c.classes, rng: new Rng(2 + r) });
    times.push((performance.now() - t0) / c.rounds);
    fitted.dispose();
  }
  const measured = median(times);
  const modelled = roundCostMs({ rows: c.rows, cols: c.cols, trees: c.task === 'multiclass' ? c.classes : 1, numLeaves: c.leaves, maxBin: 255, featureFraction: 1, baggingFraction: 1 });
  rows.push([`${c.rows} x ${c.cols}`, c.task === 'multiclass' ? `multiclass (${c.classes})` : c.task, c.leaves, measured.toFixed(2), modelled.toFixed(2), (modelled / measured).toFixed(2)]);
}
console.log(`\nBoosting round cost, median of ${repeats} fits (ms per round)\n`);
console.log(formatTable(['table', 'task', 'leaves', 'measured', 'modelled', 'model/meas'], rows));
