/**
 * @module engine/eval/roc
 * The ROC curve of one score column against 0/1 labels, for plotting: one point per distinct threshold
 * (tied scores move the curve diagonally in one step, as the AUC's average-rank definition does), its
 * trapezoidal area, and a thinning that bounds the points sent to a browser while keeping the curve's
 * corners.
 */
import { EngineError } from '../core/errors';

export interface RocCurve {
  /** False-positive rate per point, from 0 to 1. */
  readonly fpr: number[];
  /** True-positive rate per point, from 0 to 1. */
  readonly tpr: number[];
  /** The score at or above which rows count as positive at that point (Infinity for the first point). */
  readonly thresholds: number[];
  /** Area under the full (unthinned) curve. */
  readonly auc: number;
}

/**
 * @param isPositive 1 for a positive row, 0 for a negative one
 * @param scores     one score per row; higher means more likely positive
 */
export function rocCurve(isPositive: ArrayLike<number>, scores: ArrayLike<number>): RocCurve {
  const n = scores.length;
  if (isPositive.length !== n) throw new EngineError('invalid_input', `ROC curve: ${isPositive.length} labels for ${n} scores`);
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(scores[i])) throw new EngineError('invalid_input', `ROC curve: the score at row ${i} is NaN`, { row: i });
  }
  order.sort((a, b) => scores[b] - scores[a]);
  let positives = 0;
  for (let i = 0; i < n; i++) positives += isPositive[i] === 1 ? 1 : 0;
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) {
    throw new EngineError('invalid_input', `ROC curve needs both classes; got ${positives} positive and ${negatives} negative rows`);
  }
  const fpr = [0];
  const tpr = [0];
  const thresholds = [Number.POSITIVE_INFINITY];
  let tp = 0;
  let fp = 0;
  let area = 0;
  for (let g = 0; g < n; ) {
    const value = scores[order[g]];
    let e = g;
    while (e < n && scores[order[e]] === value) {
      if (isPositive[order[e]] === 1) tp++;
      else fp++;
      e++;
    }
    const x = fp / negatives;
    const y = tp / positives;
    area += (x - fpr[fpr.length - 1]) * (y + tpr[tpr.length - 1]) * 0.5;
    fpr.push(x);
    tpr.push(y);
    thresholds.push(value);
    g = e;
  }
  return { fpr, tpr, thresholds, auc: area };
}

/**
 * Keeps at most `maxPoints` points of a curve: the first and last always, and in between the points
 * that turn the curve most, so a thinned curve keeps its shape (Visvalingam-style, by triangle area).
 */
export function thinCurve(curve: RocCurve, maxPoints: number): RocCurve {
  const n = curve.fpr.length;
  if (n <= maxPoints) return curve;
  if (maxPoints < 2) throw new EngineError('invalid_input', `thinCurve: maxPoints must be at least 2, got ${maxPoints}`);
  const keep = Array.from({ length: n }, (_, i) => i);
  const area = (a: number, b: number, c: number) =>
    Math.abs((curve.fpr[b] - curve.fpr[a]) * (curve.tpr[c] - curve.tpr[a]) - (curve.fpr[c] - curve.fpr[a]) * (curve.tpr[b] - curve.tpr[a])) / 2;
  // Repeatedly drop the inner point whose removal changes the curve least. O(n²) worst case, so the
  // candidates are first cut to a stride when there are very many.
  let points = keep;
  if (n > maxPoints * 8) {
    const stride = Math.ceil(n / (maxPoints * 8));
    points = keep.filter((i) => i % stride === 0 || i === n - 1);
  }
  while (points.length > maxPoints) {
    let worst = 1;
    let worstArea = Number.POSITIVE_INFINITY;
    for (let k = 1; k < points.length - 1; k++) {
      const a = area(points[k - 1], points[k], points[k + 1]);
      if (a < worstArea) {
        worstArea = a;
        worst = k;
      }
    }
    points.splice(worst, 1);
  }
  return {
    fpr: points.map((i) => curve.fpr[i]),
    tpr: points.map((i) => curve.tpr[i]),
    thresholds: points.map((i) => curve.thresholds[i]),
    auc: curve.auc,
  };
}
