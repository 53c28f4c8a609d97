/**
 * @module engine/models/tree/quick-scorer
 * Batch prediction for a flat forest of small trees without walking them, after the QuickScorer idea
 * (Lucchese et al., SIGIR 2015). Each tree's leaves get bits in left-to-right order, and each split node a
 * mask clearing the leaves of its left subtree. For a row, every node whose test sends the row right (a
 * "false" node) ANDs its mask into its tree's word; the row's exit leaf is then the lowest bit left set,
 * the very leaf the walk reaches, so predictions stay bit-identical.
 * False nodes are found per feature, not per tree: a feature's value falls in one slot (for numeric splits
 * the interval between two consecutive thresholds, or missing; for categorical splits the code, or
 * anything else), and each slot stores, per tree, the AND of the masks of that tree's nodes which send such
 * a value right (small trees share a word, so one AND can serve several), computed once (categorical and missing values by the walk's own test, FlatForest.goesLeft;
 * intervals by the comparison that test makes). A row thus costs one slot lookup per feature and one AND
 * per (tree, feature) with false nodes, with almost no unpredictable branch, where the walk pays a
 * mispredicted branch at most levels of every tree. test/engine/quick-scorer.test.ts holds it to the walk.
 * It needs every tree to have at most 32 leaves (a tree's bits lie in one 32-bit word) and the tables to stay small;
 * `build` returns undefined otherwise, and callers keep walking.
 */
import { FLAG_CATEGORICAL, FLAG_DEFAULT_LEFT, type FlatForest } from './flat-tree';

/** Leaves per tree a 32-bit word can hold. */
const MAX_LEAVES = 32;
/**
 * Cap on slot table entries (a tree and a mask, 8 bytes each): 4 MiB per model at most, beside a model
 * cache that bounds artifact bytes only. Typical tables are far smaller (bench:serve's 4-GBDT credit-g
 * ensemble: about 1 MiB in all).
 */
const MAX_TABLE_ENTRIES = 1 << 19;

export class QuickScorer {
  private constructor(
    private readonly nTrees: number,
    /** Features with any split, so a row reads only those. */
    private readonly usedFeatures: Int32Array,
    /** Sorted distinct numeric thresholds of feature f: bounds[boundStart[f] .. boundStart[f + 1]). */
    private readonly boundStart: Int32Array,
    private readonly bounds: Float32Array,
    /** First numeric slot of feature f (m + 2 slots for m bounds: one per interval, then missing); -1 when none. */
    private readonly numSlot0: Int32Array,
    /** First categorical slot of feature f and the codes with a slot of their own (one more slot: any other value). */
    private readonly catSlot0: Int32Array,
    private readonly catCodes: Int32Array,
    /**
     * Entries of slot s: pairs (word, mask) at slotPairs[2 * slotStart[s] .. 2 * slotStart[s + 1]), one per
     * word with false nodes; word and mask side by side, so a row streams through one array.
     */
    private readonly slotStart: Int32Array,
    private readonly slotPairs: Int32Array,
    /** Global leaf index of tree t's leaf at bit b of its own bits: leafOfBit[t * 32 + b]. */
    private readonly leafOfBit: Int32Array,
    /** Tree t's bits are bits treeShift[t].. of word treeWord[t]. */
    private readonly treeWord: Int32Array,
    private readonly treeShift: Int32Array,
    /** The words (one or a few trees each): scratch of the row being scored. */
    private readonly words: Int32Array,
  ) {}

