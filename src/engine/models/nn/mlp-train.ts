/**
 * @module engine/models/nn/mlp-train
 * The MLP training loop: Adam on mini-batches shuffled by the engine's Rng, dropout masks drawn from the
 * same Rng, L2 on kernels, early stopping on the validation rows with the best weights restored, and an
 * epoch cap from the work budget. A custom loop (not tfjs-layers' fit) because it gives sample weights,
 * seeded dropout and exact tensor ownership: every tensor is disposed before return.
 * Rows stay in JS and each batch is assembled there and uploaded: cheaper than the wasm GatherV2 kernel,
 * and the wasm heap (which never shrinks) holds only a batch, not a second copy of the data. Only the
 * network runs on tfjs: the batch loss and its gradient (./host-loss), Adam and the L2 penalty
 * (./host-adam) run on the JS side, which saves about a hundred small kernel dispatches per step.
 */
import * as tf from '@tensorflow/tfjs-core';
// tfjs-core registers no gradients by itself; tfjs-layers registers them all as an import side effect
// (its Node bundle inlines them, its ESM entry imports tfjs-core/dist/register_all_gradients). Importing
// that ESM file directly would load a second tfjs-core copy in Node, whose main entry is CommonJS.
import '@tensorflow/tfjs-layers';
import type { Matrix } from '../../core/matrix';
import type { Rng } from '../../core/rng';
import { hostLabels, labelBatch, normalisedWeights, perRowLoss, type HostLabels } from './mlp-loss';
import { forwardLogits, initLayers, PREDICT_CHUNK_ROWS, type DenseLayer, type MlpShape } from './mlp-net';
import type { MlpOptions } from './mlp-options';
import { runEpochs } from './epoch-loop';
import { HostAdam } from './host-adam';
import { hostBatchLoss } from './host-loss';

/** Rows, labels in loss form and normalised sample weights, all on the JS side. */
interface HostSet {
  readonly rows: number;
  readonly cols: number;
  readonly X: Float32Array;
  readonly labels: HostLabels;
  readonly weights: Float32Array | null;
}

/** Reused per-batch staging buffers (tensor creation copies them into the backend). */
interface BatchBuffers {
  readonly x: Float32Array;
  readonly y: HostLabels;
  readonly w: Float32Array;
  readonly mask: Float32Array | null;
}

/** What the loop needs besides the training rows. */
export interface TrainRequest {
  readonly shape: MlpShape;
  readonly opts: MlpOptions;
  readonly rng: Rng;
  /** Epochs to run (already capped by the budget). */
  readonly epochs: number;
  /** False for refits with a fixed epoch count: run every epoch, keep the last weights. */
  readonly earlyStopping: boolean;
  /** Called between epochs so the host runtime can serve other events during a long fit. */
  readonly yieldControl?: () => Promise<void>;
}

/** Trained layers plus the facts reported as fitInfo (see mlpSpec). */
export interface TrainResult {
  /** Trained weights (variables); the caller owns and disposes them. */
  readonly layers: DenseLayer[];
  readonly info: Record<string, number>;
}


/**
 * Trains an MLP. `valid`, when given, drives early stopping (and is reported); it never updates weights.
 */
export async function trainMlp(
  train: { X: Matrix; y: Float32Array; weights?: Float32Array },
  valid: { X: Matrix; y: Float32Array; weights?: Float32Array } | undefined,
  req: TrainRequest,
): Promise<TrainResult> {
  const { shape, opts, rng } = req;
  const trainSet = toHost(shape, train);
  const validSet = valid !== undefined && valid.X.rows > 0 ? toHost(shape, valid) : null;
  const layers = initLayers(shape.sizes, rng);
  const vars = layers.flatMap((l) => [l.kernel, l.bias]) as tf.Variable[];
  // The L2 penalty is on the kernels only (every other variable is a bias).
  const optimizer = new HostAdam(vars, { learningRate: opts.learningRate, l2: vars.map((_, i) => (i % 2 === 0 ? opts.l2 : 0)) });
  const batch = Math.max(1, Math.min(opts.batchSize, trainSet.rows));
  const order = new Int32Array(trainSet.rows);
  for (let i = 0; i < order.length; i++) order[i] = i;
  const hidden = shape.sizes.slice(1, -1);
  const buffers: BatchBuffers = {
    x: new Float32Array(batch * trainSet.cols),
    y: shape.head === 'softmax' ? new Int32Array(batch) : new Float32Array(batch),
    w: new Float32Array(batch),
    mask: opts.dropout > 0 ? new Float32Array(batch * Math.max(0, ...hidden)) : null,
  };

  try {
    const info = await runEpochs({
      vars,
      epochs: req.epochs,
      patience: opts.patience,
      earlyStopping: req.earlyStopping,
      yieldControl: req.yieldControl,
      trainEpoch: () => {
        rng.shuffle(order);
        return runEpoch(trainSet, order, batch, layers, optimizer, req, buffers);
      },
      validLoss: validSet !== null ? () => datasetLoss(validSet, layers, shape) : null,
    });
    return { layers, info };
  } catch (err) {
    disposeAll(vars);
    throw err;
  }
}

