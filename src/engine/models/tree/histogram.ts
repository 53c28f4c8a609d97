/**
 * @module engine/models/tree/histogram
 * Gradient/hessian histograms: for every (feature, bin) the sums of gradient, hessian and row count of the
 * rows in one leaf. Split finding reads only these, never the rows. A child's histogram is built directly
 * only for the smaller child; the larger one is its parent minus the smaller (the subtraction trick), which
 * roughly halves the work per level. Two special cases save updates per cell: rows sharing one hessian
 * (squared error) accumulate no hessians, and a root over every row copies its counts, which are the same
 * for every tree. A bounded pool recycles the buffers so memory stays predictable.
 */

import { giveBack, histogramCapacity, take } from './fit-scratch';

/** Values per bin in a histogram: sum of gradients, sum of hessians, row count. */
export const HIST_STRIDE = 3;

/** Default memory allowed for live histograms of one tree (the pool evicts beyond this). */
export const DEFAULT_HISTOGRAM_BYTES = 32 * 1024 * 1024;

/**
 * Accumulates the histogram of rows `indices[start, start + count)` over the listed features.
 * `g` and `h` hold the gradients already gathered in that same order (index 0 is row indices[start]),
 * so the inner loop reads them sequentially; `binned` is column-major with `nRows` rows per feature.
 * Features are processed four at a time: the four accumulation chains are independent, which lets the
 * CPU overlap them (about twice as fast in V8 as one feature per pass).
 */
export function buildHistogram(
  hist: Float64Array,
  binned: Uint8Array,
  nRows: number,
  offsets: Int32Array,
  features: Int32Array,
  nFeatures: number,
  indices: Uint32Array,
  start: number,
  count: number,
  g: Float32Array,
  h: Float32Array,
): void {
  clearFeatures(hist, offsets, features, nFeatures);
  let k = 0;
  for (; k + 3 < nFeatures; k += 4) {
    const f0 = features[k];
    const f1 = features[k + 1];
    const f2 = features[k + 2];
    const f3 = features[k + 3];
    const o0 = offsets[f0] * HIST_STRIDE;
    const o1 = offsets[f1] * HIST_STRIDE;
    const o2 = offsets[f2] * HIST_STRIDE;
    const o3 = offsets[f3] * HIST_STRIDE;
    const c0 = f0 * nRows;
    const c1 = f1 * nRows;
    const c2 = f2 * nRows;
    const c3 = f3 * nRows;
    for (let i = 0; i < count; i++) {
      const r = indices[start + i];
      const gi = g[i];
      const hi = h[i];
      const a = o0 + binned[c0 + r] * HIST_STRIDE;
      hist[a] += gi;
      hist[a + 1] += hi;
      hist[a + 2] += 1;
      const b = o1 + binned[c1 + r] * HIST_STRIDE;
      hist[b] += gi;
      hist[b + 1] += hi;
      hist[b + 2] += 1;
      const c = o2 + binned[c2 + r] * HIST_STRIDE;
      hist[c] += gi;
      hist[c + 1] += hi;
      hist[c + 2] += 1;
      const d = o3 + binned[c3 + r] * HIST_STRIDE;
      hist[d] += gi;
      hist[d + 1] += hi;
      hist[d + 2] += 1;
    }
  }
  for (; k < nFeatures; k++) {
    const f = features[k];
    const off = offsets[f] * HIST_STRIDE;
    const base = f * nRows;
    for (let i = 0; i < count; i++) {
      const b = off + binned[base + indices[start + i]] * HIST_STRIDE;
      hist[b] += g[i];
      hist[b + 1] += h[i];
      hist[b + 2] += 1;
    }
  }
}

