/**
 * `npx tsx scripts/bench-explain.ts`: time to explain one row (exact TreeSHAP) of a 100-tree, depth-6
 * gradient-boosted model on 10 features, at the model level (feature matrix in, contributions out) and
 * end to end through Predictor.explainRows (JSON row in, per-column contributions out), beside the time
 * to predict the same row. The data is synthetic so the script needs no files.
 */
import { matrix } from '../src/engine/core/matrix';
import { Rng } from '../src/engine/core/rng';
import { explainerFor } from '../src/engine/explain/explainer-for';
import { fitFeatures } from '../src/engine/features/pipeline';
import { gbdtSpec } from '../src/engine/models/tree/gbdt';
import { Predictor } from '../src/engine/predictor';
import { ENVELOPE_FORMAT, ENVELOPE_VERSION } from '../src/engine/serialize/envelope';
import type { Dataset } from '../src/engine/data/dataset';

const ROWS = 5000;
const COLS = 10;
const rng = new Rng(1);
const values = Array.from({ length: COLS }, () => new Float64Array(ROWS));
const y = new Float32Array(ROWS);
for (let i = 0; i < ROWS; i++) {
  for (let j = 0; j < COLS; j++) values[j][i] = rng.normal();
  const [a, b, c, d] = values;
  y[i] = Math.sin(a[i]) + b[i] * c[i] + (d[i] > 0 ? 1 : -1) + 0.3 * rng.normal();
}
const ds: Dataset = { rows: ROWS, columns: values.map((v, j) => ({ name: `x${j}`, type: 'numeric' as const, storage: 'f64' as const, values: v })) };
const all = Int32Array.from({ length: ROWS }, (_, i) => i);
const { pipeline, X } = await fitFeatures(ds, all, 'trees', new Set(), { y, task: 'regression', nClasses: 0, rng: rng.fork(1) });
const model = await gbdtSpec.fit({ X, y }, { ...gbdtSpec.defaults({ rows: ROWS, cols: COLS, task: 'regression', nClasses: 0 }), n_estimators: 100, max_depth: 6, num_leaves: 64, min_data_in_leaf: 5 }, {
  task: 'regression',
  nClasses: 0,
  rng: rng.fork(2),
  fixedIterations: 100,
});
console.log(`model: ${JSON.stringify(model.fitInfo)}`);

const explainer = explainerFor(model);
const probe = matrix(1000, COLS, X.data.slice(0, 1000 * COLS));
/** Wall and CPU microseconds per row (CPU time is steadier on a shared machine). */
const perRow = (f: () => void, rows: number, repeats: number): string => {
  for (let k = 0; k < 3; k++) f(); // warm up the JIT
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let k = 0; k < repeats; k++) f();
  const cpu = process.cpuUsage(c0);
  const wall = ((performance.now() - t0) * 1000) / (rows * repeats);
  return `${wall.toFixed(1)} µs wall, ${((cpu.user + cpu.system) / (rows * repeats)).toFixed(1)} µs cpu`;
};
console.log(`model level, explain: ${perRow(() => explainer.explain(probe), 1000, 5)} per row`);
console.log(`model level, predict: ${perRow(() => model.predict(probe), 1000, 5)} per row`);

const predictor = await Predictor.load({
  format: ENVELOPE_FORMAT,
  version: ENVELOPE_VERSION,
  task: 'regression',
  target: 'y',
  classes: [],
  metric: 'rmse',
  columns: ds.columns.map((c) => c.name),
  pipeline: pipeline.state,
  model: model.toArtifact(),
});
const row = [Object.fromEntries(ds.columns.map((c) => [c.name, (c as { values: Float64Array }).values[7]]))];
console.log(`end to end, explainRows([row]): ${perRow(() => predictor.explainRows(row), 1, 2000)}`);
console.log(`end to end, predictRows([row]): ${perRow(() => predictor.predictRows(row), 1, 2000)}`);
