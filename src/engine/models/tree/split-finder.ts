/**
 * @module engine/models/tree/split-finder
 * Finds the best split of one leaf from its histogram. Numeric features scan thresholds twice, once with
 * the missing bin on the right and once on the left, and keep the better: that is how the default
 * direction for missing values is learned. Categorical features use LightGBM's native method: a one-vs-rest
 * split when the leaf sees few categories, otherwise categories sorted by gradient/hessian ratio and the
 * best prefix of that order goes left. Gains are the usual second-order score with L2 regularisation.
 */
import type { BinMapper } from './binning';
import { HIST_STRIDE } from './histogram';

/** Split-search settings, resolved from the model's parameters. */
export interface SplitConfig {
  readonly lambdaL2: number;
  readonly minDataInLeaf: number;
  readonly minSumHessianInLeaf: number;
  readonly minGainToSplit: number;
  /** Categorical: smoothing added to the hessian when ordering categories, and the minimum rows per category. */
  readonly catSmooth: number;
  /** Categorical: extra L2 for sorted (many-category) splits, which overfit more easily. */
  readonly catL2: number;
  /** Categorical: most categories a sorted split may send left. */
  readonly maxCatThreshold: number;
  /** Categorical: one-vs-rest search when the leaf holds at most this many categories. */
  readonly maxCatToOnehot: number;
  /** Categorical: rows that must accumulate between two candidate sorted splits (and on the right side). */
  readonly minDataPerGroup: number;
}

/** The best split found for a leaf; one instance per leaf slot, reused across trees. */
export class SplitInfo {
  /** Gain over not splitting; -Infinity when the leaf cannot be split. */
  gain = -Infinity;
  feature = -1;
  /** Numeric: bins 0..bin go left (plus the missing bin when defaultLeft). */
  bin = 0;
  defaultLeft = false;
  categorical = false;
  leftG = 0;
  leftH = 0;
  leftCount = 0;
  rightG = 0;
  rightH = 0;
  rightCount = 0;
  /** 1 for each bin of `feature` that goes left; filled for categorical splits, or by `fillNumericTable`. */
  readonly leftTable: Uint8Array;

  constructor(maxFeatureBins: number) {
    this.leftTable = new Uint8Array(maxFeatureBins);
  }

  /** Writes the bin-to-side table of a numeric split (done only for the split actually applied). */
  fillNumericTable(nBins: number): void {
    const t = this.leftTable;
    for (let b = 0; b < nBins - 1; b++) t[b] = b <= this.bin ? 1 : 0;
    t[nBins - 1] = this.defaultLeft ? 1 : 0;
  }
}

/** Scores splits of a leaf; holds scratch space for categorical ordering so nothing is allocated per leaf. */
export class SplitFinder {
  private readonly order: Int32Array;
  private readonly ratio: Float64Array;
  /** Hessian per row count: 0 when histograms hold hessian sums, else the shared hessian (see find). */
  private hPerRow = 0;

  constructor(
    private readonly mapper: BinMapper,
    private readonly cfg: SplitConfig,
  ) {
    this.order = new Int32Array(mapper.maxFeatureBins);
    this.ratio = new Float64Array(mapper.maxFeatureBins);
  }

  /**
   * Fills `out` with the best split of a leaf with totals (G, H, N) over the listed features. `hConst`,
   * when not NaN, says every row's hessian is hConst and the histogram's hessian slots are zero: a bin's
   * hessian is then its count times hConst. Bins are read as `h slot + count * hPerRow`, exact either way.
   */
  find(hist: Float64Array, G: number, H: number, N: number, features: Int32Array, nFeatures: number, out: SplitInfo, hConst = Number.NaN): void {
    this.hPerRow = hConst === hConst ? hConst : 0;
    out.gain = -Infinity;
    out.feature = -1;
    const parentScore = (G * G) / (H + this.cfg.lambdaL2);
    for (let k = 0; k < nFeatures; k++) {
      const f = features[k];
      if (this.mapper.features[f].categorical) this.categorical(hist, f, G, H, N, parentScore, out);
      else this.numeric(hist, f, G, H, N, parentScore, out);
    }
  }

