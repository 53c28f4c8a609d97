/**
 * @module engine/models/nn/cnn/cnn-net
 * The CNN as plain tfjs-core tensors, laid out by a CnnPlan: conv blocks ('same' 3x3 or 5x5 convolution,
 * optional batch norm, ReLU, optional 2x2 pool), then flatten → dropout → dense ReLU → dropout → output.
 * Built on tfjs-core ops rather than tfjs-layers (as the MLP is) so that initialisation and dropout masks
 * draw every random number from the engine's seeded Rng and every tensor has one known owner.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../../../core/rng';
import type { Task } from '../../../core/task';
import { applyHead, type DenseLayer, type MlpHead } from '../mlp-net';
import type { CnnPlan } from './cnn-options';

/** One conv block's weights. With batch norm the conv has no bias (the norm's offset replaces it). */
export interface ConvLayer {
  /** [k, k, inChannels, filters] (HWIO). */
  readonly kernel: tf.Tensor4D;
  readonly bias: tf.Tensor1D | null;
  readonly norm: BatchNormLayer | null;
}

/** Batch norm: trained scale and offset, and the running statistics used at inference. */
export interface BatchNormLayer {
  readonly gamma: tf.Tensor1D;
  readonly beta: tf.Tensor1D;
  readonly movingMean: tf.Tensor1D;
  readonly movingVariance: tf.Tensor1D;
}

/** Every weight of a CNN; variables while training, plain tensors once loaded. */
export interface CnnWeights {
  readonly conv: readonly ConvLayer[];
  readonly hidden: DenseLayer;
  readonly output: DenseLayer;
}

/** Everything besides the weights that predictions depend on. */
export interface CnnShape {
  readonly plan: CnnPlan;
  readonly task: Task;
  readonly nClasses: number;
  readonly head: MlpHead;
  /** Regression only: outputs are `z * yStd + yMean`. */
  readonly yMean: number;
  readonly yStd: number;
  /** Predict each image as the geometric mean over its shift views (cnn-tta): set when trained with shifts. */
  readonly shiftViews: boolean;
}

export const BATCH_NORM_EPSILON = 1e-3;
/** Weight of the newest batch in the running statistics (Keras' momentum 0.9 read the other way). */
export const BATCH_NORM_UPDATE = 0.1;

/** How a forward pass runs: training (batch statistics, dropout) or inference (running statistics). */
export interface ForwardMode {
  readonly training: boolean;
  /** Dropout masks (0 or 1/(1-rate)) for the flattened features and the dense layer's output. */
  readonly masks?: readonly [tf.Tensor2D, tf.Tensor2D];
  /** Training with batch norm: receives each normed block's batch mean and variance (kept tensors). */
  readonly batchStats?: tf.Tensor1D[];
}

/** Every tensor of the weights in a fixed order (the artifact's order too). */
export function weightList(w: CnnWeights): tf.Tensor[] {
  const out: tf.Tensor[] = [];
  for (const c of w.conv) {
    out.push(c.kernel);
    if (c.bias) out.push(c.bias);
    if (c.norm) out.push(c.norm.gamma, c.norm.beta, c.norm.movingMean, c.norm.movingVariance);
  }
  out.push(w.hidden.kernel, w.hidden.bias, w.output.kernel, w.output.bias);
  return out;
}

/** The shapes of weightList's tensors, for a plan. */
export function weightShapes(plan: CnnPlan): number[][] {
  const shapes: number[][] = [];
  for (const b of plan.blocks) {
    shapes.push([b.kernelSize, b.kernelSize, b.inChannels, b.filters]);
    if (!b.batchNorm) shapes.push([b.filters]);
    else shapes.push([b.filters], [b.filters], [b.filters], [b.filters]);
  }
  shapes.push([plan.flat, plan.denseUnits], [plan.denseUnits], [plan.denseUnits, plan.outputs], [plan.outputs]);
  return shapes;
}

