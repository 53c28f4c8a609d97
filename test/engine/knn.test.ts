/**
 * Tests of the knn model family: neighbours identical to a naive sort-everything search, accuracy on shared
 * real datasets (standardised here, as the 'dense' pipeline would), exact matches under distance weights,
 * sample weights, the memory estimate and size limit, artifact round trips and determinism.
 */
import { describe, expect, it } from 'vitest';
import { type Matrix, matrix } from '../../src/engine/core/matrix';
import { Rng } from '../../src/engine/core/rng';
import type { Task } from '../../src/engine/core/task';
import { METRICS } from '../../src/engine/eval/metrics';
import { KNN_MAX_TRAIN_CELLS, knnSpec } from '../../src/engine/models/knn/knn';
import type { FitContext, ModelArtifact, TrainSet } from '../../src/engine/models/model';
import { loadSharedDataset, type SharedDataset } from './helpers/load-shared-csv';
import { expectEngineError, sameBits } from './helpers/assertions';

function ctxFor(task: Task, nClasses: number, seed = 1): FitContext {
  return { task, nClasses, rng: new Rng(seed) };
}

/**
 * What the 'dense' feature pipeline hands knn: numeric columns standardised with training statistics (missing
 * at the mean, 0), categorical columns one-hot encoded over the training levels.
 */
function densify(d: SharedDataset): { train: TrainSet; test: TrainSet } {
  const tr = d.train.X;
  const plan: { j: number; level?: number; mean: number; sd: number }[] = [];
  for (let j = 0; j < tr.cols; j++) {
    if (d.columnKinds[j] === 'categorical') {
      d.levels[j].forEach((_, level) => plan.push({ j, level, mean: 0, sd: 1 }));
      continue;
    }
    let s = 0;
    let s2 = 0;
    let n = 0;
    for (let i = 0; i < tr.rows; i++) {
      const v = tr.data[i * tr.cols + j];
      if (v === v) (s += v), (s2 += v * v), n++;
    }
    const mean = s / n;
    plan.push({ j, mean, sd: Math.sqrt(Math.max(1e-12, s2 / n - mean * mean)) });
  }
  const transform = (X: Matrix): Matrix => {
    const out = matrix(X.rows, plan.length);
    for (let i = 0; i < X.rows; i++) {
      plan.forEach((p, k) => {
        const v = X.data[i * X.cols + p.j];
        out.data[i * plan.length + k] = p.level !== undefined ? (v === p.level ? 1 : 0) : v === v ? (v - p.mean) / p.sd : 0;
      });
    }
    return out;
  };
  return { train: { X: transform(d.train.X), y: d.train.y }, test: { X: transform(d.test.X), y: d.test.y } };
}

function randomSet(n: number, cols: number, seed: number, classes: number): TrainSet {
  const rng = new Rng(seed);
  const X = matrix(n, cols);
  for (let i = 0; i < X.data.length; i++) X.data[i] = Math.round(rng.normal() * 4) / 4; // coarse grid: many tied distances
  const y = Float32Array.from({ length: n }, () => (classes > 0 ? rng.int(classes) : rng.normal()));
  return { X, y };
}

/** Reference neighbours: every distance computed in float64, sorted by (distance, row). */
function naiveNeighbours(train: TrainSet, q: Float32Array, k: number, p: 1 | 2): number[] {
  const cols = train.X.cols;
  const d = Array.from({ length: train.X.rows }, (_, j) => {
    let s = 0;
    for (let c = 0; c < cols; c++) {
      const diff = q[c] - train.X.data[j * cols + c];
      s += p === 1 ? Math.abs(diff) : diff * diff;
    }
    return { j, s };
  });
  d.sort((a, b) => a.s - b.s || a.j - b.j);
  return d.slice(0, k).map((e) => e.j);
}

