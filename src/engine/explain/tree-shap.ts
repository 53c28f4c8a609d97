/**
 * @module engine/explain/tree-shap
 * Exact path-dependent TreeSHAP (Lundberg, Erion and Lee 2018, Algorithm 2) over the flat trees of
 * models/tree/flat-tree. For one row it walks every tree once, carrying the path of features split on so
 * far together with, for each, the share of training cover that flows down the path when the feature is
 * unknown (z, "zero fraction") and whether the row itself follows the path (o, "one fraction"), and the
 * permutation weights of every subset size. At each leaf the leaf value is credited to every path feature
 * by its Shapley weight, in O(depth²) per leaf. A feature met twice on a path is first unwound, so repeats
 * are exact. The hot child (the one the row goes to) is chosen by the forest's own routing test, so
 * missing values and category sets go exactly where prediction sends them.
 *
 * Covers come from the forest's per-leaf covers (internal nodes sum their children); the expected value
 * of a tree is its leaves' values weighted by cover. Everything per row works in preallocated typed
 * arrays: no allocation while explaining.
 */
import type { FlatForest } from '../models/tree/flat-tree';
import { explainUnavailable } from './explanation';

/** How tree outputs land in the explained outputs. */
export interface TreeOutputs {
  /** Leaf values, `leafWidth` per global leaf. */
  readonly leafValues: Float32Array;
  /**
   * 1: each tree has scalar leaves and tree t adds to output t % width (boosting: one tree per class per
   * round). `width`: each leaf holds one value per output (multiclass forests).
   */
  readonly leafWidth: number;
  /** Outputs explained per row. */
  readonly width: number;
  /** Factor applied to every tree (1 for a sum of trees, 1 / nTrees for an average). */
  readonly treeScale: number;
}

/** Exact TreeSHAP for every tree of one forest. */
export class ForestShap {
  /** Σ over trees of treeScale × the tree's expected value, per output. */
  readonly expected: Float64Array;
  /** The steps one row's explanation takes (pathShape), what its time is proportional to. */
  readonly workPerRow: number;
  private readonly nodeCover: Float64Array;
  private readonly leafCover: Float32Array;
  /** Share of each internal node's cover that goes left and right (precomputed: the walk reads them per node). */
  private readonly leftShare: Float64Array;
  private readonly rightShare: Float64Array;
  private readonly roots: Int32Array;
  private readonly feature: Int32Array;
  private readonly left: Int32Array;
  private readonly right: Int32Array;
  private readonly values: Float32Array;
  private readonly leafWidth: number;
  private readonly width: number;
  private readonly treeScale: number;
  /** 1 / k for k up to the longest path: the weight updates multiply by these instead of dividing. */
  private readonly reciprocal: Float64Array;
  // The path, one segment per level of the recursion (a hot child works on a copy, a cold child in place).
  private readonly pathFeature: Int32Array;
  private readonly pathZero: Float64Array;
  private readonly pathOne: Float64Array;
  private readonly pathWeight: Float64Array;
  // The row being explained and where its contributions go.
  private x: Float32Array = new Float32Array(0);
  private xBase = 0;
  private phi: Float64Array = new Float64Array(0);
  private phiBase = 0;
  /** Output index of the current tree (scalar leaves only). */
  private output = 0;

  /** @throws EngineError (explain_unavailable) when the forest carries no covers (an older artifact). */
  constructor(
    private readonly forest: FlatForest,
    outputs: TreeOutputs,
  ) {
    const a = forest.arrays();
    if (a.leafCover === null) {
      throw explainUnavailable('this model was stored before explanations were supported (its trees carry no training covers); retrain it to get explanations');
    }
    this.leafCover = a.leafCover;
    this.roots = a.treeRoot;
    this.feature = a.feature;
    this.left = a.left;
    this.right = a.right;
    this.values = outputs.leafValues;
    this.leafWidth = outputs.leafWidth;
    this.width = outputs.width;
    this.treeScale = outputs.treeScale;
    this.nodeCover = new Float64Array(a.feature.length);
    // Children always have larger indices than their parent, so one backward pass sums covers upwards.
    for (let n = a.feature.length - 1; n >= 0; n--) this.nodeCover[n] = this.cover(a.left[n]) + this.cover(a.right[n]);
    this.leftShare = Float64Array.from(a.left, (c, n) => this.fraction(n, c));
    this.rightShare = Float64Array.from(a.right, (c, n) => this.fraction(n, c));
    this.expected = this.expectedValues();
    const { deepest: depth, work } = this.pathShape();
    this.workPerRow = work;
    this.reciprocal = Float64Array.from({ length: depth + 3 }, (_, k) => (k === 0 ? 0 : 1 / k));
    const storage = ((depth + 2) * (depth + 3)) / 2;
    this.pathFeature = new Int32Array(storage);
    this.pathZero = new Float64Array(storage);
    this.pathOne = new Float64Array(storage);
    this.pathWeight = new Float64Array(storage);
  }

