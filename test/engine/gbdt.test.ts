/**
 * Tests of the gbdt model family: accuracy on synthetic and shared real datasets, learned missing-value
 * directions, native categorical splits, artifact round trips, determinism, early stopping and validation.
 */
import { describe, expect, it } from 'vitest';
import { type Matrix, matrix } from '../../src/engine/core/matrix';
import { Rng } from '../../src/engine/core/rng';
import type { Task } from '../../src/engine/core/task';
import type { FitContext, ModelArtifact, TrainSet } from '../../src/engine/models/model';
import { gbdtSpec } from '../../src/engine/models/tree/gbdt';
import type { Params } from '../../src/engine/search/space';
import { loadSharedDataset } from './helpers/load-shared-csv';
import { expectEngineError } from './helpers/assertions';

// ---- tiny metric helpers (computed here so the test does not depend on the metrics module) ----

function rmse(pred: Float32Array, y: Float32Array): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) s += (pred[i] - y[i]) ** 2;
  return Math.sqrt(s / y.length);
}

/** ROC AUC by the rank-sum formula, ties sharing their mean rank. */
function rocAuc(score: Float32Array, y: Float32Array): number {
  const order = Array.from(score.keys()).sort((a, b) => score[a] - score[b]);
  let rankSumPos = 0;
  let nPos = 0;
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && score[order[j + 1]] === score[order[i]]) j++;
    const rank = (i + j) / 2 + 1;
    for (let t = i; t <= j; t++) if (y[order[t]] === 1) (rankSumPos += rank), nPos++;
    i = j + 1;
  }
  const nNeg = y.length - nPos;
  return (rankSumPos - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}

function accuracy(prob: Float32Array, y: Float32Array, k: number): number {
  let correct = 0;
  for (let i = 0; i < y.length; i++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (prob[i * k + c] > prob[i * k + best]) best = c;
    if (best === y[i]) correct++;
  }
  return correct / y.length;
}

// ---- fixtures ----

function ctxFor(task: Task, nClasses: number, seed = 7, extra: Partial<FitContext> = {}): FitContext {
  return { task, nClasses, rng: new Rng(seed), ...extra };
}

function rowsOf(cols: number, values: number[][]): Matrix {
  return matrix(values.length, cols, Float32Array.from(values.flat()));
}

/** y = sin(3 x0) + x1^2 + 0.5 x2 x3 + noise; x4 is irrelevant. */
function synthetic(n: number, seed: number): TrainSet {
  const rng = new Rng(seed);
  const X = matrix(n, 5);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const x = [0, 1, 2, 3, 4].map(() => rng.uniform(-1, 1));
    X.data.set(x, i * 5);
    y[i] = Math.sin(3 * x[0]) + x[1] * x[1] + 0.5 * x[2] * x[3] + 0.1 * rng.normal();
  }
  return { X, y };
}

/** A mixed table: numeric with missing values, a categorical column with missing codes, three classes. */
function mixedMulticlass(n: number, seed: number): TrainSet {
  const rng = new Rng(seed);
  const X = matrix(n, 3);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const a = rng.uniform(0, 1);
    const code = rng.int(8);
    const noise = rng.normal();
    X.data[i * 3] = rng.next() < 0.15 ? NaN : a;
    X.data[i * 3 + 1] = rng.next() < 0.1 ? NaN : code;
    X.data[i * 3 + 2] = noise;
    y[i] = (code % 3 === 0 ? 2 : a > 0.5 ? 1 : 0) as number;
  }
  return { X, y };
}

// ---- tests ----

