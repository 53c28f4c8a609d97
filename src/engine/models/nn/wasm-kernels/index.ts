/**
 * @module engine/models/nn/wasm-kernels
 * Gradient kernels for training conv nets on tfjs-backend-wasm 4.22, written in TypeScript over the
 * backend's heap, and the one idempotent call that registers them. Found by training a conv net on wasm:
 * without them the first step fails with "kernel 'Conv2DBackpropFilter' not registered for backend
 * 'wasm'" (tfjs issue 8474; UnsortedSegmentSum likewise on paths that gather, issue 8082), and the
 * package's own Conv2DBackpropInput and MaxPoolGrad dominated the training step, so they are replaced.
 */
import * as tf from '@tensorflow/tfjs-core';
import { conv2dBackpropFilterConfig } from './conv2d-backprop-filter';
import { conv2dBackpropInputConfig } from './conv2d-backprop-input';
import { maxPoolGradConfig } from './max-pool-grad';
import { unsortedSegmentSumConfig } from './unsorted-segment-sum';

/** Kernels the package lacks: registered only where nothing is (a future package version's own wins). */
const MISSING_KERNELS: readonly tf.KernelConfig[] = [conv2dBackpropFilterConfig, unsortedSegmentSumConfig];
/** Kernels the package has but that are too slow for training: replaced. */
const REPLACED_KERNELS: readonly tf.KernelConfig[] = [conv2dBackpropInputConfig, maxPoolGradConfig];

/**
 * Registers the wasm training kernels. Idempotent, and safe before or after the backend starts (these
 * kernels have no setup step; they call the backend's BatchMatMul kernel, whatever is registered then).
 */
export function registerWasmTrainingKernels(): void {
  for (const config of MISSING_KERNELS) {
    if (tf.getKernel(config.kernelName, 'wasm') == null) tf.registerKernel(config);
  }
  for (const config of REPLACED_KERNELS) {
    const current = tf.getKernel(config.kernelName, 'wasm');
    if (current?.kernelFunc === config.kernelFunc) continue;
    if (current != null) tf.unregisterKernel(config.kernelName, 'wasm');
    tf.registerKernel(config);
  }
}

/** True when every kernel above is registered for wasm as this module intends. */
export function wasmTrainingKernelsRegistered(): boolean {
  return (
    MISSING_KERNELS.every((c) => tf.getKernel(c.kernelName, 'wasm') != null) &&
    REPLACED_KERNELS.every((c) => tf.getKernel(c.kernelName, 'wasm')?.kernelFunc === c.kernelFunc)
  );
}

export { conv2dBackpropFilterInto, type ConvGeometry, im2colRowsInto, im2colTransposedInto } from './conv2d-backprop-filter';
export { col2imAdd } from './conv2d-backprop-input';
export { maxPoolGradInto, type PoolGeometry } from './max-pool-grad';
export { unsortedSegmentSumInto } from './unsorted-segment-sum';
