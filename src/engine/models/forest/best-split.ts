/**
 * @module engine/models/forest/best-split
 * The exhaustive split search of random forests and CART, on histograms of the node's rows over the
 * features drawn for that node. Large nodes use the gradient-boosting histogram builder (or the class
 * histogram for multiclass) over every bin; small nodes, the vast majority in trees grown to purity, touch
 * only the bins their rows occupy (found with a bitmap, see occupied-bins), so a node's cost follows its
 * rows rather than the bin count. Regression and two-class forests ('sum' layout) scan numeric features
 * with their running sums in locals (`orderedSum`): the search's innermost loop.
 *
 * Numeric features scan the occupied bins in order twice, missing values on the right and then on the
 * left (plus "missing alone on the left"), which learns where missing values go; the chosen boundary sits
 * in the middle of the empty bins after it, as scikit-learn puts thresholds half-way between values.
 * Categorical features either scan their codes in order like a numeric feature ('ordinal'), or ('set') sort
 * the categories present by mean target (each class's share for multiclass) and scan the prefixes, which is
 * Breiman's exact optimum for two classes and regression. Missing counts as one more category there.
 */
import type { Rng } from '../../core/rng';
import { buildHistogram } from '../tree/histogram';
import { buildClassHistogram } from './class-histogram';
import type { CategoricalSplit } from './forest-params';
import { bitmapWords, gatherBins, listOccupied } from './occupied-bins';
import type { SplitCriterion } from './split-criterion';
import type { SplitChoice, Splitter, TreeData } from './splitter';

/** How a feature's bins are scanned: in order, in code order (a categorical stored as a code set), or sorted by target. */
const NUMERIC = 0;
const CODE_ORDER = 1;
const CATEGORY_SET = 2;

/** Best-threshold search on per-node histograms; one instance per fit, nothing allocated per node. */
export class HistogramSplitter implements Splitter {
  private readonly hist: Float64Array;
  private readonly criterion: SplitCriterion;
  private readonly stride: number;
  /** Node rows' targets gathered in index order (what the histogram builders read). */
  private readonly gBuf: Float32Array;
  private readonly wBuf: Float32Array;
  private readonly clsBuf: Int32Array;
  private readonly left: Float64Array;
  private readonly right: Float64Array;
  /** Occupied bins of the feature being scanned, ascending (the missing bin, when occupied, is last). */
  private readonly bins: Int32Array;
  private readonly order: Int32Array;
  private readonly key: Float64Array;
  private readonly dense: Int32Array;
  /** 'sum' layout: the criterion's scalar score, which the scans with running sums in locals call. */
  private readonly scoreSums: ((s: number, w: number) => number) | null;
  /** Per feature: bin count, and how it is scanned (NUMERIC, CODE_ORDER or CATEGORY_SET). */
  private readonly nBinsOf: Int32Array;
  private readonly kindOf: Uint8Array;
  private readonly offsets: Int32Array;
  /** The bins a sparse build found occupied (see occupied-bins). */
  private readonly occupied: Int32Array;
  /** The scanned feature's bin of each node row, in node order (written by the sparse build's first pass). */
  private readonly rowBins: Uint8Array;
  private indices: Uint32Array = new Uint32Array(0);
  private start = 0;
  private count = 0;

  constructor(
    private readonly data: TreeData,
    categoricalSplit: CategoricalSplit,
  ) {
    this.criterion = data.criterion;
    this.stride = data.criterion.stride;
    this.hist = new Float64Array(data.mapper.totalBins * this.stride);
    const n = data.nRows;
    const sum = data.criterion.layout === 'sum';
    this.gBuf = new Float32Array(sum ? n : 0);
    this.wBuf = new Float32Array(n);
    this.clsBuf = new Int32Array(sum ? 0 : n);
    this.left = new Float64Array(this.stride);
    this.right = new Float64Array(this.stride);
    const maxBins = data.mapper.maxFeatureBins;
    this.bins = new Int32Array(maxBins);
    this.order = new Int32Array(maxBins);
    this.key = new Float64Array(maxBins);
    this.dense = new Int32Array(data.mapper.features.length);
    this.scoreSums = sum ? (data.criterion.scoreSums ?? null) : null;
    const features = data.mapper.features;
    this.nBinsOf = Int32Array.from(features, (fb) => fb.nBins);
    this.kindOf = Uint8Array.from(features, (fb) => (!fb.categorical ? NUMERIC : categoricalSplit === 'set' ? CATEGORY_SET : CODE_ORDER));
    this.offsets = data.mapper.offsets;
    this.occupied = new Int32Array(bitmapWords(maxBins));
    this.rowBins = new Uint8Array(n);
  }