describe('gbdt spec', () => {
  it('declares its family, tasks and a data-dependent search space', () => {
    expect(gbdtSpec.family).toBe('gbdt');
    expect(gbdtSpec.featureStyle).toBe('trees');
    expect([...gbdtSpec.tasks].sort()).toEqual(['binary', 'multiclass', 'regression']);
    const small = gbdtSpec.space({ rows: 60, cols: 4, task: 'binary', nClasses: 2 });
    const large = gbdtSpec.space({ rows: 100_000, cols: 4, task: 'binary', nClasses: 2 });
    expect(small.learning_rate).toEqual({ type: 'float', low: 0.01, high: 0.3, log: true });
    expect(large.num_leaves).toEqual({ type: 'int', low: 4, high: 128, log: true });
    expect(small.num_leaves.type === 'int' && small.num_leaves.high).toBeLessThan(128);
    const defaults = gbdtSpec.defaults({ rows: 1000, cols: 4, task: 'regression', nClasses: 0 });
    expect(defaults).toMatchObject({ n_estimators: 300, learning_rate: 0.05, num_leaves: 31, lambda_l2: 1 });
  });

  it('estimates more memory for more rows, leaves and classes', () => {
    const shape = { rows: 10_000, cols: 20, task: 'binary' as const, nClasses: 2 };
    const base = gbdtSpec.estimateMemoryBytes({}, shape);
    expect(base).toBeGreaterThan(10_000 * 20); // at least the binned matrix
    expect(base).toBeLessThan(64 * 1024 * 1024);
    expect(gbdtSpec.estimateMemoryBytes({}, { ...shape, rows: 100_000 })).toBeGreaterThan(base);
    expect(gbdtSpec.estimateMemoryBytes({ num_leaves: 127 }, shape)).toBeGreaterThan(base);
    expect(gbdtSpec.estimateMemoryBytes({}, { ...shape, task: 'multiclass', nClasses: 10 })).toBeGreaterThan(base);
  });

  it('rejects unknown or out-of-range parameters and bad labels', async () => {
    const data = synthetic(100, 1);
    await expectEngineError(gbdtSpec.fit(data, { learning_rte: 0.1 }, ctxFor('regression', 0)), 'invalid_params');
    await expectEngineError(gbdtSpec.fit(data, { toString: 1 }, ctxFor('regression', 0)), 'invalid_params');
    await expectEngineError(gbdtSpec.fit(data, { num_leaves: 1 }, ctxFor('regression', 0)), 'invalid_params');
    await expectEngineError(gbdtSpec.fit(data, { max_bin: 1000 }, ctxFor('regression', 0)), 'invalid_params');
    await expectEngineError(gbdtSpec.fit(data, {}, ctxFor('binary', 2)), 'invalid_target'); // continuous y
  });
});

describe('gbdt accuracy', () => {
  it('learns a nonlinear regression function far better than a constant', async () => {
    const train = synthetic(2000, 11);
    const test = synthetic(1000, 12);
    const model = await gbdtSpec.fit(train, {}, ctxFor('regression', 0));
    const mean = train.y.reduce((a, b) => a + b, 0) / train.y.length;
    const constant = rmse(new Float32Array(test.y.length).fill(mean), test.y);
    const pred = model.predict(test.X);
    expect(pred.length).toBe(test.y.length);
    // Constant RMSE is about 0.8 here; the noise floor is 0.1.
    expect(rmse(pred, test.y)).toBeLessThan(0.25 * constant);
  });

  it('breast cancer (binary): test ROC AUC >= 0.98', async () => {
    const d = loadSharedDataset('breast_cancer_wisconsin');
    const model = await gbdtSpec.fit(d.train, gbdtSpec.defaults(shapeOf(d)), ctxFor('binary', 2, 42, { columnKinds: d.columnKinds }));
    const p = model.predict(d.test.X);
    expect(p.length).toBe(d.test.y.length);
    expect(rocAuc(p, d.test.y)).toBeGreaterThanOrEqual(0.98);
  });

  it('segment (multiclass): test accuracy >= 0.95 and rows of probabilities sum to 1', async () => {
    const d = loadSharedDataset('segment');
    const model = await gbdtSpec.fit(d.train, gbdtSpec.defaults(shapeOf(d)), ctxFor('multiclass', d.nClasses, 42, { columnKinds: d.columnKinds }));
    const p = model.predict(d.test.X);
    expect(p.length).toBe(d.test.y.length * d.nClasses);
    for (let i = 0; i < d.test.y.length; i++) {
      let s = 0;
      for (let c = 0; c < d.nClasses; c++) s += p[i * d.nClasses + c];
      expect(s).toBeCloseTo(1, 5);
    }
    expect(accuracy(p, d.test.y, d.nClasses)).toBeGreaterThanOrEqual(0.95);
  });

  it('concrete (regression): test RMSE <= 5.5', async () => {
    const d = loadSharedDataset('concrete');
    const model = await gbdtSpec.fit(d.train, gbdtSpec.defaults(shapeOf(d)), ctxFor('regression', 0, 42, { columnKinds: d.columnKinds }));
    expect(rmse(model.predict(d.test.X), d.test.y)).toBeLessThanOrEqual(5.5);
  });

  it('vote (all categorical, with missing values): test ROC AUC >= 0.97', async () => {
    const d = loadSharedDataset('vote');
    expect(d.columnKinds.every((k) => k === 'categorical')).toBe(true);
    const model = await gbdtSpec.fit(d.train, gbdtSpec.defaults(shapeOf(d)), ctxFor('binary', 2, 42, { columnKinds: d.columnKinds }));
    expect(rocAuc(model.predict(d.test.X), d.test.y)).toBeGreaterThanOrEqual(0.97);
  });
});

