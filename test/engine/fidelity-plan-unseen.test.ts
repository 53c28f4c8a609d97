/**
 * A multi-fidelity job's new configurations repeat none it has run (durable/fidelity-plan with engine
 * proposeUnseen), as a single-fidelity job's do: a repeat at the bottom rung would spend a trial on a
 * result the job already has. When its families allow no other configuration the job waits for the
 * trials still running (their results may earn a promotion), then says it is exhausted.
 */
import { describe, expect, it } from 'vitest';
import { LADDER, planTrial } from '../../src/durable/fidelity-plan';
import { bracketOfTrial } from '../../src/engine/search/schedulers';
import { applyOp, emptyState, type JobState, type JournalOp } from '../../src/durable/job-journal';
import type { Sampler, SamplerContext } from '../../src/engine/search/sampler';
import { randomSampler } from '../../src/engine/search/samplers';

const SEED = 11;
const ctx: SamplerContext = { families: ['gbdt', 'linear'], shape: { rows: 900, cols: 6, task: 'binary', nClasses: 2 }, seed: SEED };

/** Journals `n` bottom-rung trials of the random sampler's proposals, each finished with a distinct loss. */
function stateWith(n: number, c: SamplerContext = ctx, running = 0): JobState {
  const s = emptyState();
  const random = randomSampler;
  for (let i = 0; i < n; i++) {
    const history = s.order.map((t) => ({ number: t.number, family: t.family, params: t.params, state: t.state }));
    const next = random.suggest(history, c);
    const ops: JournalOp[] = [{ op: 'trial_started', trial_id: `t${i}`, number: i, family: next.family, params: next.params, rung: 0, fidelity: 1 / 9, at: i, lease_until: 1e9 }];
    if (i < n - running) ops.push({ op: 'trial_finished', trial_id: `t${i}`, report: { status: 'complete', score: i, loss: -i, fold_scores: [], fit_info: {}, artifact_key: `a${i}` }, at: i + 0.5 });
    for (const op of ops) applyOp(s, op);
  }
  return s;
}

/** A sampler stuck on the job's first configuration when asked with the job's seed, random otherwise. */
function stuckOnFirst(s: JobState): Sampler {
  const random = randomSampler;
  return { name: 'stuck', suggest: (history, c) => (c.seed === SEED ? { family: s.order[0].family, params: s.order[0].params } : random.suggest(history, c)) };
}

