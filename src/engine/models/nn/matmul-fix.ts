/**
 * @module engine/models/nn/matmul-fix
 * The transposed-matmul fix for tfjs-backend-wasm 4.22: its BatchMatMul kernel is several times slower
 * when `transposeA`/`transposeB` is set, and every Dense backward pass sets them. This re-registers the
 * `'wasm'` BatchMatMul kernel (public getKernel/unregisterKernel/registerKernel) so that a transposed
 * operand is first materialised with the wasm Transpose kernel and the untransposed fast path does the
 * product. Results agree with the cpu backend to float rounding (tested in test/engine/mlp.test.ts).
 */
import * as tf from '@tensorflow/tfjs-core';

type KernelArgs = Parameters<tf.KernelFunc>[0];

/** Marks our wrapper so a second install (or a second copy of this module) is a no-op. */
const MARK = '__edgeAutomlTransposeFix';
/**
 * Set on a kernel function that wraps another and falls back to it (the SIMD matmul over this fix):
 * the fix still serves what the wrapper leaves to it, so it counts as installed.
 */
export const FALLBACK = '__edgeAutomlFallback';

/**
 * Replaces the wasm BatchMatMul kernel with the transpose-materialising wrapper. Idempotent. Call before
 * the backend initialises so the wrapper's setupFunc (which runs the original setup) is invoked; when
 * the backend is already live the original setup has run and the wrapper works as well.
 */
export function installBatchMatMulFix(): void {
  const original = tf.getKernel('BatchMatMul', 'wasm');
  const transpose = tf.getKernel('Transpose', 'wasm');
  if (original == null || transpose == null) {
    throw new Error('tfjs wasm kernels are not registered: import @tensorflow/tfjs-backend-wasm first');
  }
  if (batchMatMulFixInstalled()) return;

  const fast = (args: KernelArgs) => {
    const { inputs, attrs } = args;
    const backend = args.backend as tf.KernelBackend;
    const transposeA = attrs?.transposeA === true;
    const transposeB = attrs?.transposeB === true;
    if (!transposeA && !transposeB) return original.kernelFunc(args);
    const temps: tf.TensorInfo[] = [];
    const materialise = (x: tf.TensorInfo): tf.TensorInfo => {
      const rank = x.shape.length;
      const perm = x.shape.map((_, i) => i);
      perm[rank - 2] = rank - 1;
      perm[rank - 1] = rank - 2;
      const t = transpose.kernelFunc({ inputs: { x }, backend, attrs: { perm } }) as tf.TensorInfo;
      temps.push(t);
      return t;
    };
    try {
      const a = transposeA ? materialise(inputs.a as tf.TensorInfo) : inputs.a;
      const b = transposeB ? materialise(inputs.b as tf.TensorInfo) : inputs.b;
      return original.kernelFunc({ inputs: { a, b }, backend, attrs: { ...attrs, transposeA: false, transposeB: false } });
    } finally {
      // Kernel-internal outputs are not tracked by the engine: free them here or they leak in the wasm heap.
      for (const t of temps) backend.disposeData(t.dataId);
    }
  };
  Object.defineProperty(fast, MARK, { value: true });

  tf.unregisterKernel('BatchMatMul', 'wasm');
  tf.registerKernel({
    kernelName: 'BatchMatMul',
    backendName: 'wasm',
    setupFunc: original.setupFunc,
    disposeFunc: original.disposeFunc,
    kernelFunc: fast as tf.KernelFunc,
  });
}

/**
 * True when the wasm BatchMatMul kernel is the transpose-materialising wrapper, or wraps it as its
 * fallback (the SIMD matmul of ./wasm-kernels/simd-matmul).
 */
export function batchMatMulFixInstalled(): boolean {
  let f = tf.getKernel('BatchMatMul', 'wasm')?.kernelFunc as unknown as Record<string, unknown> | undefined;
  while (f != null) {
    if (f[MARK] === true) return true;
    f = f[FALLBACK] as Record<string, unknown> | undefined;
  }
  return false;
}
