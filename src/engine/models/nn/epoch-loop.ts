/**
 * @module engine/models/nn/epoch-loop
 * The epoch loop the neural families (MLP, CNN) share: yield to the host, train one epoch, stop on a
 * non-finite loss, and with early stopping keep a copy of the weights of the best epoch (validation loss,
 * or the latest finite epoch without validation rows), stop after `patience` epochs without progress and
 * restore the best weights at the end. Optionally the weights are averaged over the epochs from
 * `averageFrom` on (stochastic weight averaging): from then on the average is what is monitored, kept and
 * returned, since an average of the weights the optimizer wanders through generalises better, and varies
 * less from seed to seed, than the single point it happens to stop at. The families supply what an epoch
 * and a validation pass are.
 */
import * as tf from '@tensorflow/tfjs-core';

/** Relative improvement of the validation loss that counts as progress for early stopping. */
const MIN_REL_IMPROVEMENT = 1e-4;

export interface EpochLoopRequest {
  /** The trained variables: snapshotted at the best epoch and restored from it. */
  readonly vars: readonly tf.Variable[];
  readonly epochs: number;
  readonly patience: number;
  readonly earlyStopping: boolean;
  readonly yieldControl?: () => Promise<void>;
  /** Trains epoch `epoch` (1-based, of `epochs`; its shuffle included) and returns its mean training loss. */
  readonly trainEpoch: (epoch: number) => number;
  /**
   * First epoch (1-based) whose end-of-epoch weights join the running average; absent: no averaging.
   * The average covers every variable (batch-norm running statistics too).
   */
  readonly averageFrom?: number;
  /** The loss on the validation rows with the current weights; null when there are none. */
  readonly validLoss: (() => number) | null;
}

/**
 * Runs the epochs; returns the fit facts: `epochs_run`, `best_iteration`, `train_loss`,
 * `first_train_loss`, `diverged` and, with validation rows, `valid_loss` (of the weights kept).
 */
export async function runEpochs(req: EpochLoopRequest): Promise<Record<string, number>> {
  let best: tf.Tensor[] | null = null;
  let average: tf.Tensor[] | null = null;
  let averaged = 0;
  let bestLoss = Infinity;
  let bestEpoch = 0;
  let lastTrainLoss = NaN;
  let firstTrainLoss = NaN;
  let epochsRun = 0;
  let diverged = 0;
  try {
    for (let epoch = 1; epoch <= req.epochs; epoch++) {
      if (req.yieldControl) await req.yieldControl();
      const trainLoss = req.trainEpoch(epoch);
      epochsRun = epoch;
      if (!Number.isFinite(trainLoss)) {
        diverged = 1;
        break;
      }
      lastTrainLoss = trainLoss;
      if (epoch === 1) firstTrainLoss = trainLoss;
      if (req.averageFrom !== undefined && epoch >= req.averageFrom) {
        averaged++;
        average = foldIntoAverage(average, req.vars, averaged);
      }
      if (!req.earlyStopping) continue;
      // Without validation rows, the latest finite epoch is the best one (guards against divergence).
      const monitor = req.validLoss === null ? -epoch : average === null ? req.validLoss() : withWeights(req.vars, average, req.validLoss);
      if (!Number.isFinite(monitor)) {
        diverged = 1;
        break;
      }
      if (best === null || monitor < bestLoss - MIN_REL_IMPROVEMENT * Math.abs(bestLoss)) {
        bestLoss = monitor;
        bestEpoch = epoch;
        disposeAll(best);
        best = (average ?? req.vars).map((v) => v.clone());
      } else if (epoch - bestEpoch >= req.patience) {
        break;
      }
    }
    if (best !== null) {
      req.vars.forEach((v, i) => v.assign(best![i]));
    } else {
      if (average !== null) req.vars.forEach((v, i) => v.assign(average![i]));
      bestEpoch = diverged ? epochsRun - 1 : epochsRun;
    }
    const info: Record<string, number> = {
      epochs_run: epochsRun,
      best_iteration: Math.max(1, bestEpoch),
      train_loss: lastTrainLoss,
      first_train_loss: firstTrainLoss,
      diverged,
    };
    if (req.validLoss !== null) info.valid_loss = best !== null ? bestLoss : req.validLoss();
    return info;
  } finally {
    disposeAll(best);
    disposeAll(average);
  }
}

/** The running mean after its `count`-th member, `vars`' current values (the first member is a copy). */
function foldIntoAverage(average: tf.Tensor[] | null, vars: readonly tf.Variable[], count: number): tf.Tensor[] {
  if (average === null) return vars.map((v) => v.clone());
  const next = tf.tidy(() => average.map((a, i) => tf.add(a, tf.div(tf.sub(vars[i], a), count))));
  disposeAll(average);
  return next;
}

/** `fn` evaluated with `weights` in `vars`, which get their own values back afterwards. */
function withWeights(vars: readonly tf.Variable[], weights: readonly tf.Tensor[], fn: () => number): number {
  const own = vars.map((v) => v.clone());
  try {
    vars.forEach((v, i) => v.assign(weights[i]));
    return fn();
  } finally {
    vars.forEach((v, i) => v.assign(own[i]));
    disposeAll(own);
  }
}

function disposeAll(ts: readonly tf.Tensor[] | null): void {
  if (ts) for (const t of ts) t.dispose();
}
