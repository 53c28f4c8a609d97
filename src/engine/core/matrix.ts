/**
 * @module engine/core/matrix
 * The dense feature matrix every learner consumes: row-major Float32 values, NaN for a missing value.
 * One flat typed array, no per-row objects, so training and prediction loops stay allocation-free.
 */

export interface Matrix {
  readonly rows: number;
  readonly cols: number;
  /** Row-major values, length rows * cols; NaN marks a missing value. */
  readonly data: Float32Array;
}

export function matrix(rows: number, cols: number, data?: Float32Array): Matrix {
  const values = data ?? new Float32Array(rows * cols);
  if (values.length !== rows * cols) throw new RangeError(`matrix data has ${values.length} values, expected ${rows * cols}`);
  return { rows, cols, data: values };
}

/** Copies the given rows (by index) into a new matrix. */
export function takeRows(m: Matrix, index: ArrayLike<number>): Matrix {
  const out = new Float32Array(index.length * m.cols);
  for (let i = 0; i < index.length; i++) {
    const src = index[i] * m.cols;
    out.set(m.data.subarray(src, src + m.cols), i * m.cols);
  }
  return { rows: index.length, cols: m.cols, data: out };
}

/** Gathers a Float32 vector by index. */
export function takeValues(v: Float32Array, index: ArrayLike<number>): Float32Array {
  const out = new Float32Array(index.length);
  for (let i = 0; i < index.length; i++) out[i] = v[index[i]];
  return out;
}