/**
 * buildHistogram for a leaf whose rows all share one hessian (squared error without weights, or equal
 * weights): only gradients and counts are accumulated and the hessian slots are left at zero, for a third
 * less memory traffic per row here and in subtractHistogram. The hessian of a bin is count * hConst, which
 * split finding adds itself (SplitFinder.find's `hConst`); that product is exactly the float64 sum of
 * `count` copies of a float32 hessian, so splits are the same as with the per-row hessians.
 */
export function buildHistogramConstantHessian(
  hist: Float64Array,
  binned: Uint8Array,
  nRows: number,
  offsets: Int32Array,
  features: Int32Array,
  nFeatures: number,
  indices: Uint32Array,
  start: number,
  count: number,
  g: Float32Array,
): void {
  clearFeatures(hist, offsets, features, nFeatures);
  let k = 0;
  for (; k + 3 < nFeatures; k += 4) {
    const f0 = features[k];
    const f1 = features[k + 1];
    const f2 = features[k + 2];
    const f3 = features[k + 3];
    const o0 = offsets[f0] * HIST_STRIDE;
    const o1 = offsets[f1] * HIST_STRIDE;
    const o2 = offsets[f2] * HIST_STRIDE;
    const o3 = offsets[f3] * HIST_STRIDE;
    const c0 = f0 * nRows;
    const c1 = f1 * nRows;
    const c2 = f2 * nRows;
    const c3 = f3 * nRows;
    for (let i = 0; i < count; i++) {
      const r = indices[start + i];
      const gi = g[i];
      const a = o0 + binned[c0 + r] * HIST_STRIDE;
      hist[a] += gi;
      hist[a + 2] += 1;
      const b = o1 + binned[c1 + r] * HIST_STRIDE;
      hist[b] += gi;
      hist[b + 2] += 1;
      const c = o2 + binned[c2 + r] * HIST_STRIDE;
      hist[c] += gi;
      hist[c + 2] += 1;
      const d = o3 + binned[c3 + r] * HIST_STRIDE;
      hist[d] += gi;
      hist[d + 2] += 1;
    }
  }
  for (; k < nFeatures; k++) {
    const f = features[k];
    const off = offsets[f] * HIST_STRIDE;
    const base = f * nRows;
    for (let i = 0; i < count; i++) {
      const b = off + binned[base + indices[start + i]] * HIST_STRIDE;
      hist[b] += g[i];
      hist[b + 2] += 1;
    }
  }
}

/**
 * The histogram of every training row in row order (a tree's root when the bag is full): no index
 * indirection, gradients read in place, and the counts copied from `counts` (per bin, the same for every
 * such root of a fit) instead of incremented, which saves one of the two or three updates per cell.
 * `h` null means the constant-hessian form (hessian slots left at zero, see buildHistogramConstantHessian).
 */
