/**
 * @module engine/models/tree/grow-tree
 * Grows one regression tree on gradients and hessians, leaf-wise (best-first) as LightGBM does: at every
 * step the leaf whose best split gains the most is split, until num_leaves is reached or nothing gains.
 * Rows of each leaf are a contiguous range of one index array, partitioned in place on every split, so the
 * caller can read leaf membership without any per-row objects. One grower is reused for all trees of a fit.
 */
import type { BinMapper, FeatureBins } from './binning';
import { emptyTreeNodes, FLAG_CATEGORICAL, FLAG_DEFAULT_LEFT, type TreeNodes } from './flat-tree';
import { buildHistogram, buildHistogramConstantHessian, buildRootHistogram, countAllRows, HIST_STRIDE, HistogramPool, subtractHistogram } from './histogram';
import { giveBack, take } from './fit-scratch';
import { type SplitConfig, SplitFinder, SplitInfo } from './split-finder';

/** Tree-shape settings on top of the split-search ones. */
export interface GrowConfig extends SplitConfig {
  readonly numLeaves: number;
  /** Maximum depth; 0 or less means unlimited (leaf-wise growth is bounded by numLeaves instead). */
  readonly maxDepth: number;
  /** Byte cap for live histograms (see HistogramPool). */
  readonly histogramBytes?: number;
}

/** Reusable leaf-wise tree grower over one binned training matrix. */
export class TreeGrower {
  /** Row ids; leaf l owns indices[leafStart[l], leafStart[l] + leafCount[l]) after `grow`. */
  readonly indices: Uint32Array;
  readonly leafStart: Int32Array;
  readonly leafCount: Int32Array;
  /** Gradient and hessian sums per leaf (leaf outputs are computed from these). */
  readonly leafG: Float64Array;
  readonly leafH: Float64Array;
  /** The last grown tree's structure in local numbering. */
  readonly tree: TreeNodes & { nNodes: number };

  private readonly scratch: Uint32Array;
  private readonly gBuf: Float32Array;
  private readonly hBuf: Float32Array;
  private readonly depth: Int32Array;
  private readonly parentNode: Int32Array;
  private readonly isLeftChild: Uint8Array;
  private readonly gain: Float64Array;
  private readonly splits: SplitInfo[];
  private readonly finder: SplitFinder;
  private readonly pool: HistogramPool;
  private features: Int32Array = new Int32Array(0);
  private nFeatures = 0;
  /** Bins of the features in use (the cost of one histogram subtraction). */
  private binsUsed = 0;
  /**
   * The hessian every bagged row shares in this tree (squared error), or NaN when they differ. When set,
   * this tree's histograms carry no hessian sums (see buildHistogramConstantHessian).
   */
  private hConst = Number.NaN;
  /** Rows per bin over all rows: a full-bag root's counts, the same for every tree (made on first use). */
  private allRowCounts: Float64Array | null = null;

  /**
   * @param capacity rows the row-sized work arrays are sized for when reusing fit scratch (a fold sizes
   *   them for the refit that follows; see fit-scratch)
   */
  constructor(
    private readonly binned: Uint8Array,
    private readonly nRows: number,
    private readonly mapper: BinMapper,
    private readonly cfg: GrowConfig,
    capacity = nRows,
  ) {
    const L = Math.max(1, cfg.numLeaves);
    // Each is written before it is read (indices by grow, the rest per leaf), so reused arrays are safe.
    this.indices = take(Uint32Array, nRows, capacity);
    this.scratch = take(Uint32Array, nRows, capacity);
    this.gBuf = take(Float32Array, nRows, capacity);
    this.hBuf = take(Float32Array, nRows, capacity);
    this.leafStart = new Int32Array(L);
    this.leafCount = new Int32Array(L);
    this.leafG = new Float64Array(L);
    this.leafH = new Float64Array(L);
    this.depth = new Int32Array(L);
    this.parentNode = new Int32Array(L);
    this.isLeftChild = new Uint8Array(L);
    this.gain = new Float64Array(L);
    this.splits = Array.from({ length: L }, () => new SplitInfo(mapper.maxFeatureBins));
    this.finder = new SplitFinder(mapper, cfg);
    this.pool = new HistogramPool(mapper.totalBins * HIST_STRIDE, L, this.gain, cfg.histogramBytes);
    const nodes = Math.max(1, L - 1);
    this.tree = emptyTreeNodes(nodes);
  }