  /** Scorer for `forest` over rows of `nFeatures` values, or undefined when it cannot serve this forest. */
  static build(forest: FlatForest, nFeatures: number): QuickScorer | undefined {
    const trees = leafBits(forest);
    if (!trees) return undefined;
    const { feature, threshold, flags } = forest.arrays();
    const numeric: number[][] = Array.from({ length: nFeatures }, () => []);
    const categorical: number[][] = Array.from({ length: nFeatures }, () => []);
    for (let n = 0; n < feature.length; n++) {
      const fl = flags[n];
      if (fl === 0 || fl === FLAG_DEFAULT_LEFT) {
        // A NaN threshold would break the ordering of intervals; no grower writes one, but stay exact regardless.
        if (Number.isNaN(threshold[n])) return undefined;
        numeric[feature[n]].push(n);
      } else if (fl === FLAG_CATEGORICAL || fl === (FLAG_CATEGORICAL | FLAG_DEFAULT_LEFT)) categorical[feature[n]].push(n);
      else return undefined;
    }
    const tables = new SlotTables(forest, trees.nodeWord, trees.nodeMask, trees.nWords, nFeatures);
    const boundStart = new Int32Array(nFeatures + 1);
    const bounds: number[] = [];
    const numSlot0 = new Int32Array(nFeatures).fill(-1);
    const catSlot0 = new Int32Array(nFeatures).fill(-1);
    const catCodes = new Int32Array(nFeatures);
    const used: number[] = [];
    for (let f = 0; f < nFeatures; f++) {
      boundStart[f] = bounds.length;
      if (numeric[f].length > 0) {
        const nodes = [...numeric[f]].sort((a, b) => threshold[a] - threshold[b]);
        const distinct: number[] = [];
        for (const n of nodes) if (distinct.length === 0 || threshold[n] !== distinct[distinct.length - 1]) distinct.push(threshold[n]);
        for (const bound of distinct) bounds.push(bound);
        numSlot0[f] = tables.slots;
        tables.addIntervalSlots(nodes, threshold, distinct);
        tables.addSlot(f, numeric[f], NaN);
      }
      if (categorical[f].length > 0) {
        let codes = 0;
        for (const n of categorical[f]) codes = Math.max(codes, 32 * forest.categoryWords(n));
        // Refused before building when even the bound on its entries is too many (thousands of levels).
        if (tables.entries + (codes + 1) * Math.min(categorical[f].length, trees.nWords) > MAX_TABLE_ENTRIES) return undefined;
        catSlot0[f] = tables.slots;
        catCodes[f] = codes;
        // Codes past the largest bitset, negatives, fractions and NaN all take each node's missing direction.
        for (let c = 0; c <= codes; c++) tables.addSlot(f, categorical[f], c < codes ? c : NaN);
      }
      if (tables.entries > MAX_TABLE_ENTRIES) return undefined;
      if (numeric[f].length > 0 || categorical[f].length > 0) used.push(f);
    }
    boundStart[nFeatures] = bounds.length;
    return new QuickScorer(
      forest.nTrees,
      Int32Array.from(used),
      boundStart,
      Float32Array.from(bounds),
      numSlot0,
      catSlot0,
      catCodes,
      tables.starts(),
      tables.pairs(),
      trees.leafOfBit,
      trees.treeWord,
      trees.treeShift,
      new Int32Array(trees.nWords),
    );
  }

  /** Writes, for the row starting at `x[base]`, the global leaf index each tree's walk would reach into `leaves[0..nTrees)`. */
  exitLeaves(x: Float32Array, base: number, leaves: Int32Array): void {
    const words = this.scoreRow(x, base);
    const leafOfBit = this.leafOfBit;
    const treeWord = this.treeWord;
    const treeShift = this.treeShift;
    for (let t = 0; t < this.nTrees; t++) {
      // The tree's lowest set bit is its exit leaf (always set), so bits of later trees above it never count.
      const w = words[treeWord[t]] >>> treeShift[t];
      leaves[t] = leafOfBit[(t << 5) + 31 - Math.clz32(w & -w)];
    }
  }

  /**
   * Adds every tree's leaf value for the row starting at `x[base]` to `out[t % k]`, in tree order: the same
   * additions, in the same order, as FlatForest.addRow, so the sums are bit-identical.
   */
  addRow(x: Float32Array, base: number, values: Float32Array, k: number, out: Float64Array): void {
    const words = this.scoreRow(x, base);
    const leafOfBit = this.leafOfBit;
    const treeWord = this.treeWord;
    const treeShift = this.treeShift;
    const nTrees = this.nTrees;
    if (k === 1) {
      let s = out[0];
      for (let t = 0; t < nTrees; t++) {
        const w = words[treeWord[t]] >>> treeShift[t];
        s += values[leafOfBit[(t << 5) + 31 - Math.clz32(w & -w)]];
      }
      out[0] = s;
      return;
    }
    let cls = 0;
    for (let t = 0; t < nTrees; t++) {
      const w = words[treeWord[t]] >>> treeShift[t];
      out[cls] += values[leafOfBit[(t << 5) + 31 - Math.clz32(w & -w)]];
      if (++cls === k) cls = 0;
    }
  }

