/**
 * @module engine/models/nn/epoch-loop
 * The epoch loop the neural families (MLP, CNN) share: yield to the host, train one epoch, stop on a
 * non-finite loss, and with early stopping keep a copy of the weights of the best epoch (validation loss,
 * or the latest finite epoch without validation rows), stop after `patience` epochs without progress and
 * restore the best weights at the end. The families supply what an epoch and a validation pass are.
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
  /** Trains one epoch (its shuffle included) and returns its mean training loss. */
  readonly trainEpoch: () => number;
  /** The loss on the validation rows with the current weights; null when there are none. */
  readonly validLoss: (() => number) | null;
}

/**
 * Runs the epochs; returns the fit facts: `epochs_run`, `best_iteration`, `train_loss`,
 * `first_train_loss`, `diverged` and, with validation rows, `valid_loss` (of the weights kept).
 */
export async function runEpochs(req: EpochLoopRequest): Promise<Record<string, number>> {
  let best: tf.Tensor[] | null = null;
  let bestLoss = Infinity;
  let bestEpoch = 0;
  let lastTrainLoss = NaN;
  let firstTrainLoss = NaN;
  let epochsRun = 0;
  let diverged = 0;
  try {
    for (let epoch = 1; epoch <= req.epochs; epoch++) {
      if (req.yieldControl) await req.yieldControl();
      const trainLoss = req.trainEpoch();
      epochsRun = epoch;
      if (!Number.isFinite(trainLoss)) {
        diverged = 1;
        break;
      }
      lastTrainLoss = trainLoss;
      if (epoch === 1) firstTrainLoss = trainLoss;
      if (!req.earlyStopping) continue;
      // Without validation rows, the latest finite epoch is the best one (guards against divergence).
      const monitor = req.validLoss !== null ? req.validLoss() : -epoch;
      if (!Number.isFinite(monitor)) {
        diverged = 1;
        break;
      }
      if (best === null || monitor < bestLoss - MIN_REL_IMPROVEMENT * Math.abs(bestLoss)) {
        bestLoss = monitor;
        bestEpoch = epoch;
        disposeAll(best);
        best = req.vars.map((v) => v.clone());
      } else if (epoch - bestEpoch >= req.patience) {
        break;
      }
    }
    if (best !== null) req.vars.forEach((v, i) => v.assign(best![i]));
    else bestEpoch = diverged ? epochsRun - 1 : epochsRun;
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
  }
}

function disposeAll(ts: readonly tf.Tensor[] | null): void {
  if (ts) for (const t of ts) t.dispose();
}
