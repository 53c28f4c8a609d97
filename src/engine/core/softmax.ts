/**
 * @module engine/core/softmax
 * The numerically stable softmax of one row of scores (shifted by their maximum before exponentiating),
 * shared by boosting's multiclass objective and the ensembles' log-linear pool.
 */

/** Writes softmax(src[s..s+k)) into dst[d..d+k); src and dst may be the same array at the same offset. */
export function softmaxInto(src: Float64Array, s: number, k: number, dst: Float64Array, d: number): void {
  let max = -Infinity;
  for (let c = 0; c < k; c++) if (src[s + c] > max) max = src[s + c];
  let sum = 0;
  for (let c = 0; c < k; c++) {
    const e = Math.exp(src[s + c] - max);
    dst[d + c] = e;
    sum += e;
  }
  for (let c = 0; c < k; c++) dst[d + c] /= sum;
}
