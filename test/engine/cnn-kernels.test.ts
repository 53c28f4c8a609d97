/**
 * The wasm training kernels (src/engine/models/nn/wasm-kernels): conv2d gradients with respect to the
 * filter and the input computed on wasm agree with the cpu backend's reference kernels over a range of
 * shapes, strides, paddings and channel counts; the direct-loop reference agrees too; UnsortedSegmentSum
 * matches cpu; and a training step leaks no wasm tensors.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../src/engine/core/rng';
import { conv2dBackpropFilterInto, wasmTrainingKernelsRegistered } from '../../src/engine/models/nn/wasm-kernels';
import { initWasmInNode } from './mlp-fixtures';

interface Case {
  readonly x: [number, number, number, number];
  readonly filter: [number, number, number, number];
  readonly stride: 1 | 2;
  readonly pad: 'same' | 'valid';
}

const CASES: readonly Case[] = [
  { x: [4, 8, 8, 1], filter: [3, 3, 1, 8], stride: 1, pad: 'same' },
  { x: [3, 8, 8, 1], filter: [5, 5, 1, 4], stride: 1, pad: 'valid' },
  { x: [2, 9, 7, 3], filter: [3, 3, 3, 5], stride: 2, pad: 'same' },
  { x: [2, 9, 7, 3], filter: [3, 3, 3, 6], stride: 2, pad: 'valid' },
  { x: [5, 4, 4, 16], filter: [3, 3, 16, 32], stride: 1, pad: 'same' },
  { x: [2, 2, 2, 8], filter: [5, 5, 8, 4], stride: 1, pad: 'same' },
  { x: [3, 12, 12, 3], filter: [5, 5, 3, 7], stride: 2, pad: 'same' },
];

function randomValues(n: number, rng: Rng): Float32Array {
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) v[i] = rng.normal();
  return v;
}

/** Gradients of sum(conv2d(x, w) * dy) with respect to w and x on one backend, as plain arrays. */
async function convGrads(backend: string, c: Case, x: Float32Array, w: Float32Array, dy: Float32Array): Promise<{ dw: Float32Array; dx: Float32Array }> {
  await tf.setBackend(backend);
  return tf.tidy(() => {
    const xt = tf.tensor4d(x, c.x);
    const wt = tf.tensor4d(w, c.filter);
    const y = tf.conv2d(xt, wt, c.stride, c.pad);
    const dyt = tf.tensor(dy.subarray(0, y.size), y.shape);
    const f = (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.stride, c.pad), dyt));
    const [dx, dw] = tf.grads(f)([xt, wt]);
    return { dw: dw.dataSync() as Float32Array, dx: dx.dataSync() as Float32Array };
  });
}

function expectClose(actual: Float32Array, expected: Float32Array, what: string): void {
  expect(actual.length, what).toBe(expected.length);
  let scale = 0;
  for (const v of expected) scale = Math.max(scale, Math.abs(v));
  let worst = 0;
  for (let i = 0; i < actual.length; i++) worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
  // Float32 sums of up to a few thousand terms in different orders: relative 1e-5 of the largest value.
  expect(worst / Math.max(1, scale), `${what}: max abs diff ${worst} vs scale ${scale}`).toBeLessThan(1e-5);
}

