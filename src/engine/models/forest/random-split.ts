/**
 * @module engine/models/forest/random-split
 * The split search of extremely randomised trees (Geurts et al. 2006): each drawn feature gets one random
 * cut and the best of those cuts wins. A numeric cut is a bin boundary drawn uniformly between the
 * node's lowest and highest occupied bins (LightGBM's extra_trees draws bins the same way), so on quantile
 * bins it is uniform in the data's rank rather than in raw value; missing values try both sides.
 * Categorical features are cut the same way in code order ('ordinal'), or ('set') a random half of the
 * categories present goes left. Two passes over the node's rows per feature and no histograms, so deep
 * small nodes stay cheap.
 */
import type { Rng } from '../../core/rng';
import type { CategoricalSplit } from './forest-params';
import type { SplitCriterion } from './split-criterion';
import type { SplitChoice, Splitter, TreeData } from './splitter';

/** One random cut per feature; one instance per fit, nothing allocated per node. */
export class RandomSplitter implements Splitter {
  private readonly criterion: SplitCriterion;
  private readonly stride: number;
  private readonly left: Float64Array;
  private readonly right: Float64Array;
  private readonly miss: Float64Array;
  /** Categorical: bins present in the node (then the random side of each). */
  private readonly present: Uint8Array;
  private readonly table: Uint8Array;
  private readonly order: Int32Array;
  private indices: Uint32Array = new Uint32Array(0);
  private start = 0;
  private count = 0;

  constructor(
    private readonly data: TreeData,
    private readonly categoricalSplit: CategoricalSplit,
  ) {
    this.criterion = data.criterion;
    this.stride = data.criterion.stride;
    this.left = new Float64Array(this.stride);
    this.right = new Float64Array(this.stride);
    this.miss = new Float64Array(this.stride);
    this.present = new Uint8Array(data.mapper.maxFeatureBins);
    this.table = new Uint8Array(data.mapper.maxFeatureBins);
    this.order = new Int32Array(data.mapper.maxFeatureBins);
  }

  begin(indices: Uint32Array, start: number, count: number): void {
    this.indices = indices;
    this.start = start;
    this.count = count;
  }

  evaluate(features: Int32Array, n: number, total: Float64Array, minLeaf: number, rng: Rng, best: SplitChoice, constant: Uint8Array, constantAt: number): number {
    let nonConstant = 0;
    for (let i = 0; i < n; i++) {
      const f = features[i];
      const varied =
        this.data.mapper.features[f].categorical && this.categoricalSplit === 'set'
          ? this.categorical(f, total, minLeaf, rng, best)
          : this.numeric(f, total, minLeaf, rng, best);
      if (varied) nonConstant++;
      else constant[constantAt + f] = 1;
    }
    return nonConstant;
  }

  private numeric(f: number, total: Float64Array, minLeaf: number, rng: Rng, best: SplitChoice): boolean {
    const { binned, nRows } = this.data;
    const nBins = this.data.mapper.features[f].nBins;
    const missingBin = nBins - 1;
    const base = f * nRows;
    const idx = this.indices;
    const end = this.start + this.count;
    let lo = missingBin;
    let hi = -1;
    let nMissing = 0;
    for (let i = this.start; i < end; i++) {
      const b = binned[base + idx[i]];
      if (b === missingBin) nMissing++;
      else {
        if (b < lo) lo = b;
        if (b > hi) hi = b;
      }
    }
    if (hi < 0 || (lo === hi && nMissing === 0)) return false;
    // Values in bins 0..t go left; with a single occupied bin the only cut separates values from missing.
    const t = hi > lo ? lo + rng.int(hi - lo) : lo;
    const { left, miss } = this;
    this.accumulate(f, null, t, missingBin);
    const S = this.stride;
    const cnt = S - 1;
    // Missing right, then (when the node has missing rows) missing left.
    if (this.consider(total, minLeaf, best)) {
      best.feature = f;
      best.categorical = false;
      best.bin = t;
      best.defaultLeft = nMissing === 0 && left[cnt] >= this.count - left[cnt];
    }
    if (nMissing > 0) {
      for (let c = 0; c < S; c++) left[c] += miss[c];
      if (this.consider(total, minLeaf, best)) {
        best.feature = f;
        best.categorical = false;
        best.bin = t;
        best.defaultLeft = true;
      }
    }
    if (best.feature === f && this.data.mapper.features[f].categorical) {
      // A code-order cut of a categorical feature is stored as the set of codes up to the cut.
      best.fillNumericTable(nBins);
      best.categorical = true;
    }
    return true;
  }

