/**
 * Greedy ensemble selection on synthetic out-of-fold predictions whose best mix is known: models with
 * independent errors average to a better score, a more accurate model earns a larger weight, caps hold
 * (also a cost cap on a set of members that costs more than the sum of theirs), sorted initialisation starts from the best singles, and the same inputs give the same ensemble.
 */
import { describe, expect, it } from 'vitest';
import { EngineError } from '../../src/engine/core/errors';
import { Rng } from '../../src/engine/core/rng';
import { type EnsembleCandidate, greedyEnsembleSelection } from '../../src/engine/ensemble/greedy-selection';
import { METRICS } from '../../src/engine/eval/metrics';

const N = 2000;

/** Regression truth and candidates y + σ·noise with independent noise per candidate. */
function regression(sigmas: number[], seed = 1): { y: Float32Array; candidates: EnsembleCandidate[] } {
  const rng = new Rng(seed);
  const y = Float32Array.from({ length: N }, () => 3 * rng.normal());
  const candidates = sigmas.map((s, k) => ({ id: `m${k}`, oof: Float32Array.from(y, (v) => v + s * rng.normal()) }));
  return { y, candidates };
}

/** Binary truth and probability candidates sigmoid(signal + σ·noise), independent noise per candidate. */
function binary(sigmas: number[], seed = 2): { y: Float32Array; candidates: EnsembleCandidate[] } {
  const rng = new Rng(seed);
  const y = Float32Array.from({ length: N }, () => (rng.next() < 0.4 ? 1 : 0));
  const candidates = sigmas.map((s, k) => ({
    id: `m${k}`,
    oof: Float32Array.from(y, (v) => 1 / (1 + Math.exp(-((v * 2 - 1) + s * rng.normal())))),
  }));
  return { y, candidates };
}