  begin(indices: Uint32Array, start: number, count: number): void {
    this.indices = indices;
    this.start = start;
    this.count = count;
    const { g, w, cls } = this.data;
    if (this.criterion.layout === 'sum') {
      for (let i = 0; i < count; i++) {
        const r = indices[start + i];
        this.gBuf[i] = g[r];
        this.wBuf[i] = w[r];
      }
    } else {
      for (let i = 0; i < count; i++) {
        const r = indices[start + i];
        this.clsBuf[i] = cls[r];
        this.wBuf[i] = w[r];
      }
    }
  }

  evaluate(features: Int32Array, n: number, total: Float64Array, minLeaf: number, _rng: Rng, best: SplitChoice, constant: Uint8Array, constantAt: number): number {
    const { nBinsOf, kindOf, offsets, dense } = this;
    const S = this.stride;
    const N = this.count;
    let nDense = 0;
    for (let i = 0; i < n; i++) {
      const f = features[i];
      // Dense building pays for every bin. (This threshold dates from when sparse building sorted its bins
      // by insertion; since the bitmap, linear ones, rows > k · bins for k from 0.5 to 4, measured no better.)
      if (N * N > 4 * nBinsOf[f] * S) dense[nDense++] = f;
    }
    if (nDense > 0) this.buildDense(nDense);
    const fast = this.scoreSums !== null;
    let nonConstant = 0;
    let d = 0;
    for (let i = 0; i < n; i++) {
      const f = features[i];
      const nBins = nBinsOf[f];
      const off = offsets[f] * S;
      let m: number;
      if (d < nDense && dense[d] === f) {
        d++;
        m = this.listDense(off, nBins);
      } else m = this.buildSparse(f, off, nBins);
      if (m < 2) {
        constant[constantAt + f] = 1;
        continue;
      }
      nonConstant++;
      const kind = kindOf[f];
      if (kind === CATEGORY_SET) {
        this.sortedSet(f, off, nBins, m, total, minLeaf, best);
        continue;
      }
      const before = best.score;
      if (fast) this.orderedSum(f, off, nBins, m, total, minLeaf, best);
      else this.ordered(f, off, nBins, m, total, minLeaf, best);
      if (kind === CODE_ORDER && best.score > before) {
        // A code-order split of a categorical feature is stored as the set of codes up to the boundary.
        best.fillNumericTable(nBins);
        best.categorical = true;
      }
    }
    return nonConstant;
  }

  private buildDense(nDense: number): void {
    const { binned, nRows, mapper } = this.data;
    if (this.criterion.layout === 'sum') {
      buildHistogram(this.hist, binned, nRows, mapper.offsets, this.dense, nDense, this.indices, this.start, this.count, this.gBuf, this.wBuf);
    } else {
      buildClassHistogram(this.hist, binned, nRows, mapper.offsets, this.dense, nDense, this.indices, this.start, this.count, this.clsBuf, this.wBuf, this.stride - 1);
    }
  }

  /**
   * Lists in `bins` the occupied bins of a densely built feature; returns how many. Branch-free (each bin
   * is written, the count advances only past occupied ones): occupancy along a feature is close to random,
   * so a branch per bin mispredicts often (this scan took a tenth of an ames random forest's fit with one).
   */
  private listDense(off: number, nBins: number): number {
    const { hist, bins } = this;
    const S = this.stride;
    let m = 0;
    for (let b = 0, o = off + S - 1; b < nBins; b++, o += S) {
      bins[m] = b;
      m += Number(hist[o] > 0);
    }
    return m;
  }