describe('multi-fidelity proposals', () => {
  it('start a new configuration at the bottom rung instead of repeating one the job ran', () => {
    // Two results at rung 0: nothing is in a position to be promoted yet (eta 3), so a new configuration starts.
    const s = stateWith(2);
    const planned = planTrial(s, 'asha', stuckOnFirst(s), ctx, false);
    expect(planned).not.toBe('exhausted');
    if (!planned || planned === 'exhausted') throw new Error('expected a trial');
    expect(planned.fidelity.rung).toBe(0);
    expect(planned.fidelity.promoted_from).toBeUndefined();
    const key = (c: { family: string; params: object }) => JSON.stringify([c.family, c.params]);
    expect(s.order.map(key)).not.toContain(key(planned.config));
  });

  it('the reserved last trial of a budget tries a new configuration in full rather than a repeat', () => {
    const s = emptyState();
    for (const op of [
      { op: 'trial_started', trial_id: 't0', number: 0, family: 'gbdt', params: { n: 1 }, rung: 0, fidelity: 1 / 9, at: 0, lease_until: 1e9 },
      { op: 'trial_finished', trial_id: 't0', report: { status: 'failed', code: 'x', reason: 'boom' }, at: 1 },
    ] as JournalOp[]) applyOp(s, op);
    const planned = planTrial(s, 'hyperband', stuckOnFirst(s), ctx, true);
    if (!planned || planned === 'exhausted') throw new Error('expected a trial');
    expect(planned.fidelity).toMatchObject({ rung: 2, fidelity: 1 });
    expect(planned.config).not.toEqual({ family: 'gbdt', params: { n: 1 } });
  });

  it('reserves the last trial for a full run of the best when the only full-fidelity trial failed, though a reproducible view shows it running', () => {
    // Actual: three bottom-rung results and a full-fidelity trial that failed (refused for memory on all
    // rows). A reproducible job's view shows its latest trials as running: that failure too.
    const actual = stateWith(3);
    const full = { op: 'trial_started', trial_id: 't3', number: 3, family: 'linear', params: { C: 1 }, rung: 2, fidelity: 1, at: 3, lease_until: 1e9 } as JournalOp;
    applyOp(actual, full);
    applyOp(actual, { op: 'trial_finished', trial_id: 't3', report: { status: 'failed', code: 'insufficient_budget', reason: 'too big' }, at: 3.5 });
    const view = stateWith(3);
    applyOp(view, full);
    const planned = planTrial(view, 'asha', randomSampler, ctx, true, actual);
    if (!planned || planned === 'exhausted') throw new Error('expected a trial');
    // The best bottom result (loss -2, t2) runs again on every row.
    expect(planned.fidelity).toMatchObject({ rung: 2, fidelity: 1 });
    expect(planned.config).toEqual({ family: actual.order[2].family, params: actual.order[2].params });
    // While a full-fidelity trial still runs, the last trial waits for it.
    expect(planTrial(view, 'asha', randomSampler, ctx, true, view)).toBeUndefined();
  });

  it('waits while a trial runs, then is exhausted, when every configuration was tried', () => {
    // The two forecast baselines take no parameters: one configuration each.
    const baselines: SamplerContext = { families: ['seasonal_naive', 'drift'], shape: { rows: 120, cols: 1, task: 'regression', nClasses: 0, forecast: { length: 120, season: 12, groups: 1, horizon: 12 } }, seed: SEED };
    const stuck: Sampler = { name: 'stuck', suggest: () => ({ family: 'drift', params: {} }) };
    const both = (running: number) => {
      const s = emptyState();
      ['seasonal_naive', 'drift'].forEach((family, i) => {
        applyOp(s, { op: 'trial_started', trial_id: `t${i}`, number: i, family: family as never, params: {}, rung: 0, fidelity: 1 / 9, at: i, lease_until: 1e9 });
        if (i < 2 - running) applyOp(s, { op: 'trial_finished', trial_id: `t${i}`, report: { status: 'complete', score: i, loss: i, fold_scores: [], fit_info: {}, artifact_key: `a${i}` }, at: i + 0.5 });
      });
      return s;
    };
    expect(planTrial(both(1), 'asha', stuck, baselines, false)).toBeUndefined();
    expect(planTrial(both(0), 'asha', stuck, baselines, false)).toBe('exhausted');
  });

  it('starts a hyperband trial asked for alone (a promotion would end too late) in bracket 0, and promotes it from there', () => {
    const options = { ...LADDER, seed: SEED };
    // Three trial numbers in bracket 1 (it starts a rung up, on a third of the rows); every other number
    // has failed in its own bracket, so only bracket 1's results can earn a promotion.
    const inOne = Array.from({ length: 60 }, (_, n) => n).filter((n) => bracketOfTrial(n, options) === 1).slice(0, 3);
    expect(inOne).toHaveLength(3);
    const last = inOne[2];
    const s = emptyState();
    const random = randomSampler;
    for (let n = 0; n < last; n++) {
      const bracket = bracketOfTrial(n, options);
      const next = random.suggest([], { ...ctx, seed: n });
      applyOp(s, { op: 'trial_started', trial_id: `t${n}`, number: n, family: next.family, params: next.params, rung: bracket, bracket, fidelity: bracket === 0 ? 1 / 9 : 1 / 3, at: n, lease_until: 1e9 });
      const report = inOne.includes(n) ? { status: 'complete' as const, score: n, loss: 10 + n, fold_scores: [], fit_info: {}, artifact_key: `a${n}` } : { status: 'failed' as const, code: 'x', reason: 'boom' };
      applyOp(s, { op: 'trial_finished', trial_id: `t${n}`, report, at: n + 0.5 });
    }
    const alone = planTrial(s, 'hyperband', randomSampler, ctx, false, s, true);
    if (!alone || alone === 'exhausted') throw new Error('expected a trial');
    // On the fewest rows, whatever its number hashes to (engine hyperband-late-start).
    expect(alone.fidelity).toMatchObject({ bracket: 0, rung: 0 });
    applyOp(s, { op: 'trial_started', trial_id: `t${last}`, number: last, family: alone.config.family, params: alone.config.params, ...alone.fidelity, at: last, lease_until: 1e9 } as JournalOp);
    applyOp(s, { op: 'trial_finished', trial_id: `t${last}`, report: { status: 'complete', score: 1, loss: -1, fold_scores: [], fit_info: {}, artifact_key: 'best' }, at: last + 0.5 });
    // Best of bracket 0's bottom results (the others failed): promoted a rung up, from the rung it ran, in
    // the bracket it was recorded in (read from the journal, not from its number's hash).
    const promoted = planTrial(s, 'hyperband', randomSampler, ctx, false);
    if (!promoted || promoted === 'exhausted') throw new Error('expected a trial');
    expect(promoted.fidelity).toMatchObject({ rung: 1, bracket: 0, fidelity: 1 / 3, promoted_from: `t${last}` });
    expect(promoted.config).toEqual(alone.config);
  });
});
