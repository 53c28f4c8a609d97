/**
 * The project's wasm-SIMD kernels (src/engine/models/nn/wasm-kernels/simd): the checked-in binary is
 * what its AssemblyScript source compiles to, it imports nothing but the tfjs heap and carries no data
 * of its own; BatchMatMul (every transpose combination, ragged sizes, batches), _FusedMatMul (bias,
 * ReLU) and the first-axis Sum on wasm match the cpu backend; an MLP's gradients match cpu; the JS-side
 * Adam (with L2) follows tf.train.adam and the JS-side batch loss matches ./mlp-loss with its gradient;
 * and none of them leaks heap tensors.
 */
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileKernels, KERNELS_WASM } from '../../scripts/lib/compile-kernels';
import { Rng } from '../../src/engine/core/rng';
import { HostAdam } from '../../src/engine/models/nn/host-adam';
import { hostBatchLoss } from '../../src/engine/models/nn/host-loss';
import { hostLabels, labelBatch, perRowLoss, weightedMean } from '../../src/engine/models/nn/mlp-loss';
import { batchMatMulFixInstalled } from '../../src/engine/models/nn/matmul-fix';
import { simdKernelsOf } from '../../src/engine/models/nn/wasm-kernels/simd-module';
import { simdMatMulInstalled } from '../../src/engine/models/nn/wasm-kernels/simd-matmul';
import { simdSumInstalled } from '../../src/engine/models/nn/wasm-kernels/simd-sum';
import { initWasmInNode } from './mlp-fixtures';

function randomValues(n: number, rng: Rng): Float32Array {
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) v[i] = rng.normal();
  return v;
}

function expectClose(actual: Float32Array, expected: Float32Array, what: string, tolerance = 1e-5): void {
  expect(actual.length, what).toBe(expected.length);
  let scale = 0;
  for (const v of expected) scale = Math.max(scale, Math.abs(v));
  let worst = 0;
  for (let i = 0; i < actual.length; i++) worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
  expect(scale, `${what}: a non-trivial result`).toBeGreaterThan(0);
  // Float32 sums of up to a few hundred terms in different orders: relative to the largest value.
  expect(worst / Math.max(1, scale), `${what}: max abs diff ${worst} vs scale ${scale}`).toBeLessThan(tolerance);
}

/** Runs `f` on one backend and returns its result's values and shape. */
async function on(backend: string, f: () => tf.Tensor): Promise<{ values: Float32Array; shape: number[] }> {
  await tf.setBackend(backend);
  const t = tf.tidy(f);
  const out = { values: t.dataSync() as Float32Array, shape: t.shape };
  t.dispose();
  return out;
}

/** The ids of a wasm binary's sections, in order (the module's header is 8 bytes; sizes are LEB128). */
function sectionIds(bytes: Uint8Array): number[] {
  const ids: number[] = [];
  let at = 8;
  while (at < bytes.length) {
    ids.push(bytes[at++]);
    let size = 0;
    let shift = 0;
    for (;;) {
      const b = bytes[at++];
      size |= (b & 0x7f) << shift;
      shift += 7;
      if ((b & 0x80) === 0) break;
    }
    at += size;
  }
  return ids;
}

