/**
 * Behaviour of the forest families beyond accuracy: the spec contract (space, defaults, memory, parameter
 * validation), learned missing-value directions, categorical splits (sets and code order), artifact
 * round trips, determinism, and how sample and class weights enter the fit.
 */
import { describe, expect, it } from 'vitest';
import { type Matrix, matrix } from '../../src/engine/core/matrix';
import { Rng } from '../../src/engine/core/rng';
import type { Task } from '../../src/engine/core/task';
import { cartSpec, extraTreesSpec, randomForestSpec } from '../../src/engine/models/forest/forest';
import type { FitContext, ModelArtifact, ModelSpec, TrainSet } from '../../src/engine/models/model';
import type { Params } from '../../src/engine/search/space';
import { expectEngineError, sameBits } from './helpers/assertions';

const SPECS = [randomForestSpec, extraTreesSpec, cartSpec] as const;

function ctxFor(task: Task, nClasses: number, seed = 7, extra: Partial<FitContext> = {}): FitContext {
  return { task, nClasses, rng: new Rng(seed), ...extra };
}

function rowsOf(cols: number, values: number[][]): Matrix {
  return matrix(values.length, cols, Float32Array.from(values.flat()));
}

/** A mixed table: numeric with missing values, a categorical column (codes 0..7) with missing codes, noise; 3 classes. */
function mixedMulticlass(n: number, seed: number): TrainSet {
  const rng = new Rng(seed);
  const X = matrix(n, 3);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const a = rng.uniform(0, 1);
    const code = rng.int(8);
    X.data[i * 3] = rng.next() < 0.15 ? NaN : a;
    X.data[i * 3 + 1] = rng.next() < 0.1 ? NaN : code;
    X.data[i * 3 + 2] = rng.normal();
    y[i] = code % 3 === 0 ? 2 : a > 0.5 ? 1 : 0;
  }
  return { X, y };
}
const mixedKinds = ['numeric', 'categorical', 'numeric'] as const;

/** y = sin(3 x0) + x1² + noise; x2 irrelevant. */
function regressionData(n: number, seed: number): TrainSet {
  const rng = new Rng(seed);
  const X = matrix(n, 3);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const x = [rng.uniform(-1, 1), rng.uniform(-1, 1), rng.uniform(-1, 1)];
    X.data.set(x, i * 3);
    y[i] = Math.sin(3 * x[0]) + x[1] * x[1] + 0.1 * rng.normal();
  }
  return { X, y };
}

