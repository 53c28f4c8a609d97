/**
 * @module engine/models/linear/objective
 * What the solver minimises: a smooth objective over a flat parameter vector laid out as
 * [coefficients of output 0 (p values), …, of output K−1, intercept 0, …, intercept K−1]. Each loss
 * (logistic, softmax, squared) implements SmoothObjective with one pass over the rows that returns the
 * value and the gradient together, since the solver almost always needs both at the same point.
 */
import type { Matrix } from '../../core/matrix';

/** A differentiable objective: value and gradient in one call, no allocation per call. */
export interface SmoothObjective {
  /** Length of the parameter vector. */
  readonly dim: number;
  /** Number of leading entries that are penalised (the coefficients; the intercepts follow). */
  readonly penalized: number;
  /** Writes ∇f(x) into grad and returns f(x). */
  evaluate(x: Float64Array, grad: Float64Array): number;
}

/** The data and regularisation shared by every loss. */
export interface Problem {
  readonly X: Matrix;
  readonly y: Float32Array;
  /** Per-row weights normalised to sum to 1, so the data term is a weighted mean loss. */
  readonly weights: Float64Array;
  /** L2 strength on the normalised objective: (1 − l1_ratio) / (C · Σw). */
  readonly l2: number;
}

/** Adds ½·l2·‖β‖² over the penalised entries to the value and l2·β to the gradient. */
export function addRidge(x: Float64Array, grad: Float64Array, penalized: number, l2: number): number {
  if (l2 === 0) return 0;
  let sum = 0;
  for (let j = 0; j < penalized; j++) {
    sum += x[j] * x[j];
    grad[j] += l2 * x[j];
  }
  return 0.5 * l2 * sum;
}

/**
 * At most this share of X's entries non-zero and the single-output losses (logistic, squared) visit only
 * the non-zero entries, through an index of where they are: one-hot columns leave most of a table's
 * encoded matrix zero (soybean 30%, credit_g 33%, ames 26%). The index costs 2 bytes an entry and 4 a
 * row, at most a quarter of the Float32 matrix it indexes.
 */
export const SPARSE_DENSITY = 0.5;

/** Where X's non-zero entries are, row by row: row i's columns are columns[start[i] … start[i+1] − 1]. */
export interface SparseIndex {
  readonly start: Int32Array;
  readonly columns: Uint16Array;
}

/**
 * The index of X's non-zero entries, or null when more than maxDensity of them are non-zero or X is too
 * wide for 16-bit column numbers.
 */
export function sparseIndex(X: Matrix, maxDensity = SPARSE_DENSITY): SparseIndex | null {
  const { rows, cols, data } = X;
  if (cols > 0x10000) return null;
  const nonzero = countNonzero(data, rows * cols);
  if (nonzero > maxDensity * rows * cols) return null;
  const start = new Int32Array(rows + 1);
  const columns = new Uint16Array(nonzero);
  let t = 0;
  for (let i = 0, off = 0; i < rows; i++, off += cols) {
    start[i] = t;
    for (let j = 0; j < cols; j++) if (data[off + j] !== 0) columns[t++] = j;
  }
  start[rows] = t;
  return { start, columns };
}

/** True when at most SPARSE_DENSITY of X's entries are non-zero. */
export function isSparse(X: Matrix): boolean {
  return countNonzero(X.data, X.rows * X.cols) <= SPARSE_DENSITY * X.rows * X.cols;
}

function countNonzero(data: Float32Array, cells: number): number {
  let nonzero = 0;
  for (let i = 0; i < cells; i++) if (data[i] !== 0) nonzero++;
  return nonzero;
}

/** Dot product of row i of X (its values starting at data[rowOffset]) with x[0 … p − 1], over its non-zeros. */
export function sparseRowDot(index: SparseIndex, i: number, data: Float32Array, rowOffset: number, x: Float64Array): number {
  const { columns } = index;
  let z = 0;
  for (let t = index.start[i], end = index.start[i + 1]; t < end; t++) {
    const j = columns[t];
    z += data[rowOffset + j] * x[j];
  }
  return z;
}

/** grad[j] += r · X[i, j] over row i's non-zero entries. */
export function addScaledSparseRow(index: SparseIndex, i: number, data: Float32Array, rowOffset: number, r: number, grad: Float64Array): void {
  const { columns } = index;
  for (let t = index.start[i], end = index.start[i + 1]; t < end; t++) {
    const j = columns[t];
    grad[j] += r * data[rowOffset + j];
  }
}

/** Dot product of row `row` of X with the p coefficients starting at x[start]. */
export function rowDot(data: Float32Array, rowOffset: number, x: Float64Array, start: number, p: number): number {
  // Four independent accumulators let the CPU overlap the multiply-adds (measured ~1.5-2x in V8).
  let z0 = 0;
  let z1 = 0;
  let z2 = 0;
  let z3 = 0;
  const end4 = p - (p & 3);
  let j = 0;
  for (; j < end4; j += 4) {
    z0 += data[rowOffset + j] * x[start + j];
    z1 += data[rowOffset + j + 1] * x[start + j + 1];
    z2 += data[rowOffset + j + 2] * x[start + j + 2];
    z3 += data[rowOffset + j + 3] * x[start + j + 3];
  }
  for (; j < p; j++) z0 += data[rowOffset + j] * x[start + j];
  return z0 + z1 + (z2 + z3);
}

/** grad[start + j] += r · X[row, j]: the row's contribution to one output's coefficient gradient. */
export function addScaledRow(data: Float32Array, rowOffset: number, r: number, grad: Float64Array, start: number, p: number): void {
  const end4 = p - (p & 3);
  let j = 0;
  for (; j < end4; j += 4) {
    grad[start + j] += r * data[rowOffset + j];
    grad[start + j + 1] += r * data[rowOffset + j + 1];
    grad[start + j + 2] += r * data[rowOffset + j + 2];
    grad[start + j + 3] += r * data[rowOffset + j + 3];
  }
  for (; j < p; j++) grad[start + j] += r * data[rowOffset + j];
}