  /** Histogram of feature `f` over the bins the node occupies only; lists them in `bins` and returns how many. */
  private buildSparse(f: number, off: number, nBins: number): number {
    const { binned, nRows } = this.data;
    const { hist, indices, occupied, rowBins, bins } = this;
    const S = this.stride;
    const n = this.count;
    const words = bitmapWords(nBins);
    gatherBins(binned, f * nRows, indices, this.start, n, rowBins, occupied, words);
    const m = listOccupied(occupied, words, bins);
    // Only the occupied bins need clearing before the sums, however many rows share them.
    for (let k = 0; k < m; k++) {
      const o = off + bins[k] * S;
      for (let c = 0; c < S; c++) hist[o + c] = 0;
    }
    if (this.criterion.layout === 'sum') {
      const { gBuf, wBuf } = this;
      for (let i = 0; i < n; i++) {
        const o = off + rowBins[i] * 3;
        hist[o] += gBuf[i];
        hist[o + 1] += wBuf[i];
        hist[o + 2] += 1;
      }
    } else {
      const { clsBuf, wBuf } = this;
      const cnt = S - 1;
      for (let i = 0; i < n; i++) {
        const o = off + rowBins[i] * S;
        hist[o + clsBuf[i]] += wBuf[i];
        hist[o + cnt] += 1;
      }
    }
    return m;
  }

  /** Scans the boundaries between occupied bins in bin order (numeric features, or categorical codes in order). */
  private ordered(f: number, off: number, nBins: number, m: number, total: Float64Array, minLeaf: number, best: SplitChoice): void {
    const S = this.stride;
    const cnt = S - 1;
    const { hist, bins, left, right, criterion } = this;
    const missingBin = nBins - 1;
    const hasMissing = bins[m - 1] === missingBin;
    const mv = hasMissing ? m - 1 : m;
    const mOff = off + missingBin * S;
    const N = this.count;
    // Pass 0 sends missing values right, pass 1 left; pass 1 also tries "missing alone on the left" (i = -1).
    for (let pass = 0; pass < (hasMissing ? 2 : 1); pass++) {
      for (let c = 0; c < S; c++) left[c] = pass ? hist[mOff + c] : 0;
      for (let i = pass ? -1 : 0; i < mv; i++) {
        if (i >= 0) {
          const o = off + bins[i] * S;
          for (let c = 0; c < S; c++) left[c] += hist[o + c];
        }
        const cl = left[cnt];
        if (cl < minLeaf) continue;
        const cr = N - cl;
        if (cr < minLeaf) break;
        for (let c = 0; c < cnt; c++) right[c] = total[c] - left[c];
        const score = criterion.score(left, 0) + criterion.score(right, 0);
        if (score > best.score) recordOrdered(best, score, f, bins, i, mv, nBins, pass, hasMissing, cl, cr);
      }
    }
  }

  /**
   * `ordered` for the 'sum' layout: the running left sums live in locals and the criterion's scalar score
   * replaces two score calls on arrays that are rewritten at every boundary. This is the inner loop of
   * every regression forest; the sums are added in the same order and scored by the same arithmetic, so
   * the splits are the generic scan's to the bit.
   */
  private orderedSum(f: number, off: number, nBins: number, m: number, total: Float64Array, minLeaf: number, best: SplitChoice): void {
    const { hist, bins } = this;
    const score = this.scoreSums as (s: number, w: number) => number;
    const missingBin = nBins - 1;
    const hasMissing = bins[m - 1] === missingBin;
    const mv = hasMissing ? m - 1 : m;
    const mOff = off + missingBin * 3;
    const N = this.count;
    const tg = total[0];
    const tw = total[1];
    for (let pass = 0; pass < (hasMissing ? 2 : 1); pass++) {
      let lg = pass ? hist[mOff] : 0;
      let lw = pass ? hist[mOff + 1] : 0;
      let cl = pass ? hist[mOff + 2] : 0;
      for (let i = pass ? -1 : 0; i < mv; i++) {
        if (i >= 0) {
          const o = off + bins[i] * 3;
          lg += hist[o];
          lw += hist[o + 1];
          cl += hist[o + 2];
        }
        if (cl < minLeaf) continue;
        const cr = N - cl;
        if (cr < minLeaf) break;
        const s = score(lg, lw) + score(tg - lg, tw - lw);
        if (s > best.score) recordOrdered(best, s, f, bins, i, mv, nBins, pass, hasMissing, cl, cr);
      }
    }
  }

