/**
 * @module engine/models/nn/cnn/cnn-train
 * The CNN training loop: mini-batches shuffled by the engine's Rng and assembled (and augmented) on the JS
 * side, dropout masks from the same Rng, Adam / RMSProp / SGD with momentum at the scheduled rate of each
 * epoch (./cnn-schedule), batch-norm running statistics folded in after each step, optionally the weights
 * averaged over the last third of the epochs, early stopping on the validation rows with the best weights
 * restored (../epoch-loop), and a yield to the host between epochs (workerd never yields inside a fit
 * otherwise). Every tensor and the
 * optimizer are disposed before return, except the returned weights.
 */
import * as tf from '@tensorflow/tfjs-core';
// tfjs-core registers no gradients by itself; tfjs-layers registers them all as an import side effect.
import '@tensorflow/tfjs-layers';
import type { Matrix } from '../../../core/matrix';
import type { Rng } from '../../../core/rng';
import { hostLabels, type HostLabels, labelBatch, normalisedWeights, perRowLoss, weightedMean } from '../mlp-loss';
import { augmentRowInto } from './cnn-augment';
import { learningRateAt, setLearningRate } from './cnn-schedule';
import { BATCH_NORM_UPDATE, type CnnShape, type CnnWeights, forwardChunkRows, forwardCnn, initCnnWeights, weightList } from './cnn-net';
import { averagingStart, type CnnOptions } from './cnn-options';
import { runEpochs } from '../epoch-loop';

/** Rows, labels in loss form and normalised sample weights, all on the JS side. */
interface HostSet {
  readonly rows: number;
  readonly X: Float32Array;
  readonly labels: HostLabels;
  readonly weights: Float32Array | null;
}

/** What the loop needs besides the rows. */
export interface CnnTrainRequest {
  readonly shape: CnnShape;
  readonly opts: CnnOptions;
  readonly rng: Rng;
  /** Epochs to run (already capped by the budget). */
  readonly epochs: number;
  /** False for refits with a fixed epoch count: run every epoch, keep the last weights. */
  readonly earlyStopping: boolean;
  readonly yieldControl?: () => Promise<void>;
}

export interface CnnTrainResult {
  /** Trained weights (variables); the caller owns and disposes them. */
  readonly weights: CnnWeights;
  readonly info: Record<string, number>;
}

/** SGD's momentum (the space searches the optimizer, not this). */
const SGD_MOMENTUM = 0.9;

type RowSet = { X: Matrix; y: Float32Array; weights?: Float32Array };

/** Trains a CNN. `valid`, when given, drives early stopping (and is reported); it never updates weights. */
export async function trainCnn(train: RowSet, valid: RowSet | undefined, req: CnnTrainRequest): Promise<CnnTrainResult> {
  const { shape, opts, rng } = req;
  const plan = shape.plan;
  const trainSet = toHost(shape, train);
  const validSet = valid !== undefined && valid.X.rows > 0 ? toHost(shape, valid) : null;
  const weights = initCnnWeights(plan, rng);
  const all = weightList(weights) as tf.Variable[];
  const trainable = all.filter((v) => v.trainable);
  const optimizer = makeOptimizer(opts);
  const batch = Math.max(1, Math.min(opts.batchSize, trainSet.rows));
  const order = new Int32Array(trainSet.rows);
  for (let i = 0; i < order.length; i++) order[i] = i;
  const pixels = plan.image.height * plan.image.width * plan.image.channels;
  const buffers = {
    x: new Float32Array(batch * pixels),
    y: shape.head === 'softmax' ? new Int32Array(batch) : new Float32Array(batch),
    w: new Float32Array(batch),
    mask: new Float32Array(batch * Math.max(plan.flat, plan.denseUnits)),
  };

  try {
    const info = await runEpochs({
      vars: all,
      epochs: req.epochs,
      patience: opts.patience,
      earlyStopping: req.earlyStopping,
      averageFrom: averagingStart(opts, req.epochs),
      yieldControl: req.yieldControl,
      trainEpoch: (epoch) => {
        setLearningRate(optimizer, learningRateAt(opts.lrSchedule, opts.learningRate, epoch, req.epochs));
        rng.shuffle(order);
        return runEpoch(trainSet, order, batch, weights, trainable, optimizer, req, buffers);
      },
      validLoss: validSet !== null ? () => datasetLoss(validSet, weights, shape) : null,
    });
    return { weights, info };
  } catch (err) {
    disposeAll(all);
    throw err;
  } finally {
    optimizer.dispose();
  }
}

function makeOptimizer(opts: CnnOptions): tf.Optimizer {
  switch (opts.optimizer) {
    case 'adam':
      return tf.train.adam(opts.learningRate);
    case 'rmsprop':
      return tf.train.rmsprop(opts.learningRate, 0.9, 0, 1e-7);
    case 'sgd':
      return tf.train.momentum(opts.learningRate, SGD_MOMENTUM);
  }
}

