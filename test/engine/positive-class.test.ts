/**
 * Which class a binary job's F1 speaks for (engine/eval/positive-class): the default rules (an obvious
 * positive label, else the rarer class, ties to class index 1 as before), F1 of the chosen class against a
 * count by hand (weights included), and the option honoured by the evaluation (F1, ROC curve), a trial's
 * out-of-fold score, the ensemble selection and the selection estimate; nothing named, every score reads
 * as it did (class index 1).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/engine/core/rng';
import { parseCsv } from '../../src/engine/data/csv';
import { inferDataset } from '../../src/engine/data/infer-schema';
import { prepareTarget } from '../../src/engine/data/target';
import { greedyEnsembleSelection } from '../../src/engine/ensemble/greedy-selection';
import { evaluatePredictions } from '../../src/engine/eval/evaluation';
import { f1 } from '../../src/engine/eval/metrics-classification';
import { METRICS } from '../../src/engine/eval/metrics';
import { conventionalPositive, defaultPositiveClass, positiveClassIndex } from '../../src/engine/eval/positive-class';
import { selectionEstimate } from '../../src/engine/eval/selection-estimate';
import { runTrial } from '../../src/engine/run-trial';
import { SHARED_DATA_DIR } from './helpers/load-shared-csv';

const f32 = (xs: number[]) => Float32Array.from(xs);

/** F1 of class `c` counted row by row: 2·TP / (2·TP + FP + FN), labels thresholded at P(class 1) ≥ 0.5. */
function handF1(y: ArrayLike<number>, p: ArrayLike<number>, c: number, w?: ArrayLike<number>): number {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let i = 0; i < y.length; i++) {
    const weight = w ? w[i] : 1;
    const predicted = p[i] >= 0.5 ? 1 : 0;
    if (predicted === c && y[i] === c) tp += weight;
    else if (predicted === c) fp += weight;
    else if (y[i] === c) fn += weight;
  }
  return (2 * tp) / (2 * tp + fp + fn);
}

describe('defaultPositiveClass', () => {
  it('takes the positive label of an obvious pair, in any case and in either class order', () => {
    expect(defaultPositiveClass(['0', '1'], f32([1, 1, 1, 0]))).toBe('1');
    // A numeric target keeps the file's spelling of its labels.
    expect(defaultPositiveClass(['0.0', '1.0'], f32([1, 1, 1, 0]))).toBe('1.0');
    expect(defaultPositiveClass(['-1', '1'], f32([1, 1, 1, 0]))).toBe('1');
    expect(defaultPositiveClass(['false', 'true'], f32([1, 1, 1, 0]))).toBe('true');
    expect(defaultPositiveClass(['F', 'T'], f32([1, 0]))).toBe('T');
    expect(defaultPositiveClass(['no', 'yes'], f32([1, 1, 1, 0]))).toBe('yes');
    // Upper case sorts first: the positive label is class index 0 here, and still chosen.
    expect(defaultPositiveClass(['Yes', 'no'], f32([0, 0, 0, 1]))).toBe('Yes');
    expect(defaultPositiveClass(['N', 'Y'], f32([1, 1, 0]))).toBe('Y');
    expect(defaultPositiveClass(['Negative', 'POSITIVE'], f32([1, 1, 0]))).toBe('POSITIVE');
    expect(conventionalPositive(['1', '2'])).toBeUndefined();
    expect(conventionalPositive(['yes', 'maybe'])).toBeUndefined();
    // Two spellings of the same truth, and labels that are names of object members, are no obvious pair.
    expect(conventionalPositive(['y', 'yes'])).toBeUndefined();
    expect(conventionalPositive(['constructor', 'toString'])).toBeUndefined();
  });

  it('else takes the rarer class of the training rows; as many of each, class index 1 as before', () => {
    const fraudOk = f32([...Array(2).fill(0), ...Array(100).fill(1)]);
    expect(defaultPositiveClass(['fraud', 'ok'], fraudOk)).toBe('fraud');
    expect(defaultPositiveClass(['churned', 'stayed'], f32([0, 0, 0, 1]))).toBe('stayed');
    expect(defaultPositiveClass(['a', 'b'], f32([0, 1, 1, 0]))).toBe('b');
    expect(() => defaultPositiveClass(['a', 'b', 'c'], f32([0, 1, 2]))).toThrow(/two classes, got 3/);
  });

  it('makes credit-g\'s F1 the F1 of "bad" (its 30%), where the alphabetical rule took "good"', () => {
    const ds = inferDataset(parseCsv(readFileSync(join(SHARED_DATA_DIR, 'credit_g.train.csv'), 'utf8'))).dataset;
    const target = prepareTarget(ds, 'class');
    expect(target.classes).toEqual(['bad', 'good']);
    expect(defaultPositiveClass(target.classes, target.y)).toBe('bad');
  });
});