export function buildRootHistogram(
  hist: Float64Array,
  binned: Uint8Array,
  nRows: number,
  offsets: Int32Array,
  features: Int32Array,
  nFeatures: number,
  g: Float32Array,
  h: Float32Array | null,
  counts: Float64Array,
): void {
  clearFeatures(hist, offsets, features, nFeatures);
  let k = 0;
  for (; k + 3 < nFeatures; k += 4) {
    const o0 = offsets[features[k]] * HIST_STRIDE;
    const o1 = offsets[features[k + 1]] * HIST_STRIDE;
    const o2 = offsets[features[k + 2]] * HIST_STRIDE;
    const o3 = offsets[features[k + 3]] * HIST_STRIDE;
    const c0 = features[k] * nRows;
    const c1 = features[k + 1] * nRows;
    const c2 = features[k + 2] * nRows;
    const c3 = features[k + 3] * nRows;
    if (h === null) {
      for (let r = 0; r < nRows; r++) {
        const gr = g[r];
        hist[o0 + binned[c0 + r] * HIST_STRIDE] += gr;
        hist[o1 + binned[c1 + r] * HIST_STRIDE] += gr;
        hist[o2 + binned[c2 + r] * HIST_STRIDE] += gr;
        hist[o3 + binned[c3 + r] * HIST_STRIDE] += gr;
      }
      continue;
    }
    for (let r = 0; r < nRows; r++) {
      const gr = g[r];
      const hr = h[r];
      const a = o0 + binned[c0 + r] * HIST_STRIDE;
      hist[a] += gr;
      hist[a + 1] += hr;
      const b = o1 + binned[c1 + r] * HIST_STRIDE;
      hist[b] += gr;
      hist[b + 1] += hr;
      const c = o2 + binned[c2 + r] * HIST_STRIDE;
      hist[c] += gr;
      hist[c + 1] += hr;
      const d = o3 + binned[c3 + r] * HIST_STRIDE;
      hist[d] += gr;
      hist[d + 1] += hr;
    }
  }
  for (; k < nFeatures; k++) {
    const off = offsets[features[k]] * HIST_STRIDE;
    const base = features[k] * nRows;
    for (let r = 0; r < nRows; r++) {
      const a = off + binned[base + r] * HIST_STRIDE;
      hist[a] += g[r];
      if (h !== null) hist[a + 1] += h[r];
    }
  }
  for (let k = 0; k < nFeatures; k++) {
    const f = features[k];
    for (let bin = offsets[f]; bin < offsets[f + 1]; bin++) hist[bin * HIST_STRIDE + 2] = counts[bin];
  }
}

/** Rows per bin over all `nRows` rows, for every feature (the counts buildRootHistogram copies). */
export function countAllRows(binned: Uint8Array, nRows: number, offsets: Int32Array): Float64Array {
  const nFeatures = offsets.length - 1;
  const counts = new Float64Array(offsets[nFeatures]);
  for (let f = 0; f < nFeatures; f++) {
    const off = offsets[f];
    const base = f * nRows;
    for (let r = 0; r < nRows; r++) counts[off + binned[base + r]]++;
  }
  return counts;
}

/** Zeroes the bins of the listed features: one fill when every feature is listed (their bins are contiguous). */
function clearFeatures(hist: Float64Array, offsets: Int32Array, features: Int32Array, nFeatures: number): void {
  if (nFeatures === offsets.length - 1) {
    hist.fill(0, 0, offsets[nFeatures] * HIST_STRIDE);
    return;
  }
  for (let k = 0; k < nFeatures; k++) {
    const f = features[k];
    hist.fill(0, offsets[f] * HIST_STRIDE, offsets[f + 1] * HIST_STRIDE);
  }
}

/**
 * Turns `parent` into the histogram of its larger child: parent -= smaller, over the listed features.
 * `withHessian` false skips the hessian slots (histograms of buildHistogramConstantHessian, where they are 0).
 */
export function subtractHistogram(
  parent: Float64Array,
  smaller: Float64Array,
  offsets: Int32Array,
  features: Int32Array,
  nFeatures: number,
  withHessian = true,
): void {
  // Every feature in use (no feature_fraction): their bins are one contiguous run, so one flat loop
  // replaces many short per-feature loops (features with few bins are common, e.g. categoricals).
  if (nFeatures === offsets.length - 1) {
    subtractRange(parent, smaller, 0, offsets[nFeatures] * HIST_STRIDE, withHessian);
    return;
  }
  for (let k = 0; k < nFeatures; k++) {
    const f = features[k];
    subtractRange(parent, smaller, offsets[f] * HIST_STRIDE, offsets[f + 1] * HIST_STRIDE, withHessian);
  }
}

function subtractRange(parent: Float64Array, smaller: Float64Array, from: number, to: number, withHessian: boolean): void {
  if (withHessian) {
    for (let i = from; i < to; i++) parent[i] -= smaller[i];
    return;
  }
  for (let i = from; i < to; i += HIST_STRIDE) {
    parent[i] -= smaller[i];
    parent[i + 2] -= smaller[i + 2];
  }
}

