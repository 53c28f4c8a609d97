/**
 * `npx tsx scripts/bench-cnn-views.ts [--seeds 1,2,3] [--folds 3] [--params '{...}']`
 * Test-time shift views judged by cross-validation on the digits train split, paired: each fold's CNN (the
 * image job's default point, early stopping on its validation fold as runTrial does) predicts its held-out
 * rows once plainly and once as the mean over the shift views (cnn-tta), so the two columns differ only in
 * how the same weights are read. Prints out-of-fold log loss and accuracy per seed, both ways.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Rng } from '../src/engine/core/rng';
import { takeValues } from '../src/engine/core/matrix';
import { parseCsv } from '../src/engine/data/csv';
import { assignFolds, foldSplit } from '../src/engine/data/folds';
import { inferDataset } from '../src/engine/data/infer-schema';
import { prepareTarget } from '../src/engine/data/target';
import { accuracy, logLoss } from '../src/engine/eval/metrics-classification';
import { fitFeatures } from '../src/engine/features/pipeline';
import { cnnSpec } from '../src/engine/models/nn/cnn/cnn';
import type { CnnShape, CnnWeights } from '../src/engine/models/nn/cnn/cnn-net';
import { predictImages } from '../src/engine/models/nn/cnn/cnn-net';
import { predictWithShiftViews } from '../src/engine/models/nn/cnn/cnn-tta';
import { familyDefaults } from '../src/engine/search/space-provider';
import { initWasmInNode } from './lib/tfjs-wasm-node';

const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '1,2,3' },
    folds: { type: 'string', default: '3' },
    params: { type: 'string', default: '{}' },
  },
});
const DATA = process.env.SHARED_DATA_DIR ?? '/work/shared/data';

await initWasmInNode();
const train = inferDataset(parseCsv(readFileSync(`${DATA}/digits.train.csv`, 'utf8'))).dataset;
const target = prepareTarget(train, 'digit', 'multiclass');
const { y, rows } = target;
const K = target.classes.length;
const image = { height: 8, width: 8, channels: 1 };
const params = { ...familyDefaults('cnn', { rows: train.rows, cols: 64, task: 'multiclass', nClasses: K, image }), ...(JSON.parse(values.params) as Record<string, unknown>) };
const k = Number(values.folds);

console.log('| seed | oof log loss plain | views mean | views log-mean | oof accuracy plain | views mean | views log-mean |');
console.log('|---|---|---|---|---|---|---|');
for (const seed of values.seeds.split(',').map(Number)) {
  const rng = new Rng(seed);
  const fold = assignFolds(y, 'multiclass', k, rng.fork(1));
  const plain = new Float32Array(rows.length * K);
  const views = new Float32Array(rows.length * K);
  const logViews = new Float32Array(rows.length * K);
  for (let f = 0; f < k; f++) {
    const { train: tr, valid } = foldSplit(fold, f);
    const trRows = Int32Array.from(tr, (i) => rows[i]);
    const vaRows = Int32Array.from(valid, (i) => rows[i]);
    const features = await fitFeatures(train, trRows, 'pixels', new Set(['digit']), { y: takeValues(y, tr), task: 'multiclass', nClasses: K, rng: new Rng(seed) });
    const Xv = features.pipeline.transform(train, vaRows);
    const model = await cnnSpec.fit({ X: features.X, y: takeValues(y, tr) }, params as never, { task: 'multiclass', nClasses: K, rng: rng.fork(10 + f), valid: { X: Xv, y: takeValues(y, valid) }, image });
    // The fitted model's weights, read for this comparison only.
    const inner = model as unknown as { shape: CnnShape; weights: CnnWeights };
    const a = predictImages(inner.shape, inner.weights, Xv.data, Xv.rows);
    const b = predictWithShiftViews(inner.shape, inner.weights, Xv.data, Xv.rows);
    const c = predictWithShiftViews(inner.shape, inner.weights, Xv.data, Xv.rows, 'log_mean');
    valid.forEach((r, i) => {
      plain.set(a.subarray(i * K, (i + 1) * K), r * K);
      views.set(b.subarray(i * K, (i + 1) * K), r * K);
      logViews.set(c.subarray(i * K, (i + 1) * K), r * K);
    });
    model.dispose();
  }
  const ll = (o: Float32Array) => logLoss(y, o, K).toFixed(4);
  const acc = (o: Float32Array) => accuracy(y, o, K).toFixed(4);
  console.log(`| ${seed} | ${ll(plain)} | ${ll(views)} | ${ll(logViews)} | ${acc(plain)} | ${acc(views)} | ${acc(logViews)} |`);
}
