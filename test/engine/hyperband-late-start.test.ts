/**
 * A Hyperband job's late new configuration (durable/fidelity-plan `newOnly`): when a promotion, or a new
 * configuration's first rung, would end past the time budget, trial-launch asks for a new configuration
 * on the fewest rows. It was placed in the bracket its trial number hashes to, the full-fidelity one for
 * about a third of the numbers, so it started too late too and the search ended with up to a third of its
 * budget left (search audit). It now starts in bracket 0, recorded there, and the scheduler promotes it
 * from the rungs it ran.
 */
import { describe, expect, it } from 'vitest';
import { LADDER, planTrial } from '../../src/durable/fidelity-plan';
import { applyOp, emptyState, type JournalOp } from '../../src/durable/job-journal';
import type { SamplerContext } from '../../src/engine/search/sampler';
import { randomSampler } from '../../src/engine/search/samplers';
import { bracketOfTrial, hyperbandNextJob } from '../../src/engine/search/schedulers';

const SEED = 5;
const options = { ...LADDER, seed: SEED };
const ctx: SamplerContext = { families: ['gbdt', 'linear'], shape: { rows: 900, cols: 6, task: 'binary', nClasses: 2 }, seed: SEED };
/** The first trial numbers from `from` whose hashed bracket is `bracket`. */
const numbersIn = (bracket: number, count: number, from = 0) => {
  const out: number[] = [];
  for (let n = from; out.length < count; n++) if (bracketOfTrial(n, options) === bracket) out.push(n);
  return out;
};

describe('a late new configuration under Hyperband', () => {
  it('starts on the fewest rows in bracket 0, whatever bracket its number hashes to', () => {
    const [full] = numbersIn(2, 1);
    // `full` earlier trials of the job, each on the bottom rung of its own bracket, finished.
    const s = emptyState();
    for (let i = 0; i < full; i++) {
      const bracket = bracketOfTrial(i, options);
      const history = s.order.map((t) => ({ number: t.number, family: t.family, params: t.params, state: t.state }));
      const next = randomSampler.suggest(history, { ...ctx, seed: SEED + i });
      const ops: JournalOp[] = [
        { op: 'trial_started', trial_id: `t${i}`, number: i, family: next.family, params: next.params, rung: bracket, bracket, fidelity: LADDER.eta ** (bracket - 2), at: i, lease_until: 1e9 },
        { op: 'trial_finished', trial_id: `t${i}`, report: { status: 'complete', score: i, loss: i, fold_scores: [], fit_info: {}, artifact_key: `a${i}` }, at: i + 0.5 },
      ];
      for (const op of ops) applyOp(s, op);
    }
    const planned = planTrial(s, 'hyperband', randomSampler, ctx, false, s, true);
    if (!planned || planned === 'exhausted') throw new Error('expected a trial');
    expect(planned.fidelity).toEqual({ rung: 0, fidelity: 1 / 9, bracket: 0 });
  });

  it('is promoted from bracket 0, where it was recorded, not judged in the bracket its number hashes to', () => {
    const [late] = numbersIn(2, 1);
    const [a, b] = numbersIn(0, 2);
    const results = [
      { trialNumber: a, rung: 0, loss: 1 },
      { trialNumber: b, rung: 0, loss: 2 },
      { trialNumber: late, rung: 0, loss: -5, bracket: 0 },
    ];
    const job = hyperbandNextJob({ results, nextTrialNumber: Math.max(a, b, late) + 1 }, options);
    expect(job).toMatchObject({ kind: 'promote', trialNumber: late, bracket: 0, rung: 1 });
  });
});
