/**
 * @module engine/models/nn/wasm-kernels/simd-matmul
 * `BatchMatMul` and `_FusedMatMul` for `'wasm'` on the project's own SIMD matmul (./simd-module). It reads
 * transposed operands in place, where the package's kernel is several times slower with a transpose
 * (every Dense backward pass has one) and the transposed-matmul fix pays for materialising it; and it is
 * faster than the package's XNNPACK path even untransposed at an MLP's shapes (npm run bench:mlp).
 * `_FusedMatMul` adds the bias and ReLU in the product's store. Anything else (other dtypes, broadcast
 * batch shapes, other activations, a backend without the kernel module) goes to the kernel registered
 * before, which stays the fallback.
 */
import * as tf from '@tensorflow/tfjs-core';
import { FALLBACK } from '../matmul-fix';
import type { WasmKernelBackend } from './conv2d-backprop-filter';
import { heapPointer, type SimdKernels, simdKernelsOf } from './simd-module';

type KernelArgs = Parameters<tf.KernelFunc>[0];

/** Marks our kernels so a second install (or a second copy of this module) is a no-op. */
const MARK = '__edgeAutomlSimdKernel';

interface Product {
  readonly a: tf.TensorInfo;
  readonly b: tf.TensorInfo;
  readonly transposeA: boolean;
  readonly transposeB: boolean;
  readonly bias: tf.TensorInfo | null;
  readonly relu: boolean;
}

/**
 * op(a) · op(b) (+ bias, ReLU) into a new heap tensor, batch by batch; null when the shapes are not ones
 * this kernel takes (the caller falls back).
 */
function simdProduct(kernels: SimdKernels, backend: WasmKernelBackend, p: Product): tf.TensorInfo | null {
  const { a, b } = p;
  if (a.dtype !== 'float32' || b.dtype !== 'float32' || a.shape.length < 2 || b.shape.length < 2) return null;
  const ra = a.shape.length;
  const rb = b.shape.length;
  const m = p.transposeA ? a.shape[ra - 1] : a.shape[ra - 2];
  const k = p.transposeA ? a.shape[ra - 2] : a.shape[ra - 1];
  const kb = p.transposeB ? b.shape[rb - 1] : b.shape[rb - 2];
  const n = p.transposeB ? b.shape[rb - 2] : b.shape[rb - 1];
  if (k !== kb || m === 0 || n === 0 || k === 0) return null;
  const batchShapeA = a.shape.slice(0, -2);
  const batchShapeB = b.shape.slice(0, -2);
  const batchA = batchShapeA.reduce((x, y) => x * y, 1);
  const batchB = batchShapeB.reduce((x, y) => x * y, 1);
  // Equal batch shapes, or one side unbatched (size 1): the cases a Dense layer or a conv gradient produce.
  let batchShape: number[];
  if (batchA === batchB && batchShapeA.length === batchShapeB.length && batchShapeA.every((d, i) => d === batchShapeB[i])) batchShape = batchShapeA;
  else if (batchB === 1) batchShape = batchShapeA;
  else if (batchA === 1) batchShape = batchShapeB;
  else return null;
  if (batchShape.length === 0 && (ra > 2 || rb > 2)) batchShape = [1];
  // A bias of one row ([n], [1, n]); per-row or per-batch biases fall back.
  if (p.bias !== null && (p.bias.dtype !== 'float32' || p.bias.shape.reduce((x, y) => x * y, 1) !== n || p.bias.shape[p.bias.shape.length - 1] !== n)) return null;

  const batches = Math.max(batchA, batchB);
  const out = backend.makeOutput([...batchShape, m, n], 'float32');
  const packed = backend.makeOutput([Math.ceil(n / 8) * 8 * k], 'float32');
  try {
    // Pointers after the last allocation are still valid: offsets do not move when the memory grows.
    const pa = heapPointer(backend, a);
    const pb = heapPointer(backend, b);
    const pc = heapPointer(backend, out);
    const pp = heapPointer(backend, packed);
    const pbias = p.bias !== null ? heapPointer(backend, p.bias) : 0;
    for (let i = 0; i < batches; i++) {
      const ai = batchA === 1 ? 0 : i;
      const bi = batchB === 1 ? 0 : i;
      kernels.matmul(pa + ai * m * k * 4, pb + bi * k * n * 4, pc + i * m * n * 4, pp, m, k, n, p.transposeA ? 1 : 0, p.transposeB ? 1 : 0, pbias, p.relu ? 1 : 0);
    }
  } finally {
    backend.disposeData(packed.dataId);
  }
  return out;
}

function marked(config: tf.KernelConfig | undefined): boolean {
  return config != null && (config.kernelFunc as unknown as Record<string, unknown>)[MARK] === true;
}

function replace(kernelName: string, make: (fallback: tf.KernelConfig) => tf.KernelFunc): void {
  const fallback = tf.getKernel(kernelName, 'wasm');
  if (fallback == null) throw new Error(`the wasm ${kernelName} kernel is not registered: import @tensorflow/tfjs-backend-wasm first`);
  if (marked(fallback)) return;
  const kernelFunc = make(fallback);
  Object.defineProperty(kernelFunc, MARK, { value: true });
  Object.defineProperty(kernelFunc, FALLBACK, { value: fallback.kernelFunc });
  tf.unregisterKernel(kernelName, 'wasm');
  // The fallback's setup (cwrap of the package's function) still has to run at backend init.
  tf.registerKernel({ kernelName, backendName: 'wasm', setupFunc: fallback.setupFunc, disposeFunc: fallback.disposeFunc, kernelFunc });
}

/**
 * Registers the SIMD BatchMatMul and _FusedMatMul over whatever is registered now (the package's kernels
 * or the transposed-matmul fix), which stay their fallbacks. Idempotent.
 */
export function installSimdMatMul(): void {
  replace('BatchMatMul', (fallback) => (args: KernelArgs) => {
    const backend = args.backend as unknown as WasmKernelBackend;
    const kernels = simdKernelsOf(backend);
    const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const attrs = args.attrs as unknown as tf.BatchMatMulAttrs;
    const out = kernels && simdProduct(kernels, backend, { a, b, transposeA: attrs.transposeA === true, transposeB: attrs.transposeB === true, bias: null, relu: false });
    return out ?? (fallback.kernelFunc(args) as tf.TensorInfo);
  });
  replace('_FusedMatMul', (fallback) => (args: KernelArgs) => {
    const backend = args.backend as unknown as WasmKernelBackend;
    const kernels = simdKernelsOf(backend);
    const { a, b, bias, preluActivationWeights } = args.inputs as Record<string, tf.TensorInfo | undefined>;
    const attrs = args.attrs as unknown as tf._FusedMatMulAttrs;
    const activation = attrs.activation ?? 'linear';
    const supported = kernels !== null && preluActivationWeights == null && (activation === 'linear' || activation === 'relu');
    const out =
      supported &&
      simdProduct(kernels!, backend, { a: a!, b: b!, transposeA: attrs.transposeA === true, transposeB: attrs.transposeB === true, bias: bias ?? null, relu: activation === 'relu' });
    return out || (fallback.kernelFunc(args) as tf.TensorInfo);
  });
}

/** True when BatchMatMul and _FusedMatMul for wasm are this module's kernels. */
export function simdMatMulInstalled(): boolean {
  return marked(tf.getKernel('BatchMatMul', 'wasm')) && marked(tf.getKernel('_FusedMatMul', 'wasm'));
}