describe('forest specs', () => {
  it('declare their families, tree feature style, tasks, spaces and defaults', () => {
    expect(SPECS.map((s) => s.family)).toEqual(['random_forest', 'extra_trees', 'cart']);
    const shape = { rows: 1000, cols: 10, task: 'binary' as const, nClasses: 2 };
    for (const spec of SPECS) {
      expect(spec.featureStyle).toBe('trees');
      expect([...spec.tasks].sort()).toEqual(['binary', 'multiclass', 'regression']);
      const space = spec.space(shape);
      expect(space.min_samples_leaf).toEqual({ type: 'int', low: 1, high: 20, log: true });
      expect(space.max_depth.type).toBe('categorical');
      expect(space.class_weight).toEqual({ type: 'categorical', choices: ['none', 'balanced'] });
      expect(spec.space({ ...shape, task: 'regression', nClasses: 0 }).class_weight).toBeUndefined();
    }
    expect(randomForestSpec.space(shape).n_estimators).toEqual({ type: 'int', low: 50, high: 500, log: true });
    expect(cartSpec.space(shape).n_estimators).toBeUndefined();
    expect(randomForestSpec.defaults(shape)).toMatchObject({ n_estimators: 300, min_samples_leaf: 1, max_depth: 'none', max_features: 'sqrt' });
    expect(randomForestSpec.defaults({ ...shape, task: 'regression', nClasses: 0 })).toMatchObject({ max_features: 1 });
    expect(extraTreesSpec.defaults(shape)).toMatchObject({ n_estimators: 300, max_features: 'sqrt' });
  });

  it('estimate more memory for more rows, trees, smaller leaves and more classes', () => {
    const shape = { rows: 10_000, cols: 20, task: 'binary' as const, nClasses: 2 };
    const base = randomForestSpec.estimateMemoryBytes({}, shape);
    expect(base).toBeGreaterThan(10_000 * 20);
    expect(randomForestSpec.estimateMemoryBytes({}, { ...shape, rows: 100_000 })).toBeGreaterThan(base);
    expect(randomForestSpec.estimateMemoryBytes({ n_estimators: 500 }, shape)).toBeGreaterThan(base);
    expect(randomForestSpec.estimateMemoryBytes({ min_samples_leaf: 10 }, shape)).toBeLessThan(base);
    expect(randomForestSpec.estimateMemoryBytes({}, { ...shape, task: 'multiclass', nClasses: 10 })).toBeGreaterThan(base);
    expect(cartSpec.estimateMemoryBytes({}, shape)).toBeLessThan(base);
  });

  it('size their defaults to fit half the trial budget, keeping scikit-learn defaults on small data', () => {
    const small = { rows: 750, cols: 20, task: 'binary' as const, nClasses: 2 };
    expect(randomForestSpec.defaults(small)).toMatchObject({ n_estimators: 300, min_samples_leaf: 1 });
    for (const spec of SPECS) {
      for (const shape of [small, { rows: 10_000, cols: 20, task: 'regression' as const, nClasses: 0 }, { rows: 100_000, cols: 30, task: 'binary' as const, nClasses: 2 }]) {
        const d = spec.defaults(shape);
        expect(spec.estimateMemoryBytes(d, shape)).toBeLessThanOrEqual(48 * 1024 * 1024);
        for (const [key, dist] of Object.entries(spec.space(shape))) {
          if (dist.type === 'int' && key in d) expect((d[key] as number) >= dist.low && (d[key] as number) <= dist.high).toBe(true);
          if (dist.type === 'categorical' && key in d) expect(dist.choices).toContain(d[key]);
        }
      }
    }
    const big = randomForestSpec.defaults({ rows: 10_000, cols: 20, task: 'regression', nClasses: 0 });
    expect(big.min_samples_leaf).toBeGreaterThan(1);
  });

  it('reject unknown or out-of-range parameters and bad labels', async () => {
    const data = regressionData(100, 1);
    const reg = ctxFor('regression', 0);
    await expectEngineError(randomForestSpec.fit(data, { n_estimator: 10 }, reg), 'invalid_params');
    await expectEngineError(randomForestSpec.fit(data, { max_features: 1.5 }, reg), 'invalid_params');
    await expectEngineError(randomForestSpec.fit(data, { max_features: 'cube' }, reg), 'invalid_params');
    await expectEngineError(randomForestSpec.fit(data, { min_samples_leaf: 0 }, reg), 'invalid_params');
    await expectEngineError(extraTreesSpec.fit(data, { criterion: 'mse' }, reg), 'invalid_params');
    await expectEngineError(cartSpec.fit(data, { n_estimators: 10 }, reg), 'invalid_params');
    await expectEngineError(randomForestSpec.fit(data, {}, ctxFor('binary', 2)), 'invalid_target'); // continuous y
  });
});

describe('forest missing values', () => {
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
  const probe = rowsOf(2, [[NaN, 0.5], [0.1, 0.5], [0.9, 0.5]]);

  for (const spec of SPECS) {
    for (const side of ['high', 'low'] as const) {
      it(`${spec.family} learns that missing behaves like the ${side} values`, async () => {
        const params: Params = spec === cartSpec ? {} : { n_estimators: 50 };
        const model = await spec.fit(missingData(1500, 3, side), params, ctxFor('binary', 2));
        const p = model.predict(probe);
        expect(p[0]).toBeGreaterThan(0.9);
        expect(side === 'high' ? p[1] : p[2]).toBeLessThan(0.1);
        expect(side === 'high' ? p[2] : p[1]).toBeGreaterThan(0.9);
      });
    }
  }

  it('a depth-1 tree sends missing values down the learned side of its threshold', async () => {
    for (const side of ['high', 'low'] as const) {
      const stump = await cartSpec.fit(missingData(1500, 4, side), { max_depth: 1 }, ctxFor('binary', 2));
      const s = stump.predict(probe);
      expect(s[0]).toBe(side === 'low' ? s[1] : s[2]);
      expect(s[0]).not.toBe(side === 'low' ? s[2] : s[1]);
    }
  });

  it('gives finite predictions for missing values never seen in training', async () => {
    for (const spec of SPECS) {
      const model = await spec.fit(regressionData(400, 4), spec === cartSpec ? {} : { n_estimators: 20 }, ctxFor('regression', 0));
      const p = model.predict(rowsOf(3, [[NaN, NaN, NaN], [0.2, NaN, 0.1]]));
      expect(Number.isFinite(p[0]) && Number.isFinite(p[1])).toBe(true);
    }
  });
});

