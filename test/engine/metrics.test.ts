/**
 * Tests for the metrics registry (src/engine/eval/metrics.ts): every metric against values computed once
 * with scikit-learn 1.2.1 (Debian python3-sklearn) and hard-coded here, plus small hand-checkable cases
 * for AUC ties, weights, clipping and the registry helpers.
 */
import { describe, expect, it } from 'vitest';
import { EngineError } from '../../src/engine/core/errors';
import { defaultMetric, fromLoss, isMetricForTask, isMetricName, METRIC_NAMES, METRICS, toLoss, type MetricName } from '../../src/engine/eval/metrics';

const f32 = (values: number[] | number[][]) => new Float32Array(values.flat());

/*
 * Reference values. The inputs below were rounded to float32 before scoring in Python, as here:
 *
 *   import numpy as np; from sklearn import metrics as M
 *   f = lambda a: np.array(a, dtype=np.float32).astype(np.float64)
 *   yb = np.array([0,0,1,1,0,1,0,1,1,0]); pb = f([0.1,0.4,0.35,0.8,0.4,0.4,0.2,0.9,0.65,0.65])
 *   wb = f([1,2,1,0.5,1,3,1,1,2,0.5]); lb = (pb >= 0.5).astype(int)
 *   M.roc_auc_score(yb, pb, sample_weight=w); M.log_loss(yb, pb, sample_weight=w)
 *   M.accuracy_score(yb, lb, sample_weight=w); M.balanced_accuracy_score(yb, lb, sample_weight=w)
 *   M.f1_score(yb, lb, sample_weight=w)                                   # for w in (None, wb)
 *   ym = np.array([0,1,2,2,1,0,2,1,0,2]); pm = f(<PM below>); wm = f([1,0.5,2,1,1,3,1,0.25,1,1]); lm = pm.argmax(1)
 *   M.roc_auc_score(ym, pm, multi_class='ovr', average='macro', sample_weight=w)
 *   M.log_loss(ym, pm, sample_weight=w, labels=[0,1,2]); M.accuracy_score(ym, lm, sample_weight=w)
 *   M.balanced_accuracy_score(ym, lm, sample_weight=w); M.f1_score(ym, lm, average='macro', sample_weight=w)
 *   yr = f([3.0,-0.5,2.0,7.0,4.2,0.0]); pr = f([2.5,0.0,2.0,8.0,3.9,0.1]); wr = f([1,2,1,0.5,1,1])
 *   M.mean_squared_error(yr, pr, sample_weight=w, squared=False); M.mean_absolute_error(...)
 *   M.r2_score(...); M.mean_absolute_percentage_error(...)
 */
const YB = f32([0, 0, 1, 1, 0, 1, 0, 1, 1, 0]);
// Ties across classes: 0.4 (two negatives, one positive) and 0.65 (one of each).
const PB = f32([0.1, 0.4, 0.35, 0.8, 0.4, 0.4, 0.2, 0.9, 0.65, 0.65]);
const WB = f32([1, 2, 1, 0.5, 1, 3, 1, 1, 2, 0.5]);

const YM = f32([0, 1, 2, 2, 1, 0, 2, 1, 0, 2]);
const PM = f32([
  [0.7, 0.2, 0.1], [0.2, 0.5, 0.3], [0.1, 0.3, 0.6], [0.3, 0.3, 0.4], [0.4, 0.4, 0.2],
  [0.5, 0.25, 0.25], [0.2, 0.5, 0.3], [0.1, 0.6, 0.3], [0.3, 0.3, 0.4], [0.0, 0.1, 0.9],
]);
const WM = f32([1, 0.5, 2, 1, 1, 3, 1, 0.25, 1, 1]);

const YR = f32([3.0, -0.5, 2.0, 7.0, 4.2, 0.0]);
const PR = f32([2.5, 0.0, 2.0, 8.0, 3.9, 0.1]);
const WR = f32([1, 2, 1, 0.5, 1, 1]);

type Case = { name: string; y: Float32Array; out: Float32Array; k: number; w?: Float32Array; expected: Partial<Record<MetricName, number>> };