describe('wasm training kernels', () => {
  beforeAll(async () => {
    await initWasmInNode();
  });

  it('registers the missing and replaced kernels through the engine backend init', () => {
    expect(wasmTrainingKernelsRegistered()).toBe(true);
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined();
    expect(tf.getKernel('UnsortedSegmentSum', 'wasm')).toBeDefined();
  });

  for (const c of CASES) {
    const label = `x ${c.x.join('x')}, filter ${c.filter.join('x')}, stride ${c.stride}, ${c.pad}`;
    it(`conv2d gradients on wasm match cpu (${label})`, async () => {
      const rng = new Rng(c.x.reduce((a, b) => a * 31 + b, c.stride));
      const x = randomValues(c.x.reduce((a, b) => a * b), rng);
      const w = randomValues(c.filter.reduce((a, b) => a * b), rng);
      const dy = randomValues(c.x[0] * c.x[1] * c.x[2] * c.filter[3], rng);
      const cpu = await convGrads('cpu', c, x, w, dy);
      const wasm = await convGrads('wasm', c, x, w, dy);
      // The gradients are not trivially zero (a broken kernel writing zeros would otherwise pass).
      expect(cpu.dw.some((v) => Math.abs(v) > 1e-3)).toBe(true);
      expectClose(wasm.dw, cpu.dw, 'filter gradient');
      expectClose(wasm.dx, cpu.dx, 'input gradient');
    });
  }

  it('the direct-loop reference of the filter gradient matches cpu', async () => {
    const c: Case = { x: [3, 7, 9, 2], filter: [3, 3, 2, 5], stride: 2, pad: 'same' };
    const rng = new Rng(5);
    const x = randomValues(3 * 7 * 9 * 2, rng);
    const w = randomValues(3 * 3 * 2 * 5, rng);
    const dy = randomValues(3 * 7 * 9 * 5, rng);
    const cpu = await convGrads('cpu', c, x, w, dy);
    await tf.setBackend('cpu');
    const outShape = tf.tidy(() => tf.conv2d(tf.zeros(c.x) as tf.Tensor4D, tf.zeros(c.filter) as tf.Tensor4D, 2, 'same').shape);
    const dw = new Float32Array(w.length);
    // Padding as tfjs resolves 'same' for this geometry.
    const info = tf.backend_util.computeConv2DInfo(c.x, c.filter, 2, 1, 'same');
    conv2dBackpropFilterInto(x, dy.subarray(0, outShape.reduce((a, b) => a * b)), dw, {
      batch: 3, inHeight: 7, inWidth: 9, inChannels: 2, outHeight: outShape[1], outWidth: outShape[2], outChannels: 5,
      filterHeight: 3, filterWidth: 3, strideHeight: 2, strideWidth: 2, padTop: info.padInfo.top, padLeft: info.padInfo.left,
    });
    expectClose(dw, cpu.dw, 'reference filter gradient');
  });

  it('UnsortedSegmentSum on wasm matches cpu (the gather gradient)', async () => {
    const rng = new Rng(9);
    const params = randomValues(6 * 4, rng);
    const idx = Int32Array.from([5, 0, 0, 3, 5, 5, 1]);
    const run = async (backend: string) => {
      await tf.setBackend(backend);
      return tf.tidy(() => {
        const p = tf.tensor2d(params, [6, 4]);
        const up = tf.tensor2d(randomValues(7 * 4, new Rng(3)), [7, 4]);
        const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.gather(t, tf.tensor1d(idx, 'int32')), up)))(p);
        return g.dataSync() as Float32Array;
      });
    };
    const cpu = await run('cpu');
    const wasm = await run('wasm');
    expect(cpu[2 * 4]).toBe(0); // row 2 is never gathered
    expectClose(wasm, cpu, 'gather gradient');
  });

  it('a conv training step on wasm leaves no tensors behind', async () => {
    await tf.setBackend('wasm');
    const w = tf.variable(tf.randomNormal([3, 3, 2, 4], 0, 1, 'float32', 1));
    const x = tf.randomNormal([4, 6, 6, 2], 0, 1, 'float32', 2) as tf.Tensor4D;
    const opt = tf.train.adam(0.01);
    const step = () => opt.minimize(() => tf.sum(tf.square(tf.conv2d(x, w as tf.Tensor4D, 2, 'same'))), true)!.dispose();
    step();
    const before = tf.findBackend('wasm').numDataIds();
    for (let i = 0; i < 3; i++) step();
    expect(tf.findBackend('wasm').numDataIds()).toBe(before);
    opt.dispose();
    w.dispose();
    x.dispose();
  });
});
