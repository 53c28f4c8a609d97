/**
 * @module engine/models/tree/flat-tree
 * The storage format of a boosted ensemble: all trees concatenated into a handful of flat typed arrays
 * (split feature, float32 threshold, children, flags, categorical bitsets, leaf values), so prediction is
 * a tight loop over numbers with no objects, and serialisation is a few base64 strings. A child index
 * >= 0 is an internal node; a negative child c is the leaf ~c. Children always have larger indices than
 * their parent, which loaders check so a corrupt artifact cannot make prediction loop forever.
 * Each leaf may also carry its cover (the training rows or weight that reached it), which explanations
 * (TreeSHAP) need and prediction never reads; artifacts written before covers existed simply lack them.
 */
import { decodeF32, decodeI32, encodeF32, encodeI32 } from '../../serialize/codec';

/** Node flag: missing (and unrecognised categorical) values go left. */
export const FLAG_DEFAULT_LEFT = 1;
/** Node flag: categorical split, left set given by a bitset over codes. */
export const FLAG_CATEGORICAL = 2;

/**
 * Bytes a split node's categorical bitset adds, on average, to a forest of this data's features: its
 * words and its bound, times the share of the feature columns that are categories (as often as a split
 * is assumed to be on one). 0 for data without any.
 */
export function categoricalNodeBytes(shape: { readonly cols: number; readonly categoricalCols?: number }): number {
  const share = Math.min(1, (shape.categoricalCols ?? 0) / Math.max(1, shape.cols));
  return share * (MEAN_BITSET_WORDS * 4 + 4);
}

/**
 * Words in a categorical split's bitset, on average: at most 8 (features/codes keeps codes below 256),
 * half that as measured (npm run bench:memory -- --rows 50000 --cols 10 --categorical 10 --levels 256:
 * random forest 55 MiB held, 43.7 estimated without bitsets, 60 with 4 words, 73 with 8).
 */
const MEAN_BITSET_WORDS = 4;

/** One grown tree in local numbering (nodes 0..nNodes-1, leaves 0..nLeaves-1), as the grower hands it over. */
export interface TreeNodes {
  readonly nNodes: number;
  readonly feature: Int32Array;
  readonly threshold: Float32Array;
  readonly flags: Int32Array;
  /** Categorical nodes: bitset words over codes (bit c set = code c goes left). */
  readonly catBits: (Int32Array | null)[];
  readonly left: Int32Array;
  readonly right: Int32Array;
}

/** Node arrays with room for `nodes` split nodes and none used yet: a grower's reusable scratch tree. */
export function emptyTreeNodes(nodes: number): TreeNodes & { nNodes: number } {
  return {
    nNodes: 0,
    feature: new Int32Array(nodes),
    threshold: new Float32Array(nodes),
    flags: new Int32Array(nodes),
    catBits: new Array<Int32Array | null>(nodes).fill(null),
    left: new Int32Array(nodes),
    right: new Int32Array(nodes),
  };
}

/** The flat arrays of a forest, as stored in an artifact (each a base64 string). */
export interface EncodedForest {
  readonly nTrees: number;
  readonly treeRoot: string;
  readonly feature: string;
  readonly threshold: string;
  readonly flags: string;
  readonly catRef: string;
  readonly catBounds: string;
  readonly catBits: string;
  readonly left: string;
  readonly right: string;
  readonly leafValue: string;
  /** Training cover of each leaf (float32); absent in artifacts written before covers were recorded. */
  readonly leafCover?: string;
}

/** Read-only views of a forest's arrays, for algorithms that traverse whole trees (explanations). */
export interface FlatTreeArrays {
  readonly nTrees: number;
  readonly treeRoot: Int32Array;
  readonly feature: Int32Array;
  /** Split thresholds (numeric nodes) and flags (FLAG_*), for scorers that index the tests (tree/quick-scorer). */
  readonly threshold: Float32Array;
  readonly flags: Int32Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly leafValue: Float32Array;
  /** Cover of each leaf, or null when the forest was built or stored without covers. */
  readonly leafCover: Float32Array | null;
}