  /** Sorted-prefix search over the categories of feature `f` present in the node. */
  private sortedSet(f: number, off: number, nBins: number, m: number, total: Float64Array, minLeaf: number, best: SplitChoice): void {
    const S = this.stride;
    const cnt = S - 1;
    const { hist, bins, left, right, criterion, order, key } = this;
    const N = this.count;
    const missingSeen = bins[m - 1] === nBins - 1;
    let absentScanned = false;
    for (let which = 0; which < criterion.orderings; which++) {
      // A class with no weight in the node has share 0 in every category, so its ordering is the bins'
      // own order, the same for every such class: scanning it once finds all it can. Deep nodes of a
      // many-class forest hold few classes, so this skips most orderings (soybean: 19 classes).
      if (criterion.orderings > 1 && total[which] === 0) {
        if (absentScanned) continue;
        absentScanned = true;
      }
      for (let i = 0; i < m; i++) {
        order[i] = bins[i];
        key[bins[i]] = criterion.orderKey(hist, off + bins[i] * S, which);
      }
      sortByKey(order, m, key);
      left.fill(0);
      for (let i = 0; i + 1 < m; i++) {
        const o = off + order[i] * S;
        for (let c = 0; c < S; c++) left[c] += hist[o + c];
        const cl = left[cnt];
        if (cl < minLeaf) continue;
        const cr = N - cl;
        if (cr < minLeaf) break;
        for (let c = 0; c < cnt; c++) right[c] = total[c] - left[c];
        const score = criterion.score(left, 0) + criterion.score(right, 0);
        if (score > best.score) {
          best.score = score;
          best.feature = f;
          best.categorical = true;
          best.leftCount = cl;
          const table = best.leftTable;
          table.fill(0, 0, nBins);
          for (let j = 0; j <= i; j++) table[order[j]] = 1;
          // A missing bin with no rows in this node sends missing values to the bigger child.
          if (!missingSeen) table[nBins - 1] = cl >= cr ? 1 : 0;
          best.defaultLeft = table[nBins - 1] === 1;
        }
      }
    }
  }
}

/** Records an improving boundary of an in-order scan: after `bins[i]` (i = -1: only missing values go left). */
function recordOrdered(best: SplitChoice, score: number, f: number, bins: Int32Array, i: number, mv: number, nBins: number, pass: number, hasMissing: boolean, cl: number, cr: number): void {
  best.score = score;
  best.feature = f;
  best.categorical = false;
  // Values up to the middle of the empty bins after bins[i] go left; with none after, all values do.
  best.bin = i < 0 ? -1 : i + 1 < mv ? (bins[i] + bins[i + 1] - 1) >> 1 : nBins - 2;
  // Without missing rows here, unseen missing values follow the bigger child (as scikit-learn does).
  best.defaultLeft = pass === 1 || (!hasMissing && cl >= cr);
  best.leftCount = cl;
}

/** Insertion sort of `order[0, n)` by `key[order[i]]`, ties by bin: at most 256 items, deterministic, allocation-free. */
function sortByKey(order: Int32Array, n: number, key: Float64Array): void {
  for (let i = 1; i < n; i++) {
    const b = order[i];
    const kb = key[b];
    let j = i - 1;
    while (j >= 0 && (key[order[j]] > kb || (key[order[j]] === kb && order[j] > b))) {
      order[j + 1] = order[j];
      j--;
    }
    order[j + 1] = b;
  }
}