  private categorical(f: number, total: Float64Array, minLeaf: number, rng: Rng, best: SplitChoice): boolean {
    const { binned, nRows } = this.data;
    const nBins = this.data.mapper.features[f].nBins;
    const base = f * nRows;
    const idx = this.indices;
    const end = this.start + this.count;
    const { present, table, order } = this;
    present.fill(0, 0, nBins);
    for (let i = this.start; i < end; i++) present[binned[base + idx[i]]] = 1;
    let used = 0;
    for (let b = 0; b < nBins; b++) if (present[b]) order[used++] = b;
    if (used < 2) return false;
    // A random proper subset of the categories present goes left (missing counts as a category).
    table.fill(0, 0, nBins);
    let nLeft = 0;
    for (let i = 0; i < used; i++) {
      const side = rng.next() < 0.5 ? 1 : 0;
      table[order[i]] = side;
      nLeft += side;
    }
    if (nLeft === 0 || nLeft === used) table[order[rng.int(used)]] ^= 1;
    this.accumulate(f, table, 0, -1);
    const cnt = this.stride - 1;
    if (!this.consider(total, minLeaf, best)) return true;
    best.feature = f;
    best.categorical = true;
    // A missing bin with no rows in this node sends missing values to the bigger child.
    if (!present[nBins - 1]) table[nBins - 1] = this.left[cnt] >= this.count - this.left[cnt] ? 1 : 0;
    for (let b = 0; b < nBins; b++) best.leftTable[b] = table[b];
    best.defaultLeft = table[nBins - 1] === 1;
    return true;
  }

  /**
   * Sums the node's rows into `left` (side 1) and `miss` (side 2). With a table, each bin's side is read
   * from it (categorical cuts); without, bins 0..t are side 1 and `missingBin` side 2 (numeric cuts).
   */
  private accumulate(f: number, table: Uint8Array | null, t: number, missingBin: number): void {
    const { binned, nRows, w, g, cls } = this.data;
    const { left, miss } = this;
    const S = this.stride;
    const cnt = S - 1;
    left.fill(0);
    miss.fill(0);
    const base = f * nRows;
    const idx = this.indices;
    const end = this.start + this.count;
    const sum = this.criterion.layout === 'sum';
    for (let i = this.start; i < end; i++) {
      const r = idx[i];
      const b = binned[base + r];
      const side = table !== null ? table[b] : b === missingBin ? 2 : b <= t ? 1 : 0;
      if (side === 0) continue;
      const acc = side === 1 ? left : miss;
      if (sum) {
        acc[0] += g[r];
        acc[1] += w[r];
      } else {
        acc[cls[r]] += w[r];
      }
      acc[cnt] += 1;
    }
  }

  /** Scores the split held in `left`; records its score and left count when valid and better. */
  private consider(total: Float64Array, minLeaf: number, best: SplitChoice): boolean {
    const S = this.stride;
    const cnt = S - 1;
    const { left, right, criterion } = this;
    const cl = left[cnt];
    const cr = this.count - cl;
    if (cl < minLeaf || cr < minLeaf) return false;
    for (let c = 0; c < cnt; c++) right[c] = total[c] - left[c];
    const score = criterion.score(left, 0) + criterion.score(right, 0);
    if (!(score > best.score)) return false;
    best.score = score;
    best.leftCount = cl;
    return true;
  }
}
