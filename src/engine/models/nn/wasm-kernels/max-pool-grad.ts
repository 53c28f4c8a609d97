/**
 * @module engine/models/nn/wasm-kernels/max-pool-grad
 * A faster `MaxPoolGrad` for `'wasm'`: the package's kernel measured as the most expensive kernel of the
 * CNN's training step (more than the convolutions' gradients). Each output's gradient goes to the first
 * largest input of its window (scan order, as the cpu backend picks it), found by one pass over the
 * window in a typed-array loop over the heap.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { WasmKernelBackend } from './conv2d-backprop-filter';
import { heapView } from './heap';

type KernelArgs = Parameters<tf.KernelFunc>[0];

/** The pooling geometry (NHWC) the loop needs. */
export interface PoolGeometry {
  readonly batch: number;
  readonly inHeight: number;
  readonly inWidth: number;
  readonly channels: number;
  readonly outHeight: number;
  readonly outWidth: number;
  readonly filterHeight: number;
  readonly filterWidth: number;
  readonly strideHeight: number;
  readonly strideWidth: number;
  readonly padTop: number;
  readonly padLeft: number;
}

/** Routes dy (pooled shape) to the argmax inputs of x; dx (input shape) is zeroed here. */
export function maxPoolGradInto(x: Float32Array, dy: Float32Array, dx: Float32Array, g: PoolGeometry): void {
  const { batch, inHeight: H, inWidth: W, channels: C, outHeight: OH, outWidth: OW } = g;
  dx.fill(0);
  for (let n = 0; n < batch; n++) {
    const xImage = n * H * W * C;
    for (let oh = 0; oh < OH; oh++) {
      const h0 = oh * g.strideHeight - g.padTop;
      const hLo = Math.max(0, h0);
      const hHi = Math.min(H, h0 + g.filterHeight);
      for (let ow = 0; ow < OW; ow++) {
        const w0 = ow * g.strideWidth - g.padLeft;
        const wLo = Math.max(0, w0);
        const wHi = Math.min(W, w0 + g.filterWidth);
        const dyAt = ((n * OH + oh) * OW + ow) * C;
        for (let c = 0; c < C; c++) {
          let best = -Infinity;
          let at = -1;
          for (let h = hLo; h < hHi; h++) {
            for (let w = wLo; w < wHi; w++) {
              const i = xImage + (h * W + w) * C + c;
              const v = x[i];
              if (v > best || at < 0) {
                best = v;
                at = i;
              }
            }
          }
          if (at >= 0) dx[at] += dy[dyAt + c];
        }
      }
    }
  }
}

function maxPoolGrad(args: KernelArgs): tf.TensorInfo {
  const backend = args.backend as unknown as WasmKernelBackend;
  const { dy, input } = args.inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
  const { filterSize, strides, pad, dimRoundingMode } = args.attrs as unknown as tf.MaxPoolGradAttrs;
  if (input.shape.length !== 4) throw new Error(`MaxPoolGrad on wasm expects a 4-d NHWC input, got shape [${input.shape.join(', ')}]`);
  const info = tf.backend_util.computePool2DInfo(input.shape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode);
  const dx = backend.makeOutput([...input.shape], 'float32');
  // Views only after the allocation (growing the wasm memory detaches older views).
  maxPoolGradInto(heapView(backend, input), heapView(backend, dy), heapView(backend, dx), {
    batch: info.batchSize,
    inHeight: info.inHeight,
    inWidth: info.inWidth,
    channels: info.inChannels,
    outHeight: info.outHeight,
    outWidth: info.outWidth,
    filterHeight: info.filterHeight,
    filterWidth: info.filterWidth,
    strideHeight: info.strideHeight,
    strideWidth: info.strideWidth,
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left,
  });
  return dx;
}

/** Kernel config for tf.registerKernel (replaces the package's kernel; see registerWasmTrainingKernels). */
export const maxPoolGradConfig: tf.KernelConfig = {
  kernelName: 'MaxPoolGrad',
  backendName: 'wasm',
  kernelFunc: maxPoolGrad as unknown as tf.KernelFunc,
};
