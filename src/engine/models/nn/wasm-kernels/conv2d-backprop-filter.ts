/**
 * @module engine/models/nn/wasm-kernels/conv2d-backprop-filter
 * The gradient of conv2d with respect to its filter, as a `'wasm'` kernel. tfjs-backend-wasm 4.22 does
 * not register `Conv2DBackpropFilter` (tfjs issue 8474), so any conv net fails at its first training step
 * on wasm. Written in TypeScript over the backend's heap: the inputs are read in place as Float32 views
 * and the patch matrix is written straight into a heap tensor; the product runs in the backend's matmul.
 * A direct typed-array loop (conv2dBackpropFilterInto) is kept as the reference implementation.
 *
 * dW[fh, fw, ci, co] = Σ over (n, oh, ow) of x[n, oh·sh − top + fh, ow·sw − left + fw, ci] · dy[n, oh, ow, co]
 */
import * as tf from '@tensorflow/tfjs-core';
import type { HeapBackend } from './heap';
import { heapView } from './heap';

type KernelArgs = Parameters<tf.KernelFunc>[0];

/** The geometry of one backprop-filter call (NHWC input, HWIO filter), as computeConv2DInfo gives it. */
export interface ConvGeometry {
  readonly batch: number;
  readonly inHeight: number;
  readonly inWidth: number;
  readonly inChannels: number;
  readonly outHeight: number;
  readonly outWidth: number;
  readonly outChannels: number;
  readonly filterHeight: number;
  readonly filterWidth: number;
  readonly strideHeight: number;
  readonly strideWidth: number;
  readonly padTop: number;
  readonly padLeft: number;
}

/**
 * Accumulates the filter gradient into `dw` (HWIO, length fh·fw·cin·cout; zeroed here). The innermost
 * loop runs over output channels, contiguous in both `dy` and `dw`, so it streams; out-of-image taps
 * (padding) are skipped by clamping the filter window per output position instead of testing per tap.
 */
export function conv2dBackpropFilterInto(x: Float32Array, dy: Float32Array, dw: Float32Array, g: ConvGeometry): void {
  const { batch, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW, outChannels: K } = g;
  const { filterHeight: FH, filterWidth: FW, strideHeight: SH, strideWidth: SW, padTop, padLeft } = g;
  dw.fill(0);
  const xRow = W * C;
  const xImage = H * xRow;
  const tapStride = C * K;
  for (let n = 0; n < batch; n++) {
    const xBase = n * xImage;
    for (let oh = 0; oh < OH; oh++) {
      const ih0 = oh * SH - padTop;
      const fhLo = ih0 < 0 ? -ih0 : 0;
      const fhHi = Math.min(FH, H - ih0);
      for (let ow = 0; ow < OW; ow++) {
        const iw0 = ow * SW - padLeft;
        const fwLo = iw0 < 0 ? -iw0 : 0;
        const fwHi = Math.min(FW, W - iw0);
        const dyAt = ((n * OH + oh) * OW + ow) * K;
        for (let fh = fhLo; fh < fhHi; fh++) {
          const xRowAt = xBase + (ih0 + fh) * xRow;
          for (let fw = fwLo; fw < fwHi; fw++) {
            const xAt = xRowAt + (iw0 + fw) * C;
            let wAt = (fh * FW + fw) * tapStride;
            for (let ci = 0; ci < C; ci++, wAt += K) {
              const xv = x[xAt + ci];
              if (xv === 0) continue; // ReLU maps and zero padding are often sparse: skip whole rows of work
              for (let co = 0; co < K; co++) dw[wAt + co] += xv * dy[dyAt + co];
            }
          }
        }
      }
    }
  }
}

/**
 * Writes the patch rows of output positions [q0, q1) (q = (n·OH + oh)·OW + ow over the whole batch) into
 * `out` from `outAt`, one row of T = FH·FW·C values per position: out[row, t] is the input under filter tap
 * t = (fh·FW + fw)·C + ci, 0 where the tap falls in the padding. A tap's channels are adjacent in NHWC, so
 * each tap is a short contiguous copy.
 */
