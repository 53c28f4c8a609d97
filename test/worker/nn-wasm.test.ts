/**
 * The tfjs wasm-SIMD backend inside workerd (vitest pool): ensureTfjsWasm() boots it from the compiled
 * module wrangler hands over, the active backend is 'wasm' (not a cpu fallback), and a tiny MLP trains
 * (loss falls, predictions are finite) without leaking tensors.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../src/engine/core/rng';
import { activeBackendName } from '../../src/engine/models/nn/backend';
import { batchMatMulFixInstalled } from '../../src/engine/models/nn/matmul-fix';
import { mlpSpec } from '../../src/engine/models/nn/mlp';
import { ensureTfjsWasm } from '../../src/worker/tfjs-wasm';

/** Two Gaussian blobs in 8 dimensions, labels 0/1. */
function blobs(rows: number, seed: number) {
  const rng = new Rng(seed);
  const cols = 8;
  const data = new Float32Array(rows * cols);
  const y = new Float32Array(rows);
  for (let i = 0; i < rows; i++) {
    y[i] = i % 2;
    for (let c = 0; c < cols; c++) data[i * cols + c] = rng.normal() + (y[i] === 1 ? 0.8 : -0.8) * (c < 3 ? 1 : 0);
  }
  return { X: { rows, cols, data }, y };
}

describe('tfjs wasm backend in workerd', () => {
  beforeAll(async () => {
    await ensureTfjsWasm();
  });

  it('is the active backend, with the transposed-matmul fix installed', async () => {
    await ensureTfjsWasm(); // idempotent
    expect(activeBackendName()).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(batchMatMulFixInstalled()).toBe(true);
    const y = tf.matMul(tf.tensor2d([[1, 2], [3, 4]]), tf.tensor2d([[1, 0], [1, 1]]), true, false);
    expect(Array.from(y.dataSync())).toEqual([4, 3, 6, 4]);
  });

  it('trains a tiny MLP: the loss falls and predictions are finite', async () => {
    const before = tf.memory().numTensors;
    const train = blobs(400, 1);
    const params = { hidden_layers: 1, hidden_units: 16, batch_size: 64, dropout: 0 };
    const model = await mlpSpec.fit(train, params, { task: 'binary', nClasses: 2, rng: new Rng(3), fixedIterations: 8 });
    expect(model.fitInfo.epochs_run).toBe(8);
    expect(model.fitInfo.train_loss).toBeLessThan(0.8 * model.fitInfo.first_train_loss);
    const p = model.predict(blobs(50, 2).X);
    expect(p.length).toBe(50);
    expect(p.every((v) => Number.isFinite(v) && v >= 0 && v <= 1)).toBe(true);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