describe('wasm-SIMD kernels', () => {
  beforeAll(async () => {
    await initWasmInNode();
    await tf.setBackend('wasm');
  });

  it('the checked-in kernels.wasm is what kernels.as compiles to (npm run build:kernels)', async () => {
    const built = await compileKernels();
    const checkedIn = new Uint8Array(readFileSync(KERNELS_WASM));
    expect(Buffer.from(checkedIn).equals(Buffer.from(built)), 'kernels.wasm is stale: run npm run build:kernels').toBe(true);
  }, 60_000);

  it('imports only the tfjs heap, and has no data, globals, start function or memory of its own', () => {
    const bytes = new Uint8Array(readFileSync(KERNELS_WASM));
    const Module = WebAssembly.Module as unknown as new (b: Uint8Array) => WebAssembly.Module;
    const mod = new Module(bytes);
    expect(WebAssembly.Module.imports(mod)).toEqual([{ module: 'env', name: 'memory', kind: 'memory' }]);
    expect(WebAssembly.Module.exports(mod).map((e) => `${e.kind}:${e.name}`).sort()).toEqual(['function:matmul', 'function:sumRows']);
    // 5 memory, 6 global, 8 start, 11 data: none may be present (imports are section 2).
    const ids = sectionIds(bytes);
    for (const forbidden of [5, 6, 8, 11]) expect(ids, `section ${forbidden}`).not.toContain(forbidden);
  });

  it('is installed by the engine loader, with the transposed-matmul fix as its fallback', () => {
    expect(simdKernelsOf(tf.findBackend('wasm'))).not.toBeNull();
    expect(simdMatMulInstalled()).toBe(true);
    expect(simdSumInstalled()).toBe(true);
    expect(batchMatMulFixInstalled()).toBe(true);
  });

  // [m, k, n]: ragged sizes (not multiples of the 4 x 8 tile), single rows and columns, an MLP's shapes.
  const SHAPES: readonly [number, number, number][] = [
    [1, 1, 1],
    [3, 5, 7],
    [4, 8, 8],
    [13, 17, 9],
    [6, 1, 10],
    [64, 33, 1],
    [130, 64, 10],
    [512, 64, 128],
  ];
  for (const [m, k, n] of SHAPES) {
    it(`BatchMatMul ${m}x${k}x${n} matches cpu with every transpose combination`, async () => {
      const rng = new Rng(m * 10007 + k * 101 + n);
      const a = randomValues(m * k, rng);
      const b = randomValues(k * n, rng);
      for (const transposeA of [false, true]) {
        for (const transposeB of [false, true]) {
          const f = () => tf.matMul(tf.tensor2d(a, transposeA ? [k, m] : [m, k]), tf.tensor2d(b, transposeB ? [n, k] : [k, n]), transposeA, transposeB);
          const cpu = await on('cpu', f);
          const wasm = await on('wasm', f);
          expect(wasm.shape).toEqual([m, n]);
          expectClose(wasm.values, cpu.values, `${transposeA ? 'tA' : ''}${transposeB ? 'tB' : ''}`);
        }
      }
    });
  }

  it('batched BatchMatMul matches cpu (equal batches, and one side broadcast)', async () => {
    const rng = new Rng(3);
    const a = randomValues(3 * 5 * 6, rng);
    const b = randomValues(3 * 6 * 9, rng);
    for (const [bShape, label] of [
      [[3, 6, 9], 'equal'],
      [[1, 6, 9], 'broadcast'],
    ] as const) {
      const f = () => tf.matMul(tf.tensor3d(a, [3, 5, 6]), tf.tensor3d(b.subarray(0, bShape[0] * 54), [...bShape]));
      const cpu = await on('cpu', f);
      const wasm = await on('wasm', f);
      expect(wasm.shape).toEqual([3, 5, 9]);
      expectClose(wasm.values, cpu.values, label);
    }
  });

  it('_FusedMatMul with bias and ReLU (or linear) matches cpu', async () => {
    const rng = new Rng(11);
    const [m, k, n] = [37, 20, 13];
    const a = randomValues(m * k, rng);
    const b = randomValues(k * n, rng);
    const bias = randomValues(n, rng);
    for (const activation of ['relu', 'linear'] as const) {
      for (const withBias of [true, false]) {
        const f = () =>
          tf.fused.matMul({ a: tf.tensor2d(a, [m, k]), b: tf.tensor2d(b, [k, n]), bias: withBias ? tf.tensor1d(bias) : undefined, activation });
        const cpu = await on('cpu', f);
        const wasm = await on('wasm', f);
        if (activation === 'relu') expect(wasm.values.some((v) => v === 0)).toBe(true);
        expectClose(wasm.values, cpu.values, `${activation}${withBias ? ' + bias' : ''}`);
      }
    }
  });

  it('Sum over the first axis matches cpu (keepDims or not); other axes still work', async () => {
    const rng = new Rng(12);
    const x = randomValues(67 * 11, rng);
    for (const [axis, keepDims] of [
      [0, false],
      [0, true],
      [1, false],
      [-2, false],
    ] as const) {
      const f = () => tf.sum(tf.tensor2d(x, [67, 11]), axis, keepDims);
      const cpu = await on('cpu', f);
      const wasm = await on('wasm', f);
      expect(wasm.shape).toEqual(cpu.shape);
      expectClose(wasm.values, cpu.values, `axis ${axis} keepDims ${keepDims}`);
    }
  });

  it("an MLP's weight gradients on wasm match cpu", async () => {
    const rng = new Rng(21);
    const sizes = [12, 24, 9, 3];
    const x = randomValues(50 * 12, rng);
    const labels = Int32Array.from({ length: 50 }, () => rng.int(3));
    const weights = sizes.slice(1).map((units, l) => randomValues(sizes[l] * units, rng).map((v) => v * 0.3));
    const biases = sizes.slice(1).map((units) => randomValues(units, rng).map((v) => v * 0.1));
    const grads = async (backend: string) => {
      await tf.setBackend(backend);
      return tf.tidy(() => {
        const ws = weights.map((w, l) => tf.tensor2d(w, [sizes[l], sizes[l + 1]]));
        const bs = biases.map((b) => tf.tensor1d(b));
        const loss = (...params: tf.Tensor[]) => {
          let h: tf.Tensor = tf.tensor2d(x, [50, 12]);
          for (let l = 0; l < 3; l++) {
            h = tf.add(tf.matMul(h, params[l]), params[3 + l]);
            if (l < 2) h = tf.relu(h);
          }
          return tf.losses.softmaxCrossEntropy(tf.oneHot(tf.tensor1d(labels, 'int32'), 3), h) as tf.Scalar;
        };
        return tf.grads(loss)([...ws, ...bs]).map((g) => g.dataSync() as Float32Array);
      });
    };
    const cpu = await grads('cpu');
    const wasm = await grads('wasm');
    cpu.forEach((g, i) => expectClose(wasm[i], g, `gradient ${i}`));
  });

  it('HostAdam (with its L2 penalty) follows tf.train.adam on the penalised loss over several steps', async () => {
    await tf.setBackend('cpu');
    const rng = new Rng(31);
    const x = tf.tensor2d(randomValues(40 * 6, rng), [40, 6]);
    const y = tf.tensor2d(randomValues(40 * 2, rng), [40, 2]);
    const w0 = randomValues(6 * 2, rng);
    const b0 = randomValues(2, rng);
    const l2 = 0.01;
    const mse = (vars: tf.Variable[]) => tf.mean(tf.squaredDifference(tf.add(tf.matMul(x, vars[0]), vars[1]), y)) as tf.Scalar;
    const train = (step: (vars: tf.Variable[]) => number) => {
      const vars = [tf.variable(tf.tensor2d(w0, [6, 2])), tf.variable(tf.tensor1d(b0))];
      const losses: number[] = [];
      for (let i = 0; i < 8; i++) losses.push(step(vars));
      const out = vars.map((v) => v.dataSync() as Float32Array);
      tf.dispose(vars);
      return { out, losses };
    };
    const reference = tf.train.adam(0.05);
    const ref = train((vars) => {
      const loss = reference.minimize(() => tf.add(mse(vars), tf.mul(l2, tf.sum(tf.square(vars[0])))) as tf.Scalar, true, vars)!;
      const value = loss.dataSync()[0];
      loss.dispose();
      return value;
    });
    reference.dispose();
    let host: HostAdam | null = null;
    const ours = train((vars) => (host ??= new HostAdam(vars, { learningRate: 0.05, l2: [l2, 0] })).minimize(() => mse(vars)));
    expect(ours.losses[7]).toBeLessThan(ours.losses[0]);
    // float32 kernels against float64 host arithmetic: relative 1e-5.
    ours.losses.forEach((v, i) => expect(Math.abs(v - ref.losses[i]) / ref.losses[i]).toBeLessThan(1e-5));
    ours.out.forEach((w, i) => expectClose(w, ref.out[i], `weights ${i}`, 1e-5));
    tf.dispose([x, y]);
  });

  it('hostBatchLoss gives the loss and logit gradients of ./mlp-loss (every head, with sample weights)', async () => {
    await tf.setBackend('cpu');
    const rng = new Rng(41);
    const rows = 23;
    const weights = Float32Array.from({ length: rows }, () => 0.2 + rng.next() * 2);
    for (const [head, width] of [
      ['softmax', 5],
      ['sigmoid', 1],
      ['identity', 1],
    ] as const) {
      const z = randomValues(rows * width, rng).map((v) => v * 3);
      const y = Float32Array.from({ length: rows }, () => (head === 'softmax' ? rng.int(width) : head === 'sigmoid' ? rng.int(2) : rng.normal()));
      const labels = hostLabels(head, y);
      for (const w of [null, weights]) {
        const ours = tf.valueAndGrad((t: tf.Tensor) => hostBatchLoss(head, t as tf.Tensor2D, labels, w))(tf.tensor2d(z, [rows, width]));
        const wt = w !== null ? tf.tensor1d(w) : null;
        const ref = tf.valueAndGrad((t: tf.Tensor) => weightedMean(perRowLoss(head, t as tf.Tensor2D, labelBatch(head, labels), width), wt))(tf.tensor2d(z, [rows, width]));
        expect(ours.value.dataSync()[0]).toBeCloseTo(ref.value.dataSync()[0], 5);
        expectClose(ours.grad.dataSync() as Float32Array, ref.grad.dataSync() as Float32Array, `${head} gradient${w ? ' (weighted)' : ''}`);
        tf.dispose([ours.value, ours.grad, ref.value, ref.grad, ...(wt ? [wt] : [])]);
      }
    }
  });

  it('products and sums leave no heap tensors behind', async () => {
    await tf.setBackend('wasm');
    const a = tf.randomNormal([33, 20]);
    const b = tf.randomNormal([20, 17]);
    const run = () => tf.tidy(() => [tf.matMul(a, b), tf.matMul(a, a, true, false), tf.sum(tf.matMul(b, b, false, true), 0)].forEach((t) => t.dataSync()));
    run();
    const before = tf.findBackend('wasm').numDataIds();
    for (let i = 0; i < 3; i++) run();
    expect(tf.findBackend('wasm').numDataIds()).toBe(before);
    tf.dispose([a, b]);
  });
});