  /** The words for the row: bits of the leaves no false node ruled out. */
  private scoreRow(x: Float32Array, base: number): Int32Array {
    const words = this.words;
    words.fill(-1);
    const used = this.usedFeatures;
    const bounds = this.bounds;
    const slotStart = this.slotStart;
    const pairs = this.slotPairs;
    for (let u = 0; u < used.length; u++) {
      const f = used[u];
      const v = x[base + f];
      const num0 = this.numSlot0[f];
      if (num0 >= 0) {
        let slot: number;
        if (v === v) {
          // Interval of v: how many bounds lie strictly below it (binary search for the first bound >= v).
          const b0 = this.boundStart[f];
          let lo = b0;
          let hi = this.boundStart[f + 1];
          while (lo < hi) {
            const mid = (lo + hi) >>> 1;
            if (bounds[mid] < v) lo = mid + 1;
            else hi = mid;
          }
          slot = num0 + lo - b0;
        } else slot = num0 + this.boundStart[f + 1] - this.boundStart[f] + 1;
        for (let j = slotStart[slot] << 1, e = slotStart[slot + 1] << 1; j < e; j += 2) words[pairs[j]] &= pairs[j + 1];
      }
      const cat0 = this.catSlot0[f];
      if (cat0 >= 0) {
        const codes = this.catCodes[f];
        const c = v | 0;
        const slot = cat0 + (c === v && c >= 0 && c < codes ? c : codes);
        for (let j = slotStart[slot] << 1, e = slotStart[slot + 1] << 1; j < e; j += 2) words[pairs[j]] &= pairs[j + 1];
      }
    }
    return words;
  }
}

interface LeafBits {
  /** Word of each node's tree, and the mask its being false ANDs into that word. */
  readonly nodeWord: Int32Array;
  readonly nodeMask: Int32Array;
  readonly leafOfBit: Int32Array;
  /** Where each tree's leaf bits sit: word, and the bit its first leaf takes in it. */
  readonly treeWord: Int32Array;
  readonly treeShift: Int32Array;
  readonly nWords: number;
}

/**
 * Numbers each tree's leaves left to right and gives every node its mask; undefined past 32 leaves in a
 * tree. Consecutive small trees share a word (a 9-leaf tree takes 9 bits, so three fit in one), so that one
 * AND serves every tree of a word with false nodes on a feature: fewer ANDs per row.
 */
function leafBits(forest: FlatForest): LeafBits | undefined {
  const { nTrees, treeRoot, feature, left, right } = forest.arrays();
  const nodeMask = new Int32Array(feature.length);
  const nodeWord = new Int32Array(feature.length);
  const leafOfBit = new Int32Array(nTrees * MAX_LEAVES);
  const treeWord = new Int32Array(nTrees);
  const treeShift = new Int32Array(nTrees);
  let word = 0;
  let used = 0;
  const nodes: number[] = [];
  for (let t = 0; t < nTrees; t++) {
    let bits = 0;
    nodes.length = 0;
    // Returns the first bit and the count of the subtree's leaves; masks are first relative to the tree.
    const visit = (n: number): [number, number] | undefined => {
      if (n < 0) {
        if (bits === MAX_LEAVES) return undefined;
        leafOfBit[t * MAX_LEAVES + bits] = ~n;
        return [bits++, 1];
      }
      nodes.push(n);
      const l = visit(left[n]);
      const r = l && visit(right[n]);
      if (!l || !r) return undefined;
      // A false node rules out every leaf of its left subtree (at most 31 leaves: the right one has one).
      nodeMask[n] = ((1 << l[1]) - 1) << l[0];
      return [l[0], l[1] + r[1]];
    };
    if (!visit(treeRoot[t])) return undefined;
    if (used + bits > MAX_LEAVES) {
      word++;
      used = 0;
    }
    treeWord[t] = word;
    treeShift[t] = used;
    for (const n of nodes) {
      nodeWord[n] = word;
      // The other trees' bits of the word stay set.
      nodeMask[n] = ~(nodeMask[n] << used);
    }
    used += bits;
  }
  return { nodeWord, nodeMask, leafOfBit, treeWord, treeShift, nWords: nTrees > 0 ? word + 1 : 0 };
}

