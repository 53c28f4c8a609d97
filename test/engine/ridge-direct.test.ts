/**
 * Tests for the direct ridge solve (src/engine/models/linear/ridge-direct.ts) and when fitLinear takes it:
 * it lands on the iterative solver's minimiser where that one converges, has a zero gradient where L-BFGS
 * runs out of iterations (ames_housing through the dense pipeline, C = 100), honours row weights, falls
 * back to the iterative solver when X is too wide or costly or the Cholesky fails, and the memory estimate
 * counts its Gram matrix.
 */
import { describe, expect, it } from 'vitest';
import { matrix, type Matrix } from '../../src/engine/core/matrix';
import { Rng } from '../../src/engine/core/rng';
import { METRICS } from '../../src/engine/eval/metrics';
import { fitPipeline } from '../../src/engine/features/pipeline';
import { fitLinear } from '../../src/engine/models/linear/fit';
import { linearSpec } from '../../src/engine/models/linear/linear';
import type { LinearModel } from '../../src/engine/models/linear/model';
import type { Problem } from '../../src/engine/models/linear/objective';
import { minimize } from '../../src/engine/models/linear/owlqn';
import { RIDGE_DIRECT_MAX_COLS, ridgeDirectAffordable, solveRidgeDirect } from '../../src/engine/models/linear/ridge-direct';
import { squaredObjective, targetScale } from '../../src/engine/models/linear/squared';
import { rowWeights } from '../../src/engine/models/linear/weights';
import type { TrainSet } from '../../src/engine/models/model';
import type { Params } from '../../src/engine/search/space';
import { loadBenchData } from '../../scripts/lib/model-bench-data';
import { SHARED_DATA_DIR } from './helpers/load-shared-csv';

function fit(train: TrainSet, params: Params): LinearModel {
  return fitLinear(train, { l1_ratio: 0, ...params }, { task: 'regression', nClasses: 0, rng: new Rng(1) });
}

/** The normalised problem and target scale fitLinear builds for ridge at this C. */
function ridgeProblem(train: TrainSet, C: number): { problem: Problem; target: ReturnType<typeof targetScale> } {
  const { weights, total } = rowWeights(train.y, train.weights, 'none', 0);
  return { problem: { X: train.X, y: train.y, weights, l2: 1 / (C * total) }, target: targetScale(train.y, weights) };
}

/** Largest |gradient entry| of the ridge objective at x, and its value. */
function gradientAt(problem: Problem, target: ReturnType<typeof targetScale>, x: Float64Array): { value: number; maxGrad: number } {
  const objective = squaredObjective(problem, target);
  const grad = new Float64Array(objective.dim);
  const value = objective.evaluate(x, grad);
  return { value, maxGrad: Math.max(...grad.map(Math.abs)) };
}

/** n rows of p standard-normal features (column j scaled by 1 + j/p and shifted by j) and a noisy linear target. */
function gaussian(seed: number, n: number, p: number): TrainSet {
  const rng = new Rng(seed);
  const X = new Float32Array(n * p);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let z = 0;
    for (let j = 0; j < p; j++) {
      const v = rng.normal() * (1 + j / p) + j;
      X[i * p + j] = v;
      z += (j % 3 === 0 ? 2 : -1) * (v - j);
    }
    y[i] = 50 + 10 * z + 3 * rng.normal();
  }
  return { X: matrix(n, p, X), y };
}

