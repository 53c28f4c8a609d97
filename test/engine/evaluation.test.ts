/**
 * Model evaluation helpers (engine/eval: roc, confusion, residuals, blend, evaluation) against small
 * cases worked out by hand.
 */
import { describe, expect, it } from 'vitest';
import { blendOutputs } from '../../src/engine/eval/blend';
import { confusionMatrix } from '../../src/engine/eval/confusion';
import { evaluatePredictions } from '../../src/engine/eval/evaluation';
import { residualSample } from '../../src/engine/eval/residuals';
import { rocCurve, thinCurve } from '../../src/engine/eval/roc';

const f32 = (xs: number[]) => Float32Array.from(xs);

describe('rocCurve', () => {
  it('steps through each threshold and integrates to the AUC', () => {
    // Descending scores: 0.9 P, 0.8 N, 0.4 P, 0.1 N; 2 positives, 2 negatives.
    const curve = rocCurve([1, 0, 1, 0], [0.9, 0.8, 0.4, 0.1]);
    expect(curve.fpr).toEqual([0, 0, 0.5, 0.5, 1]);
    expect(curve.tpr).toEqual([0, 0.5, 0.5, 1, 1]);
    expect(curve.thresholds).toEqual([Number.POSITIVE_INFINITY, 0.9, 0.8, 0.4, 0.1]);
    // 3 of the 4 (positive, negative) pairs are ordered correctly.
    expect(curve.auc).toBeCloseTo(0.75, 12);
  });

  it('moves diagonally over tied scores, counting a tie as half a pair', () => {
    const curve = rocCurve([1, 0, 1, 0], [0.5, 0.5, 0.9, 0.1]);
    expect(curve.fpr).toEqual([0, 0, 0.5, 1]);
    expect(curve.tpr).toEqual([0, 0.5, 1, 1]);
    expect(curve.auc).toBeCloseTo(3.5 / 4, 12);
  });

  it('refuses one-class labels, mismatched lengths and NaN scores with a clear message', () => {
    expect(() => rocCurve([1, 1], [0.2, 0.3])).toThrow(/both classes; got 2 positive and 0 negative/);
    expect(() => rocCurve([1, 0], [0.2])).toThrow(/2 labels for 1 scores/);
    expect(() => rocCurve([1, 0], [0.2, Number.NaN])).toThrow(/row 1 is NaN/);
  });
});

describe('thinCurve', () => {
  it('drops the points that change the curve least, keeping both ends and the AUC', () => {
    const curve = { fpr: [0, 0, 0, 0.5, 1], tpr: [0, 0.5, 1, 1, 1], thresholds: [Infinity, 0.9, 0.8, 0.4, 0.1], auc: 1 };
    // (0, 0.5) and (0.5, 1) lie on straight segments; the corner (0, 1) must stay.
    expect(thinCurve(curve, 3)).toEqual({ fpr: [0, 0, 1], tpr: [0, 1, 1], thresholds: [Infinity, 0.8, 0.1], auc: 1 });
    expect(thinCurve(curve, 10)).toBe(curve);
  });

  it('bounds a long curve', () => {
    const n = 5_000;
    const labels = Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 1 : 0));
    const scores = Array.from({ length: n }, (_, i) => ((i * 7919) % n) / n);
    const full = rocCurve(labels, scores);
    const thin = thinCurve(full, 100);
    expect(thin.fpr.length).toBe(100);
    expect([thin.fpr[0], thin.tpr[0], thin.fpr.at(-1), thin.tpr.at(-1)]).toEqual([0, 0, 1, 1]);
    expect(thin.auc).toBe(full.auc);
  });
});