function shapeOf(d: ReturnType<typeof loadSharedDataset>) {
  return { rows: d.train.X.rows, cols: d.train.X.cols, task: d.task, nClasses: d.nClasses };
}

describe('gbdt missing values', () => {
  /** x0 in [0, 1] with 30% missing; y = 1 when x0 is missing or on the `missingSide` of 0.5. */
  function missingData(n: number, seed: number, missingSide: 'low' | 'high'): TrainSet {
    const rng = new Rng(seed);
    const X = matrix(n, 2);
    const y = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const v = rng.next();
      const missing = rng.next() < 0.3;
      X.data[i * 2] = missing ? NaN : v;
      X.data[i * 2 + 1] = rng.next();
      y[i] = missing || (missingSide === 'high' ? v > 0.5 : v < 0.5) ? 1 : 0;
    }
    return { X, y };
  }

  for (const side of ['high', 'low'] as const) {
    it(`learns that missing behaves like the ${side} values`, async () => {
      const model = await gbdtSpec.fit(missingData(1500, 3, side), { n_estimators: 60 }, ctxFor('binary', 2));
      // Missing, then a low value and a high value.
      const p = model.predict(rowsOf(2, [[NaN, 0.5], [0.1, 0.5], [0.9, 0.5]]));
      expect(p[0]).toBeGreaterThan(0.9);
      if (side === 'high') {
        expect(p[1]).toBeLessThan(0.1);
        expect(p[2]).toBeGreaterThan(0.9);
      } else {
        expect(p[1]).toBeGreaterThan(0.9);
        expect(p[2]).toBeLessThan(0.1);
      }
      // A single stump must send missing values down the learned side of its one threshold.
      const stump = await gbdtSpec.fit(missingData(1500, 3, side), { n_estimators: 1, num_leaves: 2, learning_rate: 1 }, ctxFor('binary', 2));
      const s = stump.predict(rowsOf(2, [[NaN, 0.5], [0.1, 0.5], [0.9, 0.5]]));
      const same = side === 'low' ? s[1] : s[2];
      const other = side === 'low' ? s[2] : s[1];
      expect(s[0]).toBe(same);
      expect(s[0]).not.toBe(other);
    });
  }

  it('gives finite predictions for missing values never seen in training', async () => {
    const model = await gbdtSpec.fit(synthetic(500, 4), { n_estimators: 20 }, ctxFor('regression', 0));
    const p = model.predict(rowsOf(5, [[NaN, NaN, NaN, NaN, NaN], [0.2, NaN, 0.1, NaN, 0]]));
    expect(Number.isFinite(p[0]) && Number.isFinite(p[1])).toBe(true);
  });
});

