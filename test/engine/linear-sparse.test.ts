/**
 * Tests for the linear family's fast passes over X (src/engine/models/linear): the index of non-zero
 * entries that the logistic and squared losses read when X is mostly zeros, and the feature-major softmax pass that skips
 * zeros. Each loss must give the value and gradient of a plain textbook loop over the dense matrix, on
 * sparse and on dense data, and a multiclass fit must land on the minimiser that loop defines.
 */
import { describe, expect, it } from 'vitest';
import { matrix, type Matrix } from '../../src/engine/core/matrix';
import { Rng } from '../../src/engine/core/rng';
import { linearSpec } from '../../src/engine/models/linear/linear';
import { logisticObjective } from '../../src/engine/models/linear/logistic';
import { type Problem, type SmoothObjective, sparseIndex } from '../../src/engine/models/linear/objective';
import { historyPairs, minimize } from '../../src/engine/models/linear/owlqn';
import { softmaxObjective } from '../../src/engine/models/linear/softmax';
import { squaredObjective } from '../../src/engine/models/linear/squared';

/** rows × cols values, each non-zero with probability `density`: one-hot-like 1s and Gaussian-ish numbers. */
function randomMatrix(rng: Rng, rows: number, cols: number, density: number): Matrix {
  const data = new Float32Array(rows * cols);
  for (let i = 0; i < data.length; i++) {
    if (rng.next() >= density) continue;
    data[i] = i % 3 === 0 ? rng.uniform(-2, 2) : 1;
  }
  return matrix(rows, cols, data);
}

/** A problem with uneven weights (some zero) that sum to 1, and labels in 0..classes − 1 (or values). */
function randomProblem(rng: Rng, rows: number, cols: number, density: number, classes: number): Problem {
  const X = randomMatrix(rng, rows, cols, density);
  const y = new Float32Array(rows);
  for (let i = 0; i < rows; i++) y[i] = classes > 0 ? rng.int(classes) : rng.uniform(-3, 5);
  const weights = new Float64Array(rows);
  let total = 0;
  for (let i = 0; i < rows; i++) total += weights[i] = i % 7 === 0 ? 0 : rng.uniform(0.5, 2);
  for (let i = 0; i < rows; i++) weights[i] /= total;
  return { X, y, weights, l2: 0.03 };
}

/**
 * The textbook loss over K outputs (K = 1: logistic on labels 0/1, or ½ squared error when `squared`),
 * parameters [β₀ … β_{K−1} (p each), b₀ … b_{K−1}], straight from the dense matrix.
 */
function reference(problem: Problem, K: number, squared = false): SmoothObjective {
  const { X, y, weights, l2 } = problem;
  const { rows: n, cols: p, data } = X;
  const dim = K * p + K;
  return {
    dim,
    penalized: K * p,
    evaluate(x, grad) {
      grad.fill(0);
      let loss = 0;
      const z = new Float64Array(K);
      for (let i = 0; i < n; i++) {
        for (let k = 0; k < K; k++) {
          z[k] = x[K * p + k];
          for (let j = 0; j < p; j++) z[k] += data[i * p + j] * x[k * p + j];
        }
        const residual = new Float64Array(K);
        if (squared) {
          loss += 0.5 * weights[i] * (z[0] - y[i]) ** 2;
          residual[0] = weights[i] * (z[0] - y[i]);
        } else if (K === 1) {
          const prob = 1 / (1 + Math.exp(-z[0]));
          loss -= weights[i] * (y[i] * Math.log(prob) + (1 - y[i]) * Math.log(1 - prob));
          residual[0] = weights[i] * (prob - y[i]);
        } else {
          let sum = 0;
          for (let k = 0; k < K; k++) sum += Math.exp(z[k]);
          loss += weights[i] * (Math.log(sum) - z[y[i]]);
          for (let k = 0; k < K; k++) residual[k] = weights[i] * (Math.exp(z[k]) / sum - (k === y[i] ? 1 : 0));
        }
        for (let k = 0; k < K; k++) {
          grad[K * p + k] += residual[k];
          for (let j = 0; j < p; j++) grad[k * p + j] += residual[k] * data[i * p + j];
        }
      }
      for (let j = 0; j < K * p; j++) {
        loss += 0.5 * l2 * x[j] * x[j];
        grad[j] += l2 * x[j];
      }
      return loss;
    },
  };
}

/** Asserts value and gradient of `fast` equal the reference's at x, to 1e-10 relative to max(1, |reference|). */
function expectSameAt(fast: SmoothObjective, slow: SmoothObjective, x: Float64Array): void {
  expect(fast.dim).toBe(slow.dim);
  expect(fast.penalized).toBe(slow.penalized);
  const g = new Float64Array(fast.dim);
  const gRef = new Float64Array(fast.dim);
  const value = fast.evaluate(x, g);
  const expected = slow.evaluate(x, gRef);
  expect(Math.abs(value - expected)).toBeLessThanOrEqual(1e-10 * Math.max(1, Math.abs(expected)));
  for (let j = 0; j < g.length; j++) expect(Math.abs(g[j] - gRef[j]), `gradient entry ${j}`).toBeLessThanOrEqual(1e-10 * Math.max(1, Math.abs(gRef[j])));
}

function randomPoint(rng: Rng, dim: number): Float64Array {
  return Float64Array.from({ length: dim }, () => rng.uniform(-1, 1));
}