const CASES: Case[] = [
  {
    name: 'binary, unweighted', y: YB, out: PB, k: 2,
    expected: { roc_auc: 0.78, log_loss: 0.5125377285967929, accuracy: 0.7, balanced_accuracy: 0.7, f1: 0.6666666666666665 },
  },
  {
    name: 'binary, weighted', y: YB, out: PB, k: 2, w: WB,
    expected: { roc_auc: 0.7575757575757576, log_loss: 0.5586988084607833, accuracy: 0.6538461538461539, balanced_accuracy: 0.6878787878787879, f1: 0.608695652173913 },
  },
  {
    name: 'multiclass, unweighted', y: YM, out: PM, k: 3,
    expected: { roc_auc: 0.9176587301587302, log_loss: 0.7110508144433035, accuracy: 0.7, balanced_accuracy: 0.6944444444444443, f1: 0.6944444444444443 },
  },
  {
    name: 'multiclass, weighted', y: YM, out: PM, k: 3, w: WM,
    expected: { roc_auc: 0.9428571428571427, log_loss: 0.7045051330334459, accuracy: 0.7446808510638298, balanced_accuracy: 0.6761904761904761, f1: 0.6761904761904763 },
  },
  {
    // The zero target exercises MAPE's epsilon guard (scikit-learn's huge value, not Infinity).
    name: 'regression, unweighted', y: YR, out: PR, k: 0,
    expected: { rmse: 0.5163977518406924, mae: 0.3999999525646369, r2: 0.9587717452384368, mape: 75059994907989.56 },
  },
  {
    name: 'regression, weighted', y: YR, out: PR, k: 0, w: WR,
    expected: { rmse: 0.45573268626326047, mae: 0.3692307254442802, r2: 0.960960096460994, mape: 69286149145836.664 },
  },
];

describe('metrics against scikit-learn', () => {
  for (const c of CASES) {
    for (const [metric, expected] of Object.entries(c.expected) as [MetricName, number][]) {
      it(`${c.name}: ${metric}`, () => {
        const value = METRICS[metric].score(c.y, c.out, c.k, c.w);
        expect(Math.abs(value - expected)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(expected)));
      });
    }
  }
});