describe('positiveClassIndex', () => {
  it('is class index 1 when none is named, the named class\'s index otherwise, and refuses an unknown class', () => {
    expect(positiveClassIndex(['fraud', 'ok'], undefined)).toBe(1);
    expect(positiveClassIndex(['fraud', 'ok'], 'fraud')).toBe(0);
    expect(positiveClassIndex(['fraud', 'ok'], 'ok')).toBe(1);
    expect(() => positiveClassIndex(['fraud', 'ok'], 'Fraud')).toThrow(/positive class "Fraud" is not one of the two classes of the target \("fraud", "ok"\)/);
  });
});

describe('binary F1 of the positive class', () => {
  // 10 rows: class 0 is rare (3 rows); the model finds 2 of them and mistakes one class-1 row for class 0.
  const y = f32([0, 0, 0, 1, 1, 1, 1, 1, 1, 1]);
  const p = f32([0.2, 0.4, 0.7, 0.3, 0.9, 0.8, 0.6, 0.95, 0.55, 0.7]);

  it('equals the count by hand for either class, with and without weights', () => {
    // Class 0: TP 2, FP 1, FN 1 → 4 / 6; class 1: TP 6, FP 1, FN 1 → 12 / 14.
    expect(f1(y, p, 2, undefined, 0)).toBeCloseTo(4 / 6, 12);
    expect(f1(y, p, 2, undefined, 1)).toBeCloseTo(12 / 14, 12);
    expect(f1(y, p, 2)).toBe(f1(y, p, 2, undefined, 1));
    const w = f32([3, 1, 2, 1, 1, 1, 1, 1, 1, 2]);
    expect(f1(y, p, 2, w, 0)).toBeCloseTo(handF1(y, p, 0, w), 12);
    expect(f1(y, p, 2, w, 1)).toBeCloseTo(handF1(y, p, 1, w), 12);
    expect(() => f1(y, p, 2, undefined, 2)).toThrow(/class index 0 or 1, got 2/);
  });

  it('is what the evaluation reports, with the ROC curve drawn for the same class and the class named', () => {
    const named = evaluatePredictions('binary', y, p, ['fraud', 'ok'], 'fraud');
    expect(named.positive_class).toBe('fraud');
    expect(named.metrics.f1).toBeCloseTo(4 / 6, 12);
    expect(named.roc?.positive_class).toBe('fraud');
    // The AUC is the same for either class; the curve's scores are P(fraud) = 1 − output.
    expect(named.roc?.auc).toBeCloseTo(named.metrics.roc_auc as number, 12);
    expect(named.roc?.thresholds[1]).toBeCloseTo(1 - 0.2, 6);
    // Nothing named: class index 1, exactly as an evaluation read before.
    const legacy = evaluatePredictions('binary', y, p, ['fraud', 'ok']);
    expect(legacy.positive_class).toBe('ok');
    expect(legacy.metrics.f1).toBeCloseTo(12 / 14, 12);
    expect(legacy.roc?.positive_class).toBe('ok');
    for (const name of ['roc_auc', 'log_loss', 'accuracy', 'balanced_accuracy']) expect(named.metrics[name]).toBeCloseTo(legacy.metrics[name] as number, 12);
    expect(() => evaluatePredictions('binary', y, p, ['fraud', 'ok'], 'spam')).toThrow(/positive class "spam"/);
  });
});

