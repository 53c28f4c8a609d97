/**
 * @module engine/models/forest/split-criterion
 * What a forest node's statistics look like and how a split is scored. A node (or one histogram bin) is
 * summarised by a short vector of weighted sums followed by a row count:
 *   - 'sum' layout, [Σ w·t, Σ w, rows]: regression (t = y minus its mean) and binary classification (t = y),
 *     the same three channels as the gradient-boosting histograms, so their builder is reused as is;
 *   - 'class' layout, [Σ w of class 0, …, Σ w of class K-1, rows]: multiclass.
 * A criterion maps the sums to a "purity score" such that score(left) + score(right) - score(parent) is the
 * weighted impurity decrease (variance, Gini or entropy): higher is better, and the parent term is constant
 * per node, so split search only compares the children's sum.
 */
import type { Criterion } from './forest-params';

/** Histogram layout of the node statistics. */
export type StatLayout = 'sum' | 'class';

/** Scores and summarises node statistics stored at `v[o .. o + stride)`. */
export interface SplitCriterion {
  readonly layout: StatLayout;
  /** Values per bin: the weighted sums, then the row count (always the last channel). */
  readonly stride: number;
  /** Purity score of the sums (larger is purer; see the module comment). */
  score(v: Float64Array, o: number): number;
  /**
   * 'sum' layout only: the same score from the two sums as numbers, score(v, o) = scoreSums(v[o], v[o + 1])
   * to the bit. Lets a split scan keep a running prefix in locals instead of a stats array.
   */
  readonly scoreSums?: (s: number, w: number) => number;
  /** Total weight of the sums. */
  weight(v: Float64Array, o: number): number;
  /** Categorical splits try one ordering of the categories per key (Breiman's sort: optimal for two classes or regression). */
  readonly orderings: number;
  /** Sort key of a category's sums under ordering `which` (the mean target or one class's share). */
  orderKey(v: Float64Array, o: number, which: number): number;
  /** Values stored per leaf: 1 for regression and binary, K for multiclass. */
  readonly leafWidth: number;
  /** Writes the leaf output (mean, P(class 1), or class probabilities) for node sums at `v[o]`. */
  leafValue(v: Float64Array, o: number, out: Float64Array, outOff: number): void;
}

/** x ln x with 0 ln 0 = 0 (entropy terms). */
function xlnx(x: number): number {
  return x > 0 ? x * Math.log(x) : 0;
}

/** Squared error: score S²/W is the between-children sum of squares; leaves predict the weighted mean plus `offset`. */
export function varianceCriterion(offset: number): SplitCriterion {
  const scoreSums = (s: number, w: number): number => (w > 0 ? (s * s) / w : 0);
  return {
    layout: 'sum',
    stride: 3,
    score: (v, o) => scoreSums(v[o], v[o + 1]),
    scoreSums,
    weight: (v, o) => v[o + 1],
    orderings: 1,
    orderKey: (v, o) => v[o] / v[o + 1],
    leafWidth: 1,
    leafValue: (v, o, out, k) => {
      out[k] = offset + (v[o + 1] > 0 ? v[o] / v[o + 1] : 0);
    },
  };
}

/** Two classes in the 'sum' layout (S = weight of class 1): Gini score (S² + (W−S)²)/W, or entropy. */
export function binaryCriterion(criterion: Criterion): SplitCriterion {
  const gini = (s: number, w: number): number => (w > 0 ? (s * s + (w - s) * (w - s)) / w : 0);
  const entropy = (s: number, w: number): number => xlnx(s) + xlnx(w - s) - xlnx(w);
  const scoreSums = criterion === 'gini' ? gini : entropy;
  return {
    layout: 'sum',
    stride: 3,
    score: (v, o) => scoreSums(v[o], v[o + 1]),
    scoreSums,
    weight: (v, o) => v[o + 1],
    orderings: 1,
    orderKey: (v, o) => v[o] / v[o + 1],
    leafWidth: 1,
    leafValue: (v, o, out, k) => {
      out[k] = v[o + 1] > 0 ? v[o] / v[o + 1] : 0.5;
    },
  };
}

/** K classes in the 'class' layout: Gini score Σ s_c² / W, or entropy Σ s_c ln(s_c / W). */
export function multiclassCriterion(criterion: Criterion, k: number): SplitCriterion {
  const weight = (v: Float64Array, o: number): number => {
    let w = 0;
    for (let c = 0; c < k; c++) w += v[o + c];
    return w;
  };
  const gini = (v: Float64Array, o: number): number => {
    let w = 0;
    let sq = 0;
    for (let c = 0; c < k; c++) {
      const s = v[o + c];
      w += s;
      sq += s * s;
    }
    return w > 0 ? sq / w : 0;
  };
  const entropy = (v: Float64Array, o: number): number => {
    let w = 0;
    let e = 0;
    for (let c = 0; c < k; c++) {
      const s = v[o + c];
      w += s;
      e += xlnx(s);
    }
    return e - xlnx(w);
  };
  return {
    layout: 'class',
    stride: k + 1,
    score: criterion === 'gini' ? gini : entropy,
    weight,
    orderings: k,
    orderKey: (v, o, which) => v[o + which] / weight(v, o),
    leafWidth: k,
    leafValue: (v, o, out, off) => {
      const w = weight(v, o);
      for (let c = 0; c < k; c++) out[off + c] = w > 0 ? v[o + c] / w : 1 / k;
    },
  };
}