describe('forest categorical splits', () => {
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
  const codes = Array.from({ length: 30 }, (_, c) => c);
  const probe = rowsOf(2, codes.map((c) => [c, 0]));

  it("separates an unordered category set with one 'set' split", async () => {
    // An ordinal threshold on the codes could not isolate this set in one split; a category subset can.
    const stump = await cartSpec.fit(categoryData(3000, 5), { max_depth: 1, categorical_split: 'set' }, ctxFor('binary', 2, 1, { columnKinds: kinds }));
    const p = stump.predict(probe);
    for (const c of codes) expect(p[c]).toBe(inSet.has(c) ? 1 : 0);
  });

  for (const mode of ['ordinal', 'set'] as const) {
    it(`random_forest learns the set with '${mode}' splits and handles unseen and missing codes`, async () => {
      const model = await randomForestSpec.fit(categoryData(3000, 6), { n_estimators: 30, categorical_split: mode }, ctxFor('binary', 2, 1, { columnKinds: kinds }));
      const test = categoryData(1000, 7);
      const p = model.predict(test.X);
      let correct = 0;
      for (let i = 0; i < p.length; i++) if ((p[i] > 0.5 ? 1 : 0) === test.y[i]) correct++;
      // Code order needs several cuts to carve out an unordered set; a set split needs one.
      expect(correct / p.length).toBeGreaterThan(mode === 'set' ? 0.99 : 0.97);
      const odd = model.predict(rowsOf(2, [[NaN, 0], [999, 0], [2.5, 0], [-1, 0]]));
      for (const v of odd) expect(v >= 0 && v <= 1).toBe(true);
    });
  }

  it('extra_trees learns a multiclass target from a categorical and a numeric column with missing values', async () => {
    const model = await extraTreesSpec.fit(mixedMulticlass(1500, 2), { n_estimators: 60 }, ctxFor('multiclass', 3, 3, { columnKinds: mixedKinds }));
    const test = mixedMulticlass(500, 3);
    const p = model.predict(test.X);
    let correct = 0;
    for (let i = 0; i < test.y.length; i++) {
      let best = 0;
      for (let c = 1; c < 3; c++) if (p[i * 3 + c] > p[i * 3 + best]) best = c;
      if (best === test.y[i]) correct++;
    }
    // Rows with a missing numeric value and a code not divisible by 3 are a coin flip between classes 0 and 1.
    expect(correct / test.y.length).toBeGreaterThan(0.85);
  });
});

describe('forest artifacts and determinism', () => {
  const cases: { name: string; task: Task; nClasses: number; data: () => TrainSet; kinds?: readonly ('numeric' | 'categorical')[] }[] = [
    { name: 'multiclass', task: 'multiclass', nClasses: 3, data: () => mixedMulticlass(600, 8), kinds: mixedKinds },
    { name: 'binary', task: 'binary', nClasses: 2, data: () => ({ ...mixedMulticlass(600, 9), y: mixedMulticlass(600, 9).y.map((v) => (v === 2 ? 1 : 0)) }), kinds: mixedKinds },
    { name: 'regression', task: 'regression', nClasses: 0, data: () => regressionData(600, 10) },
  ];

  for (const spec of SPECS) {
    for (const c of cases) {
      it(`${spec.family} (${c.name}) round-trips through JSON with bit-identical predictions`, async () => {
        const train = c.data();
        const params: Params = spec === cartSpec ? {} : { n_estimators: 25 };
        const model = await spec.fit(train, params, ctxFor(c.task, c.nClasses, 2, { columnKinds: c.kinds }));
        const artifact = model.toArtifact();
        expect(artifact).toMatchObject({ family: spec.family, version: 1 });
        const loaded = await spec.load(JSON.parse(JSON.stringify(artifact)) as ModelArtifact);
        expect(loaded.family).toBe(spec.family);
        expect(sameBits(loaded.predict(train.X), model.predict(train.X))).toBe(true);
        expect(loaded.fitInfo).toEqual(model.fitInfo);
      });
    }
  }

  it('rejects unknown versions, other families and corrupt artifacts', async () => {
    const model = await randomForestSpec.fit(mixedMulticlass(300, 1), { n_estimators: 5 }, ctxFor('multiclass', 3, 2, { columnKinds: mixedKinds }));
    const artifact = model.toArtifact() as ModelArtifact & { forest: Record<string, unknown>; leafTable: string };
    await expectEngineError(() => randomForestSpec.load({ ...artifact, version: 2 }), 'bad_artifact');
    await expectEngineError(() => randomForestSpec.load({ ...artifact, family: 'extra_trees' }), 'bad_artifact');
    await expectEngineError(() => extraTreesSpec.load(artifact), 'bad_artifact');
    await expectEngineError(() => randomForestSpec.load({ ...artifact, forest: { ...artifact.forest, left: 'AAAA' } }), 'bad_artifact');
    await expectEngineError(() => randomForestSpec.load({ ...artifact, forest: { ...artifact.forest, feature: 42 } }), 'bad_artifact');
    await expectEngineError(() => randomForestSpec.load({ ...artifact, leafTable: 'AAAA' }), 'bad_artifact');
    await expectEngineError(() => randomForestSpec.load({ ...artifact, leafTable: undefined }), 'bad_artifact');
  });

  for (const spec of [randomForestSpec, extraTreesSpec]) {
    it(`${spec.family} gives identical models for the same seed and different ones for another seed`, async () => {
      const train = mixedMulticlass(800, 10);
      const fit = (seed: number) => spec.fit(train, { n_estimators: 20 }, ctxFor('multiclass', 3, seed, { columnKinds: mixedKinds }));
      const [a, b, c] = await Promise.all([fit(5), fit(5), fit(6)]);
      expect(JSON.stringify(b.toArtifact())).toBe(JSON.stringify(a.toArtifact()));
      expect(sameBits(b.predict(train.X), a.predict(train.X))).toBe(true);
      expect(JSON.stringify(c.toArtifact())).not.toBe(JSON.stringify(a.toArtifact()));
    });
  }

  it('rejects a matrix with the wrong number of columns at prediction', async () => {
    const model = await cartSpec.fit(regressionData(100, 2), {}, ctxFor('regression', 0));
    await expectEngineError(() => model.predict(matrix(2, 5)), 'invalid_input');
  });
});

