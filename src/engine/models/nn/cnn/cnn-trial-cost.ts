/**
 * @module engine/models/nn/cnn/cnn-trial-cost
 * The modelled CPU time of a whole CNN trial (one fit per fold, then the refit on every row), from the
 * same cost model that caps each fit's epochs (cnn-options epochCostMs, budgetedEpochs). A job whose
 * budget ends before its first CNN trial reports publishes an MLP or a linear model instead; this says
 * how long that trial needs, so the job can tell which budget would give a convolutional network. An
 * upper bound: early stopping often ends a fit sooner, and the evaluation passes are not counted.
 */
import type { ImageShape } from '../../../core/image-shape';
import { outputWidth, type Task } from '../../../core/task';
import type { Params } from '../../../search/space';
import { budgetedEpochs, epochCostMs, planCnn, resolveCnnOptions } from './cnn-options';

/** Modelled milliseconds of a CNN trial with `params` on `rows` images of `image`, validated by `folds`-fold CV. */
export function cnnTrialCostMs(params: Params, image: ImageShape, rows: number, folds: number, task: Task, nClasses: number): number {
  const opts = resolveCnnOptions(params);
  const plan = planCnn(image, opts, outputWidth(task, nClasses));
  const fit = (n: number) => {
    const m = Math.max(1, Math.round(n));
    return budgetedEpochs(plan, opts, opts.epochs, m) * epochCostMs(plan, m, Math.min(opts.batchSize, m));
  };
  const k = Math.max(2, folds);
  return k * fit((rows * (k - 1)) / k) + fit(rows);
}
