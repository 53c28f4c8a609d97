/**
 * Search pieces that must be reproducible: the portfolio-first random sampler and the job journal replay.
 */
import { describe, expect, it } from 'vitest';
import { applyOp, bestTrial, emptyState, type JournalOp, replay } from '../../src/durable/job-journal';
import { withPortfolio } from '../../src/engine/search/samplers/portfolio';
import { randomSampler } from '../../src/engine/search/samplers/random';
import type { FrozenTrial, SearchFamily } from '../../src/engine/search/trial';

const ctx = { families: ['gbdt', 'linear', 'mlp'] as const, shape: { rows: 750, cols: 20, task: 'binary' as const, nClasses: 2 }, seed: 7 };

function run(seed: number, n: number): FrozenTrial[] {
  const sampler = withPortfolio(randomSampler);
  const history: FrozenTrial[] = [];
  for (let i = 0; i < n; i++) {
    const next = sampler.suggest(history, { ...ctx, families: [...ctx.families], seed });
    history.push({ ...next, number: i, state: 'running' });
  }
  return history;
}

describe('portfolio + random sampler', () => {
  it('tries every family default first, then samples inside the declared spaces', () => {
    const trials = run(7, 12);
    expect(trials.slice(0, 3).map((t) => t.family)).toEqual(['gbdt', 'linear', 'mlp']);
    const families = new Set(trials.slice(3).map((t) => t.family));
    expect(families.size).toBeGreaterThan(1);
  });

  it('tries the default of every family left out of a narrowed list once it is back (late start narrows it)', () => {
    const sampler = withPortfolio(randomSampler);
    const five: SearchFamily[] = ['gbdt', 'linear', 'mlp', 'knn', 'cart'];
    const history: FrozenTrial[] = five.slice(0, 3).map((family, number) => ({ family, params: {}, number, state: 'complete' as const, loss: 0 }));
    // gbdt is now too slow for the time left: the next default is knn's (by position it was cart's).
    const next = sampler.suggest(history, { ...ctx, families: five.filter((f) => f !== 'gbdt'), seed: 7 });
    expect(next.family).toBe('knn');
    history.push({ ...next, number: 3, state: 'running' });
    expect(sampler.suggest(history, { ...ctx, families: five, seed: 7 }).family).toBe('cart');
  });

  it('is a pure function of seed and history (same seed, same trials; other seed, other trials)', () => {
    expect(run(7, 10)).toEqual(run(7, 10));
    expect(run(8, 10).slice(3)).not.toEqual(run(7, 10).slice(3));
  });
});

describe('job journal', () => {
  const ops: JournalOp[] = [
    { op: 'trial_started', trial_id: 't0', number: 0, family: 'gbdt', params: {}, at: 1, lease_until: 100 },
    { op: 'trial_started', trial_id: 't1', number: 1, family: 'linear', params: {}, at: 2, lease_until: 100 },
    { op: 'trial_finished', trial_id: 't0', report: { status: 'complete', score: 0.8, loss: -0.8, fold_scores: [], fit_info: {}, artifact_key: 'a' }, at: 5 },
    // A duplicate delivery reports again with another score: it must change nothing.
    { op: 'trial_finished', trial_id: 't0', report: { status: 'complete', score: 0.99, loss: -0.99, fold_scores: [], fit_info: {}, artifact_key: 'b' }, at: 6 },
    { op: 'trial_finished', trial_id: 't1', report: { status: 'failed', code: 'x', reason: 'boom' }, at: 7 },
  ];

  it('replays to the same state it was built incrementally into, ignoring duplicate results', () => {
    const incremental = emptyState();
    for (const op of ops) applyOp(incremental, op);
    const replayed = replay(ops);
    expect(replayed.order.map((t) => [t.trial_id, t.state, t.report])).toEqual(incremental.order.map((t) => [t.trial_id, t.state, t.report]));
    expect(bestTrial(replayed)?.report).toMatchObject({ score: 0.8, artifact_key: 'a' });
    expect(replayed.trials.get('t1')?.state).toBe('failed');
  });
});