/** One pass over the shuffled rows; returns the mean training loss (weighted, with the L2 term). */
function runEpoch(
  set: HostSet,
  order: Int32Array,
  batch: number,
  layers: DenseLayer[],
  optimizer: HostAdam,
  req: TrainRequest,
  buf: BatchBuffers,
): number {
  const { shape, opts, rng } = req;
  const cols = set.cols;
  let total = 0;
  for (let start = 0; start < set.rows; start += batch) {
    const n = Math.min(batch, set.rows - start);
    for (let i = 0; i < n; i++) {
      const r = order[start + i];
      buf.x.set(set.X.subarray(r * cols, (r + 1) * cols), i * cols);
      buf.y[i] = set.labels[r];
      if (set.weights !== null) buf.w[i] = set.weights[r];
    }
    const xb = tf.tensor2d(buf.x.subarray(0, n * cols), [n, cols]);
    const masks = buf.mask !== null ? dropoutMasks(shape.sizes, n, opts.dropout, rng, buf.mask) : undefined;
    // Labels and weights stay on the JS side: the loss and its gradient are computed there (./host-loss).
    const labels = buf.y.subarray(0, n);
    const weights = set.weights !== null ? buf.w.subarray(0, n) : null;
    const cost = optimizer.minimize(() => hostBatchLoss(shape.head, forwardLogits(layers, xb, masks), labels, weights));
    disposeAll([xb, ...(masks ?? [])]);
    total += cost * n;
  }
  return total / set.rows;
}

/** Inverted-dropout masks for each hidden layer of a batch of `n` rows, drawn from `rng`. */
function dropoutMasks(sizes: readonly number[], n: number, rate: number, rng: Rng, buf: Float32Array): tf.Tensor2D[] {
  const keep = 1 / (1 - rate);
  const masks: tf.Tensor2D[] = [];
  for (let l = 1; l < sizes.length - 1; l++) {
    const len = n * sizes[l];
    for (let i = 0; i < len; i++) buf[i] = rng.next() < rate ? 0 : keep;
    // tensor2d copies the values into the backend, so the buffer is reused for the next mask.
    masks.push(tf.tensor2d(buf.subarray(0, len), [n, sizes[l]]));
  }
  return masks;
}

/** Weighted mean loss over a whole set without dropout or L2 (the early-stopping monitor). */
function datasetLoss(set: HostSet, layers: readonly DenseLayer[], shape: MlpShape): number {
  let sum = 0;
  for (let start = 0; start < set.rows; start += PREDICT_CHUNK_ROWS) {
    const n = Math.min(PREDICT_CHUNK_ROWS, set.rows - start);
    // Contiguous rows: subarray views, no JS copy.
    const part = tf.tidy(() => {
      const x = tf.tensor2d(set.X.subarray(start * set.cols, (start + n) * set.cols), [n, set.cols]);
      const l = perRowLoss(shape.head, forwardLogits(layers, x), labelBatch(shape.head, set.labels.subarray(start, start + n)), shape.nClasses);
      return set.weights !== null ? tf.sum(tf.mul(l, tf.tensor1d(set.weights.subarray(start, start + n)))) : tf.sum(l);
    });
    sum += part.dataSync()[0];
    part.dispose();
  }
  return sum / set.rows;
}

function toHost(shape: MlpShape, set: { X: Matrix; y: Float32Array; weights?: Float32Array }): HostSet {
  return {
    rows: set.X.rows,
    cols: set.X.cols,
    X: set.X.data,
    labels: hostLabels(shape.head, set.y, shape.yMean, shape.yStd),
    weights: normalisedWeights(set.weights),
  };
}

function disposeAll(ts: readonly tf.Tensor[] | null): void {
  if (ts !== null) for (const t of ts) t.dispose();
}
