/**
 * @module engine/models/linear/squared
 * Squared-error loss for ridge / elastic-net regression. The target is standardised first (weighted
 * mean and standard deviation) so that C and l1_ratio mean the same thing whatever the target's units;
 * for pure L2 this changes nothing (ridge is equivariant to rescaling y), for L1 it makes the penalty
 * scale-free. The caller maps coefficients back to the original units.
 */
import { addRidge, addScaledRow, addScaledSparseRow, rowDot, sparseIndex, sparseRowDot, type Problem, type SmoothObjective, type SparseIndex } from './objective';

/** Weighted location and scale of the target (scale 1 for a constant target). */
export interface TargetScale {
  readonly mean: number;
  readonly scale: number;
}

/** Weighted mean and standard deviation of y under normalised weights. */
export function targetScale(y: Float32Array, weights: Float64Array): TargetScale {
  let mean = 0;
  for (let i = 0; i < y.length; i++) mean += weights[i] * y[i];
  let variance = 0;
  for (let i = 0; i < y.length; i++) variance += weights[i] * (y[i] - mean) * (y[i] - mean);
  const scale = Math.sqrt(variance);
  return { mean, scale: scale > 0 && Number.isFinite(scale) ? scale : 1 };
}

/**
 * Mean weighted ½(ỹ − xᵀβ − b)² over parameters [β (p), b], with ỹ the standardised target. `index`: X's
 * non-zero index (objective's sparseIndex) when the caller built it already (fit.ts, shared with the direct
 * ridge solve), so it is not built twice.
 */
export function squaredObjective(problem: Problem, target: TargetScale, index: SparseIndex | null = sparseIndex(problem.X)): SmoothObjective {
  const { X, y, weights, l2 } = problem;
  const { rows: n, cols: p, data } = X;
  // Mostly-zero X (one-hot columns): each pass reads only the non-zero entries.
  const sparse = index;
  const { mean, scale } = target;
  return {
    dim: p + 1,
    penalized: p,
    evaluate(x, grad) {
      grad.fill(0);
      const b = x[p];
      let loss = 0;
      let gradB = 0;
      for (let i = 0, off = 0; i < n; i++, off += p) {
        const v = weights[i];
        if (v === 0) continue;
        const residual = b + (sparse ? sparseRowDot(sparse, i, data, off, x) : rowDot(data, off, x, 0, p)) - (y[i] - mean) / scale;
        loss += 0.5 * v * residual * residual;
        const r = v * residual;
        gradB += r;
        if (sparse) addScaledSparseRow(sparse, i, data, off, r, grad);
        else addScaledRow(data, off, r, grad, 0, p);
      }
      grad[p] = gradB;
      return loss + addRidge(x, grad, p, l2);
    },
  };
}