  private numeric(hist: Float64Array, f: number, G: number, H: number, N: number, parentScore: number, out: SplitInfo): void {
    const { lambdaL2: l2, minDataInLeaf: minN, minSumHessianInLeaf: minH, minGainToSplit } = this.cfg;
    const nBins = this.mapper.features[f].nBins;
    const off = this.mapper.offsets[f] * HIST_STRIDE;
    const mOff = off + (nBins - 1) * HIST_STRIDE;
    const hs = this.hPerRow;
    const missingCount = hist[mOff + 2];
    // Pass 0 puts the missing bin right, pass 1 left; without missing rows pass 1 would repeat pass 0.
    const passes = missingCount > 0 ? 2 : 1;
    // The bar a threshold must clear: the best gain so far, the minimum gain, and 0 (kept in a local so
    // the hot loop touches no object; `out` is written once at the end if this feature won).
    let bar = Math.max(out.gain, minGainToSplit, 0);
    let bestT = -1;
    let bestPass = 0;
    let bestGl = 0;
    let bestHl = 0;
    let bestCl = 0;
    for (let pass = 0; pass < passes; pass++) {
      let gl = pass ? hist[mOff] : 0;
      let hl = pass ? hist[mOff + 1] + missingCount * hs : 0;
      let cl = pass ? missingCount : 0;
      for (let t = 0; t < nBins - 1; t++) {
        const o = off + t * HIST_STRIDE;
        const ct = hist[o + 2];
        // An empty bin moves no row, so its threshold cannot beat the previous one: skip the gain. (Its
        // sums are 0 up to the rounding a subtracted histogram leaves, so they are not added either.)
        if (ct === 0 && t > 0) continue;
        gl += hist[o];
        hl += hist[o + 1] + ct * hs;
        cl += ct;
        if (cl < minN || hl < minH) continue;
        const hr = H - hl;
        if (N - cl < minN || hr < minH) break;
        const gr = G - gl;
        const gain = (gl * gl) / (hl + l2) + (gr * gr) / (hr + l2) - parentScore;
        if (gain > bar) {
          bar = gain;
          bestT = t;
          bestPass = pass;
          bestGl = gl;
          bestHl = hl;
          bestCl = cl;
        }
      }
    }
    if (bestT < 0) return;
    out.gain = bar;
    out.feature = f;
    out.bin = bestT;
    out.categorical = false;
    // With no missing rows here, unseen missing values follow the bigger child (as scikit-learn does).
    out.defaultLeft = bestPass === 1 || (missingCount === 0 && bestCl >= N - bestCl);
    out.leftG = bestGl;
    out.leftH = bestHl;
    out.leftCount = bestCl;
    out.rightG = G - bestGl;
    out.rightH = H - bestHl;
    out.rightCount = N - bestCl;
  }

  private categorical(hist: Float64Array, f: number, G: number, H: number, N: number, parentScore: number, out: SplitInfo): void {
    const cfg = this.cfg;
    const nBins = this.mapper.features[f].nBins;
    const off = this.mapper.offsets[f] * HIST_STRIDE;
    let nonEmpty = 0;
    for (let b = 0; b < nBins; b++) if (hist[off + b * HIST_STRIDE + 2] > 0) nonEmpty++;
    if (nonEmpty < 2) return;
    if (nonEmpty <= cfg.maxCatToOnehot) this.oneVsRest(hist, f, nBins, off, G, H, N, parentScore, out);
    else this.sortedPrefix(hist, f, nBins, off, G, H, N, parentScore, out);
  }