describe('sparseIndex', () => {
  it('lists exactly the non-zero columns of each row, in order', () => {
    const X = randomMatrix(new Rng(1), 40, 13, 0.2);
    const index = sparseIndex(X);
    expect(index).not.toBeNull();
    const { start, columns } = index!;
    expect(start.length).toBe(41);
    for (let i = 0; i < 40; i++) {
      const expected: number[] = [];
      for (let j = 0; j < 13; j++) if (X.data[i * 13 + j] !== 0) expected.push(j);
      expect(Array.from(columns.subarray(start[i], start[i + 1]))).toEqual(expected);
    }
  });

  it('declines a matrix with more non-zeros than the density bound', () => {
    const X = randomMatrix(new Rng(2), 50, 10, 0.9);
    expect(sparseIndex(X)).toBeNull();
    expect(sparseIndex(X, 1)).not.toBeNull();
  });
});

describe('value and gradient equal the textbook loop, on sparse and on dense X', () => {
  for (const density of [0.15, 0.95]) {
    it(`logistic, density ${density}`, () => {
      const rng = new Rng(10);
      const problem = randomProblem(rng, 90, 17, density, 2);
      const slow = reference(problem, 1);
      const fast = logisticObjective(problem);
      for (let t = 0; t < 3; t++) expectSameAt(fast, slow, randomPoint(rng, fast.dim));
    });

    it(`squared error, density ${density}`, () => {
      const rng = new Rng(11);
      const problem = randomProblem(rng, 80, 21, density, 0);
      // Standardising with mean 0 and scale 1 leaves the target as it is, so the textbook loss applies.
      const fast = squaredObjective(problem, { mean: 0, scale: 1 });
      const slow = reference(problem, 1, true);
      for (let t = 0; t < 3; t++) expectSameAt(fast, slow, randomPoint(rng, fast.dim));
    });

    it(`softmax over 5 classes, density ${density}`, () => {
      const rng = new Rng(12);
      const problem = randomProblem(rng, 70, 19, density, 5);
      const fast = softmaxObjective(problem, 5);
      const slow = reference(problem, 5);
      for (let t = 0; t < 3; t++) expectSameAt(fast, slow, randomPoint(rng, fast.dim));
    });
  }
});

describe('a multiclass fit on one-hot-like data', () => {
  it('reaches the minimiser of the textbook objective', async () => {
    const rng = new Rng(20);
    const rows = 150;
    const problem = randomProblem(rng, rows, 24, 0.25, 4);
    // Labels that depend on the features, so the optimum is not just the class prior.
    for (let i = 0; i < rows; i++) {
      let best = 0;
      for (let k = 1; k < 4; k++) if (problem.X.data[i * 24 + k] + problem.X.data[i * 24 + 4 + k] > problem.X.data[i * 24 + best] + problem.X.data[i * 24 + 4 + best]) best = k;
      problem.y[i] = rng.next() < 0.8 ? best : rng.int(4);
    }
    const C = 0.5;
    const model = await linearSpec.fit({ X: problem.X, y: problem.y }, { C, l1_ratio: 0 }, { task: 'multiclass', nClasses: 4, rng: new Rng(1) });
    // The same objective as fit builds it (uniform weights summing to 1, l2 = 1 / (C · rows)), solved far
    // past the default tolerance by the same solver on the textbook loop.
    const uniform = { ...problem, weights: new Float64Array(rows).fill(1 / rows), l2: 1 / (C * rows) };
    const solved = minimize(reference(uniform, 4), new Float64Array(4 * 24 + 4), { l1: 0, maxIter: 5000, tol: 1e-11 });
    const fitted = model.fitInfo.objective;
    expect(model.fitInfo.converged).toBe(1);
    expect(fitted - solved.value).toBeLessThanOrEqual(1e-9 * Math.abs(solved.value));
    expect(fitted - solved.value).toBeGreaterThanOrEqual(-1e-12);
    // And predicts what the minimiser predicts.
    const out = model.predict(problem.X);
    for (let i = 0; i < rows; i++) {
      const z = new Float64Array(4);
      for (let k = 0; k < 4; k++) {
        z[k] = solved.x[4 * 24 + k];
        for (let j = 0; j < 24; j++) z[k] += problem.X.data[i * 24 + j] * solved.x[k * 24 + j];
      }
      const max = Math.max(...z);
      const e = z.map((v) => Math.exp(v - max));
      const sum = e.reduce((a, b) => a + b, 0);
      for (let k = 0; k < 4; k++) expect(Math.abs(out[i * 4 + k] - e[k] / sum)).toBeLessThan(1e-4);
    }
  });
});

describe('historyPairs', () => {
  it('keeps 10 to 40 pairs and the history within 4 MiB unless 10 pairs need more', () => {
    for (const d of [1, 50, 2_109, 6_553, 6_554, 30_000, 100_000, 1_000_000]) {
      const pairs = historyPairs(d);
      expect(pairs).toBeGreaterThanOrEqual(10);
      expect(pairs).toBeLessThanOrEqual(40);
      expect(16 * d * pairs).toBeLessThanOrEqual(Math.max(4 * 1024 * 1024, 16 * d * 10));
    }
    expect(historyPairs(2_109)).toBe(40);
    expect(historyPairs(1_000_000)).toBe(10);
  });
});
