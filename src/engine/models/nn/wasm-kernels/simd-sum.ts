/**
 * @module engine/models/nn/wasm-kernels/simd-sum
 * `Sum` for `'wasm'` over the first axis of a float32 matrix (the gradient of a Dense layer's bias, once
 * per layer and step) on the project's SIMD kernel: the package's kernel transposes the matrix first and
 * measured ~150 us a call at batch 512. Every other reduction goes to the package's kernel.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { WasmKernelBackend } from './conv2d-backprop-filter';
import { heapPointer, simdKernelsOf } from './simd-module';

type KernelArgs = Parameters<tf.KernelFunc>[0];

const MARK = '__edgeAutomlSimdSum';

/** Registers the wrapper over the current wasm Sum, which stays the fallback. Idempotent. */
export function installSimdSum(): void {
  const fallback = tf.getKernel('Sum', 'wasm');
  if (fallback == null) throw new Error('the wasm Sum kernel is not registered: import @tensorflow/tfjs-backend-wasm first');
  if ((fallback.kernelFunc as unknown as Record<string, unknown>)[MARK] === true) return;
  const kernelFunc = (args: KernelArgs) => {
    const backend = args.backend as unknown as WasmKernelBackend;
    const kernels = simdKernelsOf(backend);
    const { x } = args.inputs as { x: tf.TensorInfo };
    const { axis, keepDims } = args.attrs as unknown as tf.SumAttrs;
    if (kernels === null || x.dtype !== 'float32' || x.shape.length !== 2) return fallback.kernelFunc(args);
    const axes = tf.util.parseAxisParam(axis, x.shape);
    const [rows, cols] = x.shape;
    if (axes.length !== 1 || axes[0] !== 0 || rows === 0 || cols === 0) return fallback.kernelFunc(args);
    const out = backend.makeOutput(keepDims ? [1, cols] : [cols], 'float32');
    kernels.sumRows(heapPointer(backend, x), heapPointer(backend, out), rows, cols);
    return out;
  };
  Object.defineProperty(kernelFunc, MARK, { value: true });
  tf.unregisterKernel('Sum', 'wasm');
  tf.registerKernel({ kernelName: 'Sum', backendName: 'wasm', setupFunc: fallback.setupFunc, disposeFunc: fallback.disposeFunc, kernelFunc: kernelFunc as tf.KernelFunc });
}

/** True when the wasm Sum kernel is this wrapper. */
export function simdSumInstalled(): boolean {
  const k = tf.getKernel('Sum', 'wasm');
  return k != null && (k.kernelFunc as unknown as Record<string, unknown>)[MARK] === true;
}