describe('hand-checkable cases', () => {
  it('AUC counts tied pairs as one half (average ranks)', () => {
    expect(METRICS.roc_auc.score(f32([0, 1]), f32([0.5, 0.5]), 2)).toBe(0.5);
    // Pairs (pos, neg): (0.5 vs 0.2) win, (0.5 vs 0.5) tie, (0.9 vs both) win: (3 + 0.5) / 4.
    expect(METRICS.roc_auc.score(f32([0, 0, 1, 1]), f32([0.2, 0.5, 0.5, 0.9]), 2)).toBe(0.875);
    expect(METRICS.roc_auc.score(f32([1, 1, 0, 0]), f32([0.2, 0.5, 0.5, 0.9]), 2)).toBe(0.125);
  });

  it('AUC weights act like repeated rows', () => {
    const weighted = METRICS.roc_auc.score(f32([0, 1, 1, 0]), f32([0.3, 0.3, 0.6, 0.7]), 2, f32([2, 1, 3, 1]));
    const repeated = METRICS.roc_auc.score(f32([0, 0, 1, 1, 1, 1, 0]), f32([0.3, 0.3, 0.3, 0.6, 0.6, 0.6, 0.7]), 2);
    expect(weighted).toBeCloseTo(repeated, 15);
  });

  it('AUC is NaN when only one class is present; multiclass averages the defined classes', () => {
    expect(METRICS.roc_auc.score(f32([1, 1]), f32([0.2, 0.9]), 2)).toBeNaN();
    expect(METRICS.roc_auc.score(f32([0, 1]), f32([Number.NaN, 0.9]), 2)).toBeNaN();
    // Class 2 never occurs: its one-vs-rest AUC is undefined and left out of the macro average.
    const out = f32([[0.8, 0.1, 0.1], [0.2, 0.7, 0.1], [0.6, 0.3, 0.1]]);
    expect(METRICS.roc_auc.score(f32([0, 1, 0]), out, 3)).toBe(1);
  });

  it('log loss clips probabilities at 1e-15', () => {
    expect(METRICS.log_loss.score(f32([1]), f32([0]), 2)).toBeCloseTo(-Math.log(1e-15), 10);
    expect(METRICS.log_loss.score(f32([0]), f32([0]), 2)).toBeCloseTo(0, 12);
    expect(METRICS.log_loss.score(f32([0]), f32([0.0, 1.0]), 2)).toBeCloseTo(-Math.log(1e-15), 6);
  });

  it('binary threshold is p >= 0.5 and multiclass ties pick the first class', () => {
    expect(METRICS.accuracy.score(f32([1, 0]), f32([0.5, 0.4999]), 2)).toBe(1);
    expect(METRICS.accuracy.score(f32([0]), f32([0.4, 0.4, 0.2]), 3)).toBe(1);
  });

  it('F1 is 0 when nothing positive is predicted or present', () => {
    expect(METRICS.f1.score(f32([0, 0]), f32([0.1, 0.2]), 2)).toBe(0);
  });

  it('MAPE is a fraction and R² of a constant target follows scikit-learn', () => {
    expect(METRICS.mape.score(f32([2, 4]), f32([1, 5]), 0)).toBe(0.375);
    expect(METRICS.r2.score(f32([3, 3]), f32([3, 3]), 0)).toBe(1);
    expect(METRICS.r2.score(f32([3, 3]), f32([3, 4]), 0)).toBe(0);
  });

  it('rejects outputs of the wrong width and labels that are not class indices', () => {
    expect(() => METRICS.log_loss.score(f32([0, 1]), f32([0.1, 0.2, 0.3]), 2)).toThrow(EngineError);
    expect(() => METRICS.accuracy.score(f32([0, 3]), f32([[0.5, 0.3, 0.2], [0.1, 0.1, 0.8]]), 3)).toThrow(EngineError);
    expect(() => METRICS.rmse.score(f32([0, 1]), f32([0]), 0)).toThrow(EngineError);
  });
});

describe('registry', () => {
  it('names every metric once, consistently', () => {
    expect(METRIC_NAMES).toEqual(['roc_auc', 'log_loss', 'accuracy', 'balanced_accuracy', 'f1', 'rmse', 'mae', 'r2', 'mape', 'mase']);
    // mase is a forecast job's (engine/forecast/forecast-metric): no table task takes it.
    for (const task of ['binary', 'multiclass', 'regression'] as const) expect(isMetricForTask('mase', task)).toBe(false);
    for (const name of METRIC_NAMES) expect(METRICS[name].name).toBe(name);
    expect(isMetricName('r2')).toBe(true);
    expect(isMetricName('toString')).toBe(false);
  });

  it('chooses defaults and checks tasks', () => {
    expect(defaultMetric('binary')).toBe('roc_auc');
    expect(defaultMetric('multiclass')).toBe('log_loss');
    expect(defaultMetric('regression')).toBe('rmse');
    for (const task of ['binary', 'multiclass', 'regression'] as const) expect(isMetricForTask(defaultMetric(task), task)).toBe(true);
    expect(isMetricForTask('roc_auc', 'regression')).toBe(false);
    expect(isMetricForTask('r2', 'binary')).toBe(false);
  });

  it('turns every metric into a loss where lower is better, and back', () => {
    expect(toLoss('roc_auc', 0.9)).toBe(-0.9);
    expect(toLoss('rmse', 3)).toBe(3);
    for (const name of METRIC_NAMES) {
      expect(fromLoss(name, toLoss(name, 0.25))).toBe(0.25);
      // A better value always maps to a smaller loss.
      const [better, worse] = METRICS[name].greaterIsBetter ? [0.9, 0.8] : [0.8, 0.9];
      expect(toLoss(name, better)).toBeLessThan(toLoss(name, worse));
    }
  });
});
