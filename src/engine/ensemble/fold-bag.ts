/**
 * @module engine/ensemble/fold-bag
 * A trial's cross-validation fold models as one artifact: an ensemble of equal weights (members `fold-0`,
 * `fold-1`, …), served and loaded like any ensemble. See run-trial's `bag` for when a trial serves one.
 */
import { EngineError } from '../core/errors';
import type { MetricName } from '../eval/metrics';
import { ENSEMBLE_FORMAT, ENSEMBLE_VERSION, type EnsembleEnvelope, type ModelEnvelope, parseEnsembleEnvelope } from '../serialize/envelope';

export function foldBagEnvelope(folds: readonly ModelEnvelope[], metric: MetricName): EnsembleEnvelope {
  if (folds.length === 0) throw new EngineError('invalid_params', 'a bag needs at least one fold model');
  const first = folds[0];
  return parseEnsembleEnvelope({
    format: ENSEMBLE_FORMAT,
    version: ENSEMBLE_VERSION,
    task: first.task,
    target: first.target,
    classes: first.classes,
    metric,
    columns: first.columns,
    members: folds.map((envelope, f) => ({ weight: 1 / folds.length, id: `fold-${f}`, envelope })),
  });
}