  /**
   * Adds the contributions of the row starting at `x[xBase]` to `phi[phiBase + feature * width + output]`
   * (the caller zeroes `phi`; contributions of all trees accumulate).
   */
  explainRow(x: Float32Array, xBase: number, phi: Float64Array, phiBase: number): void {
    this.x = x;
    this.xBase = xBase;
    this.phi = phi;
    this.phiBase = phiBase;
    const nTrees = this.roots.length;
    for (let t = 0; t < nTrees; t++) {
      this.output = t % this.width;
      this.recurse(this.roots[t], 0, 0, 1, 1, -1);
    }
  }

  /** Cover of a child index (internal node >= 0, leaf ~l < 0). */
  private cover(c: number): number {
    return c >= 0 ? this.nodeCover[c] : this.leafCover[~c];
  }

  /** Share of node n's cover that goes to child c; an empty node (never seen in training) splits evenly. */
  private fraction(n: number, c: number): number {
    const total = this.nodeCover[n];
    return total > 0 ? this.cover(c) / total : 0.5;
  }

  /**
   * One step of the recursion. This call owns the path of `len` elements at `s`: it extends it by feature
   * `pf` with fractions (pz, po); at a leaf it credits the leaf's value, at a split it unwinds the
   * feature's earlier occurrence (if any), then visits the hot child on a copy placed right after its own
   * segment and the cold child last, in place (the path is not needed after it, so that copy is saved).
   */
  private recurse(node: number, s: number, len: number, pz: number, po: number, pf: number): void {
    len = this.extend(s, len, pz, po, pf);
    if (node < 0) {
      this.credit(~node, s, len);
      return;
    }
    const F = this.pathFeature;
    const Z = this.pathZero;
    const O = this.pathOne;
    const W = this.pathWeight;
    const d = this.feature[node];
    const goLeft = this.forest.goesLeft(node, this.x, this.xBase);
    const hot = goLeft ? this.left[node] : this.right[node];
    const cold = goLeft ? this.right[node] : this.left[node];
    const hotShare = goLeft ? this.leftShare[node] : this.rightShare[node];
    const coldShare = goLeft ? this.rightShare[node] : this.leftShare[node];
    let iz = 1;
    let io = 1;
    // Element 0 is the root's placeholder (feature -1), never a real feature.
    let k = 1;
    while (k < len && F[s + k] !== d) k++;
    if (k < len) {
      iz = Z[s + k];
      io = O[s + k];
      this.unwind(s, len - 1, k);
      len--;
    }
    const hotZero = iz * hotShare;
    // A branch with both fractions 0 has no weight at all (and would divide by zero when unwound): skip it.
    if (hotZero > 0 || io > 0) {
      const t = s + len;
      for (let i = 0; i < len; i++) {
        F[t + i] = F[s + i];
        Z[t + i] = Z[s + i];
        O[t + i] = O[s + i];
        W[t + i] = W[s + i];
      }
      this.recurse(hot, t, len, hotZero, io, d);
    }
    const coldZero = iz * coldShare;
    if (coldZero > 0) this.recurse(cold, s, len, coldZero, 0, d);
  }

  /** Appends (pf, pz, po) to the path of `len` elements at `s` and updates the subset weights; returns the new length. */
  private extend(s: number, len: number, pz: number, po: number, pf: number): number {
    const W = this.pathWeight;
    this.pathFeature[s + len] = pf;
    this.pathZero[s + len] = pz;
    this.pathOne[s + len] = po;
    W[s + len] = len === 0 ? 1 : 0;
    const inv = this.reciprocal[len + 1];
    const one = po * inv;
    const zero = pz * inv;
    for (let i = len - 1; i >= 0; i--) {
      const w = W[s + i];
      W[s + i + 1] += one * w * (i + 1);
      W[s + i] = zero * w * (len - i);
    }
    return len + 1;
  }

  /** Removes element i from the path whose last index is `last`, undoing its extension. */
  private unwind(s: number, last: number, i: number): void {
    const W = this.pathWeight;
    const R = this.reciprocal;
    const one = this.pathOne[s + i];
    const zero = this.pathZero[s + i];
    const n1 = last + 1;
    if (one !== 0) {
      const up = n1 / one;
      const down = zero * R[n1];
      let next = W[s + last];
      for (let j = last - 1; j >= 0; j--) {
        const kept = W[s + j];
        const w = next * (up * R[j + 1]);
        W[s + j] = w;
        next = kept - w * (down * (last - j));
      }
    } else {
      const up = n1 / zero;
      for (let j = last - 1; j >= 0; j--) W[s + j] *= up * R[last - j];
    }
    for (let j = i; j < last; j++) {
      this.pathFeature[s + j] = this.pathFeature[s + j + 1];
      this.pathZero[s + j] = this.pathZero[s + j + 1];
      this.pathOne[s + j] = this.pathOne[s + j + 1];
    }
  }

