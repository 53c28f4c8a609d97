/**
 * @module engine/models/nn/wasm-kernels/simd-module
 * The project's own wasm-SIMD kernels (AssemblyScript source and checked-in binary in ./simd), bound to
 * one tfjs wasm backend. The kernel module imports the backend's own `WebAssembly.Memory`, so its
 * functions take byte offsets into the tfjs heap and read and write tensors in place: no copies in or
 * out, which a module with a memory of its own would need (O(n²) per call against O(n³) of work).
 * The host supplies the compiled module (workerd: wrangler's CompiledWasm rule; Node: compiled bytes),
 * like the tfjs binary itself; without it the package's kernels are used.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { HeapBackend } from './heap';

/** The kernel module's exports (see simd/kernels.as for what each computes). */
export interface SimdKernels {
  matmul(a: number, b: number, c: number, packed: number, m: number, k: number, n: number, transA: number, transB: number, bias: number, relu: number): void;
  sumRows(x: number, out: number, rows: number, cols: number): void;
}

/** The slice of the WebAssembly API binding needs; the engine tsconfig has no DOM/WebAssembly types. */
interface WasmInstanceApi {
  Instance: new (module: object, imports: object) => { exports: unknown };
}

const bound = new WeakMap<object, SimdKernels>();

/** Instantiates the kernel module over `memory` (the backend's heap) and ties it to `backend`. */
export function bindSimdKernels(backend: object, kernelModule: object, memory: object): SimdKernels {
  const wasmApi = (globalThis as unknown as { WebAssembly: WasmInstanceApi }).WebAssembly;
  const exports = new wasmApi.Instance(kernelModule, { env: { memory } }).exports as SimdKernels;
  if (typeof exports.matmul !== 'function' || typeof exports.sumRows !== 'function') {
    throw new Error('the wasm kernel module lacks matmul/sumRows: rebuild it with npm run build:kernels');
  }
  bound.set(backend, exports);
  return exports;
}

/** The kernels bound to `backend`, or null when it was built without them. */
export function simdKernelsOf(backend: object): SimdKernels | null {
  return bound.get(backend) ?? null;
}

/** Byte offset of a tensor's data in the wasm heap (BackendWasm's public heap view, not its private map). */
export function heapPointer(backend: HeapBackend, info: tf.TensorInfo): number {
  return backend.typedArrayFromHeap(info).byteOffset;
}
