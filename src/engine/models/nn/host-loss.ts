/**
 * @module engine/models/nn/host-loss
 * A training batch's weighted mean loss computed on the JS side from the logits, with its gradient as a
 * tfjs custom gradient: the logits are a batch x outputs matrix (a few thousand values), so one read and
 * one upload replace the two dozen small kernels (one-hot, log-softmax, sums, their gradients) whose
 * dispatch cost rivalled the matmuls of a training step on wasm. Same losses as ./mlp-loss (softmax and
 * sigmoid cross-entropy in their stable forms, squared error on the standardised target), computed in
 * float64; the validation loss keeps using ./mlp-loss.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { HostLabels } from './mlp-loss';
import type { MlpHead } from './mlp-net';

/**
 * Σ_i w_i · loss_i / rows over the batch (w_i = 1 without weights), as a scalar whose gradient with
 * respect to `logits` [rows, width] is w_i · ∂loss_i/∂logits_i / rows. `labels` and `weights` hold at
 * least `rows` values (class indices for softmax, 0/1 for sigmoid, standardised targets for identity).
 */
export function hostBatchLoss(head: MlpHead, logits: tf.Tensor2D, labels: HostLabels, weights: Float32Array | null): tf.Scalar {
  // customGrad passes the inputs then a save function; the only input here is the logits.
  const lossOf = tf.customGrad((input: tf.Tensor | tf.GradSaveFunc) => {
    const z = input as tf.Tensor;
    const [rows, width] = z.shape as [number, number];
    const values = z.dataSync() as Float32Array;
    const grad = new Float32Array(rows * width);
    let total = 0;
    for (let i = 0; i < rows; i++) {
      const w = weights !== null ? weights[i] : 1;
      const scale = w / rows;
      const at = i * width;
      let loss: number;
      switch (head) {
        case 'softmax': {
          let max = -Infinity;
          for (let j = 0; j < width; j++) max = Math.max(max, values[at + j]);
          let sum = 0;
          for (let j = 0; j < width; j++) sum += Math.exp(values[at + j] - max);
          const logSum = Math.log(sum) + max;
          const label = labels[i];
          loss = logSum - values[at + label];
          for (let j = 0; j < width; j++) grad[at + j] = (Math.exp(values[at + j] - logSum) - (j === label ? 1 : 0)) * scale;
          break;
        }
        case 'sigmoid': {
          const v = values[at];
          const y = labels[i];
          loss = Math.max(v, 0) - v * y + Math.log1p(Math.exp(-Math.abs(v)));
          grad[at] = (1 / (1 + Math.exp(-v)) - y) * scale;
          break;
        }
        case 'identity': {
          const d = values[at] - labels[i];
          loss = d * d;
          grad[at] = 2 * d * scale;
          break;
        }
      }
      total += w * loss;
    }
    return {
      value: tf.scalar(total / rows),
      gradFunc: (dy: tf.Tensor) => tf.mul(dy, tf.tensor2d(grad, [rows, width])),
    };
  });
  return lossOf(logits) as tf.Scalar;
}