describe('knn spec', () => {
  it('declares its family, dense feature style, tasks, space and defaults', () => {
    expect(knnSpec.family).toBe('knn');
    expect(knnSpec.featureStyle).toBe('dense');
    expect([...knnSpec.tasks].sort()).toEqual(['binary', 'multiclass', 'regression']);
    const shape = { rows: 1000, cols: 10, task: 'binary' as const, nClasses: 2 };
    expect(knnSpec.space(shape)).toEqual({
      k: { type: 'int', low: 1, high: 50, log: true },
      weights: { type: 'categorical', choices: ['uniform', 'distance'] },
      p: { type: 'categorical', choices: [1, 2] },
    });
    expect(knnSpec.space({ ...shape, rows: 12 }).k).toEqual({ type: 'int', low: 1, high: 12, log: true });
    expect(knnSpec.defaults(shape)).toEqual({ k: 15, weights: 'distance', p: 2 });
    expect(knnSpec.defaults({ ...shape, rows: 6 }).k).toBe(6);
  });

  it('estimates memory from the stored training matrix and refuses huge ones', () => {
    const shape = { rows: 10_000, cols: 20, task: 'binary' as const, nClasses: 2 };
    const base = knnSpec.estimateMemoryBytes({}, shape);
    expect(base).toBeGreaterThan(10_000 * 20 * 4 * 2); // the float32 copy and its artifact
    expect(base).toBeLessThan(8 * 1024 * 1024);
    expect(knnSpec.estimateMemoryBytes({}, { ...shape, rows: 100_000 })).toBeGreaterThan(base);
    expect(knnSpec.estimateMemoryBytes({}, { ...shape, rows: 1_000_000 })).toBeGreaterThan(96 * 1024 * 1024);
  });

  it('rejects bad parameters and training matrices over its cell limit', async () => {
    const data = randomSet(50, 3, 1, 2);
    await expectEngineError(knnSpec.fit(data, { k: 0 }, ctxFor('binary', 2)), 'invalid_params');
    await expectEngineError(knnSpec.fit(data, { p: 3 }, ctxFor('binary', 2)), 'invalid_params');
    await expectEngineError(knnSpec.fit(data, { weights: 'gaussian' }, ctxFor('binary', 2)), 'invalid_params');
    await expectEngineError(knnSpec.fit(data, { neighbours: 5 }, ctxFor('binary', 2)), 'invalid_params');
    const rows = Math.floor(KNN_MAX_TRAIN_CELLS / 4) + 1;
    await expectEngineError(knnSpec.fit({ X: matrix(rows, 4), y: new Float32Array(rows) }, {}, ctxFor('regression', 0)), 'insufficient_budget');
  });
});

describe('knn neighbours', () => {
  for (const p of [1, 2] as const) {
    it(`uniform votes match a naive full sort (p = ${p}), ties going to the earlier row`, async () => {
      const train = randomSet(300, 4, 3, 3);
      const queries = randomSet(60, 4, 4, 3).X;
      const k = 7;
      const model = await knnSpec.fit(train, { k, weights: 'uniform', p }, ctxFor('multiclass', 3));
      const out = model.predict(queries);
      for (let i = 0; i < queries.rows; i++) {
        const q = queries.data.subarray(i * 4, i * 4 + 4);
        const votes = [0, 0, 0];
        for (const j of naiveNeighbours(train, q, k, p)) votes[train.y[j]]++;
        for (let c = 0; c < 3; c++) expect(out[i * 3 + c]).toBeCloseTo(votes[c] / k, 6);
      }
      // Regression: the mean of the same neighbours.
      const reg = { X: train.X, y: randomSet(300, 4, 5, 0).y };
      const r = (await knnSpec.fit(reg, { k, weights: 'uniform', p }, ctxFor('regression', 0))).predict(queries);
      for (let i = 0; i < queries.rows; i++) {
        const nb = naiveNeighbours(reg, queries.data.subarray(i * 4, i * 4 + 4), k, p);
        expect(r[i]).toBeCloseTo(nb.reduce((s, j) => s + reg.y[j], 0) / k, 4);
      }
    });
  }

  it('lets exact matches decide alone under distance weights, and weighs others by inverse distance', async () => {
    const train: TrainSet = { X: matrix(3, 1, Float32Array.from([0, 1, 3])), y: Float32Array.from([0, 1, 1]) };
    const model = await knnSpec.fit(train, { k: 3, weights: 'distance' }, ctxFor('binary', 2));
    const p = model.predict(matrix(2, 1, Float32Array.from([0, 2])));
    expect(p[0]).toBe(0); // the exact match at 0 outvotes two neighbours
    // At 2: distances 2, 1, 1 -> weights 0.5, 1, 1 -> P(class 1) = 2 / 2.5.
    expect(p[1]).toBeCloseTo(0.8, 6);
  });

  it('clamps k to the rows, uses sample weights as vote weights, skips zero-weight rows, tolerates NaN', async () => {
    const X = matrix(4, 1, Float32Array.from([0, 0.1, 0.2, 5]));
    const y = Float32Array.from([0, 1, 1, 0]);
    const weights = Float32Array.from([3, 1, 1, 0]);
    const model = await knnSpec.fit({ X, y, weights }, { k: 50, weights: 'uniform' }, ctxFor('binary', 2));
    expect(model.fitInfo).toEqual({ rows: 3, k: 3 });
    const p = model.predict(matrix(2, 1, Float32Array.from([4.9, NaN])));
    expect(p[0]).toBeCloseTo(2 / 5, 6); // the row at 5 weighs 0 and is gone
    expect(Number.isFinite(p[1])).toBe(true);
  });
});

