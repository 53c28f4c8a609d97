/**
 * @module engine/models/nn/wasm-kernels/conv2d-backprop-input
 * A faster `Conv2DBackpropInput` (the gradient of conv2d with respect to its input) for `'wasm'`. The
 * package's own kernel is a direct loop that measured slower than the whole forward pass and the filter
 * gradient together on the CNN's shapes. Here the backend's matmul computes the patch gradients
 * dCol = dy · Wᵀ ([positions, outChannels] x [outChannels, taps]) and a TypeScript loop over the heap
 * scatters them back onto the image (col2im), summing the overlaps.
 */
import * as tf from '@tensorflow/tfjs-core';
import { type ConvGeometry, convGeometry, MAX_PATCH_VALUES, type WasmKernelBackend } from './conv2d-backprop-filter';
import { heapView } from './heap';

type KernelArgs = Parameters<tf.KernelFunc>[0];

/**
 * Adds patch gradients dCol (rows = output positions of batch rows [n0, n1), columns = taps
 * (fh·FW + fw)·C + ci) onto dx ([N, H, W, C]); taps in the padding are dropped. The innermost loop runs
 * over channels, contiguous in both arrays.
 */
export function col2imAdd(dCol: Float32Array, dx: Float32Array, g: ConvGeometry, n0: number, n1: number): void {
  const { inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = g;
  const { filterHeight: FH, filterWidth: FW, strideHeight: SH, strideWidth: SW, padTop, padLeft } = g;
  const T = FH * FW * C;
  let p = 0;
  for (let n = n0; n < n1; n++) {
    const xBase = n * H * W * C;
    for (let oh = 0; oh < OH; oh++) {
      const ih0 = oh * SH - padTop;
      const fhLo = ih0 < 0 ? -ih0 : 0;
      const fhHi = Math.min(FH, H - ih0);
      for (let ow = 0; ow < OW; ow++, p++) {
        const iw0 = ow * SW - padLeft;
        const fwLo = iw0 < 0 ? -iw0 : 0;
        const fwHi = Math.min(FW, W - iw0);
        const colRow = p * T;
        for (let fh = fhLo; fh < fhHi; fh++) {
          for (let fw = fwLo; fw < fwHi; fw++) {
            const xAt = xBase + ((ih0 + fh) * W + (iw0 + fw)) * C;
            const cAt = colRow + (fh * FW + fw) * C;
            for (let ci = 0; ci < C; ci++) dx[xAt + ci] += dCol[cAt + ci];
          }
        }
      }
    }
  }
}

function conv2dBackpropInput(args: KernelArgs): tf.TensorInfo {
  const backend = args.backend as unknown as WasmKernelBackend;
  const { dy, filter } = args.inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
  const attrs = args.attrs as unknown as tf.Conv2DBackpropInputAttrs;
  const g = convGeometry(attrs.inputShape, filter.shape, attrs, 'Conv2DBackpropInput');
  const matMul = tf.getKernel('BatchMatMul', 'wasm');
  if (matMul == null) throw new Error('the wasm BatchMatMul kernel is not registered');
  const taps = g.filterHeight * g.filterWidth * g.inChannels;
  const perImage = g.outHeight * g.outWidth;
  const chunk = Math.max(1, Math.min(g.batch, Math.floor(MAX_PATCH_VALUES / Math.max(1, taps * perImage))));
  const dx = backend.makeOutput([...attrs.inputShape], 'float32');
  heapView(backend, dx).fill(0);
  // The HWIO filter read flat as [taps, outChannels]; the product wants its transpose.
  const w2d = { dataId: filter.dataId, shape: [taps, g.outChannels], dtype: 'float32' as const };
  for (let n0 = 0; n0 < g.batch; n0 += chunk) {
    const n1 = Math.min(g.batch, n0 + chunk);
    const P = (n1 - n0) * perImage;
    const whole = n0 === 0 && n1 === g.batch;
    const dySlice = whole ? null : backend.makeOutput([P, g.outChannels], 'float32');
    let dCol: tf.TensorInfo | null = null;
    try {
      if (dySlice !== null) heapView(backend, dySlice).set(heapView(backend, dy).subarray(n0 * perImage * g.outChannels, n1 * perImage * g.outChannels));
      const dy2d = dySlice ?? { dataId: dy.dataId, shape: [P, g.outChannels], dtype: 'float32' as const };
      dCol = matMul.kernelFunc({ inputs: { a: dy2d, b: w2d }, backend: backend as unknown as tf.KernelBackend, attrs: { transposeA: false, transposeB: true } }) as tf.TensorInfo;
      // Views only now: the allocations above may have grown (and detached) the wasm memory.
      col2imAdd(heapView(backend, dCol), heapView(backend, dx), g, n0, n1);
    } finally {
      // Kernel-internal tensors are not tracked by the engine: free them here or they leak in the wasm heap.
      if (dCol !== null) backend.disposeData(dCol.dataId);
      if (dySlice !== null) backend.disposeData(dySlice.dataId);
    }
  }
  return dx;
}

/** Kernel config for tf.registerKernel (replaces the package's kernel; see registerWasmTrainingKernels). */
export const conv2dBackpropInputConfig: tf.KernelConfig = {
  kernelName: 'Conv2DBackpropInput',
  backendName: 'wasm',
  kernelFunc: conv2dBackpropInput as unknown as tf.KernelFunc,
};
