/**
 * @module engine/models/forest/class-histogram
 * Per-bin class-weight histograms for multiclass forests: for every (feature, bin) of the listed features,
 * the weight of each class among the node's rows and their count (the 'class' layout of split-criterion,
 * stride K + 1). Two-class and regression forests use the gradient-boosting histogram builder instead,
 * whose three channels already hold what they need.
 */

/**
 * Accumulates the class histogram of rows `indices[start, start + count)` over `features[0, nFeatures)`.
 * `cls` and `w` hold the rows' classes and weights gathered in that same order (index 0 is row
 * indices[start]) so the inner loop reads them sequentially; `offsets` are the bin offsets of tree/binning.
 */
export function buildClassHistogram(
  hist: Float64Array,
  binned: Uint8Array,
  nRows: number,
  offsets: Int32Array,
  features: Int32Array,
  nFeatures: number,
  indices: Uint32Array,
  start: number,
  count: number,
  cls: Int32Array,
  w: Float32Array,
  k: number,
): void {
  const stride = k + 1;
  let f = 0;
  // Two features per pass: independent accumulation chains overlap in the CPU (see tree/histogram).
  for (; f + 1 < nFeatures; f += 2) {
    const f0 = features[f];
    const f1 = features[f + 1];
    const o0 = offsets[f0] * stride;
    const o1 = offsets[f1] * stride;
    hist.fill(0, o0, offsets[f0 + 1] * stride);
    hist.fill(0, o1, offsets[f1 + 1] * stride);
    const c0 = f0 * nRows;
    const c1 = f1 * nRows;
    for (let i = 0; i < count; i++) {
      const r = indices[start + i];
      const c = cls[i];
      const wi = w[i];
      const a = o0 + binned[c0 + r] * stride;
      hist[a + c] += wi;
      hist[a + k] += 1;
      const b = o1 + binned[c1 + r] * stride;
      hist[b + c] += wi;
      hist[b + k] += 1;
    }
  }
  for (; f < nFeatures; f++) {
    const f0 = features[f];
    const o0 = offsets[f0] * stride;
    hist.fill(0, o0, offsets[f0 + 1] * stride);
    const c0 = f0 * nRows;
    for (let i = 0; i < count; i++) {
      const a = o0 + binned[c0 + indices[start + i]] * stride;
      hist[a + cls[i]] += w[i];
      hist[a + k] += 1;
    }
  }
}
