/**
 * A boosting fit's work budget (models/tree/round-cost): rounds are capped by their modelled cost, so a
 * trial on a large table ends within its invocation's CPU limit instead of dying there every delivery,
 * and a refit grows at most a fifth more rounds than n_estimators (up to 1.58 times after 2 folds, past
 * what the memory estimate counts).
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/engine/core/rng';
import { resolveGbdtOptions } from '../../src/engine/models/tree/gbdt-params';
import { budgetedRounds, MAX_FIT_COST_MS, roundCostMs } from '../../src/engine/models/tree/round-cost';
import { getModelSpec } from '../../src/engine/models/registry';

const gbdt = getModelSpec('gbdt');

function table(rows: number, cols: number) {
  const rng = new Rng(5);
  const data = new Float32Array(rows * cols);
  for (let i = 0; i < data.length; i++) data[i] = rng.normal();
  const y = Float32Array.from({ length: rows }, (_, i) => (data[i * cols] + 0.5 * rng.normal() > 0 ? 1 : 0));
  return { X: { rows, cols, data }, y };
}

const shape = (rows: number, cols: number, trees = 1) => ({ rows, cols, trees, numLeaves: 31, maxBin: 255, featureFraction: 1, baggingFraction: 1 });

describe('the work budget of a boosting fit', () => {
  it('grows with rows, features, classes and leaves, and leaves small tables every round they ask for', () => {
    expect(roundCostMs(shape(100_000, 20))).toBeGreaterThan(roundCostMs(shape(50_000, 20)));
    expect(roundCostMs(shape(50_000, 40))).toBeGreaterThan(roundCostMs(shape(50_000, 20)));
    expect(roundCostMs(shape(50_000, 20, 7))).toBeCloseTo(7 * roundCostMs(shape(50_000, 20)), 6);
    expect(roundCostMs({ ...shape(50_000, 20), numLeaves: 255 })).toBeGreaterThan(roundCostMs(shape(50_000, 20)));
    expect(roundCostMs({ ...shape(50_000, 20), featureFraction: 0.5, baggingFraction: 0.5 })).toBeLessThan(roundCostMs(shape(50_000, 20)) / 3);
    // The search's largest n_estimators on a benchmark-sized table, and a few rounds on a million rows.
    expect(budgetedRounds(shape(20_000, 30))).toBeGreaterThanOrEqual(1_000);
    expect(budgetedRounds(shape(1_000_000, 100))).toBeLessThan(30);
    expect(budgetedRounds(shape(1_000_000, 100), 1)).toBe(1);
    // A fit within the budget is modelled within it.
    const rounds = budgetedRounds(shape(200_000, 50, 3));
    expect(rounds * roundCostMs(shape(200_000, 50, 3))).toBeLessThanOrEqual(MAX_FIT_COST_MS);
    expect(resolveGbdtOptions({}).maxFitCostMs).toBe(MAX_FIT_COST_MS);
  });

  it('stops a fit at the rounds its budget allows, and says so', async () => {
    const train = table(3_000, 10);
    const params = { n_estimators: 500, early_stopping_rounds: 0, max_fit_cost_ms: 60 };
    const allowed = budgetedRounds(shape(3_000, 10), 60);
    expect(allowed).toBeGreaterThan(2);
    expect(allowed).toBeLessThan(500);
    const fitted = await gbdt.fit(train, params, { task: 'binary', nClasses: 2, rng: new Rng(1) });
    expect(fitted.fitInfo).toMatchObject({ rounds_trained: allowed, n_trees: allowed, budget_limited: 1 });
    const free = await gbdt.fit(train, { ...params, n_estimators: 40, max_fit_cost_ms: MAX_FIT_COST_MS }, { task: 'binary', nClasses: 2, rng: new Rng(1) });
    expect(free.fitInfo).toMatchObject({ rounds_trained: 40, budget_limited: 0 });
  });

  it('grows a refit at most a fifth more rounds than n_estimators', async () => {
    const train = table(1_000, 5);
    const fitted = await gbdt.fit(train, { n_estimators: 20 }, { task: 'binary', nClasses: 2, rng: new Rng(1), fixedIterations: 32 });
    expect(fitted.fitInfo.rounds_trained).toBe(24);
    const fewer = await gbdt.fit(train, { n_estimators: 20 }, { task: 'binary', nClasses: 2, rng: new Rng(1), fixedIterations: 7 });
    expect(fewer.fitInfo.rounds_trained).toBe(7);
  });
});