/** Builds CnnWeights from tensors in weightList order (shapes already checked). */
export function weightsFromList(plan: CnnPlan, list: readonly tf.Tensor[]): CnnWeights {
  let i = 0;
  const next = <T extends tf.Tensor>() => list[i++] as T;
  const conv: ConvLayer[] = plan.blocks.map((b) => {
    const kernel = next<tf.Tensor4D>();
    if (!b.batchNorm) return { kernel, bias: next<tf.Tensor1D>(), norm: null };
    return { kernel, bias: null, norm: { gamma: next<tf.Tensor1D>(), beta: next<tf.Tensor1D>(), movingMean: next<tf.Tensor1D>(), movingVariance: next<tf.Tensor1D>() } };
  });
  const hidden = { kernel: next<tf.Tensor2D>(), bias: next<tf.Tensor1D>() };
  const output = { kernel: next<tf.Tensor2D>(), bias: next<tf.Tensor1D>() };
  return { conv, hidden, output };
}

/**
 * Initial weights from `rng`: He-uniform for the ReLU layers (convolutions, hidden dense), Glorot-uniform
 * for the output layer, zero biases and offsets, unit scales, running statistics at (0, 1). Returned as
 * variables; the running statistics are not trainable (the loop assigns them).
 */
export function initCnnWeights(plan: CnnPlan, rng: Rng): CnnWeights {
  const uniform = (shape: number[], limit: number): tf.Tensor => {
    const size = shape.reduce((a, b) => a * b, 1);
    const w = new Float32Array(size);
    for (let i = 0; i < size; i++) w[i] = (2 * rng.next() - 1) * limit;
    return tf.tensor(w, shape);
  };
  const variable = (t: tf.Tensor, trainable = true) => {
    // A variable shares its initial tensor's data (ref-counted), so the temporary can go at once.
    const v = tf.variable(t, trainable);
    t.dispose();
    return v;
  };
  const conv: ConvLayer[] = plan.blocks.map((b) => {
    const fanIn = b.kernelSize * b.kernelSize * b.inChannels;
    const kernel = variable(uniform([b.kernelSize, b.kernelSize, b.inChannels, b.filters], Math.sqrt(6 / fanIn))) as unknown as tf.Tensor4D;
    if (!b.batchNorm) return { kernel, bias: variable(tf.zeros([b.filters])) as unknown as tf.Tensor1D, norm: null };
    const norm: BatchNormLayer = {
      gamma: variable(tf.ones([b.filters])) as unknown as tf.Tensor1D,
      beta: variable(tf.zeros([b.filters])) as unknown as tf.Tensor1D,
      movingMean: variable(tf.zeros([b.filters]), false) as unknown as tf.Tensor1D,
      movingVariance: variable(tf.ones([b.filters]), false) as unknown as tf.Tensor1D,
    };
    return { kernel, bias: null, norm };
  });
  const hidden = {
    kernel: variable(uniform([plan.flat, plan.denseUnits], Math.sqrt(6 / plan.flat))) as unknown as tf.Tensor2D,
    bias: variable(tf.zeros([plan.denseUnits])) as unknown as tf.Tensor1D,
  };
  const output = {
    kernel: variable(uniform([plan.denseUnits, plan.outputs], Math.sqrt(6 / (plan.denseUnits + plan.outputs)))) as unknown as tf.Tensor2D,
    bias: variable(tf.zeros([plan.outputs])) as unknown as tf.Tensor1D,
  };
  return { conv, hidden, output };
}

