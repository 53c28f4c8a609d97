/**
 * @module engine/models/linear/softmax
 * Multinomial logistic (softmax) loss over K outputs, each with its own coefficients and intercept, as
 * scikit-learn's multi_class='multinomial': the penalty sums over all K coefficient vectors. The K
 * intercepts are unpenalised and defined up to a common shift, which the solver tolerates (the gradient
 * along that direction is always zero).
 */
import { addRidge, addScaledRow, isSparse, rowDot, type Problem, type SmoothObjective } from './objective';

/**
 * The softmax objective over parameters [β₀ … β_{K−1} (p each), b₀ … b_{K−1}]. When X is mostly zeros
 * (at most SPARSE_DENSITY non-zero, as one-hot columns make it), a pass holds the coefficients
 * feature-major (the K coefficients of feature j side by side), so each non-zero X[i, j] costs one
 * contiguous sweep over K scores and K gradient entries and a zero costs one test. On denser X the plain
 * row-by-output dot products are faster (measured: segment, digits) and are used instead.
 */
export function softmaxObjective(problem: Problem, classes: number): SmoothObjective {
  if (!isSparse(problem.X)) return denseSoftmax(problem, classes);
  const { X, y, weights, l2 } = problem;
  const { rows: n, cols: p, data } = X;
  const K = classes;
  const penalized = K * p;
  // Scratch allocated once per fit: the coefficients and their gradient feature-major, one row's
  // scores and residuals, and the columns where the row is non-zero.
  const W = new Float64Array(penalized);
  const G = new Float64Array(penalized);
  const z = new Float64Array(K);
  const r = new Float64Array(K);
  const nonzero = new Int32Array(p);
  return {
    dim: penalized + K,
    penalized,
    evaluate(x, grad) {
      for (let k = 0; k < K; k++) for (let j = 0, src = k * p; j < p; j++) W[j * K + k] = x[src + j];
      G.fill(0);
      grad.fill(0);
      let loss = 0;
      for (let i = 0, off = 0; i < n; i++, off += p) {
        const v = weights[i];
        if (v === 0) continue;
        for (let k = 0; k < K; k++) z[k] = x[penalized + k];
        let count = 0;
        for (let j = 0; j < p; j++) {
          const a = data[off + j];
          if (a === 0) continue;
          nonzero[count++] = j;
          for (let k = 0, w = j * K; k < K; k++) z[k] += a * W[w + k];
        }
        loss += rowLoss(z, K, y[i], v, r);
        for (let k = 0; k < K; k++) grad[penalized + k] += r[k];
        for (let t = 0; t < count; t++) {
          const j = nonzero[t];
          const a = data[off + j];
          for (let k = 0, w = j * K; k < K; k++) G[w + k] += a * r[k];
        }
      }
      for (let k = 0; k < K; k++) for (let j = 0, dst = k * p; j < p; j++) grad[dst + j] = G[j * K + k];
      return loss + addRidge(x, grad, penalized, l2);
    },
  };
}

/** The softmax objective on dense X: per row, one dot product and one gradient update per output. */
function denseSoftmax(problem: Problem, classes: number): SmoothObjective {
  const { X, y, weights, l2 } = problem;
  const { rows: n, cols: p, data } = X;
  const K = classes;
  const penalized = K * p;
  // Per-row scratch, allocated once per fit: scores and residuals.
  const z = new Float64Array(K);
  const r = new Float64Array(K);
  return {
    dim: penalized + K,
    penalized,
    evaluate(x, grad) {
      grad.fill(0);
      let loss = 0;
      for (let i = 0, off = 0; i < n; i++, off += p) {
        const v = weights[i];
        if (v === 0) continue;
        for (let k = 0; k < K; k++) z[k] = x[penalized + k] + rowDot(data, off, x, k * p, p);
        loss += rowLoss(z, K, y[i], v, r);
        for (let k = 0; k < K; k++) {
          grad[penalized + k] += r[k];
          addScaledRow(data, off, r[k], grad, k * p, p);
        }
      }
      return loss + addRidge(x, grad, penalized, l2);
    },
  };
}

/**
 * One row's weighted log loss, v·(log Σ exp z − z_label), from its scores z (which it overwrites), with the
 * residuals v·(softmax(z)_k − [k = label]) written to r: the gradient of that loss in each output's score.
 * The largest score is subtracted before exponentiating, so no score overflows.
 */
function rowLoss(z: Float64Array, K: number, label: number, v: number, r: Float64Array): number {
  let max = -Infinity;
  for (let k = 0; k < K; k++) if (z[k] > max) max = z[k];
  const zLabel = z[label];
  let sum = 0;
  for (let k = 0; k < K; k++) {
    z[k] = Math.exp(z[k] - max);
    sum += z[k];
  }
  for (let k = 0; k < K; k++) r[k] = v * (z[k] / sum - (k === label ? 1 : 0));
  return v * (max + Math.log(sum) - zLabel);
}

/** Starting intercepts: log of the weighted class shares (floored so an absent class stays finite). */
export function softmaxStart(problem: Problem, classes: number): Float64Array {
  const p = problem.X.cols;
  const shares = new Float64Array(classes);
  for (let i = 0; i < problem.y.length; i++) shares[problem.y[i]] += problem.weights[i];
  const x0 = new Float64Array(classes * p + classes);
  for (let k = 0; k < classes; k++) x0[classes * p + k] = Math.log(Math.max(shares[k], 1e-6));
  return x0;
}