/** A growable forest of flat trees with allocation-free prediction. */
export class FlatForest {
  private trees = 0;
  private nNodes = 0;
  private nLeaves = 0;
  private nCat = 0;
  private nCatWords = 0;
  private treeRoot: Int32Array = new Int32Array(16);
  // Where each tree's nodes, leaves and bitsets start, so the forest can be truncated to a best iteration.
  private treeNodeStart: Int32Array = new Int32Array(16);
  private treeLeafStart: Int32Array = new Int32Array(16);
  private treeCatStart: Int32Array = new Int32Array(16);
  private feature: Int32Array = new Int32Array(64);
  private threshold: Float32Array = new Float32Array(64);
  private flags: Int32Array = new Int32Array(64);
  /** Categorical nodes: index into catBounds; -1 for numeric nodes. */
  private catRef: Int32Array = new Int32Array(64);
  /** Bitset k occupies catBits[catBounds[k], catBounds[k + 1]). */
  private catBounds: Int32Array = new Int32Array(16);
  private catBits: Int32Array = new Int32Array(64);
  private left: Int32Array = new Int32Array(64);
  private right: Int32Array = new Int32Array(64);
  private leafValue: Float32Array = new Float32Array(64);
  private leafCover: Float32Array = new Float32Array(64);
  /** False as soon as one tree was added without covers: covers are all or nothing. */
  private coversKnown = true;

  /**
   * Appends a tree; `leafValues[l]` is the output of local leaf l (stored as float32). `leafCovers[l]`, when
   * given, is the training rows (or weight) that reached local leaf l; a forest keeps covers only if every
   * tree brought them.
   */
  addTree(tree: TreeNodes, leafValues: Float64Array, nLeaves: number, leafCovers?: Float64Array): number {
    this.reserve(tree, nLeaves);
    const t = this.trees++;
    const nodeBase = this.nNodes;
    const leafBase = this.nLeaves;
    this.treeNodeStart[t] = nodeBase;
    this.treeLeafStart[t] = leafBase;
    this.treeCatStart[t] = this.nCat;
    this.treeRoot[t] = tree.nNodes > 0 ? nodeBase : ~leafBase;
    const relink = (c: number): number => (c >= 0 ? c + nodeBase : ~(~c + leafBase));
    for (let n = 0; n < tree.nNodes; n++) {
      const g = nodeBase + n;
      this.feature[g] = tree.feature[n];
      this.threshold[g] = tree.threshold[n];
      this.flags[g] = tree.flags[n];
      this.left[g] = relink(tree.left[n]);
      this.right[g] = relink(tree.right[n]);
      const bits = tree.catBits[n];
      if (bits && (tree.flags[n] & FLAG_CATEGORICAL) !== 0) {
        this.catRef[g] = this.nCat;
        this.catBits.set(bits, this.nCatWords);
        this.nCatWords += bits.length;
        this.catBounds[++this.nCat] = this.nCatWords;
      } else {
        this.catRef[g] = -1;
      }
    }
    for (let l = 0; l < nLeaves; l++) this.leafValue[leafBase + l] = leafValues[l];
    if (leafCovers) for (let l = 0; l < nLeaves; l++) this.leafCover[leafBase + l] = leafCovers[l];
    else this.coversKnown = false;
    this.nNodes += tree.nNodes;
    this.nLeaves += nLeaves;
    return t;
  }

  /** Output of tree `t` for the row starting at `x[base]`. */
  predictTree(t: number, x: Float32Array, base: number): number {
    return this.leafValue[~this.walk(this.treeRoot[t], x, base)];
  }

  /**
   * Global index of the leaf that the row starting at `x[base]` reaches in tree `t`. Leaves are numbered
   * consecutively in the order trees were added, so a caller can keep its own per-leaf table (for example
   * one probability per class) alongside the forest.
   */
  leafIndex(t: number, x: Float32Array, base: number): number {
    return ~this.walk(this.treeRoot[t], x, base);
  }

  /** Stored (float32) value of local leaf `l` of tree `t`; valid while training, before any truncation. */
  predictLeaf(t: number, l: number): number {
    return this.leafValue[this.treeLeafStart[t] + l];
  }

  /** Adds, for rows [row0, row1) of a row-major matrix, the outputs of trees [t0, t1) to `out[row * k + t % k]`. */
  accumulate(x: Float32Array, cols: number, row0: number, row1: number, t0: number, t1: number, k: number, out: Float64Array): void {
    const roots = this.treeRoot;
    const values = this.leafValue;
    for (let r = row0; r < row1; r++) {
      const base = r * cols;
      const o = r * k;
      let cls = t0 % k;
      for (let t = t0; t < t1; t++) {
        out[o + cls] += values[~this.walk(roots[t], x, base)];
        if (++cls === k) cls = 0;
      }
    }
  }

  /** Adds every tree's output for the row starting at `x[base]` to `out[t % k]` (one row of raw scores). */
  addRow(x: Float32Array, base: number, k: number, out: Float64Array): void {
    const roots = this.treeRoot;
    const values = this.leafValue;
    const nTrees = this.trees;
    if (k === 1) {
      let s = out[0];
      for (let t = 0; t < nTrees; t++) s += values[~this.walk(roots[t], x, base)];
      out[0] = s;
      return;
    }
    let cls = 0;
    for (let t = 0; t < nTrees; t++) {
      out[cls] += values[~this.walk(roots[t], x, base)];
      if (++cls === k) cls = 0;
    }
  }

