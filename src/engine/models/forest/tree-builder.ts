/**
 * @module engine/models/forest/tree-builder
 * Grows one forest tree depth-first to purity, as scikit-learn's trees do: a node becomes a leaf when its
 * labels are all equal, it has fewer than 2 · min_samples_leaf rows, it reached max_depth, or no drawn
 * feature admits a valid split. Each split draws its own feature subset (max_features), drawing more only
 * when every drawn feature is constant in the node; features found constant are remembered for the node's
 * descendants, which skip them. The node's rows are a contiguous range of one index array, partitioned in
 * place. The result is handed over in the flat-tree format of tree/flat-tree, with per-leaf outputs (mean,
 * P(class 1) or class probabilities) alongside.
 */
import type { Rng } from '../../core/rng';
import { emptyTreeNodes, FLAG_CATEGORICAL, FLAG_DEFAULT_LEFT, type TreeNodes } from '../tree/flat-tree';
import { categoryBitset } from '../tree/grow-tree';
import { SplitChoice, type Splitter, type TreeData } from './splitter';

/** Tree-shape limits. */
export interface TreeLimits {
  /** 0 means unlimited. */
  readonly maxDepth: number;
  readonly minSamplesLeaf: number;
  /** Features drawn per split (at least 1, at most the column count). */
  readonly featuresPerSplit: number;
}

/** Reusable depth-first tree builder over one binned training matrix. */
export class ForestTreeBuilder {
  /** The last grown tree in local numbering (internal nodes in pre-order, leaves in creation order). */
  readonly tree: TreeNodes & { nNodes: number };
  /** Leaf outputs of the last tree: `leafWidth` values per leaf. */
  readonly leafValues: Float64Array;
  /** Training weight (bootstrap counts times row weights) that reached each leaf of the last tree: its cover. */
  readonly leafCovers: Float64Array;
  /** Depth of the deepest leaf of the last tree. */
  depth = 0;
  /** Features drawn so far for the current node. */
  private drawn = 0;
  /** Categorical bitset arrays by node slot, kept between trees. */
  private readonly bitsCache: (Int32Array | null)[] = [];
  /** Per depth, flags of the features known to be constant in the current node at that depth. */
  private constant = new Uint8Array(0);

  private readonly indices: Uint32Array;
  private readonly scratch: Uint32Array;
  private readonly featureOrder: Int32Array;
  private readonly batch: Int32Array;
  private readonly total: Float64Array;
  private readonly best: SplitChoice;
  // Pending nodes: row range, depth, parent node and side (1 = left child).
  private readonly stackStart: Int32Array;
  private readonly stackCount: Int32Array;
  private readonly stackDepth: Int32Array;
  private readonly stackParent: Int32Array;
  private readonly stackLeft: Uint8Array;

  constructor(
    private readonly data: TreeData,
    private readonly splitter: Splitter,
    private readonly y: Float32Array,
    private readonly limits: TreeLimits,
  ) {
    const n = Math.max(1, data.nRows);
    const cols = data.mapper.features.length;
    // A depth cap bounds the nodes (at most 2^maxDepth leaves) and the pending stack (one sibling per
    // level), so per-node arrays need not be as long as the rows.
    const capped = limits.maxDepth > 0 && limits.maxDepth < 31;
    const nodes = capped ? Math.min(n, 2 ** limits.maxDepth) : n;
    const stack = capped ? Math.min(n, limits.maxDepth + 1) + 1 : n + 1;
    this.indices = new Uint32Array(n);
    this.scratch = new Uint32Array(n);
    this.featureOrder = Int32Array.from({ length: cols }, (_, j) => j);
    this.batch = new Int32Array(Math.max(1, cols));
    this.total = new Float64Array(data.criterion.stride);
    this.best = new SplitChoice(data.mapper.maxFeatureBins);
    this.leafValues = new Float64Array(nodes * data.criterion.leafWidth);
    this.leafCovers = new Float64Array(nodes);
    this.tree = emptyTreeNodes(nodes);
    // Depth-first: at most one pending sibling per level, and a tree has fewer levels than rows.
    this.stackStart = new Int32Array(stack);
    this.stackCount = new Int32Array(stack);
    this.stackDepth = new Int32Array(stack);
    this.stackParent = new Int32Array(stack);
    this.stackLeft = new Uint8Array(stack);
  }

  /** Grows a tree on rows `rows[0, count)` (each with a positive weight in `data.w`). Returns the number of leaves. */
  grow(rows: Uint32Array, count: number, rng: Rng): number {
    const tree = this.tree;
    tree.nNodes = 0;
    this.depth = 0;
    this.indices.set(rows.subarray(0, count));
    let nLeaves = 0;
    let top = 0;
    this.push(top++, 0, count, 0, -1, 0);
    while (top > 0) {
      top--;
      const start = this.stackStart[top];
      const n = this.stackCount[top];
      const depth = this.stackDepth[top];
      const parent = this.stackParent[top];
      const isLeft = this.stackLeft[top] === 1;
      const pure = this.summarise(start, n);
      const split = !pure && this.findSplit(start, n, depth, rng);
      let child: number;
      if (split) {
        child = tree.nNodes++;
        const leftCount = this.partition(start, n);
        this.writeNode(child);
        // Push right first so the left subtree is grown (and numbered) first.
        this.push(top++, start + leftCount, n - leftCount, depth + 1, child, 0);
        this.push(top++, start, leftCount, depth + 1, child, 1);
      } else {
        const leaf = nLeaves++;
        this.data.criterion.leafValue(this.total, 0, this.leafValues, leaf * this.data.criterion.leafWidth);
        this.leafCovers[leaf] = this.data.criterion.weight(this.total, 0);
        if (depth > this.depth) this.depth = depth;
        child = ~leaf;
      }
      if (parent >= 0) {
        if (isLeft) tree.left[parent] = child;
        else tree.right[parent] = child;
      }
    }
    return nLeaves;
  }

