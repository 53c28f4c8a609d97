/**
 * `npx tsx scripts/bench-cnn-trial.ts [--seeds 1,2,3] [--folds 3] [--params '{"filters":48}'] [--label NAME]`
 * The CNN on digits the way an image job trains it, in Node (wasm backend): the portfolio's default point
 * (pipeline defaults included) through the engine's runTrial with the job's validation plan (3 folds for
 * 1,347 rows, then the refit at the epochs early stopping chose), once per seed. Per seed it prints the
 * cross-validated log loss and accuracy (out-of-fold, the numbers to choose a default by) beside the refit's
 * test-split accuracy and log loss (for reporting only: never choose by them), the refit's epochs and the
 * trial's CPU seconds. `--params` overrides parameters of the default point, to judge a candidate default.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parseCsv } from '../src/engine/data/csv';
import { inferDataset } from '../src/engine/data/infer-schema';
import { prepareTarget } from '../src/engine/data/target';
import { accuracy, logLoss } from '../src/engine/eval/metrics-classification';
import { loadPipeline } from '../src/engine/features/pipeline';
import { cnnSpec } from '../src/engine/models/nn/cnn/cnn';
import { runTrial } from '../src/engine/run-trial';
import { familyDefaults } from '../src/engine/search/space-provider';
import { initWasmInNode } from './lib/tfjs-wasm-node';

const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '1,2,3' },
    folds: { type: 'string', default: '3' },
    params: { type: 'string', default: '{}' },
    label: { type: 'string', default: 'default' },
  },
});
const DATA = process.env.SHARED_DATA_DIR ?? '/work/shared/data';
const cpuS = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

await initWasmInNode();
const read = (split: string) => inferDataset(parseCsv(readFileSync(`${DATA}/digits.${split}.csv`, 'utf8'))).dataset;
const train = read('train');
const test = read('test');
const target = prepareTarget(train, 'digit', 'multiclass');
const nClasses = target.classes.length;
const testCol = test.columns.find((c) => c.name === 'digit')!;
const yTest = Float32Array.from({ length: test.rows }, (_, i) => target.classes.indexOf(testCol.storage === 'f64' ? String(testCol.values[i]) : testCol.levels[testCol.codes[i]]));
const yTrain = target.y;
const image = { height: 8, width: 8, channels: 1 };
const shape = { rows: train.rows, cols: 64, task: 'multiclass' as const, nClasses, image };
const params = { ...familyDefaults('cnn', shape), ...(JSON.parse(values.params) as Record<string, unknown>) };

console.log(`candidate ${values.label}: ${JSON.stringify(params)}`);
console.log('| candidate | seed | cv log loss | cv accuracy | refit epochs | test accuracy | test log loss | trial cpu s / wall s |');
console.log('|---|---|---|---|---|---|---|---|');
const cv: number[] = [];
for (const seed of values.seeds.split(',').map(Number)) {
  const c0 = cpuS();
  const w0 = performance.now();
  const out = await runTrial(train, { family: 'cnn', params: params as never, target: 'digit', task: 'multiclass', metric: 'log_loss', seed, folds: Number(values.folds), image });
  const cpu = cpuS() - c0;
  const wall = (performance.now() - w0) / 1000;
  if (out.status !== 'complete') {
    console.log(`| ${values.label} | ${seed} | failed: ${out.reason} |`);
    continue;
  }
  const model = await cnnSpec.load(out.envelope.model);
  const probs = model.predict(loadPipeline(out.envelope.pipeline).transform(test));
  model.dispose();
  // With one fold only the held-out fifth of the OOF rows is filled: score those rows.
  const filled = Number(values.folds) === 1 ? heldOutRows(out.oof, nClasses) : null;
  const oofY = filled ? Float32Array.from(filled, (i) => yTrain[i]) : yTrain;
  const oof = filled ? gather(out.oof, filled, nClasses) : out.oof;
  cv.push(out.score);
  const epochs = out.fitInfo.refit_iterations ?? out.fitInfo.epochs_run;
  console.log(
    `| ${values.label} | ${seed} | ${out.score.toFixed(4)} | ${accuracy(oofY, oof, nClasses).toFixed(4)} | ${epochs} | ${accuracy(yTest, probs, nClasses).toFixed(4)} | ${logLoss(yTest, probs, nClasses).toFixed(4)} | ${cpu.toFixed(0)} / ${wall.toFixed(0)} |`,
  );
}
const sorted = [...cv].sort((a, b) => a - b);
console.log(`median cv log loss (${values.label}): ${sorted[Math.floor(sorted.length / 2)]?.toFixed(4)}, mean ${(cv.reduce((a, b) => a + b, 0) / cv.length).toFixed(4)}`);

function heldOutRows(oof: Float32Array, width: number): Int32Array {
  const rows: number[] = [];
  for (let i = 0; i < oof.length / width; i++) {
    let s = 0;
    for (let k = 0; k < width; k++) s += oof[i * width + k];
    if (s > 0) rows.push(i);
  }
  return Int32Array.from(rows);
}

function gather(oof: Float32Array, rows: Int32Array, width: number): Float32Array {
  const out = new Float32Array(rows.length * width);
  rows.forEach((r, i) => out.set(oof.subarray(r * width, (r + 1) * width), i * width));
  return out;
}