describe('direct ridge solve', () => {
  it('matches the iterative minimiser on a well-conditioned problem, with uneven and zero weights', () => {
    const train = gaussian(1, 300, 12);
    const rng = new Rng(2);
    const weights = Float32Array.from({ length: 300 }, (_, i) => (i % 11 === 0 ? 0 : rng.uniform(0.2, 3)));
    const weighted = { ...train, weights };
    for (const C of [0.01, 1, 100]) {
      const { problem, target } = ridgeProblem(weighted, C);
      const direct = solveRidgeDirect(problem, target);
      expect(direct).not.toBeNull();
      const iterative = minimize(squaredObjective(problem, target), new Float64Array(13), { l1: 0, maxIter: 10_000, tol: 1e-12 });
      expect(iterative.converged).toBe(true);
      // Agreement to the iterative solver's own accuracy (its gradient within 1e-12); the direct one is exact to rounding.
      for (let j = 0; j < 13; j++) expect(Math.abs((direct as Float64Array)[j] - iterative.x[j]), `C=${C} entry ${j}`).toBeLessThan(1e-8);
      expect(gradientAt(problem, target, direct as Float64Array).maxGrad).toBeLessThan(1e-13);

      // Through fitLinear: the direct path, confirmed by one evaluation, in original units.
      const model = fit(weighted, { C });
      expect(model.fitInfo.iterations).toBe(0);
      expect(model.fitInfo.evaluations).toBe(1);
      expect(model.fitInfo.converged).toBe(1);
      expect(model.fitInfo.objective).toBeCloseTo(gradientAt(problem, target, direct as Float64Array).value, 14);
      const x = direct as Float64Array;
      for (let j = 0; j < 12; j++) expect(model.coef[j]).toBe(Math.fround(x[j] * target.scale));
      expect(model.intercepts[0]).toBe(x[12] * target.scale + target.mean);
    }
  });

  it('honours row weights: an integer weight equals repeating the row, a zero weight drops it', () => {
    const base = gaussian(3, 120, 6);
    const weights = Float32Array.from({ length: 120 }, (_, i) => i % 4);
    const rows: number[] = [];
    for (let i = 0; i < 120; i++) for (let r = 0; r < weights[i]; r++) rows.push(i);
    const X = new Float32Array(rows.length * 6);
    rows.forEach((i, k) => X.set(base.X.data.subarray(i * 6, i * 6 + 6), k * 6));
    const repeated = { X: matrix(rows.length, 6, X), y: Float32Array.from(rows, (i) => base.y[i]) };
    const a = fit({ ...base, weights }, { C: 0.5 });
    const b = fit(repeated, { C: 0.5 });
    expect(a.fitInfo.iterations).toBe(0);
    expect(b.fitInfo.iterations).toBe(0);
    for (let j = 0; j < 6; j++) expect(a.coef[j]).toBeCloseTo(b.coef[j], 4);
    expect(a.intercepts[0]).toBeCloseTo(b.intercepts[0], 6);
    // And the weights matter: unweighted gives another answer.
    const c = fit(base, { C: 0.5 });
    expect(Math.max(...Array.from(c.coef, (v, j) => Math.abs(v - a.coef[j])))).toBeGreaterThan(0.01);
  });

  it('ames_housing at C = 100: zero gradient where L-BFGS stops at its iteration cap, and sklearn Ridge(alpha=0.01) test RMSE', () => {
    const d = loadBenchData(SHARED_DATA_DIR, 'ames_housing');
    const pipe = fitPipeline(d.train, d.trainRows, 'dense', d.exclude);
    const train = { X: pipe.transform(d.train, d.trainRows), y: d.yTrain };
    const { problem, target } = ridgeProblem(train, 100);

    const iterative = minimize(squaredObjective(problem, target), new Float64Array(train.X.cols + 1), { l1: 0, maxIter: 500, tol: 1e-6 });
    expect(iterative.converged).toBe(false);
    expect(iterative.iterations).toBe(500);
    const direct = solveRidgeDirect(problem, target);
    expect(direct).not.toBeNull();
    const at = gradientAt(problem, target, direct as Float64Array);
    expect(at.maxGrad).toBeLessThan(1e-10);
    expect(gradientAt(problem, target, iterative.x).maxGrad).toBeGreaterThan(1e-6);
    expect(at.value).toBeLessThan(iterative.value);

    const model = fit(train, { C: 100 });
    expect(model.fitInfo).toMatchObject({ iterations: 0, evaluations: 1, converged: 1 });
    // OMP_NUM_THREADS=1 python: Ridge(alpha=1/100).fit(X, y) on this very matrix (scratch/s28/hR/sklearn-ridge.py;
    // session 41 recomputed it with Debian's scikit-learn 1.2.1 once numeric columns of a few rows apart
    // kept their range: 30543.121 before).
    const rmse = METRICS.rmse.score(d.yTest, model.predict(pipe.transform(d.test, null)), 0);
    expect(Math.abs(rmse - 30083.278)).toBeLessThan(0.05);
  });
});

