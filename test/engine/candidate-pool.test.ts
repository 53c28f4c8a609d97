/**
 * The ensemble's candidate pool: the best trials by loss plus every family's best. When the search's
 * leaders are all one family's variants, the pool still offers the other families, and the greedy
 * selection can then build the cross-family blend it could not reach from the top by loss alone.
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/engine/core/rng';
import { ensembleCandidatePool, POOL_OOF_BUDGET_BYTES, poolSizeLimit } from '../../src/engine/ensemble/candidate-pool';
import { greedyEnsembleSelection } from '../../src/engine/ensemble/greedy-selection';

const trial = (id: string, family: string, loss: number) => ({ id, family, loss });

describe('ensembleCandidatePool', () => {
  it('takes the best `top` by loss, then each family missing from them, best loss first', () => {
    const trials = [
      ...Array.from({ length: 8 }, (_, i) => trial(`g${i}`, 'gbdt', 0.1 + i * 0.01)),
      trial('lin-worse', 'linear', 0.5),
      trial('lin-best', 'linear', 0.3),
      trial('knn', 'knn', 0.4),
    ];
    const pool = ensembleCandidatePool(trials, 5);
    expect(pool.map((t) => t.id)).toEqual(['g0', 'g1', 'g2', 'g3', 'g4', 'lin-best', 'knn']);
  });

  it('adds nothing when every family is already among the top, and returns every trial when there are fewer', () => {
    const trials = [trial('a', 'gbdt', 0.2), trial('b', 'linear', 0.1), trial('c', 'gbdt', 0.3)];
    expect(ensembleCandidatePool(trials, 2).map((t) => t.id)).toEqual(['b', 'a']);
    expect(ensembleCandidatePool(trials, 20).map((t) => t.id)).toEqual(['b', 'a', 'c']);
    expect(ensembleCandidatePool([], 20)).toEqual([]);
  });

  it('breaks ties by input order, so a replayed job offers the same pool', () => {
    const trials = [trial('x', 'gbdt', 0.2), trial('y', 'gbdt', 0.2), trial('z', 'mlp', 0.2)];
    expect(ensembleCandidatePool(trials, 1).map((t) => t.id)).toEqual(['x', 'z']);
  });

  it('keeps the out-of-fold matrices within the memory budget: the best trials first, never fewer than two', () => {
    // 20,000 rows of 10 class probabilities are 800,000 bytes a candidate.
    expect(poolSizeLimit(20_000, 10)).toBe(Math.floor(POOL_OOF_BUDGET_BYTES / 800_000));
    expect(poolSizeLimit(750, 1)).toBeGreaterThan(28);
    expect(poolSizeLimit(2_000_000, 26)).toBe(2);
    const trials = [trial('a', 'gbdt', 0.3), trial('b', 'gbdt', 0.1), trial('c', 'linear', 0.5), trial('d', 'knn', 0.2)];
    expect(ensembleCandidatePool(trials, 2).map((t) => t.id)).toEqual(['b', 'd', 'c']);
    expect(ensembleCandidatePool(trials, 2, 2).map((t) => t.id)).toEqual(['b', 'd']);
  });

  it('lets the selection blend in a family the top by loss left out', () => {
    // Two independent signals: five near-copies of a model of the first, one model of the second (worse alone).
    const rng = new Rng(3);
    const n = 600;
    const a = Float64Array.from({ length: n }, () => rng.normal());
    const b = Float64Array.from({ length: n }, () => rng.normal());
    const y = Float32Array.from(a, (v, i) => (v + b[i] + 0.3 * rng.normal() > 0 ? 1 : 0));
    const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));
    const oofs = new Map<string, Float32Array>();
    const trials = [];
    for (let k = 0; k < 5; k++) {
      oofs.set(`rf${k}`, Float32Array.from(a, (v) => sigmoid(2 * v + 0.05 * rng.normal())));
      trials.push(trial(`rf${k}`, 'random_forest', 0.2 + k * 0.001));
    }
    oofs.set('lin', Float32Array.from(b, (v) => sigmoid(1.5 * v)));
    trials.push(trial('lin', 'linear', 0.25));
    const select = (pool: readonly { id: string }[]) =>
      greedyEnsembleSelection({ y, task: 'binary', nClasses: 2 }, 'roc_auc', pool.map((t) => ({ id: t.id, oof: oofs.get(t.id)! })), { rounds: 25 });
    const byLossOnly = select([...trials].sort((p, q) => p.loss - q.loss).slice(0, 3));
    const pooled = select(ensembleCandidatePool(trials, 3));
    expect(byLossOnly.members.map((m) => m.id)).not.toContain('lin');
    expect(pooled.members.map((m) => m.id)).toContain('lin');
    expect(pooled.score).toBeGreaterThan(byLossOnly.score + 0.02);
  });
});
