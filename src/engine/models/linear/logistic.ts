/**
 * @module engine/models/linear/logistic
 * Binary logistic loss: mean weighted log loss of σ(xᵀβ + b) against labels 0/1, plus the L2 term.
 * Computed through softplus so that large margins neither overflow nor lose the gradient.
 */
import { addRidge, addScaledRow, addScaledSparseRow, rowDot, sparseIndex, sparseRowDot, type Problem, type SmoothObjective } from './objective';

/** The logistic objective over parameters [β (p), b]. */
export function logisticObjective(problem: Problem): SmoothObjective {
  const { X, y, weights, l2 } = problem;
  const { rows: n, cols: p, data } = X;
  // Mostly-zero X (one-hot columns): each pass reads only the non-zero entries.
  const sparse = sparseIndex(X);
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
        const z = b + (sparse ? sparseRowDot(sparse, i, data, off, x) : rowDot(data, off, x, 0, p));
        const label = y[i];
        // log(1 + e^z) − y·z and σ(z), sharing one exp of a non-positive argument.
        const e = Math.exp(-Math.abs(z));
        loss += v * ((z > 0 ? z : 0) + Math.log1p(e) - label * z);
        const prob = z >= 0 ? 1 / (1 + e) : e / (1 + e);
        const r = v * (prob - label);
        gradB += r;
        if (sparse) addScaledSparseRow(sparse, i, data, off, r, grad);
        else addScaledRow(data, off, r, grad, 0, p);
      }
      grad[p] = gradB;
      return loss + addRidge(x, grad, p, l2);
    },
  };
}

/** Starting intercept: the log-odds of the weighted class-1 share, so the first step starts from the prior. */
export function logisticStart(problem: Problem): Float64Array {
  const p = problem.X.cols;
  let positive = 0;
  for (let i = 0; i < problem.y.length; i++) if (problem.y[i] === 1) positive += problem.weights[i];
  const share = Math.min(Math.max(positive, 1e-6), 1 - 1e-6);
  const x0 = new Float64Array(p + 1);
  x0[p] = Math.log(share / (1 - share));
  return x0;
}
