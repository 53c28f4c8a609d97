/**
 * The MLP family and the tfjs wasm backend in plain Node: the backend is booted through the same engine
 * function workerd uses (initWasmBackend, bytes compiled here), models reach real accuracy on real data,
 * artifacts round-trip exactly, seeds reproduce, tensors do not leak, and the transposed-matmul fix
 * agrees with the cpu backend.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { EngineError } from '../../src/engine/core/errors';
import { Rng } from '../../src/engine/core/rng';
import { activeBackendName } from '../../src/engine/models/nn/backend';
import { batchMatMulFixInstalled } from '../../src/engine/models/nn/matmul-fix';
import { estimateMlpMemoryBytes, mlpSpec } from '../../src/engine/models/nn/mlp';
import { budgetedEpochs, epochCostMs, resolveMlpOptions } from '../../src/engine/models/nn/mlp-options';
import type { ModelArtifact } from '../../src/engine/models/model';
import { labelTensor, perRowLoss } from '../../src/engine/models/nn/mlp-loss';
import type { MlpHead } from '../../src/engine/models/nn/mlp-net';
import { accuracy, holdout, initWasmInNode, readNumericCsv, rocAuc, standardise, type Table } from './mlp-fixtures';

const BC_CLASSES = ['benign', 'malignant'];
const SEGMENT_CLASSES = ['brickface', 'cement', 'foliage', 'grass', 'path', 'sky', 'window'];

function wasmDataIds(): number {
  return tf.findBackend('wasm').numDataIds();
}

/** Synthetic regression: a smooth non-linear function of 5 inputs, on a large offset and scale. */
function synthetic(rows: number, seed: number): Table {
  const rng = new Rng(seed);
  const cols = 5;
  const data = new Float32Array(rows * cols);
  const y = new Float32Array(rows);
  for (let i = 0; i < rows; i++) {
    for (let c = 0; c < cols; c++) data[i * cols + c] = rng.normal();
    const x = data.subarray(i * cols, i * cols + cols);
    y[i] = 500 + 100 * (Math.sin(2 * x[0]) + 0.5 * x[1] * x[1] - x[2] + 0.3 * x[3] * x[4] + 0.1 * rng.normal());
  }
  return { X: { rows, cols, data }, y };
}