  /**
   * Whether the row starting at `x[base]` takes the left branch of internal node `n`: the very test the
   * prediction walk applies (kept beside it so the two cannot drift), for traversals that visit both sides.
   */
  goesLeft(n: number, x: Float32Array, base: number): boolean {
    const v = x[base + this.feature[n]];
    const fl = this.flags[n];
    if (fl === 0) return v <= this.threshold[n];
    if (fl === FLAG_DEFAULT_LEFT) return !(v > this.threshold[n]);
    return this.inLeftSet(n, v, fl);
  }

  /** Words (of 32 codes each) in the bitset of categorical node `n`: codes at or past 32 times this take the missing direction. */
  categoryWords(n: number): number {
    const k = this.catRef[n];
    return this.catBounds[k + 1] - this.catBounds[k];
  }

  /** Views of the used part of the arrays (no copies); callers must not write to them. */
  arrays(): FlatTreeArrays {
    return {
      nTrees: this.trees,
      treeRoot: this.treeRoot.subarray(0, this.trees),
      feature: this.feature.subarray(0, this.nNodes),
      threshold: this.threshold.subarray(0, this.nNodes),
      flags: this.flags.subarray(0, this.nNodes),
      left: this.left.subarray(0, this.nNodes),
      right: this.right.subarray(0, this.nNodes),
      leafValue: this.leafValue.subarray(0, this.nLeaves),
      leafCover: this.coversKnown ? this.leafCover.subarray(0, this.nLeaves) : null,
    };
  }

  /** Follows splits from `node` to a leaf and returns the leaf as a negative child index. */
  private walk(node: number, x: Float32Array, base: number): number {
    const feature = this.feature;
    const threshold = this.threshold;
    const flags = this.flags;
    const left = this.left;
    const right = this.right;
    let n = node;
    while (n >= 0) {
      const v = x[base + feature[n]];
      const fl = flags[n];
      // NaN fails every comparison, so writing the test as `v <= t` (missing goes right) or `!(v > t)`
      // (missing goes left) routes missing values without a separate check.
      if (fl === 0) n = v <= threshold[n] ? left[n] : right[n];
      else if (fl === FLAG_DEFAULT_LEFT) n = v > threshold[n] ? right[n] : left[n];
      else n = this.inLeftSet(n, v, fl) ? left[n] : right[n];
    }
    return n;
  }

  private inLeftSet(n: number, v: number, fl: number): boolean {
    const k = this.catRef[n];
    const w0 = this.catBounds[k];
    const words = this.catBounds[k + 1] - w0;
    // Missing values and codes never seen in training (or not integers) follow the learned missing direction.
    if (!(v >= 0 && v < words * 32 && Math.floor(v) === v)) return (fl & FLAG_DEFAULT_LEFT) !== 0;
    return ((this.catBits[w0 + (v >>> 5)] >>> (v & 31)) & 1) === 1;
  }

  /** Keeps only the first `nTrees` trees. */
  truncate(nTrees: number): void {
    if (nTrees >= this.trees) return;
    this.nNodes = this.treeNodeStart[nTrees];
    this.nLeaves = this.treeLeafStart[nTrees];
    this.nCat = this.treeCatStart[nTrees];
    this.nCatWords = this.catBounds[this.nCat];
    this.trees = nTrees;
  }

  /** Number of trees. */
  get nTrees(): number {
    return this.trees;
  }

  /** Total leaves (for fit statistics). */
  get leafCount(): number {
    return this.nLeaves;
  }

  /** Encodes the used part of every array. */
  encode(): EncodedForest {
    return {
      nTrees: this.trees,
      treeRoot: encodeI32(this.treeRoot.slice(0, this.trees)),
      feature: encodeI32(this.feature.slice(0, this.nNodes)),
      threshold: encodeF32(this.threshold.slice(0, this.nNodes)),
      flags: encodeI32(this.flags.slice(0, this.nNodes)),
      catRef: encodeI32(this.catRef.slice(0, this.nNodes)),
      catBounds: encodeI32(this.catBounds.slice(0, this.nCat + 1)),
      catBits: encodeI32(this.catBits.slice(0, this.nCatWords)),
      left: encodeI32(this.left.slice(0, this.nNodes)),
      right: encodeI32(this.right.slice(0, this.nNodes)),
      leafValue: encodeF32(this.leafValue.slice(0, this.nLeaves)),
      ...(this.coversKnown ? { leafCover: encodeF32(this.leafCover.slice(0, this.nLeaves)) } : {}),
    };
  }