describe('greedyEnsembleSelection', () => {
  it('picks both models with independent errors and beats the best single one (binary AUC)', () => {
    const { y, candidates } = binary([1.5, 1.5, 6]);
    const sel = greedyEnsembleSelection({ y, task: 'binary', nClasses: 2 }, 'roc_auc', candidates, { rounds: 20 });
    const ids = sel.members.map((m) => m.id).sort();
    expect(ids).toContain('m0');
    expect(ids).toContain('m1');
    const singles = candidates.map((c) => METRICS.roc_auc.score(y, c.oof, 2));
    expect(sel.bestSingle.score).toBe(Math.max(...singles));
    expect(sel.score).toBeGreaterThan(Math.max(...singles));
    expect(sel.members.reduce((s, m) => s + m.weight, 0)).toBeCloseTo(1, 12);
    expect(sel.trajectory).toHaveLength(20);
    expect(sel.score).toBe(Math.max(...sel.trajectory));
  });

  it('averages regression values: two equal independent models roughly halve the error variance', () => {
    const { y, candidates } = regression([1, 1]);
    const sel = greedyEnsembleSelection({ y, task: 'regression', nClasses: 0 }, 'rmse', candidates, { rounds: 10 });
    expect(sel.members.map((m) => m.id).sort()).toEqual(['m0', 'm1']);
    // rmse of the average of two σ=1 errors is about 1/√2.
    expect(sel.score).toBeGreaterThan(0.65);
    expect(sel.score).toBeLessThan(0.76);
    expect(sel.score).toBeLessThan(sel.bestSingle.score);
  });

  it('gives a dominant model the larger weight (with replacement)', () => {
    // Inverse-variance weights would be 0.9 / 0.1.
    const { y, candidates } = regression([0.5, 1.5]);
    const sel = greedyEnsembleSelection({ y, task: 'regression', nClasses: 0 }, 'rmse', candidates, { rounds: 30 });
    const m0 = sel.members.find((m) => m.id === 'm0');
    const m1 = sel.members.find((m) => m.id === 'm1');
    expect(m0).toBeDefined();
    expect(m1).toBeDefined();
    expect(m0!.count).toBeGreaterThan(1);
    expect(m0!.weight).toBeGreaterThan(0.7);
    expect(m0!.weight).toBeGreaterThan(m1!.weight);
    expect(sel.members[0].id).toBe('m0');
  });

  it('honours the distinct-member cap', () => {
    const { y, candidates } = regression([1, 1, 1, 1, 1]);
    const free = greedyEnsembleSelection({ y, task: 'regression', nClasses: 0 }, 'rmse', candidates, { rounds: 25 });
    expect(free.members.length).toBeGreaterThan(2);
    const capped = greedyEnsembleSelection({ y, task: 'regression', nClasses: 0 }, 'rmse', candidates, { rounds: 25, maxMembers: 2 });
    expect(capped.members).toHaveLength(2);
    expect(new Set(capped.picks).size).toBeLessThanOrEqual(2);
    expect(capped.score).toBeGreaterThan(free.score); // rmse: the cap costs accuracy here
  });

  it('honours the latency budget, counting each member once', () => {
    const { y, candidates } = regression([0.3, 1, 1, 1, 1]);
    const costed = candidates.map((c, k) => ({ ...c, cost: k === 0 ? 5 : 1 }));
    const sel = greedyEnsembleSelection({ y, task: 'regression', nClasses: 0 }, 'rmse', costed, { rounds: 25, maxCost: 3 });
    expect(sel.members.some((m) => m.id === 'm0')).toBe(false); // the best model alone exceeds the budget
    expect(sel.cost).toBeLessThanOrEqual(3);
    expect(sel.members.length).toBeLessThanOrEqual(3);
    const roomy = greedyEnsembleSelection({ y, task: 'regression', nClasses: 0 }, 'rmse', costed, { rounds: 25, maxCost: 6 });
    expect(roomy.members[0].id).toBe('m0');
    expect(roomy.cost).toBeLessThanOrEqual(6);
    expect(() => greedyEnsembleSelection({ y, task: 'regression', nClasses: 0 }, 'rmse', costed, { maxCost: 0.5 })).toThrow(EngineError);
  });

  it('caps the cost of the set of members where it is more than the sum of theirs', () => {
    // Four equally good models with independent errors: uncapped, all join. m0 and m1 together cost 10
    // more than their sum (as two large forests slow each other down); any other set costs its sum.
    const { y, candidates } = regression([1, 1, 1, 1]);
    const costed = candidates.map((c) => ({ ...c, cost: 1 }));
    const setCost = (members: readonly number[]) => members.length + (members.includes(0) && members.includes(1) ? 10 : 0);
    const target = { y, task: 'regression' as const, nClasses: 0 };
    const summed = greedyEnsembleSelection(target, 'rmse', costed, { rounds: 25, maxCost: 4 });
    expect(summed.members).toHaveLength(4);
    const sel = greedyEnsembleSelection(target, 'rmse', costed, { rounds: 25, maxCost: 4, setCost });
    const ids = sel.members.map((m) => m.id);
    expect(ids.includes('m0') && ids.includes('m1')).toBe(false);
    expect(sel.members).toHaveLength(3);
    expect(sel.cost).toBe(setCost(sel.members.map((m) => m.index)));
    expect(sel.cost).toBeLessThanOrEqual(4);
    // A set cost the cap allows changes nothing.
    expect(greedyEnsembleSelection(target, 'rmse', costed, { rounds: 25, maxCost: 14, setCost }).members).toHaveLength(4);
  });

  it('starts from the best N singles with sorted initialisation', () => {
    const { y, candidates } = regression([1.4, 0.8, 1.2, 1.0, 3]);
    const sel = greedyEnsembleSelection({ y, task: 'regression', nClasses: 0 }, 'rmse', candidates, { rounds: 10, initSize: 3 });
    expect(sel.picks.slice(0, 3)).toEqual([1, 3, 2]);
    expect(sel.size).toBeGreaterThanOrEqual(3);
    expect(sel.score).toBeLessThanOrEqual(sel.bestSingle.score);
  });

  it('handles multiclass probabilities', () => {
    const rng = new Rng(5);
    const K = 3;
    const y = Float32Array.from({ length: N }, () => rng.int(K));
    const candidate = (id: string) => {
      const oof = new Float32Array(N * K);
      for (let i = 0; i < N; i++) {
        const logits = Array.from({ length: K }, (_, c) => (c === y[i] ? 1 : 0) + 1.2 * rng.normal());
        const z = logits.reduce((s, l) => s + Math.exp(l), 0);
        logits.forEach((l, c) => (oof[i * K + c] = Math.exp(l) / z));
      }
      return { id, oof };
    };
    const sel = greedyEnsembleSelection({ y, task: 'multiclass', nClasses: K }, 'log_loss', [candidate('a'), candidate('b')], { rounds: 10 });
    expect(sel.members).toHaveLength(2);
    expect(sel.score).toBeLessThan(sel.bestSingle.score);
  });

  it('is deterministic and breaks ties by candidate order', () => {
    const { y, candidates } = binary([1.5, 1.5, 2, 6]);
    const run = () => greedyEnsembleSelection({ y, task: 'binary', nClasses: 2 }, 'roc_auc', candidates, { rounds: 25, initSize: 2 });
    expect(run()).toEqual(run());
    const twin = [candidates[0], { id: 'copy', oof: candidates[0].oof.slice() }];
    const tie = greedyEnsembleSelection({ y, task: 'binary', nClasses: 2 }, 'roc_auc', twin, { rounds: 5 });
    expect(tie.members.map((m) => m.id)).toEqual(['m0']);
    expect(tie.picks[0]).toBe(0);
  });

  it('refuses misshapen candidates, a metric for another task, and bad options', () => {
    const { y, candidates } = regression([1, 1]);
    const bad = [{ id: 'short', oof: new Float32Array(N - 1) }];
    const err = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return (e as EngineError).code;
      }
      return 'no error';
    };
    expect(err(() => greedyEnsembleSelection({ y, task: 'regression', nClasses: 0 }, 'rmse', bad))).toBe('invalid_params');
    expect(err(() => greedyEnsembleSelection({ y, task: 'regression', nClasses: 0 }, 'roc_auc', candidates))).toBe('invalid_params');
    expect(err(() => greedyEnsembleSelection({ y, task: 'regression', nClasses: 0 }, 'rmse', candidates, { initSize: 6 }))).toBe('invalid_params');
    expect(err(() => greedyEnsembleSelection({ y, task: 'regression', nClasses: 0 }, 'rmse', candidates, { rounds: 0 }))).toBe('invalid_params');
  });
});