  /** Hands the row-sized arrays and histograms to the next fit (fit-scratch); the grower is done. */
  giveBack(): void {
    giveBack(this.indices, this.scratch, this.gBuf, this.hBuf);
    this.pool.giveBack();
  }

  /**
   * Grows a tree on rows `rows[0, count)` (a bag, in increasing order) using only `features[0, nFeatures)`.
   * `g` and `h` are indexed by row id. Returns the number of leaves.
   */
  grow(g: Float32Array, h: Float32Array, rows: Uint32Array, count: number, features: Int32Array, nFeatures: number): number {
    this.features = features;
    this.nFeatures = nFeatures;
    this.pool.reset();
    this.tree.nNodes = 0;
    this.indices.set(rows.subarray(0, count));
    this.leafStart[0] = 0;
    this.leafCount[0] = count;
    this.depth[0] = 0;
    this.parentNode[0] = -1;
    let G = 0;
    let H = 0;
    const h0 = count > 0 ? h[rows[0]] : 0;
    let sameHessian = true;
    for (let i = 0; i < count; i++) {
      const r = rows[i];
      G += g[r];
      H += h[r];
      sameHessian &&= h[r] === h0;
    }
    this.hConst = sameHessian ? h0 : Number.NaN;
    this.leafG[0] = G;
    this.leafH[0] = H;
    this.binsUsed = 0;
    for (let k = 0; k < nFeatures; k++) this.binsUsed += this.mapper.features[features[k]].nBins;
    this.gain[0] = -Infinity;
    if (this.cfg.numLeaves > 1 && this.splittable(0)) {
      if (count === this.nRows) this.buildFullRoot(g, h);
      else this.build(0, g, h, -1);
      this.findSplit(0);
    }
    let nLeaves = 1;
    while (nLeaves < this.cfg.numLeaves) {
      let best = -1;
      for (let l = 0; l < nLeaves; l++) if (this.gain[l] > -Infinity && (best < 0 || this.gain[l] > this.gain[best])) best = l;
      if (best < 0) break;
      nLeaves++;
      this.split(best, nLeaves - 1, g, h, nLeaves < this.cfg.numLeaves);
    }
    return nLeaves;
  }

  private build(leaf: number, g: Float32Array, h: Float32Array, keep: number): void {
    const hist = this.pool.acquire(leaf, keep, -1);
    const start = this.leafStart[leaf];
    const count = this.leafCount[leaf];
    // Gather the leaf's gradients once so the per-feature loops read them sequentially.
    const hConst = this.hConst;
    if (hConst === hConst) {
      for (let i = 0; i < count; i++) this.gBuf[i] = g[this.indices[start + i]];
      const { binned, nRows, features, nFeatures, indices } = this;
      buildHistogramConstantHessian(hist, binned, nRows, this.mapper.offsets, features, nFeatures, indices, start, count, this.gBuf);
      return;
    }
    for (let i = 0; i < count; i++) {
      const r = this.indices[start + i];
      this.gBuf[i] = g[r];
      this.hBuf[i] = h[r];
    }
    buildHistogram(hist, this.binned, this.nRows, this.mapper.offsets, this.features, this.nFeatures, this.indices, start, count, this.gBuf, this.hBuf);
  }