describe('knn on real data (standardised / one-hot as the dense pipeline would)', () => {
  it('breast_cancer_wisconsin: test ROC AUC >= 0.97', async () => {
    const d = densify(loadSharedDataset('breast_cancer_wisconsin'));
    const shape = { rows: d.train.X.rows, cols: d.train.X.cols, task: 'binary' as const, nClasses: 2 };
    const model = await knnSpec.fit(d.train, knnSpec.defaults(shape), ctxFor('binary', 2));
    expect(METRICS.roc_auc.score(d.test.y, model.predict(d.test.X), 2)).toBeGreaterThanOrEqual(0.97);
  });

  it('concrete (regression): beats a constant predictor', async () => {
    const d = densify(loadSharedDataset('concrete'));
    const shape = { rows: d.train.X.rows, cols: d.train.X.cols, task: 'regression' as const, nClasses: 0 };
    const model = await knnSpec.fit(d.train, knnSpec.defaults(shape), ctxFor('regression', 0));
    const mean = d.train.y.reduce((a, b) => a + b, 0) / d.train.y.length;
    const constant = METRICS.rmse.score(d.test.y, new Float32Array(d.test.y.length).fill(mean), 0);
    expect(METRICS.rmse.score(d.test.y, model.predict(d.test.X), 0)).toBeLessThan(0.6 * constant);
  });

  it('credit_g (one-hot categoricals) and segment (multiclass): sensible scores, probabilities sum to 1', async () => {
    const cg = densify(loadSharedDataset('credit_g'));
    const m1 = await knnSpec.fit(cg.train, {}, ctxFor('binary', 2));
    expect(METRICS.roc_auc.score(cg.test.y, m1.predict(cg.test.X), 2)).toBeGreaterThanOrEqual(0.7);
    const sd = loadSharedDataset('segment');
    const seg = densify(sd);
    const m2 = await knnSpec.fit(seg.train, {}, ctxFor('multiclass', sd.nClasses));
    const p = m2.predict(seg.test.X);
    for (let i = 0; i < seg.test.y.length; i++) {
      let s = 0;
      for (let c = 0; c < sd.nClasses; c++) s += p[i * sd.nClasses + c];
      expect(s).toBeCloseTo(1, 5);
    }
    expect(METRICS.accuracy.score(seg.test.y, p, sd.nClasses)).toBeGreaterThanOrEqual(0.9);
  });
});

describe('knn artifacts and determinism', () => {
  it('round-trips through JSON with bit-identical predictions, with and without sample weights', async () => {
    const train = randomSet(200, 5, 6, 3);
    const queries = randomSet(50, 5, 7, 3).X;
    for (const weights of [undefined, Float32Array.from({ length: 200 }, (_, i) => 1 + (i % 3))]) {
      const model = await knnSpec.fit({ ...train, weights }, { k: 9, weights: 'distance', p: 1 }, ctxFor('multiclass', 3));
      const artifact = model.toArtifact();
      expect(artifact).toMatchObject({ family: 'knn', version: 1, rows: 200, k: 9 });
      const loaded = await knnSpec.load(JSON.parse(JSON.stringify(artifact)) as ModelArtifact);
      expect(sameBits(loaded.predict(queries), model.predict(queries))).toBe(true);
    }
  });

  it('rejects unknown versions and corrupt artifacts', async () => {
    const model = await knnSpec.fit(randomSet(30, 2, 1, 2), {}, ctxFor('binary', 2));
    const artifact = model.toArtifact() as ModelArtifact & { X: string };
    await expectEngineError(() => knnSpec.load({ ...artifact, version: 2 }), 'bad_artifact');
    await expectEngineError(() => knnSpec.load({ ...artifact, family: 'linear' }), 'bad_artifact');
    await expectEngineError(() => knnSpec.load({ ...artifact, X: 'AAAA' }), 'bad_artifact');
    await expectEngineError(() => knnSpec.load({ ...artifact, p: 3 }), 'bad_artifact');
    await expectEngineError(() => knnSpec.load({ ...artifact, nClasses: 1 }), 'bad_artifact');
  });

  it('gives identical models and predictions for the same inputs and seed', async () => {
    const train = randomSet(150, 3, 8, 2);
    const [a, b] = await Promise.all([knnSpec.fit(train, {}, ctxFor('binary', 2, 5)), knnSpec.fit(train, {}, ctxFor('binary', 2, 5))]);
    expect(JSON.stringify(a.toArtifact())).toBe(JSON.stringify(b.toArtifact()));
    expect(sameBits(a.predict(train.X), b.predict(train.X))).toBe(true);
  });
});