/** Linear outputs (logits) [n, outputs] for a batch of images x [n, height, width, channels]. */
export function forwardCnn(plan: CnnPlan, w: CnnWeights, x: tf.Tensor4D, mode: ForwardMode): tf.Tensor2D {
  let h: tf.Tensor4D = x;
  plan.blocks.forEach((b, i) => {
    const layer = w.conv[i];
    let z: tf.Tensor4D = tf.conv2d(h, layer.kernel, 1, 'same');
    if (layer.bias) z = tf.add(z, layer.bias);
    if (layer.norm) {
      const n = layer.norm;
      if (mode.training) {
        const { mean, variance } = tf.moments(z, [0, 1, 2]);
        // Kept so they outlive the step's tidy: the loop folds them into the running statistics.
        mode.batchStats?.push(tf.keep(mean as tf.Tensor1D), tf.keep(variance as tf.Tensor1D));
        z = tf.batchNorm4d(z, mean as tf.Tensor1D, variance as tf.Tensor1D, n.beta, n.gamma, BATCH_NORM_EPSILON);
      } else {
        z = tf.batchNorm4d(z, n.movingMean, n.movingVariance, n.beta, n.gamma, BATCH_NORM_EPSILON);
      }
    }
    h = tf.relu(z) as tf.Tensor4D;
    if (b.pool === 'max') h = tf.maxPool(h, 2, 2, 'same');
    else if (b.pool === 'avg') h = tf.avgPool(h, 2, 2, 'same');
  });
  let f = tf.reshape(h, [x.shape[0], plan.flat]) as tf.Tensor2D;
  if (mode.masks) f = tf.mul(f, mode.masks[0]);
  let d = tf.relu(tf.add(tf.matMul(f, w.hidden.kernel), w.hidden.bias)) as tf.Tensor2D;
  if (mode.masks) d = tf.mul(d, mode.masks[1]);
  return tf.add(tf.matMul(d, w.output.kernel), w.output.bias);
}

/** Most rows per forward chunk for prediction and validation scoring (bounds activation memory). */
export const CNN_CHUNK_ROWS = 512;
/**
 * Activation bytes a forward chunk may hold. A wide net without pooling holds ~100 KB per 8x8 row, so 512
 * rows at once would take 50 MB, most of a trial's 64 MiB: such nets score fewer rows per chunk instead.
 * The default digits net (30 KB per row) still scores 512.
 */
export const CNN_CHUNK_BYTES = 16 * 2 ** 20;

/** Activation values of one image through the conv blocks: each block's input and output maps. */
export function convMapValues(plan: CnnPlan): number {
  let values = 0;
  for (const b of plan.blocks) values += b.inHeight * b.inWidth * (b.inChannels + b.filters);
  return values;
}

/** Float32 values one row holds in an inference forward pass (maps twice over: conv and activation). */
export function forwardValuesPerRow(plan: CnnPlan): number {
  return 2 * convMapValues(plan) + plan.flat + plan.denseUnits;
}

/** Rows per forward chunk of this net: up to CNN_CHUNK_ROWS, within CNN_CHUNK_BYTES. Fixed by the plan. */
export function forwardChunkRows(plan: CnnPlan): number {
  return Math.max(1, Math.min(CNN_CHUNK_ROWS, Math.floor(CNN_CHUNK_BYTES / (4 * forwardValuesPerRow(plan)))));
}

/** Predicts `rows` images stored row-major in `data` (height·width·channels values each), in chunks. */
export function predictImages(shape: CnnShape, w: CnnWeights, data: Float32Array, rows: number): Float32Array {
  const { height, width, channels } = shape.plan.image;
  const cols = height * width * channels;
  const outputs = shape.plan.outputs;
  const out = new Float32Array(rows * outputs);
  const chunk = forwardChunkRows(shape.plan);
  for (let start = 0; start < rows; start += chunk) {
    const n = Math.min(chunk, rows - start);
    const y = tf.tidy(() => {
      const x = tf.tensor4d(data.subarray(start * cols, (start + n) * cols), [n, height, width, channels]);
      return applyHead(shape, forwardCnn(shape.plan, w, x, { training: false }));
    });
    out.set(y.dataSync() as Float32Array, start * outputs);
    y.dispose();
  }
  return out;
}
