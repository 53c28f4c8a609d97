/**
 * @module engine/models/nn/mlp-loss
 * Per-row training losses on logits (numerically stable forms) and the device-side label tensors they
 * read. Binary: sigmoid cross-entropy; multiclass: softmax cross-entropy; regression: squared error on
 * the standardised target. Sample weights multiply the per-row loss.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { MlpHead } from './mlp-net';

/** Labels kept on the JS side: class indices for softmax, 0/1 or the standardised target otherwise. */
export type HostLabels = Int32Array | Float32Array;

/**
 * Labels in the form the loss wants: int32 class indices for softmax (one-hot is built per batch, K
 * times smaller), 0/1 for sigmoid, the target standardised with `yMean`/`yStd` for regression.
 */
export function hostLabels(head: MlpHead, y: Float32Array, yMean = 0, yStd = 1): HostLabels {
  if (head === 'softmax') return Int32Array.from(y);
  if (head === 'sigmoid') return y;
  const z = new Float32Array(y.length);
  for (let i = 0; i < y.length; i++) z[i] = (y[i] - yMean) / yStd;
  return z;
}

/** A tensor of host labels: int32 [rows] for softmax, float32 [rows, 1] otherwise. */
export function labelBatch(head: MlpHead, labels: HostLabels): tf.Tensor {
  return head === 'softmax' ? tf.tensor1d(labels, 'int32') : tf.tensor2d(labels, [labels.length, 1]);
}

/** hostLabels then labelBatch in one go. */
export function labelTensor(head: MlpHead, y: Float32Array, yMean = 0, yStd = 1): tf.Tensor {
  return labelBatch(head, hostLabels(head, y, yMean, yStd));
}

/** Per-row loss [rows] of `logits` against `labels` (a batch of labelTensor). */
export function perRowLoss(head: MlpHead, logits: tf.Tensor2D, labels: tf.Tensor, nClasses: number): tf.Tensor1D {
  const rows = logits.shape[0];
  switch (head) {
    case 'sigmoid': {
      // max(z, 0) - z*y + log(1 + exp(-|z|)): no overflow for large |z|.
      const l = tf.add(tf.sub(tf.relu(logits), tf.mul(logits, labels)), tf.log1p(tf.exp(tf.neg(tf.abs(logits)))));
      return tf.reshape(l, [rows]);
    }
    case 'softmax': {
      // int32 then cast: the wasm OneHot kernel ignores the dtype attribute and writes int32 bits, so a
      // float32 one-hot from it reads as denormals (~1e-45) and the loss silently becomes ~0.
      const onehot = tf.cast(tf.oneHot(labels as tf.Tensor1D, nClasses), 'float32');
      return tf.neg(tf.sum(tf.mul(onehot, tf.logSoftmax(logits)), 1)) as tf.Tensor1D;
    }
    case 'identity':
      return tf.reshape(tf.squaredDifference(logits, labels), [rows]);
  }
}

/**
 * Mean of `loss` weighted by `weights` (normalised to mean 1 over the whole set), or the plain mean.
 * Sum then scale rather than tf.mean: the wasm Mean kernel measured ~10x slower than Sum here.
 */
export function weightedMean(loss: tf.Tensor1D, weights: tf.Tensor1D | null): tf.Scalar {
  const total = weights === null ? tf.sum(loss) : tf.sum(tf.mul(loss, weights));
  return tf.mul(total, 1 / loss.shape[0]) as tf.Scalar;
}

/**
 * Sample weights normalised to mean 1 (so learning rate and l2 keep their meaning), or null when absent
 * or all equal. Negative or non-finite weights are rejected by the caller.
 */
export function normalisedWeights(w: Float32Array | undefined): Float32Array | null {
  if (w === undefined || w.length === 0) return null;
  let sum = 0;
  let allSame = true;
  for (let i = 0; i < w.length; i++) {
    sum += w[i];
    if (w[i] !== w[0]) allSame = false;
  }
  if (allSame || sum <= 0) return null;
  const scale = w.length / sum;
  const out = new Float32Array(w.length);
  for (let i = 0; i < w.length; i++) out[i] = w[i] * scale;
  return out;
}