  /** The root's histogram when the bag holds every row (then `rows` is 0..nRows-1 in order). */
  private buildFullRoot(g: Float32Array, h: Float32Array): void {
    const hist = this.pool.acquire(0, -1, -1);
    this.allRowCounts ??= countAllRows(this.binned, this.nRows, this.mapper.offsets);
    const hOrNull = this.hConst === this.hConst ? null : h;
    buildRootHistogram(hist, this.binned, this.nRows, this.mapper.offsets, this.features, this.nFeatures, g, hOrNull, this.allRowCounts);
  }

  /** Whether a leaf may be split at all (enough rows and hessian for two children, depth left). */
  private splittable(leaf: number): boolean {
    const cfg = this.cfg;
    return (
      this.leafCount[leaf] >= 2 * cfg.minDataInLeaf &&
      this.leafH[leaf] >= 2 * cfg.minSumHessianInLeaf &&
      (cfg.maxDepth <= 0 || this.depth[leaf] < cfg.maxDepth)
    );
  }

  /** Searches the best split of a leaf that holds a histogram, then drops the histogram if it cannot split. */
  private findSplit(leaf: number): void {
    const s = this.splits[leaf];
    s.gain = -Infinity;
    const hist = this.pool.get(leaf);
    if (hist !== null) this.finder.find(hist, this.leafG[leaf], this.leafH[leaf], this.leafCount[leaf], this.features, this.nFeatures, s, this.hConst);
    this.gain[leaf] = s.gain;
    // A leaf that will never be split does not need its histogram any more.
    if (s.gain === -Infinity) this.pool.release(leaf);
  }

  /** Splits `leaf` into itself (left) and `newLeaf` (right); `more` is false for the tree's last split. */
  private split(leaf: number, newLeaf: number, g: Float32Array, h: Float32Array, more: boolean): void {
    const s = this.splits[leaf];
    const fb = this.mapper.features[s.feature];
    if (!s.categorical) s.fillNumericTable(fb.nBins);
    const leftCount = this.partition(leaf, s);
    const rightCount = this.leafCount[leaf] - leftCount;

    const node = this.tree.nNodes++;
    this.writeNode(node, s, leaf, newLeaf);
    const parent = this.parentNode[leaf];
    if (parent >= 0) {
      if (this.isLeftChild[leaf]) this.tree.left[parent] = node;
      else this.tree.right[parent] = node;
    }
    this.parentNode[leaf] = node;
    this.isLeftChild[leaf] = 1;
    this.parentNode[newLeaf] = node;
    this.isLeftChild[newLeaf] = 0;
    const d = this.depth[leaf] + 1;
    this.depth[leaf] = d;
    this.depth[newLeaf] = d;
    this.leafStart[newLeaf] = this.leafStart[leaf] + leftCount;
    this.leafCount[newLeaf] = rightCount;
    this.leafCount[leaf] = leftCount;
    this.leafG[leaf] = s.leftG;
    this.leafH[leaf] = s.leftH;
    this.leafG[newLeaf] = s.rightG;
    this.leafH[newLeaf] = s.rightH;
    // Both children take over the parent's place in the eviction order until their own gains are known.
    this.gain[newLeaf] = this.gain[leaf];

    const smaller = leftCount <= rightCount ? leaf : newLeaf;
    const larger = smaller === leaf ? newLeaf : leaf;
    this.childHistograms(leaf, smaller, larger, more && this.splittable(smaller), more && this.splittable(larger), g, h);
    this.findSplit(smaller);
    this.findSplit(larger);
  }