describe('gbdt categorical splits', () => {
  const inSet = new Set([1, 4, 6, 9, 13, 14, 18, 22, 25, 27]);
  /** y = 1 iff the code (0..29) is in an unordered set; a noise feature alongside. */
  function categoryData(n: number, seed: number): TrainSet {
    const rng = new Rng(seed);
    const X = matrix(n, 2);
    const y = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const code = rng.int(30);
      X.data[i * 2] = code;
      X.data[i * 2 + 1] = rng.normal();
      y[i] = inSet.has(code) ? 1 : 0;
    }
    return { X, y };
  }
  const kinds = ['categorical', 'numeric'] as const;

  it('separates a category set with a single native split', async () => {
    // One stump: an ordinal threshold on the codes could not isolate this set, a category subset can.
    const model = await gbdtSpec.fit(
      categoryData(3000, 5),
      { n_estimators: 1, num_leaves: 2, learning_rate: 1 },
      ctxFor('binary', 2, 1, { columnKinds: kinds }),
    );
    const codes = Array.from({ length: 30 }, (_, c) => c);
    const p = model.predict(rowsOf(2, codes.map((c) => [c, 0])));
    const minIn = Math.min(...codes.filter((c) => inSet.has(c)).map((c) => p[c]));
    const maxOut = Math.max(...codes.filter((c) => !inSet.has(c)).map((c) => p[c]));
    expect(minIn).toBeGreaterThan(maxOut);
  });

  it('learns the set to high accuracy and handles unseen and missing codes', async () => {
    const model = await gbdtSpec.fit(categoryData(3000, 6), { n_estimators: 50 }, ctxFor('binary', 2, 1, { columnKinds: kinds }));
    const test = categoryData(1000, 7);
    const p = model.predict(test.X);
    let correct = 0;
    for (let i = 0; i < p.length; i++) if ((p[i] > 0.5 ? 1 : 0) === test.y[i]) correct++;
    expect(correct / p.length).toBeGreaterThan(0.99);
    const odd = model.predict(rowsOf(2, [[NaN, 0], [999, 0], [2.5, 0], [-1, 0]]));
    for (const v of odd) expect(v > 0 && v < 1).toBe(true);
  });
});

describe('gbdt artifacts and determinism', () => {
  const kinds = ['numeric', 'categorical', 'numeric'] as const;
  const params: Params = { n_estimators: 40, bagging_fraction: 0.7, feature_fraction: 0.7, num_leaves: 15 };

  it('round-trips through JSON with bit-identical predictions', async () => {
    const train = mixedMulticlass(800, 8);
    const test = mixedMulticlass(300, 9);
    const model = await gbdtSpec.fit(train, params, ctxFor('multiclass', 3, 2, { columnKinds: kinds }));
    const artifact = model.toArtifact();
    expect(artifact).toMatchObject({ family: 'gbdt', version: 1 });
    const loaded = await gbdtSpec.load(JSON.parse(JSON.stringify(artifact)) as ModelArtifact);
    const a = model.predict(test.X);
    const b = loaded.predict(test.X);
    expect(Buffer.from(b.buffer).equals(Buffer.from(a.buffer))).toBe(true);
    expect(loaded.fitInfo).toEqual(model.fitInfo);
    expect(accuracy(a, test.y, 3)).toBeGreaterThan(0.9);
  });

  it('rejects unknown versions and corrupt artifacts', async () => {
    const model = await gbdtSpec.fit(mixedMulticlass(300, 1), { n_estimators: 5 }, ctxFor('multiclass', 3, 2, { columnKinds: kinds }));
    const artifact = model.toArtifact() as ModelArtifact & { forest: Record<string, unknown> };
    await expectEngineError(() => gbdtSpec.load({ ...artifact, version: 2 }), 'bad_artifact');
    await expectEngineError(() => gbdtSpec.load({ ...artifact, family: 'linear' }), 'bad_artifact');
    await expectEngineError(() => gbdtSpec.load({ ...artifact, forest: { ...artifact.forest, left: 'AAAA' } }), 'bad_artifact');
    await expectEngineError(() => gbdtSpec.load({ ...artifact, forest: { ...artifact.forest, feature: 42 } }), 'bad_artifact');
  });

  it('gives identical models for the same seed and different ones for another seed', async () => {
    const train = mixedMulticlass(800, 10);
    const fit = (seed: number) => gbdtSpec.fit(train, params, ctxFor('multiclass', 3, seed, { columnKinds: kinds }));
    const [a, b, c] = await Promise.all([fit(5), fit(5), fit(6)]);
    const pa = a.predict(train.X);
    expect(Array.from(b.predict(train.X))).toEqual(Array.from(pa));
    expect(JSON.stringify(b.toArtifact())).toBe(JSON.stringify(a.toArtifact()));
    expect(Array.from(c.predict(train.X))).not.toEqual(Array.from(pa));
  });
});

