/**
 * @module engine/models/nn/mlp-net
 * The MLP as plain tfjs-core tensors: a list of dense layers (kernel [in, out], bias [out]), ReLU between
 * them, and a task head (sigmoid, softmax, or identity with the target's standardisation undone). Built
 * on tfjs-core ops rather than tfjs-layers so that initialisation, dropout masks and the training loop
 * draw every random number from the engine's seeded Rng (tfjs seeded dropout repeats one mask).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../../core/rng';
import type { Task } from '../../core/task';

/** One dense layer; `kernel` is row-major [inputs, units]. Variables while training, tensors when loaded. */
export interface DenseLayer {
  readonly kernel: tf.Tensor2D;
  readonly bias: tf.Tensor1D;
}

/** How the last layer's linear outputs become the model's raw outputs. */
export type MlpHead = 'sigmoid' | 'softmax' | 'identity';

/** Everything besides the weights that predictions depend on. */
export interface MlpShape {
  readonly task: Task;
  readonly nClasses: number;
  /** Widths from input to output, e.g. [30, 64, 64, 1]. */
  readonly sizes: readonly number[];
  readonly head: MlpHead;
  /** Regression only: outputs are `z * yStd + yMean` (the net learns the standardised target). */
  readonly yMean: number;
  readonly yStd: number;
}

/** The head for a task. */
export function headFor(task: Task): MlpHead {
  return task === 'binary' ? 'sigmoid' : task === 'multiclass' ? 'softmax' : 'identity';
}

/**
 * Initial weights drawn from `rng`: He-uniform for ReLU layers, Glorot-uniform for the output layer,
 * zero biases. Returned as trainable variables.
 */
export function initLayers(sizes: readonly number[], rng: Rng): DenseLayer[] {
  const layers: DenseLayer[] = [];
  for (let l = 1; l < sizes.length; l++) {
    const fanIn = sizes[l - 1];
    const fanOut = sizes[l];
    const last = l === sizes.length - 1;
    const limit = last ? Math.sqrt(6 / (fanIn + fanOut)) : Math.sqrt(6 / fanIn);
    const w = new Float32Array(fanIn * fanOut);
    for (let i = 0; i < w.length; i++) w[i] = (2 * rng.next() - 1) * limit;
    const kernel = tf.tensor2d(w, [fanIn, fanOut]);
    const bias = tf.zeros([fanOut]) as tf.Tensor1D;
    // A variable shares its initial tensor's data (ref-counted), so the temporaries can go at once.
    layers.push({ kernel: tf.variable(kernel, true), bias: tf.variable(bias, true) });
    kernel.dispose();
    bias.dispose();
  }
  return layers;
}

/**
 * Linear outputs (logits) of the network for a batch `x` [rows, inputs]. `masks[l]`, when given, is the
 * dropout mask (0 or 1/(1-rate)) multiplied onto hidden layer l's activations.
 */
export function forwardLogits(layers: readonly DenseLayer[], x: tf.Tensor2D, masks?: readonly tf.Tensor2D[]): tf.Tensor2D {
  let h = x;
  for (let l = 0; l < layers.length; l++) {
    const last = l === layers.length - 1;
    // Deliberately unfused: tfjs-backend-wasm 4.22's _FusedMatMul measured about 5x slower than
    // BatchMatMul + Add + Relu for these shapes (the three kernels cost ~10 us of dispatch each).
    const z = tf.add(tf.matMul(h, layers[l].kernel), layers[l].bias) as tf.Tensor2D;
    h = last ? z : tf.relu(z);
    if (!last && masks !== undefined) h = tf.mul(h, masks[l]) as tf.Tensor2D;
  }
  return h;
}

/** Raw model outputs from logits: probabilities for classification, de-standardised values for regression. */
export function applyHead(shape: Pick<MlpShape, 'head' | 'yMean' | 'yStd'>, logits: tf.Tensor2D): tf.Tensor2D {
  switch (shape.head) {
    case 'sigmoid':
      return tf.sigmoid(logits);
    case 'softmax':
      return tf.softmax(logits);
    case 'identity':
      return tf.add(tf.mul(logits, shape.yStd), shape.yMean);
  }
}

/**
 * Rows per forward chunk (prediction and validation scoring): bounds activation memory on large inputs
 * (every layer's output of a chunk lives until the chunk ends) while keeping matmuls large enough to
 * run at full speed.
 */
export const PREDICT_CHUNK_ROWS = 2048;

/**
 * Predicts `rows` rows of `data` (row-major, `sizes[0]` columns) synchronously, in chunks, returning
 * rows * outputWidth values.
 */
export function predictRows(shape: MlpShape, layers: readonly DenseLayer[], data: Float32Array, rows: number): Float32Array {
  const cols = shape.sizes[0];
  const width = shape.sizes[shape.sizes.length - 1];
  const out = new Float32Array(rows * width);
  for (let start = 0; start < rows; start += PREDICT_CHUNK_ROWS) {
    const n = Math.min(PREDICT_CHUNK_ROWS, rows - start);
    const y = tf.tidy(() => {
      const x = tf.tensor2d(data.subarray(start * cols, (start + n) * cols), [n, cols]);
      return applyHead(shape, forwardLogits(layers, x));
    });
    out.set(y.dataSync() as Float32Array, start * width);
    y.dispose();
  }
  return out;
}