  private oneVsRest(hist: Float64Array, f: number, nBins: number, off: number, G: number, H: number, N: number, parentScore: number, out: SplitInfo): void {
    const { lambdaL2: l2, minDataInLeaf: minN, minSumHessianInLeaf: minH, minGainToSplit } = this.cfg;
    const hs = this.hPerRow;
    let bestBin = -1;
    for (let b = 0; b < nBins; b++) {
      const o = off + b * HIST_STRIDE;
      const gl = hist[o];
      const cl = hist[o + 2];
      const hl = hist[o + 1] + cl * hs;
      const cr = N - cl;
      const hr = H - hl;
      if (cl < minN || hl < minH || cr < minN || hr < minH) continue;
      const gr = G - gl;
      const gain = (gl * gl) / (hl + l2) + (gr * gr) / (hr + l2) - parentScore;
      if (gain > out.gain && gain > minGainToSplit && gain > 0) {
        bestBin = b;
        this.record(out, f, gain, gl, hl, cl, G, H, N);
      }
    }
    if (bestBin < 0) return;
    out.leftTable.fill(0, 0, nBins);
    out.leftTable[bestBin] = 1;
    out.defaultLeft = bestBin === nBins - 1;
  }

  private sortedPrefix(hist: Float64Array, f: number, nBins: number, off: number, G: number, H: number, N: number, parentScore: number, out: SplitInfo): void {
    const cfg = this.cfg;
    const { minDataInLeaf: minN, minSumHessianInLeaf: minH, minGainToSplit } = cfg;
    const l2 = cfg.lambdaL2 + cfg.catL2;
    const order = this.order;
    const ratio = this.ratio;
    const hs = this.hPerRow;
    // Only categories with enough rows take part; the rest always go right with the unlisted codes.
    let used = 0;
    for (let b = 0; b < nBins; b++) {
      const o = off + b * HIST_STRIDE;
      if (hist[o + 2] >= cfg.catSmooth) {
        ratio[b] = hist[o] / (hist[o + 1] + hist[o + 2] * hs + cfg.catSmooth);
        order[used++] = b;
      }
    }
    if (used < 2) return;
    // Insertion sort by ratio (ties by bin): at most 255 items, deterministic, allocation-free.
    for (let i = 1; i < used; i++) {
      const b = order[i];
      let j = i - 1;
      while (j >= 0 && (ratio[order[j]] > ratio[b] || (ratio[order[j]] === ratio[b] && order[j] > b))) {
        order[j + 1] = order[j];
        j--;
      }
      order[j + 1] = b;
    }
    const maxLeft = Math.min(cfg.maxCatThreshold, (used + 1) >> 1);
    let bestDir = 0;
    let bestLen = 0;
    // Scan prefixes from both ends of the order: lowest ratios left, then highest ratios left.
    for (let dir = 0; dir < 2; dir++) {
      let gl = 0;
      let hl = 0;
      let cl = 0;
      let group = 0;
      for (let i = 0; i < used && i < maxLeft; i++) {
        const o = off + order[dir === 0 ? i : used - 1 - i] * HIST_STRIDE;
        gl += hist[o];
        hl += hist[o + 1] + hist[o + 2] * hs;
        cl += hist[o + 2];
        group += hist[o + 2];
        if (cl < minN || hl < minH) continue;
        const cr = N - cl;
        const hr = H - hl;
        if (cr < minN || cr < cfg.minDataPerGroup || hr < minH) break;
        if (group < cfg.minDataPerGroup) continue;
        group = 0;
        const gr = G - gl;
        const gain = (gl * gl) / (hl + l2) + (gr * gr) / (hr + l2) - parentScore;
        if (gain > out.gain && gain > minGainToSplit && gain > 0) {
          bestDir = dir;
          bestLen = i + 1;
          this.record(out, f, gain, gl, hl, cl, G, H, N);
        }
      }
    }
    if (bestLen === 0) return;
    out.leftTable.fill(0, 0, nBins);
    for (let i = 0; i < bestLen; i++) out.leftTable[order[bestDir === 0 ? i : used - 1 - i]] = 1;
    out.defaultLeft = out.leftTable[nBins - 1] === 1;
  }

  private record(out: SplitInfo, f: number, gain: number, gl: number, hl: number, cl: number, G: number, H: number, N: number): void {
    out.gain = gain;
    out.feature = f;
    out.categorical = true;
    out.leftG = gl;
    out.leftH = hl;
    out.leftCount = cl;
    out.rightG = G - gl;
    out.rightH = H - hl;
    out.rightCount = N - cl;
  }
}
