/**
 * @module engine/models/nn/wasm-kernels/unsorted-segment-sum
 * `UnsortedSegmentSum` as a `'wasm'` kernel (missing in tfjs-backend-wasm 4.22, tfjs issue 8082): the
 * gradient of `gather` sums rows of the incoming gradient into the rows they were gathered from, so any
 * training path that gathers (embeddings, gathered batches under Adam) needs it. Float32 data, int32
 * segment ids along the first axis; ids outside [0, numSegments) are dropped, as TensorFlow does.
 */
import * as tf from '@tensorflow/tfjs-core';
import { type HeapBackend, heapView, heapViewInt32 } from './heap';

type KernelArgs = Parameters<tf.KernelFunc>[0];

/** Sums row i of `x` (width `inner`) into row ids[i] of `out` (zeroed here). */
export function unsortedSegmentSumInto(x: Float32Array, ids: Int32Array, out: Float32Array, inner: number, numSegments: number): void {
  out.fill(0);
  for (let i = 0; i < ids.length; i++) {
    const s = ids[i];
    if (s < 0 || s >= numSegments) continue;
    const from = i * inner;
    const to = s * inner;
    for (let j = 0; j < inner; j++) out[to + j] += x[from + j];
  }
}

function unsortedSegmentSum(args: KernelArgs): tf.TensorInfo {
  const backend = args.backend as unknown as HeapBackend;
  const { x, segmentIds } = args.inputs as { x: tf.TensorInfo; segmentIds: tf.TensorInfo };
  const { numSegments } = args.attrs as unknown as tf.UnsortedSegmentSumAttrs;
  const ids = segmentIds.shape.reduce((a, b) => a * b, 1);
  if (x.dtype !== 'float32') throw new Error(`UnsortedSegmentSum on wasm supports float32 data, got ${x.dtype}`);
  if (x.shape.length < 1 || ids !== x.shape[0]) {
    throw new Error(`UnsortedSegmentSum on wasm needs one segment id per row of x: ${ids} ids for x of shape [${x.shape.join(', ')}]`);
  }
  const innerShape = x.shape.slice(1);
  const inner = innerShape.reduce((a, b) => a * b, 1);
  // Allocate first: allocation may grow the wasm memory, which detaches views taken before it.
  const out = backend.makeOutput([numSegments, ...innerShape], 'float32');
  const idView = segmentIds.dtype === 'int32' ? heapViewInt32(backend, segmentIds) : Int32Array.from(heapView(backend, segmentIds));
  unsortedSegmentSumInto(heapView(backend, x), idView, heapView(backend, out), inner, numSegments);
  return out;
}

/** Kernel config for tf.registerKernel. */
export const unsortedSegmentSumConfig: tf.KernelConfig = {
  kernelName: 'UnsortedSegmentSum',
  backendName: 'wasm',
  kernelFunc: unsortedSegmentSum as unknown as tf.KernelFunc,
};
