/**
 * `npm run bench:cnn`: the CNN's costs on this machine, in two tables.
 * 1. Conv2DBackpropFilter per call: our wasm kernel (TypeScript im2col + the backend's SIMD matmul), our
 *    direct TypeScript loop (the reference), and the cpu backend's kernel, on the default CNN's shapes.
 * 2. The default CNN on digits (train split → test split): ms per epoch, fit time, test accuracy and
 *    single-row predict µs on wasm.
 * Times are process CPU milliseconds (user + system) beside wall time: on a shared machine wall time
 * mostly measures the neighbours.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-layers';
import { readFileSync } from 'node:fs';
import { Rng } from '../src/engine/core/rng';
import { parseCsv } from '../src/engine/data/csv';
import { inferDataset } from '../src/engine/data/infer-schema';
import { prepareTarget } from '../src/engine/data/target';
import { fitFeatures } from '../src/engine/features/pipeline';
import { cnnSpec } from '../src/engine/models/nn/cnn/cnn';
import { conv2dBackpropFilterInto } from '../src/engine/models/nn/wasm-kernels';
import { initWasmInNode } from './lib/tfjs-wasm-node';

const DATA = process.env.SHARED_DATA_DIR ?? '/work/shared/data';
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** Mean CPU and wall ms of `fn` over `reps` calls after one warm-up. */
function time(fn: () => void, reps: number): { cpu: number; wall: number } {
  fn();
  const c = cpuMs();
  const w = performance.now();
  for (let i = 0; i < reps; i++) fn();
  return { cpu: (cpuMs() - c) / reps, wall: (performance.now() - w) / reps };
}

await initWasmInNode();

// 1. The filter gradient alone, on the default CNN's two layers at batch 64 and a 3-channel image layer.
const shapes: [string, [number, number, number, number], [number, number, number, number]][] = [
  ['block 1 (8x8x1 → 32)', [64, 8, 8, 1], [3, 3, 1, 32]],
  ['block 2 (4x4x32 → 64)', [64, 4, 4, 32], [3, 3, 32, 64]],
  ['rgb 32x32x3 → 16, 5x5', [32, 32, 32, 3], [5, 5, 3, 16]],
];
console.log('| Conv2DBackpropFilter | wasm (ours) cpu ms | direct TS loop cpu ms | cpu backend cpu ms | speed-up vs cpu backend |');
console.log('|---|---|---|---|---|');
for (const [label, xShape, fShape] of shapes) {
  const rng = new Rng(1);
  const x = Float32Array.from({ length: xShape.reduce((a, b) => a * b) }, () => rng.normal());
  const dy = Float32Array.from({ length: xShape[0] * xShape[1] * xShape[2] * fShape[3] }, () => rng.normal());
  const kernelTime = async (backend: string, reps: number) => {
    await tf.setBackend(backend);
    const xt = tf.tensor4d(x, xShape);
    const dyt = tf.tensor4d(dy, [xShape[0], xShape[1], xShape[2], fShape[3]]);
    const r = time(() => {
      const g = tf.engine().runKernel('Conv2DBackpropFilter', { x: xt, dy: dyt }, { strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape: fShape }) as tf.Tensor;
      g.dataSync();
      g.dispose();
    }, reps);
    xt.dispose();
    dyt.dispose();
    return r;
  };
  const wasm = await kernelTime('wasm', 20);
  const cpu = await kernelTime('cpu', 2);
  const dw = new Float32Array(fShape.reduce((a, b) => a * b));
  const pad = Math.floor((fShape[0] - 1) / 2);
  const direct = time(
    () =>
      conv2dBackpropFilterInto(x, dy, dw, {
        batch: xShape[0], inHeight: xShape[1], inWidth: xShape[2], inChannels: xShape[3], outHeight: xShape[1], outWidth: xShape[2], outChannels: fShape[3],
        filterHeight: fShape[0], filterWidth: fShape[1], strideHeight: 1, strideWidth: 1, padTop: pad, padLeft: pad,
      }),
    5,
  );
  console.log(`| ${label} | ${wasm.cpu.toFixed(2)} | ${direct.cpu.toFixed(2)} | ${cpu.cpu.toFixed(1)} | ${(cpu.cpu / wasm.cpu).toFixed(0)}x |`);
}
await tf.setBackend('wasm');

// 2. The default CNN on digits.
const read = (split: string) => inferDataset(parseCsv(readFileSync(`${DATA}/digits.${split}.csv`, 'utf8'))).dataset;
const train = read('train');
const test = read('test');
const target = prepareTarget(train, 'digit');
const features = await fitFeatures(train, target.rows, 'pixels', new Set(['digit']), { y: target.y, task: 'multiclass', nClasses: 10, rng: new Rng(1) });
const Xtest = features.pipeline.transform(test);
const testCol = test.columns.find((c) => c.name === 'digit')!;
const ytest = Array.from({ length: test.rows }, (_, i) => target.classes.indexOf(testCol.storage === 'f64' ? String(testCol.values[i]) : testCol.levels[testCol.codes[i]]));
const image = { height: 8, width: 8, channels: 1 };
const params = cnnSpec.defaults({ rows: features.X.rows, cols: 64, task: 'multiclass', nClasses: 10, image });
const c0 = cpuMs();
const w0 = performance.now();
const model = await cnnSpec.fit({ X: features.X, y: target.y }, params, { task: 'multiclass', nClasses: 10, rng: new Rng(7), image });
const fitCpu = (cpuMs() - c0) / 1000;
const fitWall = (performance.now() - w0) / 1000;
const out = model.predict(Xtest);
let ok = 0;
for (let i = 0; i < Xtest.rows; i++) {
  let best = 0;
  for (let k = 1; k < 10; k++) if (out[i * 10 + k] > out[i * 10 + best]) best = k;
  if (best === ytest[i]) ok++;
}
const one = { rows: 1, cols: 64, data: Xtest.data.subarray(0, 64) };
const predict = time(() => model.predict(one), 300);
const epochs = model.fitInfo.epochs_run;
console.log('\n| default CNN on digits (wasm) | value |\n|---|---|');
console.log(`| epochs | ${epochs} |`);
console.log(`| ms per epoch (cpu / wall) | ${((fitCpu * 1000) / epochs).toFixed(0)} / ${((fitWall * 1000) / epochs).toFixed(0)} |`);
console.log(`| fit s (cpu / wall) | ${fitCpu.toFixed(1)} / ${fitWall.toFixed(1)} |`);
console.log(`| test accuracy (450 rows) | ${(ok / Xtest.rows).toFixed(4)} |`);
console.log(`| single-row predict µs (cpu / wall) | ${(predict.cpu * 1000).toFixed(0)} / ${(predict.wall * 1000).toFixed(0)} |`);
model.dispose();
console.log('tensors left', tf.memory().numTensors);