  /**
   * Rebuilds a forest from `encode()` output, checking that every index stays in range and children follow
   * their parents. Returns an error message instead of throwing so the caller can wrap it in its own error.
   */
  static decode(e: EncodedForest, nFeatures: number): FlatForest | string {
    const f = new FlatForest();
    f.treeRoot = decodeI32(e.treeRoot);
    f.feature = decodeI32(e.feature);
    f.threshold = decodeF32(e.threshold);
    f.flags = decodeI32(e.flags);
    f.catRef = decodeI32(e.catRef);
    f.catBounds = decodeI32(e.catBounds);
    f.catBits = decodeI32(e.catBits);
    f.left = decodeI32(e.left);
    f.right = decodeI32(e.right);
    f.leafValue = decodeF32(e.leafValue);
    f.coversKnown = typeof e.leafCover === 'string';
    f.leafCover = f.coversKnown ? decodeF32(e.leafCover as string) : new Float32Array(0);
    f.trees = e.nTrees;
    f.nNodes = f.feature.length;
    f.nLeaves = f.leafValue.length;
    f.nCat = f.catBounds.length - 1;
    f.nCatWords = f.catBits.length;
    return f.check(nFeatures) ?? f;
  }

  private check(nFeatures: number): string | null {
    const n = this.nNodes;
    if (this.treeRoot.length !== this.trees) return 'tree count does not match the roots';
    for (const a of [this.threshold, this.flags, this.catRef, this.left, this.right]) if (a.length !== n) return 'node arrays differ in length';
    if (this.nCat < 0 || this.catBounds[0] !== 0 || this.catBounds[this.nCat] !== this.nCatWords) return 'bad categorical bounds';
    for (let k = 0; k < this.nCat; k++) if (this.catBounds[k + 1] < this.catBounds[k]) return 'bad categorical bounds';
    const child = (c: number, parent: number): boolean => (c >= 0 ? c > parent && c < n : ~c < this.nLeaves);
    for (let i = 0; i < n; i++) {
      if (this.feature[i] < 0 || this.feature[i] >= nFeatures) return `node ${i} splits on an unknown feature`;
      if (!child(this.left[i], i) || !child(this.right[i], i)) return `node ${i} has an invalid child`;
      const cat = (this.flags[i] & FLAG_CATEGORICAL) !== 0;
      if (cat && (this.catRef[i] < 0 || this.catRef[i] >= this.nCat)) return `node ${i} has an invalid category set`;
    }
    for (let t = 0; t < this.trees; t++) if (!child(this.treeRoot[t], -1)) return `tree ${t} has an invalid root`;
    if (this.coversKnown) {
      if (this.leafCover.length !== this.nLeaves) return 'leaf covers do not match the leaves';
      for (let l = 0; l < this.nLeaves; l++) if (!(this.leafCover[l] >= 0 && Number.isFinite(this.leafCover[l]))) return `leaf ${l} has an invalid cover`;
    }
    return null;
  }

  private reserve(tree: TreeNodes, nLeaves: number): void {
    const t = this.trees + 1;
    if (t > this.treeRoot.length) {
      const size = t * 2;
      this.treeRoot = grow(this.treeRoot, size);
      this.treeNodeStart = grow(this.treeNodeStart, size);
      this.treeLeafStart = grow(this.treeLeafStart, size);
      this.treeCatStart = grow(this.treeCatStart, size);
    }
    const nodes = this.nNodes + tree.nNodes;
    if (nodes > this.feature.length) {
      const size = nodes * 2;
      this.feature = grow(this.feature, size);
      this.threshold = grow(this.threshold, size);
      this.flags = grow(this.flags, size);
      this.catRef = grow(this.catRef, size);
      this.left = grow(this.left, size);
      this.right = grow(this.right, size);
    }
    if (this.nLeaves + nLeaves > this.leafValue.length) {
      this.leafValue = grow(this.leafValue, (this.nLeaves + nLeaves) * 2);
      this.leafCover = grow(this.leafCover, (this.nLeaves + nLeaves) * 2);
    }
    let words = 0;
    let cats = 0;
    for (let i = 0; i < tree.nNodes; i++) {
      const bits = tree.catBits[i];
      if (bits && (tree.flags[i] & FLAG_CATEGORICAL) !== 0) {
        words += bits.length;
        cats++;
      }
    }
    if (this.nCat + cats + 1 > this.catBounds.length) this.catBounds = grow(this.catBounds, (this.nCat + cats + 1) * 2);
    if (this.nCatWords + words > this.catBits.length) this.catBits = grow(this.catBits, (this.nCatWords + words) * 2);
  }
}

function grow<T extends Int32Array | Float32Array>(a: T, size: number): T {
  const b = new (a.constructor as new (n: number) => T)(size);
  b.set(a);
  return b;
}
