/**
 * Tests for the linear model family (src/engine/models/linear): accuracy on the shared benchmark datasets
 * against scikit-learn's reference scores, coefficient agreement with scikit-learn on small standardised
 * problems, exact zeros under L1, weights, determinism, the artifact round trip and input validation.
 */
import { describe, expect, it } from 'vitest';
import { EngineError } from '../../src/engine/core/errors';
import { matrix, type Matrix } from '../../src/engine/core/matrix';
import { Rng } from '../../src/engine/core/rng';
import type { Task } from '../../src/engine/core/task';
import { METRICS } from '../../src/engine/eval/metrics';
import { LinearModel, linearSpec } from '../../src/engine/models/linear/linear';
import type { FittedModel, TrainSet } from '../../src/engine/models/model';
import type { Params } from '../../src/engine/search/space';
import { loadDataset } from './helpers/linear-data';

function fit(train: TrainSet, params: Params, task: Task, nClasses: number): Promise<FittedModel> {
  return linearSpec.fit(train, params, { task, nClasses, rng: new Rng(1) });
}

/** The fitted model as a LinearModel, to read its coefficients and intercepts. */
function coefficients(model: FittedModel): LinearModel {
  expect(model).toBeInstanceOf(LinearModel);
  return model as LinearModel;
}