/** A 1:12 fraud table: `x` tells fraud from ok with some overlap, `noise` tells nothing. */
function fraudTable(rows: number, seed: number) {
  const rng = new Rng(seed);
  const lines = ['x,noise,label'];
  for (let i = 0; i < rows; i++) {
    const fraud = i % 13 === 0;
    lines.push(`${((fraud ? 1.5 : 0) + rng.normal()).toFixed(3)},${rng.normal().toFixed(3)},${fraud ? 'fraud' : 'ok'}`);
  }
  return inferDataset(parseCsv(lines.join('\n'))).dataset;
}

describe('the positive class through a trial, the ensemble selection and the selection estimate', () => {
  const ds = fraudTable(390, 3);
  const target = prepareTarget(ds, 'label');

  it('a trial\'s out-of-fold f1 is of the class it names (class index 1 when none)', async () => {
    const spec = { family: 'linear' as const, params: {}, target: 'label', metric: 'f1' as const, seed: 1, folds: 5 };
    const fraud = await runTrial(ds, { ...spec, positiveClass: 'fraud' });
    const plain = await runTrial(ds, spec);
    if (fraud.status !== 'complete' || plain.status !== 'complete') throw new Error('trial failed');
    expect(target.classes).toEqual(['fraud', 'ok']);
    expect(fraud.score).toBeCloseTo(handF1(target.y, fraud.oof, 0), 10);
    expect(plain.score).toBeCloseTo(handF1(target.y, plain.oof, 1), 10);
    // The same fits (same seed): only the class scored differs, and the majority's F1 flatters.
    expect(Array.from(fraud.oof)).toEqual(Array.from(plain.oof));
    expect(plain.score).toBeGreaterThan(fraud.score);
    const wrong = await runTrial(ds, { ...spec, positiveClass: 'spam' });
    expect(wrong).toMatchObject({ status: 'failed', code: 'invalid_params' });
    expect(wrong.status === 'failed' && wrong.reason).toMatch(/"spam" is not one of the two classes/);
  });

  it('greedy selection and the selection estimate score the class they are given', () => {
    // Two candidates: one finds fraud (x > 0.75), one calls every row ok (perfect majority recall).
    const sharp = Float32Array.from(target.rows, (r) => (ds.columns[0].storage === 'f64' && ds.columns[0].values[r] > 0.75 ? 0.2 : 0.8));
    const allOk = new Float32Array(target.y.length).fill(0.9);
    const candidates = [
      { id: 'all-ok', oof: allOk },
      { id: 'sharp', oof: sharp },
    ];
    const fraud = greedyEnsembleSelection({ y: target.y, task: 'binary', nClasses: 2, positive: 0 }, 'f1', candidates);
    expect(fraud.bestSingle.id).toBe('sharp');
    expect(fraud.bestSingle.score).toBeCloseTo(handF1(target.y, sharp, 0), 10);
    // Calling every row "ok" has an F1 of "ok" near 1: the old rule (class index 1) picks it.
    const ok = greedyEnsembleSelection({ y: target.y, task: 'binary', nClasses: 2 }, 'f1', candidates);
    expect(ok.bestSingle.id).toBe('all-ok');
    expect(ok.bestSingle.score).toBeCloseTo(handF1(target.y, allOk, 1), 10);
    const estimate = selectionEstimate(target.y, 2, 'f1', [sharp], { positive: 0 });
    const legacy = selectionEstimate(target.y, 2, 'f1', [sharp]);
    // One candidate: the estimate is its resampled F1, of fraud and of ok respectively.
    expect(Math.abs((estimate?.score ?? Number.NaN) - handF1(target.y, sharp, 0))).toBeLessThan(0.1);
    expect(Math.abs((legacy?.score ?? Number.NaN) - handF1(target.y, sharp, 1))).toBeLessThan(0.1);
    expect(METRICS.f1.score(target.y, sharp, 2, undefined, 0)).toBeCloseTo(handF1(target.y, sharp, 0), 12);
  });
});
