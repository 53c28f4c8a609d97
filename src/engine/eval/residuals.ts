/**
 * @module engine/eval/residuals
 * Residuals of a regression (truth minus prediction) against the prediction, for a residual plot: a
 * bounded, evenly spread sample of the rows (deterministic, so the same model always draws the same
 * plot) and summary numbers over every row.
 */
import { EngineError } from '../core/errors';

export interface ResidualSample {
  /** Predicted value per sampled row. */
  readonly predicted: number[];
  /** Truth minus prediction per sampled row. */
  readonly residual: number[];
  /** Rows the summary covers (all of them). */
  readonly rows: number;
  readonly mean_residual: number;
  readonly max_abs_residual: number;
}

export function residualSample(yTrue: ArrayLike<number>, predicted: ArrayLike<number>, maxPoints: number): ResidualSample {
  const n = yTrue.length;
  if (predicted.length !== n) throw new EngineError('invalid_input', `residuals: ${predicted.length} predictions for ${n} rows`);
  if (n === 0) throw new EngineError('invalid_input', 'residuals: no rows');
  let sum = 0;
  let maxAbs = 0;
  for (let i = 0; i < n; i++) {
    const r = yTrue[i] - predicted[i];
    sum += r;
    maxAbs = Math.max(maxAbs, Math.abs(r));
  }
  const take = Math.min(n, Math.max(1, Math.floor(maxPoints)));
  const out: ResidualSample = { predicted: [], residual: [], rows: n, mean_residual: sum / n, max_abs_residual: maxAbs };
  for (let k = 0; k < take; k++) {
    // Evenly spaced row positions: a stride sample rather than a random one, so it needs no seed.
    const i = Math.floor((k * n) / take);
    out.predicted.push(predicted[i]);
    out.residual.push(yTrue[i] - predicted[i]);
  }
  return out;
}