/** Asserts |actual − expected| ≤ tol · max(1, |expected|) entry by entry, and exact zeros where expected. */
function expectClose(actual: ArrayLike<number>, expected: number[], tol: number): void {
  expect(actual.length).toBe(expected.length);
  for (let j = 0; j < expected.length; j++) {
    if (expected[j] === 0) expect(actual[j], `entry ${j}`).toBe(0);
    else expect(Math.abs(actual[j] - expected[j]), `entry ${j}: ${actual[j]} vs ${expected[j]}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(expected[j])));
  }
}

describe('accuracy on the shared datasets (scikit-learn references in /work/shared/data/REFERENCE.md)', () => {
  it('breast_cancer_wisconsin: logistic regression test AUC ≥ 0.99 (sklearn 0.9962)', async () => {
    const d = loadDataset('breast_cancer_wisconsin');
    const t0 = performance.now();
    const model = await fit(d.train, linearSpec.defaults({ rows: 426, cols: 30, task: 'binary', nClasses: 2 }), 'binary', 2);
    const ms = performance.now() - t0;
    const out = model.predict(d.test.X);
    const auc = METRICS.roc_auc.score(d.test.y, out, 2);
    const logLoss = METRICS.log_loss.score(d.test.y, out, 2);
    console.info(`breast_cancer_wisconsin: auc=${auc.toFixed(4)} log_loss=${logLoss.toFixed(4)} fit=${ms.toFixed(1)}ms`, model.fitInfo);
    expect(auc).toBeGreaterThanOrEqual(0.99);
    expect(logLoss).toBeLessThan(0.09); // sklearn: 0.0776
    expect(model.fitInfo.iterations).toBeGreaterThan(0);
    expect(model.fitInfo.converged).toBe(1);
  });

  it('diabetes_progression: ridge test RMSE ≤ 56 (sklearn Ridge(alpha=1) 53.32)', async () => {
    const d = loadDataset('diabetes_progression');
    const t0 = performance.now();
    const model = await fit(d.train, { C: 1, l1_ratio: 0 }, 'regression', 0);
    const ms = performance.now() - t0;
    const out = model.predict(d.test.X);
    const rmse = METRICS.rmse.score(d.test.y, out, 0);
    console.info(`diabetes_progression: rmse=${rmse.toFixed(3)} r2=${METRICS.r2.score(d.test.y, out, 0).toFixed(4)} fit=${ms.toFixed(1)}ms`, model.fitInfo);
    expect(rmse).toBeLessThanOrEqual(56);
  });

  it('segment: multinomial logistic test accuracy ≥ 0.9 (sklearn 0.9273)', async () => {
    const d = loadDataset('segment');
    const t0 = performance.now();
    const model = await fit(d.train, { C: 1, l1_ratio: 0, class_weight: 'none' }, 'multiclass', 7);
    const ms = performance.now() - t0;
    const out = model.predict(d.test.X);
    const acc = METRICS.accuracy.score(d.test.y, out, 7);
    const logLoss = METRICS.log_loss.score(d.test.y, out, 7);
    console.info(`segment: accuracy=${acc.toFixed(4)} log_loss=${logLoss.toFixed(4)} fit=${ms.toFixed(1)}ms`, model.fitInfo);
    expect(acc).toBeGreaterThanOrEqual(0.9);
    expect(logLoss).toBeLessThan(0.25); // sklearn: 0.2289
    // Probabilities: K per row, summing to 1.
    expect(out.length).toBe(d.test.X.rows * 7);
    for (let i = 0; i < 5; i++) expect(out.subarray(i * 7, i * 7 + 7).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
  });
});

/*
 * Coefficients from scikit-learn 1.2.1 on the training split, features standardised exactly as
 * helpers/linear-data.ts does (float32 values, population std), solved to tol=1e-12:
 *
 *   load = lambda name, cols: ...  # float32 columns -> (X - X.mean(0)) / X.std(0) -> float32
 *   LogisticRegression(C=0.5, tol=1e-12, max_iter=100000).fit(X_bc6, y)
 *   # 'balanced' here divides by each class's total *sample weight* (scikit-learn counts rows instead), so the
 *   # reference passes those class weights explicitly:
 *   w = np.where(y == 1, 2.0, 1.0); cw = {c: w.sum() / (2 * w[y == c].sum()) for c in (0, 1)}
 *   LogisticRegression(C=0.5, tol=1e-12, max_iter=100000, solver='newton-cg', class_weight=cw).fit(X_bc6, y, sample_weight=w)
 *   LogisticRegression(penalty='elasticnet', solver='saga', l1_ratio=0.7, C=0.01, tol=1e-12, max_iter=1000000).fit(X_bc6, y)
 *   LogisticRegression(C=1.0, tol=1e-12, max_iter=100000, solver='newton-cg', multi_class='multinomial').fit(X_seg4, y)
 *   # newton-cg for these two: lbfgs stops early on scipy's default ftol (2.2e-9) whatever tol says, and
 *   # its coefficients are then off by ~1e-3 on these collinear features.
 *       # intercepts compared after subtracting their mean (softmax intercepts are defined up to a shift)
 *   Ridge(alpha=1.0, tol=1e-12).fit(X_diab, y)
 *   # Our regression standardises y and minimises C·Σ½r² + penalty, which is ElasticNet with alpha = 1/(C·n):
 *   ys = (y - y.mean()) / y.std(); m = ElasticNet(alpha=1/(0.05*331), l1_ratio=0.5, tol=1e-14, max_iter=1000000).fit(X_diab, ys)
 *   m.coef_ * y.std(), m.intercept_ * y.std() + y.mean()
 */
const BC6 = ['mean_radius', 'mean_texture', 'mean_perimeter', 'mean_area', 'mean_smoothness', 'mean_compactness'];
const SEG4 = ['region-centroid-col', 'region-centroid-row', 'intensity-mean', 'hue-mean'];

describe('agreement with scikit-learn', () => {
  it('logistic regression, C=0.5', async () => {
    const { train } = loadDataset('breast_cancer_wisconsin', BC6);
    const m = coefficients(await fit(train, { C: 0.5, l1_ratio: 0, tol: 1e-9 }, 'binary', 2));
    expectClose(m.coef, [1.2552190324784054, 1.2474330929439088, 1.2744186825751151, 1.335255065923065, 1.2145446855602509, 0.6493461669673717], 1e-4);
    expectClose(m.intercepts, [-0.7309217794364453], 1e-4);
  });

  it('logistic regression, balanced classes times sample weights', async () => {
    const { train } = loadDataset('breast_cancer_wisconsin', BC6);
    const weights = train.y.map((v) => (v === 1 ? 2 : 1));
    const m = coefficients(await fit({ ...train, weights }, { C: 0.5, l1_ratio: 0, class_weight: 'balanced', tol: 1e-9 }, 'binary', 2));
    expectClose(m.coef, [1.2688824547909563, 1.3354278446210646, 1.3031825902374545, 1.432998184587871, 1.310307012398733, 0.6333070307809027], 1e-4);
    expectClose(m.intercepts, [-0.2732815198716537], 1e-4);
  });

  it('elastic-net logistic regression: same coefficients and the same exact zeros', async () => {
    const { train } = loadDataset('breast_cancer_wisconsin', BC6);
    const m = coefficients(await fit(train, { C: 0.01, l1_ratio: 0.7, tol: 1e-9 }, 'binary', 2));
    expectClose(m.coef, [0.2656848967843218, 0, 0.3251338035742635, 0.12280792710468671, 0, 0.1360832457165185], 1e-4);
    expectClose(m.intercepts, [-0.5564273920023846], 1e-4);
  });

  it('multinomial logistic regression, C=1', async () => {
    const { train } = loadDataset('segment', SEG4);
    const m = coefficients(await fit(train, { C: 1, l1_ratio: 0, tol: 1e-9, max_iter: 2000 }, 'multiclass', 7));
    expectClose(
      m.coef,
      [
        -0.7403470394932419, -2.3179513236019993, -2.3832246153155263, 2.696167790174172, 0.15744053428538102, -0.8576893668645232, 1.732005673589809,
        -0.2285027287746431, -0.5375055429857231, -1.701475059794669, -4.904569605195694, -4.925684524894356, -0.6336273378003572, 1.9512041890509888,
        0.6112979729821623, 4.461026571861821, 0.42096336894885805, 5.6006009944278645, 2.589847094861602, -1.1981835211183112, 0.8151730230916738,
        -1.214564464755036, 6.6350852458007665, -0.7456814506587981, 0.5179029939534097, -1.4601249684626194, -4.280441766723109, -0.059142136589881246,
      ],
      1e-4,
    );
    const mean = m.intercepts.reduce((a, b) => a + b, 0) / m.intercepts.length;
    expectClose(
      m.intercepts.map((b) => b - mean),
      [2.2510747090298784, 3.1564393691076393, -1.7693520089638226, -0.5221036318254815, -0.8284114609580615, -3.1700057634243355, 0.8823587870341831],
      1e-4,
    );
  });

  it('ridge regression: C=1 is Ridge(alpha=1)', async () => {
    const { train } = loadDataset('diabetes_progression');
    const m = coefficients(await fit(train, { C: 1, l1_ratio: 0, tol: 1e-9 }, 'regression', 0));
    expectClose(m.coef, [2.273900031584933, -11.439772446162925, 25.214695817043545, 18.130790539030407, -34.26197289124213, 16.78489541640538, 1.1994322046410861, 11.611735800848518, 29.58377775343289, 1.3645933831153103], 1e-4);
    expectClose(m.intercepts, [154.34441078883043], 1e-4);
  });

  it('elastic-net regression: same coefficients and the same exact zeros', async () => {
    const { train } = loadDataset('diabetes_progression');
    const m = coefficients(await fit(train, { C: 0.05, l1_ratio: 0.5, tol: 1e-9 }, 'regression', 0));
    expectClose(m.coef, [0, -6.52667791651569, 24.84177063311496, 15.550049152439401, -2.9877723158776623, 0, -12.202040436555421, 0, 19.013199810056847, 0.7555343138475974], 1e-4);
    expectClose(m.intercepts, [154.34441079549788], 1e-4);
  });
});

/** n rows of p standard-normal features; only the first `informative` features drive the target. */
function synthetic(seed: number, n: number, p: number, informative: number, task: Task) {
  const rng = new Rng(seed);
  const X = new Float32Array(n * p);
  for (let i = 0; i < X.length; i++) X[i] = rng.normal();
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let z = 0;
    for (let j = 0; j < informative; j++) z += (j % 2 === 0 ? 1.5 : -1) * X[i * p + j];
    if (task === 'binary') y[i] = rng.next() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
    else if (task === 'multiclass') y[i] = z < -1 ? 0 : z < 1 ? 1 : 2;
    else y[i] = 3 * z + 10 + 0.5 * rng.normal();
  }
  return { X: matrix(n, p, X), y };
}

describe('L1 sparsity', () => {
  for (const [task, classes] of [['binary', 2], ['multiclass', 3], ['regression', 0]] as const) {
    it(`${task}: exact zeros on irrelevant features, none on relevant ones`, async () => {
      const train = synthetic(11, 600, 12, 3, task);
      const model = coefficients(await fit(train, { C: task === 'regression' ? 0.02 : 0.05, l1_ratio: 1 }, task, classes));
      const outputs = model.intercepts.length;
      for (let k = 0; k < outputs; k++) {
        const row = Array.from(model.coef.subarray(k * 12, (k + 1) * 12));
        expect(row.slice(3), `output ${k} noise features`).toEqual(new Array(9).fill(0));
        // Binary and regression: every informative feature survives (multiclass: class 1 is the middle band, which
        // depends on the features only through both neighbours, so only the outer classes are checked).
        if (task !== 'multiclass' || k !== 1) for (const c of row.slice(0, 3)) expect(Math.abs(c)).toBeGreaterThan(0.05);
      }
      expect(model.fitInfo.nonzeroCoefficients).toBeLessThanOrEqual(3 * outputs);
    });
  }
});

describe('weights, determinism, artifacts', () => {
  it('an integer weight equals repeating the row', async () => {
    const base = synthetic(3, 200, 5, 3, 'binary');
    const weights = new Float32Array(200).map((_, i) => (i % 3 === 0 ? 2 : 1));
    const rows: number[] = [];
    for (let i = 0; i < 200; i++) for (let r = 0; r < weights[i]; r++) rows.push(i);
    const repeatedX = new Float32Array(rows.length * 5);
    rows.forEach((src, i) => repeatedX.set(base.X.data.subarray(src * 5, src * 5 + 5), i * 5));
    const repeated = { X: matrix(rows.length, 5, repeatedX), y: Float32Array.from(rows, (i) => base.y[i]) };
    const params = { C: 0.3, l1_ratio: 0.2, tol: 1e-10 };
    const a = coefficients(await fit({ ...base, weights }, params, 'binary', 2));
    const b = coefficients(await fit(repeated, params, 'binary', 2));
    expectClose(a.coef, Array.from(b.coef), 1e-5);
    expectClose(a.intercepts, Array.from(b.intercepts), 1e-5);
  });

  it('is deterministic: the same data gives bit-identical coefficients', async () => {
    const train = synthetic(5, 300, 8, 4, 'multiclass');
    const a = coefficients(await fit(train, { C: 2, l1_ratio: 0.3 }, 'multiclass', 3));
    const b = coefficients(await fit(train, { C: 2, l1_ratio: 0.3 }, 'multiclass', 3));
    expect(Array.from(a.coef)).toEqual(Array.from(b.coef));
    expect(Array.from(a.intercepts)).toEqual(Array.from(b.intercepts));
  });

  for (const [task, classes] of [['binary', 2], ['multiclass', 3], ['regression', 0]] as const) {
    it(`${task}: artifact through JSON predicts identically`, async () => {
      const train = synthetic(9, 300, 6, 3, task);
      const model = await fit(train, { C: 0.7, l1_ratio: 0.1 }, task, classes);
      const artifact = JSON.parse(JSON.stringify(model.toArtifact()));
      expect(artifact).toMatchObject({ family: 'linear', version: 1, task, nFeatures: 6 });
      const loaded = await linearSpec.load(artifact);
      const test = synthetic(10, 50, 6, 3, task).X;
      expect(Array.from(loaded.predict(test))).toEqual(Array.from(model.predict(test)));
      expect(loaded.fitInfo.iterations).toBe(model.fitInfo.iterations);
    });
  }

  it('rejects unknown versions, other families and damaged artifacts with bad_artifact', async () => {
    const model = await fit(synthetic(2, 100, 4, 2, 'binary'), {}, 'binary', 2);
    const artifact = model.toArtifact();
    const cases = [
      { ...artifact, version: 2 },
      { ...artifact, family: 'gbdt' as const },
      { ...artifact, coef: (artifact.coef as string).slice(0, 8) },
      { ...artifact, intercepts: [] },
      { ...artifact, task: 'ranking' },
    ];
    for (const bad of cases) {
      let error: unknown;
      try {
        await linearSpec.load(bad);
      } catch (e) {
        error = e;
      }
      expect(error, JSON.stringify(bad).slice(0, 80)).toBeInstanceOf(EngineError);
      expect((error as EngineError).code).toBe('bad_artifact');
    }
  });
});

describe('spec and validation', () => {
  const shape = { rows: 1000, cols: 20, task: 'binary' as const, nClasses: 2 };

  it('declares its space, defaults inside it, and a memory estimate that grows with the data', () => {
    expect(linearSpec.family).toBe('linear');
    expect(linearSpec.featureStyle).toBe('dense');
    const space = linearSpec.space(shape);
    expect(space.C).toEqual({ type: 'float', low: 1e-4, high: 1e2, log: true });
    expect(space.l1_ratio).toEqual({ type: 'float', low: 0, high: 1, log: false });
    expect(space.class_weight).toEqual({ type: 'categorical', choices: ['none', 'balanced'] });
    expect(linearSpec.space({ ...shape, task: 'regression', nClasses: 0 }).class_weight).toBeUndefined();
    expect(linearSpec.defaults(shape)).toEqual({ C: 1, l1_ratio: 0, class_weight: 'none' });
    const small = linearSpec.estimateMemoryBytes({}, shape);
    expect(small).toBeGreaterThan(0);
    expect(linearSpec.estimateMemoryBytes({}, { ...shape, rows: 100_000 })).toBeGreaterThan(small);
    expect(linearSpec.estimateMemoryBytes({}, { ...shape, task: 'multiclass', nClasses: 10 })).toBeGreaterThan(small);
  });

  it('rejects bad parameters, non-finite features, bad labels and mismatched widths', async () => {
    const train = synthetic(4, 50, 3, 2, 'binary');
    const codeOf = async (f: () => Promise<unknown> | unknown) => {
      try {
        await f();
      } catch (e) {
        return (e as EngineError).code;
      }
      return 'ok';
    };
    expect(await codeOf(() => fit(train, { C: 0 }, 'binary', 2))).toBe('invalid_params');
    expect(await codeOf(() => fit(train, { l1_ratio: 1.5 }, 'binary', 2))).toBe('invalid_params');
    expect(await codeOf(() => fit(train, { class_weight: 'auto' }, 'binary', 2))).toBe('invalid_params');
    const withNaN = new Float32Array(train.X.data);
    withNaN[7] = Number.NaN;
    expect(await codeOf(() => fit({ ...train, X: matrix(50, 3, withNaN) }, {}, 'binary', 2))).toBe('invalid_input');
    expect(await codeOf(() => fit({ ...train, y: train.y.map((v) => v * 3) }, {}, 'binary', 2))).toBe('invalid_target');
    const model = await fit(train, {}, 'binary', 2);
    expect(await codeOf(() => model.predict(matrix(1, 4) as Matrix))).toBe('invalid_input');
  });
});
