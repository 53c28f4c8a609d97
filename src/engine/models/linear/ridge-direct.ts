/**
 * @module engine/models/linear/ridge-direct
 * Exact ridge regression (l1_ratio 0): minimises squared.ts's objective, mean weighted ½(ỹ − xᵀβ − b)² +
 * ½·l2·‖β‖², in closed form instead of iteratively. Setting the gradient to zero gives b = ȳ − x̄ᵀβ (weighted
 * means) and (XcᵀVXc + l2·I) β = XcᵀV(ỹ − ȳ), Xc the weighted-centred X and V the diagonal of weights;
 * that p × p system is positive definite for l2 > 0 and is solved by Cholesky. One pass over the rows
 * builds the Gram matrix (n·p²/2 multiply-adds, or Σ nnzᵢ²/2 over the non-zeros when X is mostly zero) and
 * p³/6 factorise it, so the cost does not depend on the conditioning that makes L-BFGS run to its
 * iteration cap at large C on one-hot data. fit.ts uses it only when ridgeDirectAffordable says so.
 */
import type { Matrix } from '../../core/matrix';
import { sparseIndex, type Problem, type SparseIndex } from './objective';
import type { TargetScale } from './squared';

/**
 * Widest X solved directly. The Gram matrix is held as a packed lower triangle, p(p+1)/2 doubles: 16 MiB at
 * 2,048 columns, an eighth of a Worker's 128 MB beside the Float32 matrix itself; the factorisation's
 * p³/6 ≈ 1.4·10⁹ multiply-adds there take about 1.5 s in V8, as much as a trial should spend on it.
 */
export const RIDGE_DIRECT_MAX_COLS = 2048;
/**
 * Direct work (Gram plus Cholesky multiply-adds) allowed, in passes of the iterative solver over X's
 * non-zeros. L-BFGS needs 15-35 passes on small well-conditioned tables but hundreds on one-hot data at
 * large C (ames: 462 iterations at C = 1, the 500 cap at C = 100), so direct work worth up to 200 passes is
 * never far slower and usually much faster; wide dense X (dense Gram ≈ p/4 passes plus p²/(12n) for the
 * factorisation) goes iterative beyond roughly 800 columns.
 */
const DIRECT_PASSES = 200;
/** Below this many multiply-adds (tens of milliseconds) the direct solve is always taken. */
const DIRECT_SMALL_WORK = 3e7;
/**
 * A Cholesky pivot at or below this share of the largest diagonal entry counts as a failure: the system is
 * singular to working precision (l2 vanishingly small beside collinear columns), and the solution would
 * carry more rounding error than the iterative solver's tolerance allows.
 */
const PIVOT_FLOOR = 1e-10;

/**
 * Bytes the direct solve holds beyond X when it may apply (regression, l1_ratio 0, at most
 * RIDGE_DIRECT_MAX_COLS columns; whether the work is affordable depends on X's zeros, unknown here, so this
 * counts it whenever the width allows): the packed Gram triangle, four p-vectors and the centred target (n
 * doubles). The index of X's non-zeros it reads is the objective's own (fit.ts builds it once).
 */
export function ridgeDirectBytes(rows: number, cols: number): number {
  if (cols > RIDGE_DIRECT_MAX_COLS) return 0;
  return 8 * ((cols * (cols + 1)) / 2) + 8 * 4 * (cols + 1) + 8 * rows;
}

/** Multiply-adds of one squared-loss pass (a dot product and an update per non-zero) and of the direct solve. */
function workOf(X: Matrix, index: SparseIndex | null): { pass: number; direct: number } {
  const { rows: n, cols: p } = X;
  let gram: number;
  let nonzero: number;
  if (index) {
    gram = 0;
    for (let i = 0; i < n; i++) {
      const m = index.start[i + 1] - index.start[i];
      gram += (m * (m + 1)) / 2;
    }
    nonzero = index.start[n];
  } else {
    gram = (n * p * (p + 1)) / 2;
    nonzero = n * p;
  }
  return { pass: 2 * nonzero + n, direct: gram + (p * p * p) / 6 };
}

/** True when the direct solve is within RIDGE_DIRECT_MAX_COLS and its work within DIRECT_PASSES passes (or small). */
export function ridgeDirectAffordable(X: Matrix, index: SparseIndex | null = sparseIndex(X)): boolean {
  if (X.cols > RIDGE_DIRECT_MAX_COLS) return false;
  const { pass, direct } = workOf(X, index);
  return direct <= DIRECT_SMALL_WORK || direct <= DIRECT_PASSES * pass;
}

/**
 * The exact minimiser [β (p), b] of squaredObjective(problem, target), or null when it is not affordable
 * (see ridgeDirectAffordable) or the Cholesky factorisation fails; the caller then solves iteratively.
 */