describe('gbdt boosting control', () => {
  it('stops early on validation rows and truncates to the best iteration', async () => {
    // Pure noise labels: validation loss bottoms out early.
    const rng = new Rng(3);
    const make = (n: number): TrainSet => {
      const X = matrix(n, 4);
      for (let i = 0; i < X.data.length; i++) X.data[i] = rng.next();
      return { X, y: Float32Array.from({ length: n }, () => (rng.next() < 0.5 ? 1 : 0)) };
    };
    const valid = make(400);
    const model = await gbdtSpec.fit(make(600), { n_estimators: 500, learning_rate: 0.3, early_stopping_rounds: 10 }, ctxFor('binary', 2, 1, { valid }));
    const info = model.fitInfo;
    expect(info.rounds_trained).toBeLessThan(500);
    expect(info.best_iteration).toBeLessThanOrEqual(info.rounds_trained - 10);
    expect(info.n_trees).toBe(info.best_iteration);
    expect(info.valid_loss).toBeGreaterThan(0);
  });

  it('uses exactly fixedIterations rounds (K trees each) and ignores early stopping', async () => {
    const train = mixedMulticlass(400, 2);
    const valid = mixedMulticlass(200, 3);
    const model = await gbdtSpec.fit(train, { n_estimators: 500 }, ctxFor('multiclass', 3, 1, { valid, fixedIterations: 17 }));
    expect(model.fitInfo.best_iteration).toBe(17);
    expect(model.fitInfo.n_trees).toBe(17 * 3);
  });

  it('uses sample weights in the prior and the gradients', async () => {
    const rng = new Rng(4);
    const n = 1000;
    const X = matrix(n, 1);
    const y = new Float32Array(n);
    const weights = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      X.data[i] = rng.next();
      y[i] = i % 2;
      weights[i] = y[i] === 1 ? 9 : 1;
    }
    const model = await gbdtSpec.fit({ X, y, weights }, { n_estimators: 20 }, ctxFor('binary', 2));
    const p = model.predict(X);
    const mean = p.reduce((a, b) => a + b, 0) / n;
    expect(mean).toBeGreaterThan(0.85);
    expect(mean).toBeLessThan(0.95);
  });

  it('still learns from tiny data (min_data_in_leaf is clamped)', async () => {
    const X = rowsOf(1, Array.from({ length: 30 }, (_, i) => [i]));
    const y = Float32Array.from({ length: 30 }, (_, i) => (i < 15 ? 0 : 10));
    const model = await gbdtSpec.fit({ X, y }, { n_estimators: 100, learning_rate: 0.3 }, ctxFor('regression', 0));
    const p = model.predict(rowsOf(1, [[2], [27]]));
    expect(p[0]).toBeLessThan(1);
    expect(p[1]).toBeGreaterThan(9);
  });

  it('rejects a matrix with the wrong number of columns at prediction', async () => {
    const model = await gbdtSpec.fit(synthetic(200, 1), { n_estimators: 3 }, ctxFor('regression', 0));
    await expectEngineError(() => model.predict(matrix(1, 4)), 'invalid_input');
  });
});