describe('fallback to the iterative solver', () => {
  it(`when X has more than ${RIDGE_DIRECT_MAX_COLS} columns`, () => {
    const train = gaussian(4, 5, RIDGE_DIRECT_MAX_COLS + 1);
    const { problem, target } = ridgeProblem(train, 1);
    expect(solveRidgeDirect(problem, target)).toBeNull();
    const model = fit(train, { C: 1 });
    expect(model.fitInfo.iterations).toBeGreaterThan(0);
    expect(model.fitInfo.converged).toBe(1);
  });

  it('when the direct work would exceed a few hundred iterative passes (wide dense X)', () => {
    const X: Matrix = matrix(2000, 1000, new Float32Array(2000 * 1000).fill(1));
    expect(ridgeDirectAffordable(X)).toBe(false);
    expect(ridgeDirectAffordable(matrix(2000, 100, new Float32Array(2000 * 100).fill(1)))).toBe(true);
  });

  it('when the Cholesky fails: duplicated columns with a negligible penalty', () => {
    const base = gaussian(5, 200, 4);
    const X = new Float32Array(200 * 5);
    for (let i = 0; i < 200; i++) {
      X.set(base.X.data.subarray(i * 4, i * 4 + 4), i * 5);
      X[i * 5 + 4] = base.X.data[i * 4 + 1];
    }
    const train = { X: matrix(200, 5, X), y: base.y };
    const { problem, target } = ridgeProblem(train, 1e15);
    expect(solveRidgeDirect(problem, target)).toBeNull();
    const model = fit(train, { C: 1e15 });
    expect(model.fitInfo.iterations).toBeGreaterThan(0);
    // The iterative answer still predicts: the duplicated pair shares the weight of the column it copies.
    const out = model.predict(train.X);
    expect(METRICS.rmse.score(train.y, out, 0)).toBeLessThan(5);
    // The same columns at an ordinary C solve directly.
    expect(fit(train, { C: 1 }).fitInfo.iterations).toBe(0);
  });

  it('for elastic net and lasso (l1_ratio > 0)', () => {
    const model = fit(gaussian(6, 200, 5), { C: 1, l1_ratio: 0.5 });
    expect(model.fitInfo.iterations).toBeGreaterThan(0);
  });
});

describe('memory estimate', () => {
  it('counts the packed Gram matrix for ridge regression within the width bound', () => {
    const shape = { rows: 1000, cols: 1000, task: 'regression' as const, nClasses: 0 };
    const ridge = linearSpec.estimateMemoryBytes({ C: 1, l1_ratio: 0 }, shape);
    const elastic = linearSpec.estimateMemoryBytes({ C: 1, l1_ratio: 0.5 }, shape);
    expect(ridge - elastic).toBeGreaterThanOrEqual((8 * 1000 * 1001) / 2);
    expect(linearSpec.estimateMemoryBytes({}, shape)).toBe(ridge);
    const wide = { ...shape, cols: RIDGE_DIRECT_MAX_COLS + 1 };
    expect(linearSpec.estimateMemoryBytes({ C: 1, l1_ratio: 0 }, wide)).toBe(linearSpec.estimateMemoryBytes({ C: 1, l1_ratio: 0.5 }, wide));
    expect(linearSpec.estimateMemoryBytes({ C: 1, l1_ratio: 0 }, { ...shape, task: 'binary', nClasses: 2 })).toBe(
      linearSpec.estimateMemoryBytes({ C: 1, l1_ratio: 0.5 }, { ...shape, task: 'binary', nClasses: 2 }),
    );
  });
});