interface Buffers {
  readonly x: Float32Array;
  readonly y: HostLabels;
  readonly w: Float32Array;
  readonly mask: Float32Array;
}

/** One pass over the shuffled rows; returns the mean training loss (weighted). */
function runEpoch(set: HostSet, order: Int32Array, batch: number, weights: CnnWeights, vars: tf.Variable[], optimizer: tf.Optimizer, req: CnnTrainRequest, buf: Buffers): number {
  const { shape, opts, rng } = req;
  const { plan } = shape;
  const { height, width, channels } = plan.image;
  const pixels = height * width * channels;
  let total = 0;
  for (let start = 0; start < set.rows; start += batch) {
    const n = Math.min(batch, set.rows - start);
    for (let i = 0; i < n; i++) {
      const r = order[start + i];
      augmentRowInto(set.X, r, buf.x, i, plan.image, opts.augmentation, rng);
      buf.y[i] = set.labels[r];
      if (set.weights !== null) buf.w[i] = set.weights[r];
    }
    const xb = tf.tensor4d(buf.x.subarray(0, n * pixels), [n, height, width, channels]);
    const yb = labelBatch(shape.head, buf.y.subarray(0, n));
    const wb = set.weights !== null ? tf.tensor1d(buf.w.subarray(0, n)) : null;
    const masks = opts.dropout > 0 ? dropoutMasks(n, plan.flat, plan.denseUnits, opts.dropout, rng, buf.mask) : undefined;
    const batchStats: tf.Tensor1D[] = [];
    const cost = optimizer.minimize(
      () => weightedMean(perRowLoss(shape.head, forwardCnn(plan, weights, xb, { training: true, masks, batchStats }), yb, shape.nClasses), wb),
      true,
      vars,
    );
    updateRunningStats(weights, batchStats);
    total += cost!.dataSync()[0] * n;
    disposeAll([cost!, xb, yb, ...(wb ? [wb] : []), ...(masks ?? []), ...batchStats]);
  }
  return total / set.rows;
}

/** Folds each normed block's batch mean and variance into its running statistics. */
function updateRunningStats(weights: CnnWeights, stats: readonly tf.Tensor1D[]): void {
  let k = 0;
  for (const layer of weights.conv) {
    if (!layer.norm) continue;
    const mean = stats[k++];
    const variance = stats[k++];
    if (mean === undefined || variance === undefined) return;
    const norm = layer.norm;
    tf.tidy(() => {
      (norm.movingMean as unknown as tf.Variable).assign(tf.add(tf.mul(norm.movingMean, 1 - BATCH_NORM_UPDATE), tf.mul(mean, BATCH_NORM_UPDATE)));
      (norm.movingVariance as unknown as tf.Variable).assign(tf.add(tf.mul(norm.movingVariance, 1 - BATCH_NORM_UPDATE), tf.mul(variance, BATCH_NORM_UPDATE)));
    });
  }
}

/** Inverted-dropout masks for the flattened features and the dense layer of `n` rows, drawn from `rng`. */
function dropoutMasks(n: number, flat: number, dense: number, rate: number, rng: Rng, buf: Float32Array): [tf.Tensor2D, tf.Tensor2D] {
  const keep = 1 / (1 - rate);
  const mask = (width: number) => {
    const len = n * width;
    for (let i = 0; i < len; i++) buf[i] = rng.next() < rate ? 0 : keep;
    // tensor2d copies the values into the backend, so the buffer is reused for the next mask.
    return tf.tensor2d(buf.subarray(0, len), [n, width]);
  };
  const first = mask(flat);
  return [first, mask(dense)];
}

/** Weighted mean loss over a whole set in inference mode (the early-stopping monitor). */
function datasetLoss(set: HostSet, weights: CnnWeights, shape: CnnShape): number {
  const { height, width, channels } = shape.plan.image;
  const pixels = height * width * channels;
  let sum = 0;
  const chunk = forwardChunkRows(shape.plan);
  for (let start = 0; start < set.rows; start += chunk) {
    const n = Math.min(chunk, set.rows - start);
    const part = tf.tidy(() => {
      const x = tf.tensor4d(set.X.subarray(start * pixels, (start + n) * pixels), [n, height, width, channels]);
      const logits = forwardCnn(shape.plan, weights, x, { training: false });
      const l = perRowLoss(shape.head, logits, labelBatch(shape.head, set.labels.subarray(start, start + n)), shape.nClasses);
      return set.weights !== null ? tf.sum(tf.mul(l, tf.tensor1d(set.weights.subarray(start, start + n)))) : tf.sum(l);
    });
    sum += part.dataSync()[0];
    part.dispose();
  }
  return sum / set.rows;
}

function toHost(shape: CnnShape, set: RowSet): HostSet {
  return { rows: set.X.rows, X: set.X.data, labels: hostLabels(shape.head, set.y, shape.yMean, shape.yStd), weights: normalisedWeights(set.weights) };
}

function disposeAll(ts: readonly tf.Tensor[] | null): void {
  if (ts !== null) for (const t of ts) t.dispose();
}
