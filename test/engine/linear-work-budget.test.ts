/**
 * A linear fit's work budget (models/linear/evaluation-cost): the solver stops starting iterations once
 * its passes over the data reach what the budget allows, so softmax over many classes on a large table
 * ends within its invocation's CPU limit (a 456-second trial was measured without it).
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/engine/core/rng';
import { budgetedEvaluations, evaluationCostMs, MAX_LINEAR_FIT_COST_MS } from '../../src/engine/models/linear/evaluation-cost';
import { resolveLinearOptions } from '../../src/engine/models/linear/options';
import { getModelSpec } from '../../src/engine/models/registry';

const linear = getModelSpec('linear');

function table(rows: number, cols: number, classes: number) {
  const rng = new Rng(9);
  const data = new Float32Array(rows * cols);
  for (let i = 0; i < data.length; i++) data[i] = rng.normal();
  const y = Float32Array.from({ length: rows }, (_, i) => Math.min(classes - 1, Math.max(0, Math.floor(data[i * cols] * 1.5 + data[i * cols + 1] + classes / 2 + 0.3 * rng.normal()))));
  return { X: { rows, cols, data }, y };
}

describe('the work budget of a linear fit', () => {
  it('allows every iteration on benchmark-sized tables and few passes on a million rows of many classes', () => {
    expect(evaluationCostMs(1_000_000, 100, 10)).toBeGreaterThan(99 * evaluationCostMs(10_000, 100, 10));
    expect(budgetedEvaluations(20_000, 60, 1)).toBeGreaterThan(1_000);
    expect(budgetedEvaluations(1_000_000, 100, 10)).toBeLessThan(20);
    expect(budgetedEvaluations(1_000_000, 100, 10, 1)).toBe(5);
    expect(resolveLinearOptions({}).maxFitCostMs).toBe(MAX_LINEAR_FIT_COST_MS);
    expect(() => resolveLinearOptions({ max_fit_cost_ms: 0 })).toThrow(/max_fit_cost_ms/);
  });

  it('stops a softmax fit at the passes its budget allows, and says so; the default budget lets it converge', async () => {
    const train = table(2_000, 30, 6);
    const cost = evaluationCostMs(2_000, 30, 6);
    const budget = { max_fit_cost_ms: 12 * cost };
    const capped = linear.fit(train, { C: 100, ...budget }, { task: 'multiclass', nClasses: 6, rng: new Rng(1) });
    const info = (await capped).fitInfo;
    expect(info.budget_limited).toBe(1);
    expect(info.converged).toBe(0);
    expect(info.evaluations).toBeGreaterThanOrEqual(12);
    expect(info.iterations).toBeLessThan(12);
    const free = (await linear.fit(train, { C: 100 }, { task: 'multiclass', nClasses: 6, rng: new Rng(1) })).fitInfo;
    expect(free).toMatchObject({ converged: 1, budget_limited: 0 });
    expect(free.evaluations).toBeGreaterThan(info.evaluations);
  });
});