/** Accumulates slots: for one representative value, the AND per word of the masks of the nodes it sends right. */
class SlotTables {
  /** (word, mask) pairs, flat, in the front of a buffer that doubles when full. */
  private buffer = new Int32Array(1024);
  private used = 0;
  private readonly start: number[] = [];
  private readonly combined: Int32Array;
  private readonly touched: Uint8Array;
  private readonly x: Float32Array;

  constructor(
    private readonly forest: FlatForest,
    private readonly nodeWord: Int32Array,
    private readonly nodeMask: Int32Array,
    nWords: number,
    nFeatures: number,
  ) {
    this.combined = new Int32Array(nWords);
    this.touched = new Uint8Array(nWords);
    this.x = new Float32Array(nFeatures);
  }

  get slots(): number {
    return this.start.length;
  }

  get entries(): number {
    return this.used >> 1;
  }

  /** The pairs written. */
  pairs(): Int32Array {
    return this.buffer.slice(0, this.used);
  }

  private push(word: number, mask: number): void {
    if (this.used + 2 > this.buffer.length) {
      const bigger = new Int32Array(this.buffer.length * 2);
      bigger.set(this.buffer);
      this.buffer = bigger;
    }
    this.buffer[this.used++] = word;
    this.buffer[this.used++] = mask;
  }

  /**
   * Adds the slot of `value` of feature f over `nodes` (all split on f, in ascending order), judged by the
   * walk's own test. Trees own consecutive nodes, so the words come out ascending too: a row's ANDs then
   * sweep its words in order.
   */
  addSlot(f: number, nodes: readonly number[], value: number): void {
    this.start.push(this.entries);
    this.x[f] = value;
    const list: number[] = [];
    for (const n of nodes) {
      if (this.forest.goesLeft(n, this.x, 0)) continue;
      const w = this.nodeWord[n];
      if (this.touched[w] === 0) {
        this.touched[w] = 1;
        this.combined[w] = -1;
        list.push(w);
      }
      this.combined[w] &= this.nodeMask[n];
    }
    for (const w of list) {
      this.push(w, this.combined[w]);
      this.touched[w] = 0;
    }
  }

  /**
   * The interval slots of a numeric feature, given its nodes sorted by threshold and its distinct
   * thresholds (bounds): slot i holds the values above exactly the first i bounds. A value that is not
   * missing goes left exactly when it is at most the threshold (whichever way missing values go), so slot
   * i's false nodes are those at the first i bounds: slot i is slot i - 1 plus the nodes at bound i - 1.
   */
  addIntervalSlots(nodes: readonly number[], threshold: Float32Array, bounds: readonly number[]): void {
    // Words touched so far, kept in ascending order by inserting each new one in place.
    const list: number[] = [];
    let next = 0;
    for (let i = 0; i <= bounds.length; i++) {
      for (; i > 0 && next < nodes.length && threshold[nodes[next]] === bounds[i - 1]; next++) {
        const n = nodes[next];
        const w = this.nodeWord[n];
        if (this.touched[w] === 0) {
          this.touched[w] = 1;
          this.combined[w] = -1;
          let at = list.length;
          while (at > 0 && list[at - 1] > w) at--;
          list.splice(at, 0, w);
        }
        this.combined[w] &= this.nodeMask[n];
      }
      this.start.push(this.entries);
      for (const w of list) this.push(w, this.combined[w]);
    }
    for (const w of list) this.touched[w] = 0;
  }

  starts(): Int32Array {
    return Int32Array.from([...this.start, this.entries]);
  }
}
