/**
 * @module engine/models/nn/wasm-kernels/heap
 * The slice of tfjs-backend-wasm's BackendWasm that kernels written in TypeScript need: allocate an
 * output tensor in the wasm heap and view any tensor's memory as a typed array, without copies.
 */
import type * as tf from '@tensorflow/tfjs-core';

/** BackendWasm's public allocation and heap-view methods (typed here to keep kernels backend-agnostic). */
export interface HeapBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
}

/**
 * A Float32 view of a float32 tensor's heap memory. Take views only after the kernel's last allocation:
 * growing the wasm memory detaches the buffer they point into.
 */
export function heapView(backend: HeapBackend, info: tf.TensorInfo): Float32Array {
  if (info.dtype !== 'float32') throw new Error(`wasm training kernels expect float32 tensors, got ${info.dtype}`);
  return backend.typedArrayFromHeap(info) as Float32Array;
}

/** An Int32 view of an int32 tensor's heap memory (same caveat as heapView). */
export function heapViewInt32(backend: HeapBackend, info: tf.TensorInfo): Int32Array {
  if (info.dtype !== 'int32') throw new Error(`expected an int32 tensor, got ${info.dtype}`);
  return backend.typedArrayFromHeap(info) as Int32Array;
}