export function solveRidgeDirect(problem: Problem, target: TargetScale, index: SparseIndex | null = sparseIndex(problem.X)): Float64Array | null {
  const { X, y, weights, l2 } = problem;
  if (!ridgeDirectAffordable(X, index)) return null;
  const { rows: n, cols: p, data } = X;
  const { mean, scale } = target;

  // Weighted means of the columns and of the standardised target (weights sum to 1).
  const xBar = new Float64Array(p);
  let yBar = 0;
  for (let i = 0, off = 0; i < n; i++, off += p) {
    const v = weights[i];
    if (v === 0) continue;
    yBar += v * ((y[i] - mean) / scale);
    for (let j = 0; j < p; j++) xBar[j] += v * data[off + j];
  }

  // Packed lower triangle: entry (j, k), k ≤ j, at j(j+1)/2 + k, so a row of it is contiguous.
  const gram = new Float64Array((p * (p + 1)) / 2);
  const rhs = new Float64Array(p);
  const t = new Float64Array(n);
  for (let i = 0; i < n; i++) t[i] = (y[i] - mean) / scale - yBar;
  if (index) sparseGram(X, index, weights, t, xBar, gram, rhs);
  else denseGram(X, weights, t, xBar, gram, rhs);
  for (let j = 0; j < p; j++) gram[(j * (j + 3)) >> 1] += l2;

  if (!cholesky(gram, p)) return null;
  const x = new Float64Array(p + 1);
  const beta = x.subarray(0, p);
  beta.set(rhs);
  solveFactored(gram, p, beta);
  let b = yBar;
  for (let j = 0; j < p; j++) b -= xBar[j] * beta[j];
  x[p] = b;
  return x;
}

/**
 * Σw(x−x̄)(x−x̄)ᵀ and Σw(x−x̄)t over the non-zeros of X: raw second moments, centred afterwards by
 * subtracting x̄x̄ᵀ (weights sum to 1); t is centred (Σw·t = 0), so the raw Σw·x·t is already the centred
 * right-hand side. The cancellation is harmless for the pipeline's standardised and 0/1 columns, and
 * fit.ts's confirming evaluation would polish a solution it spoiled.
 */
function sparseGram(X: Matrix, index: SparseIndex, weights: Float64Array, t: Float64Array, xBar: Float64Array, gram: Float64Array, rhs: Float64Array): void {
  const { rows: n, cols: p, data } = X;
  const { start, columns } = index;
  // The row's non-zero values and their triangle rows, gathered once so the inner loop reads them contiguously.
  const values = new Float64Array(p);
  const cols = new Int32Array(p);
  for (let i = 0, off = 0; i < n; i++, off += p) {
    const v = weights[i];
    if (v === 0) continue;
    const first = start[i];
    const m = start[i + 1] - first;
    for (let a = 0; a < m; a++) {
      const j = columns[first + a];
      cols[a] = j;
      values[a] = data[off + j];
    }
    const ti = t[i];
    for (let a = 0; a < m; a++) {
      const j = cols[a];
      const vx = v * values[a];
      rhs[j] += vx * ti;
      const row = (j * (j + 1)) >> 1;
      for (let b = 0; b <= a; b++) gram[row + cols[b]] += vx * values[b];
    }
  }
  for (let j = 0, row = 0; j < p; row += ++j) {
    const xj = xBar[j];
    if (xj !== 0) for (let k = 0; k <= j; k++) gram[row + k] -= xj * xBar[k];
  }
}

/** Σw(x−x̄)(x−x̄)ᵀ and Σw(x−x̄)t, centring each row first, which keeps full precision whatever the columns' offsets. */
function denseGram(X: Matrix, weights: Float64Array, t: Float64Array, xBar: Float64Array, gram: Float64Array, rhs: Float64Array): void {
  const { rows: n, cols: p, data } = X;
  const r = new Float64Array(p);
  for (let i = 0, off = 0; i < n; i++, off += p) {
    const v = weights[i];
    if (v === 0) continue;
    for (let j = 0; j < p; j++) r[j] = data[off + j] - xBar[j];
    const ti = t[i];
    for (let j = 0, row = 0; j < p; row += ++j) {
      const vr = v * r[j];
      rhs[j] += vr * ti;
      for (let k = 0; k <= j; k++) gram[row + k] += vr * r[k];
    }
  }
}

/**
 * In-place Cholesky A = LLᵀ of a packed lower triangle, row by row (each entry a dot product of two
 * contiguous row prefixes). False when a pivot is not positive beyond PIVOT_FLOOR of the largest diagonal.
 */
export function cholesky(a: Float64Array, p: number): boolean {
  let maxDiag = 0;
  for (let j = 0; j < p; j++) maxDiag = Math.max(maxDiag, a[(j * (j + 3)) >> 1]);
  const floor = PIVOT_FLOOR * maxDiag;
  for (let i = 0, ri = 0; i < p; ri += ++i) {
    for (let j = 0, rj = 0; j <= i; rj += ++j) {
      let s = a[ri + j];
      for (let k = 0; k < j; k++) s -= a[ri + k] * a[rj + k];
      if (j < i) a[ri + j] = s / a[rj + j];
      else {
        if (!(s > floor)) return false;
        a[ri + i] = Math.sqrt(s);
      }
    }
  }
  return true;
}

/** Solves LLᵀx = b in place (b becomes x) with L a packed lower-triangular Cholesky factor. */
function solveFactored(l: Float64Array, p: number, b: Float64Array): void {
  for (let i = 0, ri = 0; i < p; ri += ++i) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= l[ri + k] * b[k];
    b[i] = s / l[ri + i];
  }
  // Lᵀ's rows are L's columns: back-substitute column by column, scattering each solved entry upwards.
  for (let i = p - 1; i >= 0; i--) {
    const ri = (i * (i + 1)) >> 1;
    const xi = b[i] / l[ri + i];
    b[i] = xi;
    for (let k = 0; k < i; k++) b[k] -= l[ri + k] * xi;
  }
}