export function im2colRowsInto(x: Float32Array, out: Float32Array, outAt: number, g: ConvGeometry, q0: number, q1: number): void {
  const { inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = g;
  const { filterHeight: FH, filterWidth: FW, strideHeight: SH, strideWidth: SW, padTop, padLeft } = g;
  const xRow = W * C;
  let t = outAt;
  for (let q = q0; q < q1; q++) {
    const ow = q % OW;
    const rest = (q - ow) / OW;
    const oh = rest % OH;
    const xBase = ((rest - oh) / OH) * H * xRow;
    const ih0 = oh * SH - padTop;
    const iw0 = ow * SW - padLeft;
    for (let fh = 0; fh < FH; fh++) {
      const ih = ih0 + fh;
      if (ih < 0 || ih >= H) {
        out.fill(0, t, t + FW * C);
        t += FW * C;
        continue;
      }
      const rowAt = xBase + ih * xRow;
      for (let fw = 0; fw < FW; fw++, t += C) {
        const iw = iw0 + fw;
        if (iw < 0 || iw >= W) {
          for (let ci = 0; ci < C; ci++) out[t + ci] = 0;
        } else {
          const from = rowAt + iw * C;
          for (let ci = 0; ci < C; ci++) out[t + ci] = x[from + ci];
        }
      }
    }
  }
}

/** Positions per tile of the transposing im2col: a tile of patch rows stays in cache while it is transposed. */
const TILE = 64;

/**
 * The transposed patch matrix of batch rows [n0, n1): colT[t, p] (T rows of P = (n1 − n0)·OH·OW values).
 * Built a tile of positions at a time (im2colRowsInto into `scratch`, TILE·T values) and transposed from
 * cache, so writes run in contiguous stretches; colT · dy is then exactly the HWIO filter gradient with
 * no transpose on the wasm side (its Transpose kernel measured slower than this whole function).
 */
export function im2colTransposedInto(x: Float32Array, colT: Float32Array, scratch: Float32Array, g: ConvGeometry, n0: number, n1: number): void {
  const T = g.filterHeight * g.filterWidth * g.inChannels;
  const perImage = g.outHeight * g.outWidth;
  const P = (n1 - n0) * perImage;
  const qBase = n0 * perImage;
  for (let p0 = 0; p0 < P; p0 += TILE) {
    const len = Math.min(TILE, P - p0);
    im2colRowsInto(x, scratch, 0, g, qBase + p0, qBase + p0 + len);
    for (let t = 0; t < T; t++) {
      const dst = t * P + p0;
      for (let b = 0, src = t; b < len; b++, src += T) colT[dst + b] = scratch[src];
    }
  }
}

/** Patch-matrix values built per product; larger batches are split so a call never holds more (16 MiB). */
export const MAX_PATCH_VALUES = 1 << 22;

export interface WasmKernelBackend extends HeapBackend {
  disposeData(dataId: object): boolean;
}

/** The geometry of a conv2d given its input and filter shapes and attributes (NHWC only). */
export function convGeometry(
  xShape: readonly number[],
  filterShape: readonly number[],
  attrs: Pick<tf.Conv2DBackpropFilterAttrs, 'strides' | 'pad' | 'dataFormat' | 'dimRoundingMode'>,
  kernelName: string,
): ConvGeometry {
  const format = tf.backend_util.convertConv2DDataFormat(attrs.dataFormat);
  if (format !== 'channelsLast') throw new Error(`${kernelName} on wasm supports NHWC (channelsLast) data only`);
  const info = tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    format,
  );
  return {
    batch: info.batchSize,
    inHeight: info.inHeight,
    inWidth: info.inWidth,
    inChannels: info.inChannels,
    outHeight: info.outHeight,
    outWidth: info.outWidth,
    outChannels: info.outChannels,
    filterHeight: info.filterHeight,
    filterWidth: info.filterWidth,
    strideHeight: info.strideHeight,
    strideWidth: info.strideWidth,
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left,
  };
}

/**
 * The kernel registered for `'wasm'`: the patch matrix is built in TypeScript over the heap, and the
 * multiply-adds go to the backend's own BatchMatMul (XNNPACK, SIMD): measured (npm run bench:cnn) about 10
 * times faster than the direct loop of conv2dBackpropFilterInto, which stays as the reference the tests
 * check this path against.
 */
function conv2dBackpropFilter(args: KernelArgs): tf.TensorInfo {
  const backend = args.backend as unknown as WasmKernelBackend;
  const { x, dy } = args.inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const attrs = args.attrs as unknown as tf.Conv2DBackpropFilterAttrs;
  const g = convGeometry(x.shape, attrs.filterShape, attrs, 'Conv2DBackpropFilter');
  const matMul = tf.getKernel('BatchMatMul', 'wasm');
  if (matMul == null) throw new Error('the wasm BatchMatMul kernel is not registered');
  const taps = g.filterHeight * g.filterWidth * g.inChannels;
  const perImage = g.outHeight * g.outWidth;
  const chunk = Math.max(1, Math.min(g.batch, Math.floor(MAX_PATCH_VALUES / Math.max(1, taps * perImage))));
  const scratch = new Float32Array(TILE * taps);
  const product = (n0: number, n1: number): tf.TensorInfo => {
    const P = (n1 - n0) * perImage;
    const colT = backend.makeOutput([taps, P], 'float32');
    // A batch slice of dy is a separate copy unless the chunk is the whole batch.
    const dySlice = n0 === 0 && n1 === g.batch ? null : backend.makeOutput([P, g.outChannels], 'float32');
    try {
      // Views only after the allocations above (growing the wasm memory detaches older views).
      im2colTransposedInto(heapView(backend, x), heapView(backend, colT), scratch, g, n0, n1);
      if (dySlice !== null) heapView(backend, dySlice).set(heapView(backend, dy).subarray(n0 * perImage * g.outChannels, n1 * perImage * g.outChannels));
      const dy2d = dySlice ?? { dataId: dy.dataId, shape: [P, g.outChannels], dtype: 'float32' as const };
      return matMul.kernelFunc({ inputs: { a: colT, b: dy2d }, backend: backend as unknown as tf.KernelBackend, attrs: { transposeA: false, transposeB: false } }) as tf.TensorInfo;
    } finally {
      // Kernel-internal tensors are not tracked by the engine: free them here or they leak in the wasm heap.
      backend.disposeData(colT.dataId);
      if (dySlice !== null) backend.disposeData(dySlice.dataId);
    }
  };
  const out = product(0, Math.min(chunk, g.batch));
  for (let n0 = chunk; n0 < g.batch; n0 += chunk) {
    const part = product(n0, Math.min(g.batch, n0 + chunk));
    const sum = heapView(backend, out);
    const add = heapView(backend, part);
    for (let i = 0; i < sum.length; i++) sum[i] += add[i];
    backend.disposeData(part.dataId);
  }
  // [taps, outChannels] is the HWIO filter laid out flat: same memory, the filter's shape.
  return { dataId: out.dataId, shape: [...attrs.filterShape], dtype: 'float32' };
}

/** Kernel config for tf.registerKernel. */
export const conv2dBackpropFilterConfig: tf.KernelConfig = {
  kernelName: 'Conv2DBackpropFilter',
  backendName: 'wasm',
  kernelFunc: conv2dBackpropFilter as unknown as tf.KernelFunc,
};