describe('confusionMatrix', () => {
  it('counts binary outputs thresholded at 0.5 (rows: truth, columns: predicted)', () => {
    // predictions: 0, 1, 0, 1, 1
    expect(confusionMatrix(f32([0, 1, 1, 0, 1]), f32([0.2, 0.7, 0.4, 0.6, 0.5]), 2)).toEqual([
      [1, 1],
      [1, 2],
    ]);
  });

  it('takes the argmax of multiclass rows', () => {
    const output = f32([0.7, 0.2, 0.1, 0.1, 0.3, 0.6, 0.2, 0.2, 0.6, 0.5, 0.4, 0.1]);
    expect(confusionMatrix(f32([0, 1, 2, 2]), output, 3)).toEqual([
      [1, 0, 0],
      [0, 0, 1],
      [1, 0, 1],
    ]);
  });
});

describe('residualSample', () => {
  it('summarises every row and samples evenly spread rows', () => {
    const r = residualSample([3, 5, 7, 9], [2, 5, 8, 10], 2);
    expect(r).toEqual({ predicted: [2, 8], residual: [1, -1], rows: 4, mean_residual: -0.25, max_abs_residual: 1 });
    expect(residualSample([3, 5], [2, 5], 100).predicted).toEqual([2, 5]);
  });
});

describe('blendOutputs', () => {
  it('averages members by weight', () => {
    const out = blendOutputs([
      { id: 'a', weight: 3, output: f32([0.2, 0.8]) },
      { id: 'b', weight: 1, output: f32([0.6, 0.4]) },
    ]);
    expect(out[0]).toBeCloseTo(0.3, 6);
    expect(out[1]).toBeCloseTo(0.7, 6);
  });

  it('names the member whose output does not line up', () => {
    expect(() => blendOutputs([{ id: 'a', weight: 1, output: f32([1, 2]) }, { id: 't0003', weight: 1, output: f32([1]) }])).toThrow(/member "t0003" has 1 values/);
  });
});

describe('evaluatePredictions', () => {
  it('binary: metrics, ROC with its positive class, confusion matrix with labels', () => {
    const e = evaluatePredictions('binary', f32([1, 0, 1, 0]), f32([0.9, 0.8, 0.4, 0.1]), ['bad', 'good']);
    expect(e.rows).toBe(4);
    expect(e.metrics.roc_auc).toBeCloseTo(0.75, 6);
    // predicted 1, 1, 0, 0 against 1, 0, 1, 0
    expect(e.metrics.accuracy).toBeCloseTo(0.5, 6);
    expect(e.confusion).toEqual({ labels: ['bad', 'good'], matrix: [[1, 1], [1, 1]] });
    expect(e.roc?.positive_class).toBe('good');
    expect(e.roc?.tpr).toEqual([0, 0.5, 0.5, 1, 1]);
    expect(e.residuals).toBeUndefined();
    expect(Object.keys(e.metrics)).not.toContain('rmse');
  });

  it('regression: metrics and residuals, no classification parts', () => {
    const e = evaluatePredictions('regression', f32([3, 5, 7, 9]), f32([2, 5, 8, 10]), []);
    expect(e.metrics.rmse).toBeCloseTo(Math.sqrt(3 / 4), 6);
    expect(e.metrics.mae).toBeCloseTo(0.75, 6);
    expect(e.residuals?.residual).toEqual([1, 0, -1, -1]);
    expect(e.confusion).toBeUndefined();
    expect(e.roc).toBeUndefined();
  });

  it('multiclass: a confusion matrix and no ROC; a wrong output length is refused', () => {
    const output = f32([0.7, 0.2, 0.1, 0.1, 0.3, 0.6, 0.2, 0.2, 0.6, 0.5, 0.4, 0.1]);
    const e = evaluatePredictions('multiclass', f32([0, 1, 2, 2]), output, ['a', 'b', 'c']);
    expect(e.confusion?.matrix[2]).toEqual([1, 0, 1]);
    expect(e.metrics.accuracy).toBeCloseTo(0.5, 6);
    expect(e.roc).toBeUndefined();
    expect(() => evaluatePredictions('multiclass', f32([0, 1]), f32([0.5, 0.5]), ['a', 'b', 'c'])).toThrow(/2 predicted values for 2 rows of a multiclass task \(expected 6\)/);
  });
});