describe('mlp on the tfjs wasm backend (Node)', () => {
  let bcTrain: Table;
  let bcValid: Table;
  let bcTest: Table;

  beforeAll(async () => {
    await initWasmInNode();
    const full = readNumericCsv('breast_cancer_wisconsin.train.csv', 'diagnosis', BC_CLASSES);
    bcTest = readNumericCsv('breast_cancer_wisconsin.test.csv', 'diagnosis', BC_CLASSES);
    standardise(full, bcTest);
    ({ train: bcTrain, valid: bcValid } = holdout(full, 5));
  });

  it('initialises wasm through the engine loader, once, with the matmul fix', async () => {
    expect(tf.getBackend()).toBe('wasm');
    expect(activeBackendName()).toBe('wasm');
    expect(batchMatMulFixInstalled()).toBe(true);
    const backend = tf.findBackend('wasm');
    await initWasmInNode(); // idempotent: the same backend instance stays active
    expect(tf.findBackend('wasm')).toBe(backend);
  });

  it('binary: breast cancer test ROC AUC >= 0.98', async () => {
    const model = await mlpSpec.fit(bcTrain, mlpSpec.defaults({ rows: bcTrain.X.rows, cols: 30, task: 'binary', nClasses: 2 }), {
      task: 'binary',
      nClasses: 2,
      rng: new Rng(42),
      valid: bcValid,
    });
    const p = model.predict(bcTest.X);
    expect(p.length).toBe(bcTest.X.rows);
    expect(rocAuc(bcTest.y, p)).toBeGreaterThanOrEqual(0.98);
    expect(model.fitInfo.best_iteration).toBeGreaterThanOrEqual(1);
    expect(model.fitInfo.best_iteration).toBeLessThanOrEqual(model.fitInfo.epochs_run);
    expect(model.fitInfo.valid_loss).toBeLessThan(0.2);
    model.dispose();
  });

  it('multiclass: segment test accuracy >= 0.9', async () => {
    const full = readNumericCsv('segment.train.csv', 'class', SEGMENT_CLASSES);
    const test = readNumericCsv('segment.test.csv', 'class', SEGMENT_CLASSES);
    standardise(full, test);
    const { train, valid } = holdout(full, 5);
    const model = await mlpSpec.fit(train, { hidden_layers: 2, hidden_units: 64, batch_size: 64, learning_rate: 3e-3 }, {
      task: 'multiclass',
      nClasses: 7,
      rng: new Rng(7),
      valid,
    });
    const out = model.predict(test.X);
    expect(out.length).toBe(test.X.rows * 7);
    for (let i = 0; i < 5; i++) expect(out.subarray(i * 7, i * 7 + 7).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    expect(accuracy(test.y, out, 7)).toBeGreaterThanOrEqual(0.9);
    model.dispose();
  });

  it('regression: beats the constant predictor by a wide margin, on the original target scale', async () => {
    const train = synthetic(1500, 1);
    const valid = synthetic(300, 2);
    const test = synthetic(500, 3);
    const model = await mlpSpec.fit(train, { hidden_layers: 2, hidden_units: 64, dropout: 0, learning_rate: 3e-3 }, { task: 'regression', nClasses: 0, rng: new Rng(5), valid });
    const pred = model.predict(test.X);
    const meanY = train.y.reduce((a, b) => a + b, 0) / train.y.length;
    let sse = 0;
    let sst = 0;
    for (let i = 0; i < test.y.length; i++) {
      sse += (pred[i] - test.y[i]) ** 2;
      sst += (meanY - test.y[i]) ** 2;
    }
    expect(Math.sqrt(sse / sst)).toBeLessThan(0.35); // R^2 above ~0.88
    model.dispose();
  });

  it('artifact round trip through JSON predicts identically; unknown versions are rejected', async () => {
    const model = await mlpSpec.fit(bcTrain, { hidden_layers: 3, hidden_units: 24, epochs: 5 }, { task: 'binary', nClasses: 2, rng: new Rng(1), valid: bcValid });
    const artifact = JSON.parse(JSON.stringify(model.toArtifact())) as ModelArtifact;
    expect(artifact).toMatchObject({ family: 'mlp', version: 1, head: 'sigmoid' });
    const loaded = await mlpSpec.load(artifact);
    expect(Array.from(loaded.predict(bcTest.X))).toEqual(Array.from(model.predict(bcTest.X)));
    // Loading is async (it first awaits the host's tfjs backend), so a bad artifact rejects.
    await expect(mlpSpec.load({ ...artifact, version: 2 })).rejects.toThrow(EngineError);
    await expect(mlpSpec.load({ ...artifact, version: 2 })).rejects.toMatchObject({ code: 'bad_artifact' });
    const weights = (artifact as unknown as { weights: { kernel: string; bias: string }[] }).weights;
    const truncated = { ...artifact, weights: [{ ...weights[0], kernel: weights[0].kernel.slice(0, 40) }, ...weights.slice(1)] };
    await expect(mlpSpec.load(truncated)).rejects.toThrow(/bad|expected/);
    loaded.dispose();
    model.dispose();
  });

  it('the same seed gives the same model; another seed a different one', async () => {
    const params = { hidden_layers: 2, hidden_units: 32, dropout: 0.2, epochs: 6 };
    const fit = (seed: number) => mlpSpec.fit(bcTrain, params, { task: 'binary', nClasses: 2, rng: new Rng(seed), valid: bcValid });
    const [a, b, c] = [await fit(11), await fit(11), await fit(12)];
    const [pa, pb, pc] = [a.predict(bcTest.X), b.predict(bcTest.X), c.predict(bcTest.X)];
    expect(Array.from(pb)).toEqual(Array.from(pa));
    expect(Array.from(pc)).not.toEqual(Array.from(pa));
    expect(b.toArtifact()).toEqual(a.toArtifact());
    [a, b, c].forEach((m) => m.dispose());
  });

  it('leaks no tensors and no wasm buffers across fit, predict, serialise, load and dispose', async () => {
    const tensors = tf.memory().numTensors;
    const buffers = wasmDataIds();
    const weights = Float32Array.from(bcTrain.y, (v) => (v === 1 ? 2 : 1));
    const model = await mlpSpec.fit({ ...bcTrain, weights }, { hidden_layers: 2, hidden_units: 16, dropout: 0.3, l2: 1e-3, epochs: 4, batch_size: 32 }, {
      task: 'binary',
      nClasses: 2,
      rng: new Rng(3),
      valid: { ...bcValid, weights: Float32Array.from(bcValid.y, () => 1.5) },
    });
    model.predict(bcTest.X);
    const loaded = await mlpSpec.load(model.toArtifact());
    loaded.predict(bcTest.X);
    model.dispose();
    loaded.dispose();
    expect(tf.memory().numTensors).toBe(tensors);
    expect(wasmDataIds()).toBe(buffers);
    expect(() => model.predict(bcTest.X)).toThrow(/disposed/);
  });

  it('sample weights shift the fit towards the heavier class', async () => {
    // Enough epochs for the weighting to matter: Adam's steps have a fixed size whatever the loss scale.
    const params = { hidden_layers: 1, hidden_units: 16, dropout: 0 };
    const ctx = () => ({ task: 'binary' as const, nClasses: 2, rng: new Rng(4), fixedIterations: 30 });
    const plain = await mlpSpec.fit(bcTrain, params, ctx());
    const heavy = await mlpSpec.fit({ ...bcTrain, weights: Float32Array.from(bcTrain.y, (v) => (v === 1 ? 20 : 1)) }, params, ctx());
    const mean = (p: Float32Array) => p.reduce((a, b) => a + b, 0) / p.length;
    expect(mean(heavy.predict(bcTest.X))).toBeGreaterThan(mean(plain.predict(bcTest.X)) + 0.1);
    plain.dispose();
    heavy.dispose();
  });

  it('fixedIterations runs exactly that many epochs; the work budget caps epochs', async () => {
    const fixed = await mlpSpec.fit(bcTrain, { hidden_units: 16, hidden_layers: 1 }, { task: 'binary', nClasses: 2, rng: new Rng(1), fixedIterations: 7, valid: bcValid });
    expect(fixed.fitInfo.epochs_run).toBe(7);
    expect(fixed.fitInfo.best_iteration).toBe(7);
    fixed.dispose();
    const capped = await mlpSpec.fit(bcTrain, { hidden_units: 16, hidden_layers: 1, max_row_epochs: bcTrain.X.rows * 3 }, { task: 'binary', nClasses: 2, rng: new Rng(1) });
    expect(capped.fitInfo.epochs_run).toBe(3);
    expect(capped.fitInfo.budget_limited).toBe(1);
    capped.dispose();
    const opts = resolveMlpOptions({ hidden_units: 256, hidden_layers: 3 });
    expect(budgetedEpochs(opts, 200_000, [100, 256, 256, 256, 1])).toBeLessThan(opts.epochs);
    // The cost model reproduces the workerd timings it was fitted to (PLATFORM.md: 34 and 19.5 ms/epoch).
    expect(epochCostMs(2000, 128, [64, 128, 64, 10])).toBeCloseTo(34, -1);
    expect(epochCostMs(2000, 512, [64, 128, 64, 10])).toBeCloseTo(18, -1);
  });

  it('rejects NaN features, bad labels and bad parameters with EngineError', async () => {
    const nan = { X: { rows: 2, cols: 2, data: new Float32Array([0, NaN, 1, 2]) }, y: new Float32Array([0, 1]) };
    await expect(mlpSpec.fit(nan, {}, { task: 'binary', nClasses: 2, rng: new Rng(1) })).rejects.toMatchObject({ code: 'invalid_input' });
    const badLabel = { X: { rows: 2, cols: 1, data: new Float32Array([0, 1]) }, y: new Float32Array([0, 3]) };
    await expect(mlpSpec.fit(badLabel, {}, { task: 'multiclass', nClasses: 3, rng: new Rng(1) })).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(mlpSpec.fit(badLabel, { hidden_layers: 9 }, { task: 'regression', nClasses: 0, rng: new Rng(1) })).rejects.toMatchObject({ code: 'invalid_params' });
  });

  it('declares its space and a memory estimate that grows with data and width', () => {
    const shape = { rows: 10_000, cols: 50, task: 'multiclass' as const, nClasses: 5 };
    expect(Object.keys(mlpSpec.space(shape)).sort()).toEqual(['batch_size', 'dropout', 'epochs', 'hidden_layers', 'hidden_units', 'l2', 'learning_rate']);
    const base = estimateMlpMemoryBytes({}, shape);
    expect(base).toBeGreaterThan(4 * 10_000 * 50); // at least the feature matrix
    expect(base).toBeLessThan(8 * 2 ** 20);
    const tenfold = estimateMlpMemoryBytes({}, { ...shape, rows: 100_000 });
    expect(tenfold).toBeGreaterThan(4 * 100_000 * 50);
    expect(tenfold).toBeGreaterThan(base * 3);
    expect(estimateMlpMemoryBytes({ hidden_units: 256, hidden_layers: 3 }, shape)).toBeGreaterThan(base);
  });

  it('training losses agree with the cpu backend for every head (wasm kernels with dtype quirks)', async () => {
    const rng = new Rng(12);
    const logits = Float32Array.from({ length: 32 * 5 }, () => rng.uniform(-4, 4));
    const cls = Float32Array.from({ length: 32 }, () => rng.int(5));
    const bin = Float32Array.from({ length: 32 }, () => rng.int(2));
    const cases: [MlpHead, number[], Float32Array][] = [
      ['softmax', [32, 5], cls],
      ['sigmoid', [32, 1], bin],
      ['identity', [32, 1], Float32Array.from({ length: 32 }, () => rng.normal())],
    ];
    try {
      for (const [head, shape, y] of cases) {
        const run = async (backend: string) => {
          await tf.setBackend(backend);
          return tf.tidy(() => {
            const labels = labelTensor(head, y);
            return perRowLoss(head, tf.tensor2d(logits.subarray(0, shape[0] * shape[1]), shape as [number, number]), labels, 5).dataSync() as Float32Array;
          });
        };
        const wasm = await run('wasm');
        const cpu = await run('cpu');
        for (let i = 0; i < cpu.length; i++) expect(Math.abs(wasm[i] - cpu[i]), head).toBeLessThan(1e-5 * (1 + Math.abs(cpu[i])));
        expect(Math.min(...cpu)).toBeGreaterThan(head === 'identity' ? -1e-9 : 1e-6);
      }
    } finally {
      await tf.setBackend('wasm');
    }
  });

  it('transposed-matmul fix agrees with the cpu backend for every transpose combination', async () => {
    const rng = new Rng(9);
    const cases: [number[], number[]][] = [
      [[37, 53], [53, 29]],
      [[3, 17, 8], [3, 8, 11]],
      [[1, 17, 8], [4, 8, 11]],
      [[1, 53], [53, 1]],
      [[128, 64], [64, 128]],
    ];
    const tensors = tf.memory().numTensors;
    const buffers = wasmDataIds();
    try {
      for (const [sa, sb] of cases) {
        for (const ta of [false, true]) {
          for (const tb of [false, true]) {
            const swap = (s: number[], t: boolean) => (t ? [...s.slice(0, -2), s[s.length - 1], s[s.length - 2]] : s);
            const shapeA = swap(sa, ta);
            const shapeB = swap(sb, tb);
            const a = Float32Array.from({ length: shapeA.reduce((x, y) => x * y, 1) }, () => rng.uniform(-1, 1));
            const b = Float32Array.from({ length: shapeB.reduce((x, y) => x * y, 1) }, () => rng.uniform(-1, 1));
            const run = async (backend: string) => {
              await tf.setBackend(backend);
              return tf.tidy(() => tf.matMul(tf.tensor(a, shapeA), tf.tensor(b, shapeB), ta, tb).dataSync() as Float32Array);
            };
            const wasm = await run('wasm');
            const cpu = await run('cpu');
            expect(wasm.length).toBe(cpu.length);
            let maxErr = 0;
            for (let i = 0; i < cpu.length; i++) maxErr = Math.max(maxErr, Math.abs(wasm[i] - cpu[i]));
            expect(maxErr, `shapes ${sa} x ${sb}, transposeA=${ta}, transposeB=${tb}`).toBeLessThan(1e-5);
          }
        }
      }
    } finally {
      await tf.setBackend('wasm');
    }
    expect(tf.memory().numTensors).toBe(tensors);
    expect(wasmDataIds()).toBe(buffers);
  });

  it('the fix also serves gradients: Dense backward passes match the cpu backend', async () => {
    const rng = new Rng(10);
    const x = Float32Array.from({ length: 64 * 20 }, () => rng.uniform(-1, 1));
    const w = Float32Array.from({ length: 20 * 7 }, () => rng.uniform(-1, 1));
    const grads = async (backend: string) => {
      await tf.setBackend(backend);
      return tf.tidy(() => {
        const g = tf.grads((xx: tf.Tensor, ww: tf.Tensor) => tf.sum(tf.square(tf.matMul(xx as tf.Tensor2D, ww as tf.Tensor2D))));
        return g([tf.tensor2d(x, [64, 20]), tf.tensor2d(w, [20, 7])]).map((t) => t.dataSync() as Float32Array);
      });
    };
    try {
      const onWasm = await grads('wasm');
      const onCpu = await grads('cpu');
      for (let k = 0; k < 2; k++) {
        for (let i = 0; i < onCpu[k].length; i++) expect(Math.abs(onWasm[k][i] - onCpu[k][i])).toBeLessThan(1e-4 * (1 + Math.abs(onCpu[k][i])));
      }
    } finally {
      await tf.setBackend('wasm');
    }
  });
});