  /**
   * Total subset weight the path (last index `last`) would have with element i unwound, for an element
   * the row follows (one fraction != 0); the path itself is left as is.
   */
  private unwoundSum(s: number, last: number, i: number): number {
    const W = this.pathWeight;
    const R = this.reciprocal;
    const n1 = last + 1;
    const up = n1 / this.pathOne[s + i];
    const down = this.pathZero[s + i] * R[n1];
    let total = 0;
    let next = W[s + last];
    for (let j = last - 1; j >= 0; j--) {
      // Factors that do not depend on `next` are grouped so the loop-carried chain stays short.
      const w = next * (up * R[j + 1]);
      total += w;
      next = W[s + j] - w * (down * (last - j));
    }
    return total;
  }

  /** Credits leaf `leaf` to every feature on the path of `len` elements at `s`. */
  private credit(leaf: number, s: number, len: number): void {
    const phi = this.phi;
    const width = this.width;
    const values = this.values;
    const W = this.pathWeight;
    const last = len - 1;
    // Elements the row does not follow (one fraction 0) all get the same share: their unwound sum is
    // (last + 1) / z · Σ_j W[j] / (last − j) and their factor (0 − z) cancels z. Computed once, when needed.
    let coldScale = NaN;
    for (let i = 1; i < len; i++) {
      const one = this.pathOne[s + i];
      let scale: number;
      if (one !== 0) scale = this.unwoundSum(s, last, i) * (one - this.pathZero[s + i]) * this.treeScale;
      else {
        if (coldScale !== coldScale) {
          let acc = 0;
          const R = this.reciprocal;
          for (let j = last - 1; j >= 0; j--) acc += W[s + j] * R[last - j];
          coldScale = -(last + 1) * acc * this.treeScale;
        }
        scale = coldScale;
      }
      const at = this.phiBase + this.pathFeature[s + i] * width;
      if (this.leafWidth === 1) phi[at + this.output] += scale * values[leaf];
      else for (let c = 0; c < width; c++) phi[at + c] += scale * values[leaf * width + c];
    }
  }

  /** Per output, Σ over trees of treeScale × (cover-weighted mean of the tree's leaf values). */
  private expectedValues(): Float64Array {
    const width = this.width;
    const lw = this.leafWidth;
    const nNodes = this.feature.length;
    // Mean leaf value under each internal node, filled backwards (children before parents).
    const mean = new Float64Array(nNodes * lw);
    const valueOf = (c: number, k: number): number => (c >= 0 ? mean[c * lw + k] : this.values[~c * lw + k]);
    for (let n = nNodes - 1; n >= 0; n--) {
      const l = this.left[n];
      const r = this.right[n];
      const fl = this.leftShare[n];
      const fr = this.rightShare[n];
      for (let k = 0; k < lw; k++) mean[n * lw + k] = fl * valueOf(l, k) + fr * valueOf(r, k);
    }
    const expected = new Float64Array(width);
    for (let t = 0; t < this.roots.length; t++) {
      const root = this.roots[t];
      if (lw === 1) expected[t % width] += this.treeScale * valueOf(root, 0);
      else for (let c = 0; c < width; c++) expected[c] += this.treeScale * valueOf(root, c);
    }
    return expected;
  }

  /**
   * Deepest leaf over all trees (the root is depth 0), and the steps one row's explanation takes
   * (workPerRow): each node extends the path by one (O(length)), each leaf credits every path feature
   * (O(length²), per output when leaves hold one value per output).
   */
  private pathShape(): { deepest: number; work: number } {
    const nNodes = this.feature.length;
    const depth = new Int32Array(nNodes);
    let deepest = 0;
    let work = 0;
    const perLeaf = this.leafWidth > 1 ? this.width : 1;
    // Roots are never anyone's child, so they keep depth 0; parents precede children in index order.
    for (let n = 0; n < nNodes; n++) {
      const l = this.left[n];
      const r = this.right[n];
      const length = depth[n] + 2;
      work += length - 1;
      if (l >= 0) depth[l] = depth[n] + 1;
      else work += perLeaf * length * length;
      if (r >= 0) depth[r] = depth[n] + 1;
      else work += perLeaf * length * length;
      if (l < 0 || r < 0) deepest = Math.max(deepest, depth[n] + 1);
    }
    // A tree that is a single leaf.
    for (const root of this.roots) if (root < 0) work += perLeaf;
    return { deepest, work };
  }
}