/**
 * Owns the histogram buffers of one tree's leaves. Buffers are allocated lazily up to a byte cap; when the
 * cap is reached, the leaf least likely to be split next (lowest best gain) gives its buffer up and will
 * later have its children built directly instead of by subtraction.
 */
export class HistogramPool {
  private readonly buffers: Float64Array[] = [];
  /** Leaf owning each buffer, or -1 when free. */
  private readonly owner: number[] = [];
  /** Buffer held by each leaf, or -1. */
  private readonly held: Int32Array;
  private readonly capacity: number;

  /**
   * @param size values per histogram (total bins * HIST_STRIDE)
   * @param maxLeaves leaves a tree may have
   * @param priority best split gain per leaf, read when choosing a victim to evict
   */
  constructor(
    private readonly size: number,
    maxLeaves: number,
    private readonly priority: Float64Array,
    maxBytes = DEFAULT_HISTOGRAM_BYTES,
  ) {
    this.held = new Int32Array(maxLeaves).fill(-1);
    this.capacity = HistogramPool.capacityFor(size, maxLeaves, maxBytes);
  }

  /** Buffers that may be alive at once for these sizes (for memory estimates). */
  static capacityFor(size: number, maxLeaves: number, maxBytes = DEFAULT_HISTOGRAM_BYTES): number {
    // A split needs at most two buffers besides the one kept by the larger child; 3 leaves headroom.
    return Math.min(maxLeaves, Math.max(3, Math.floor(maxBytes / (size * 8))));
  }

  /** Hands every buffer to the next fit (fit-scratch); the pool must not be used afterwards. */
  giveBack(): void {
    giveBack(...this.buffers);
    this.buffers.length = 0;
    this.owner.length = 0;
  }

  /** Frees every buffer (start of a new tree); the buffers themselves are kept for reuse. */
  reset(): void {
    this.held.fill(-1);
    this.owner.fill(-1);
  }

  /** The leaf's histogram, or null if it never had one or it was evicted. */
  get(leaf: number): Float64Array | null {
    const b = this.held[leaf];
    return b < 0 ? null : this.buffers[b];
  }

  /** A buffer for `leaf` (contents unspecified); never evicts the leaves in `keepA`/`keepB`. */
  acquire(leaf: number, keepA: number, keepB: number): Float64Array {
    const mine = this.held[leaf];
    if (mine >= 0) return this.buffers[mine];
    let b = this.owner.indexOf(-1);
    if (b < 0 && this.buffers.length < this.capacity) {
      b = this.buffers.length;
      this.buffers.push(take(Float64Array, this.size, histogramCapacity(this.size)));
      this.owner.push(-1);
    }
    if (b < 0) b = this.victim(leaf, keepA, keepB);
    this.owner[b] = leaf;
    this.held[leaf] = b;
    return this.buffers[b];
  }

  /** Hands the buffer of leaf `from` to leaf `to` (the parent's histogram becomes the larger child's). */
  transfer(from: number, to: number): void {
    if (from === to) return;
    const b = this.held[from];
    this.release(to);
    this.held[from] = -1;
    this.held[to] = b;
    if (b >= 0) this.owner[b] = to;
  }

  /** Returns the leaf's buffer to the pool (the leaf will not be split). */
  release(leaf: number): void {
    const b = this.held[leaf];
    if (b < 0) return;
    this.owner[b] = -1;
    this.held[leaf] = -1;
  }

  private victim(leaf: number, keepA: number, keepB: number): number {
    let best = -1;
    for (let b = 0; b < this.buffers.length; b++) {
      const o = this.owner[b];
      if (o === leaf || o === keepA || o === keepB) continue;
      if (best < 0 || this.priority[o] < this.priority[this.owner[best]]) best = b;
    }
    if (best < 0) throw new Error('histogram pool exhausted'); // capacity >= 3 makes this unreachable
    this.held[this.owner[best]] = -1;
    return best;
  }
}