describe('forest weights', () => {
  /** Few distinct values per feature, so binning is identical whether rows are duplicated or weighted. */
  function smallInts(n: number, seed: number): TrainSet {
    const rng = new Rng(seed);
    const X = matrix(n, 3);
    const y = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const a = rng.int(20);
      const b = rng.int(10);
      X.data.set([a, b, rng.int(5)], i * 3);
      y[i] = (a + b + rng.int(6) > 16 ? 1 : 0) as number;
    }
    return { X, y };
  }

  it('treats an integer sample weight like that many copies of the row (single tree, no bootstrap)', async () => {
    const base = smallInts(300, 3);
    const weights = Float32Array.from({ length: 300 }, (_, i) => (i % 3 === 0 ? 2 : 1));
    const rows: number[] = [];
    for (let i = 0; i < 300; i++) for (let k = 0; k < weights[i]; k++) rows.push(i);
    const dup: TrainSet = {
      X: matrix(rows.length, 3, Float32Array.from(rows.flatMap((r) => Array.from(base.X.data.subarray(r * 3, r * 3 + 3))))),
      y: Float32Array.from(rows, (r) => base.y[r]),
    };
    // min_samples_leaf counts distinct rows, so compare fully grown trees (min_samples_leaf 1).
    const weighted = await cartSpec.fit({ ...base, weights }, { min_samples_leaf: 1 }, ctxFor('binary', 2, 9));
    const copied = await cartSpec.fit(dup, { min_samples_leaf: 1 }, ctxFor('binary', 2, 9));
    const probe = smallInts(200, 4).X;
    expect(sameBits(weighted.predict(probe), copied.predict(probe))).toBe(true);
  });

  it("class_weight 'balanced' raises the rare class's predicted probability", async () => {
    // 10% positives, weakly predictable: balancing should move probabilities towards the rare class.
    const rng = new Rng(5);
    const n = 2000;
    const X = matrix(n, 2);
    const y = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const a = rng.normal();
      X.data.set([a, rng.normal()], i * 2);
      y[i] = rng.next() < 0.1 * (1 + 0.5 * Math.tanh(a)) ? 1 : 0;
    }
    const mean = (p: Float32Array) => p.reduce((s, v) => s + v, 0) / p.length;
    const params: Params = { n_estimators: 30, min_samples_leaf: 20 };
    const plain = await randomForestSpec.fit({ X, y }, params, ctxFor('binary', 2, 1));
    const balanced = await randomForestSpec.fit({ X, y }, { ...params, class_weight: 'balanced' }, ctxFor('binary', 2, 1));
    expect(mean(plain.predict(X))).toBeLessThan(0.2);
    expect(mean(balanced.predict(X))).toBeGreaterThan(0.35);
  });

  it('refuses training rows whose weights are all zero', async () => {
    const data = regressionData(50, 1);
    await expectEngineError(randomForestSpec.fit({ ...data, weights: new Float32Array(50) }, { n_estimators: 2 }, ctxFor('regression', 0)), 'invalid_input');
  });
});