  private push(at: number, start: number, count: number, depth: number, parent: number, left: number): void {
    this.stackStart[at] = start;
    this.stackCount[at] = count;
    this.stackDepth[at] = depth;
    this.stackParent[at] = parent;
    this.stackLeft[at] = left;
  }

  /** Sums the node's statistics into `total`; returns whether all its labels are equal (nothing to split). */
  private summarise(start: number, n: number): boolean {
    const { w, g, cls, criterion } = this.data;
    const total = this.total;
    const y = this.y;
    const idx = this.indices;
    const cnt = criterion.stride - 1;
    total.fill(0);
    const first = y[idx[start]];
    let pure = true;
    const end = start + n;
    if (criterion.layout === 'sum') {
      for (let i = start; i < end; i++) {
        const r = idx[i];
        total[0] += g[r];
        total[1] += w[r];
        if (y[r] !== first) pure = false;
      }
    } else {
      for (let i = start; i < end; i++) {
        const r = idx[i];
        total[cls[r]] += w[r];
        if (y[r] !== first) pure = false;
      }
    }
    total[cnt] = n;
    return pure;
  }

  /** Draws features for the node and searches them; more are drawn only while all drawn ones are constant. */
  private findSplit(start: number, n: number, depth: number, rng: Rng): boolean {
    const { maxDepth, minSamplesLeaf, featuresPerSplit } = this.limits;
    if (n < 2 * minSamplesLeaf || n < 2 || (maxDepth > 0 && depth >= maxDepth)) return false;
    const cols = this.featureOrder.length;
    const best = this.best;
    best.reset();
    this.splitter.begin(this.indices, start, n);
    // This node's constant-feature flags start as its parent's (one slot per depth suffices depth-first).
    const at = depth * cols;
    if ((depth + 1) * cols > this.constant.length) {
      const grown = new Uint8Array(Math.max(2 * this.constant.length, (depth + 1) * cols));
      grown.set(this.constant);
      this.constant = grown;
    }
    if (depth === 0) this.constant.fill(0, 0, cols);
    else this.constant.copyWithin(at, at - cols, at);
    this.drawn = 0;
    const s = this.splitter;
    let varied = s.evaluate(this.batch, this.draw(featuresPerSplit, rng, at), this.total, minSamplesLeaf, rng, best, this.constant, at);
    while (varied === 0 && this.drawn < cols) varied = s.evaluate(this.batch, this.draw(1, rng, at), this.total, minSamplesLeaf, rng, best, this.constant, at);
    return best.feature >= 0;
  }

  /**
   * Draws the next `m` features by a partial Fisher-Yates over the running permutation (positions
   * [0, drawn) of `featureOrder` are the node's draws so far) and lists in `batch` those not already known
   * to be constant here: a known constant still uses up its draw, as in scikit-learn. Returns the batch size.
   */
  private draw(m: number, rng: Rng, at: number): number {
    const order = this.featureOrder;
    const cols = order.length;
    let size = 0;
    for (let i = 0; i < m; i++, this.drawn++) {
      const j = this.drawn + rng.int(cols - this.drawn);
      const f = order[j];
      order[j] = order[this.drawn];
      order[this.drawn] = f;
      if (this.constant[at + f] === 0) this.batch[size++] = f;
    }
    return size;
  }

  /** Stable in-place partition of the node's rows by the chosen split; returns the left count. */
  private partition(start: number, n: number): number {
    const best = this.best;
    const { binned, nRows, mapper } = this.data;
    if (!best.categorical) best.fillNumericTable(mapper.features[best.feature].nBins);
    const table = best.leftTable;
    const idx = this.indices;
    const scratch = this.scratch;
    const base = best.feature * nRows;
    let w = start;
    let nr = 0;
    // Branch-free: sides are random, so a branch would mispredict half the time.
    for (let i = start; i < start + n; i++) {
      const r = idx[i];
      const left = table[binned[base + r]];
      idx[w] = r;
      scratch[nr] = r;
      w += left;
      nr += 1 - left;
    }
    for (let i = 0; i < nr; i++) idx[w + i] = scratch[i];
    return w - start;
  }

  private writeNode(node: number): void {
    const t = this.tree;
    const s = this.best;
    const fb = this.data.mapper.features[s.feature];
    t.feature[node] = s.feature;
    const defaultLeft = s.leftTable[fb.nBins - 1] === 1;
    if (s.categorical) {
      // The forest copies the bitset when the tree is added, so each node slot's array is reused across trees.
      const bits = categoryBitset(fb, s.leftTable, this.bitsCache[node]);
      this.bitsCache[node] = bits;
      t.catBits[node] = bits;
      t.threshold[node] = 0;
      t.flags[node] = FLAG_CATEGORICAL | (defaultLeft ? FLAG_DEFAULT_LEFT : 0);
    } else {
      t.catBits[node] = null;
      // Bin -1 sends every value right: only missing values (default left) take the left branch.
      t.threshold[node] = s.bin < 0 ? -Infinity : fb.upper[s.bin];
      t.flags[node] = defaultLeft ? FLAG_DEFAULT_LEFT : 0;
    }
  }
}