  /**
   * Gives histograms to the children that may be split. The larger child's comes from the parent's minus the
   * smaller's when the parent still has one, unless building it directly from its few rows is cheaper; a
   * child that cannot be split gets no histogram unless the subtraction needs it.
   */
  private childHistograms(parent: number, smaller: number, larger: number, needSmall: boolean, needLarge: boolean, g: Float32Array, h: Float32Array): void {
    const parentHist = this.pool.get(parent) !== null;
    if (!needLarge) {
      if (parentHist) this.pool.transfer(parent, smaller); // reuse the buffer, or free it below
      if (needSmall) this.build(smaller, g, h, -1);
      else this.pool.release(smaller);
      return;
    }
    const direct = this.leafCount[larger] * this.nFeatures;
    const subtract = this.leafCount[smaller] * this.nFeatures + this.binsUsed;
    if (parentHist && subtract < direct) {
      this.pool.transfer(parent, larger);
      this.build(smaller, g, h, larger);
      const withHessian = this.hConst !== this.hConst;
      subtractHistogram(this.pool.get(larger)!, this.pool.get(smaller)!, this.mapper.offsets, this.features, this.nFeatures, withHessian);
      if (!needSmall) this.pool.release(smaller);
      return;
    }
    if (parentHist) this.pool.transfer(parent, larger);
    this.build(larger, g, h, smaller);
    if (needSmall) this.build(smaller, g, h, larger);
  }

  /** Stable in-place partition of the leaf's rows by the split's bin table; returns the left count. */
  private partition(leaf: number, s: SplitInfo): number {
    const start = this.leafStart[leaf];
    const end = start + this.leafCount[leaf];
    const idx = this.indices;
    const scratch = this.scratch;
    const table = s.leftTable;
    const base = s.feature * this.nRows;
    const binned = this.binned;
    let w = start;
    let nr = 0;
    // Branch-free: sides are random, so a branch would mispredict half the time.
    for (let i = start; i < end; i++) {
      const r = idx[i];
      const left = table[binned[base + r]];
      idx[w] = r;
      scratch[nr] = r;
      w += left;
      nr += 1 - left;
    }
    idx.set(scratch.subarray(0, nr), w);
    return w - start;
  }

  private writeNode(node: number, s: SplitInfo, leftLeaf: number, rightLeaf: number): void {
    const t = this.tree;
    const fb = this.mapper.features[s.feature];
    t.feature[node] = s.feature;
    t.left[node] = ~leftLeaf;
    t.right[node] = ~rightLeaf;
    const defaultLeft = s.leftTable[fb.nBins - 1] === 1;
    if (s.categorical) {
      t.catBits[node] = categoryBitset(fb, s.leftTable);
      t.threshold[node] = 0;
      t.flags[node] = FLAG_CATEGORICAL | (defaultLeft ? FLAG_DEFAULT_LEFT : 0);
    } else {
      t.catBits[node] = null;
      t.threshold[node] = fb.upper[s.bin];
      t.flags[node] = defaultLeft ? FLAG_DEFAULT_LEFT : 0;
    }
  }
}

/**
 * The left set of a categorical split as a bitset over raw codes (bit c set = code c goes left), from a
 * bin-to-side table. Codes that share the missing bin inherit its side, so training and prediction agree;
 * so do the codes past the largest one trained on that the last word holds (a level seen only on rows
 * without a target, or only in rows the binning did not sample): unset, they went right whatever the
 * missing direction, while the codes past the bitset follow it (flat-tree inLeftSet), so how such a
 * level was scored hung on where its name fell in the alphabet. `reuse`, when it has the right length,
 * is cleared and filled instead of allocating a new array.
 */
export function categoryBitset(fb: FeatureBins, leftTable: Uint8Array, reuse?: Int32Array | null): Int32Array {
  const codes = fb.codeToBin.length;
  const words = Math.max(1, Math.ceil(codes / 32));
  const bits = reuse && reuse.length === words ? reuse.fill(0) : new Int32Array(words);
  for (let c = 0; c < codes; c++) if (leftTable[fb.codeToBin[c]] === 1) bits[c >>> 5] |= 1 << (c & 31);
  if (leftTable[fb.nBins - 1] === 1) for (let c = codes; c < words * 32; c++) bits[c >>> 5] |= 1 << (c & 31);
  return bits;
}
