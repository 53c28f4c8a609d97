/**
 * The late-start rule (durable/late-start) and how the launch step applies it (durable/trial-launch): with
 * little time left, a trial is proposed only among the families whose finished trials took no longer, and
 * none starts when none fits. Times are journaled, so the state says how long each trial took.
 */
import { describe, expect, it } from 'vitest';
import { detachedJobConfig } from '../fixtures/job-config';
import type { CoordinatorHost } from '../../src/durable/coordinator-host';
import { applyOp, emptyState, type JobState, type JournalOp } from '../../src/durable/job-journal';
import { expectedTrialMs, lateFamilies, lateStartSlackMs, modelledTrialMs, startsTooLate } from '../../src/durable/late-start';
import { forecastDefaults, rnnTrialCostMs } from '../../src/engine/forecast';
import { launchTrials, screenedSampler } from '../../src/durable/trial-launch';

const config = detachedJobConfig('late', { budget: { seconds: 60 }, families: ['gbdt', 'linear'], parallelism: 1, created_at: 0 });

/** A state whose finished trials took the given times (ms), by family. */
function stateWith(took: [family: 'gbdt' | 'linear', ms: number][], c = config): JobState {
  const s = emptyState();
  applyOp(s, { op: 'created', config: c });
  took.forEach(([family, ms], i) => {
    const ops: JournalOp[] = [
      { op: 'trial_started', trial_id: `t${i}`, number: i, family, params: { n: i }, at: 1_000 * i, lease_until: 1e9 },
      { op: 'trial_finished', trial_id: `t${i}`, report: { status: 'complete', score: 0.7, loss: -0.7, fold_scores: [], fit_info: {}, artifact_key: `a${i}` }, at: 1_000 * i + ms },
    ];
    for (const op of ops) applyOp(s, op);
  });
  return s;
}

const hostOf = (state: JobState) => ({ state, append: (op: JournalOp) => void applyOp(state, op) }) as unknown as CoordinatorHost;

describe('late start', () => {
  it('expects the median time of the family at that fidelity, and nothing before one finished', () => {
    const s = stateWith([['gbdt', 9_000], ['gbdt', 3_000], ['gbdt', 5_000], ['linear', 400], ['linear', 600]]);
    expect(expectedTrialMs(s, 'gbdt', 1, 99_000)).toBe(5_000);
    expect(expectedTrialMs(s, 'linear', 1, 99_000)).toBe(500);
    expect(expectedTrialMs(s, 'knn', 1, 99_000)).toBeUndefined();
    expect(expectedTrialMs(s, 'gbdt', 1 / 9, 99_000)).toBeUndefined();
  });

  it('expects at least as long as a trial of the family still running has taken', () => {
    const s = stateWith([['linear', 500]]);
    applyOp(s, { op: 'trial_started', trial_id: 'r', number: 1, family: 'gbdt', params: {}, at: 10_000, lease_until: 1e9 });
    // No gbdt trial finished, but one has run for 20 s: the next will not take less.
    expect(expectedTrialMs(s, 'gbdt', 1, 30_000)).toBe(20_000);
    expect(startsTooLate(s, config, 'gbdt', 1, 40_000, 60_000)).toBe(true);
    applyOp(s, { op: 'trial_started', trial_id: 'r2', number: 2, family: 'linear', params: {}, at: 20_000, lease_until: 1e9 });
    expect(expectedTrialMs(s, 'linear', 1, 21_000)).toBe(1_000);
  });

  it("prices an rnn's first trial by its cost model (none finished or running), and no other family's", () => {
    const forecast = { time_column: 'date', group_column: 'store', horizon: 14, season: 7, length: 300, groups: 4, positive: true };
    const fc = detachedJobConfig('late-rnn', { task: 'regression', metric: 'rmse', greater_is_better: false, classes: [], families: ['linear', 'rnn'], budget: { seconds: 30 }, forecast, created_at: 0 });
    const shape = { length: 300, season: 7, groups: 4, horizon: 14, positive: true };
    const modelled = rnnTrialCostMs(forecastDefaults('rnn', shape), shape)!;
    expect(modelledTrialMs(fc, 'rnn')).toBe(modelled);
    expect(modelledTrialMs(fc, 'linear')).toBeUndefined();
    expect(modelledTrialMs(config, 'gbdt')).toBeUndefined();
    const s = emptyState();
    applyOp(s, { op: 'created', config: fc });
    // The audited job: its first rnn trial started with 14 s of 30 left, and took 48 s.
    expect(modelled).toBeGreaterThan(14_000 + lateStartSlackMs(fc));
    expect(startsTooLate(s, fc, 'rnn', 1, 16_000, 30_000)).toBe(true);
    expect(startsTooLate(s, fc, 'rnn', 1, 0, 30_000)).toBe(modelled > 30_000 + lateStartSlackMs(fc));
    expect(startsTooLate(s, fc, 'linear', 1, 29_000, 30_000)).toBe(false);
    // One running for longer than the model says: at least that long.
    applyOp(s, { op: 'trial_started', trial_id: 'r', number: 0, family: 'rnn', params: {}, at: 0, lease_until: 1e9 });
    expect(expectedTrialMs(s, 'rnn', 1, modelled + 5_000, () => modelledTrialMs(fc, 'rnn'))).toBe(modelled + 5_000);
    expect(expectedTrialMs(s, 'rnn', 1, 1_000, () => modelledTrialMs(fc, 'rnn'))).toBe(modelled);
  });

  it("leaves a restart's downtime out of a trial's time: the search uses the budget it was given back", () => {
    // The audited case: trials started at 1 s, the coordinator down from 20 s to 65 s (deadline moved
    // to 105 s), both sent again at 77 s as never heard from; at 80 s the linear trial reports and the
    // gbdt one is still running. Their runs took 3 s, not 79.
    const s = emptyState();
    applyOp(s, { op: 'created', config });
    for (const [id, family] of [['a', 'linear'], ['b', 'gbdt']] as const) applyOp(s, { op: 'trial_started', trial_id: id, number: id === 'a' ? 0 : 1, family, params: {}, at: 1_000, lease_until: 1e9 });
    applyOp(s, { op: 'resumed', at: 65_000, down_ms: 45_000, extend_ms: 45_000 });
    for (const id of ['a', 'b']) applyOp(s, { op: 'resent', what: 'trial', trial_id: id, at: 77_000, lease_until: 1e9, after_restart: true });
    applyOp(s, { op: 'trial_finished', trial_id: 'a', report: { status: 'complete', score: 0.7, loss: -0.7, fold_scores: [], fit_info: {}, artifact_key: 'a' }, at: 80_000 });
    expect(expectedTrialMs(s, 'linear', 1, 80_000)).toBe(3_000);
    expect(expectedTrialMs(s, 'gbdt', 1, 80_000)).toBe(3_000);
    // 25 s are left of the moved deadline (105 s): neither is late.
    expect(lateFamilies(s, config, ['linear', 'gbdt'], 1, 80_000, 105_000).size).toBe(0);
    // Not sent again (its consumer kept on through the downtime), a trial's time still leaves the downtime out.
    const kept = emptyState();
    applyOp(kept, { op: 'created', config });
    applyOp(kept, { op: 'trial_started', trial_id: 'c', number: 0, family: 'gbdt', params: {}, at: 1_000, lease_until: 1e9 });
    applyOp(kept, { op: 'resumed', at: 65_000, down_ms: 45_000, extend_ms: 45_000 });
    expect(expectedTrialMs(kept, 'gbdt', 1, 80_000)).toBe(34_000);
    expect(startsTooLate(kept, config, 'gbdt', 1, 70_000, 105_000)).toBe(false);
    expect(startsTooLate(kept, config, 'gbdt', 1, 80_000, 105_000)).toBe(true);
  });

  it('reads no journal while more time is left than the job has run (no trial can have taken longer)', () => {
    const s = stateWith([['gbdt', 8_000]]);
    const unread = { ...s, get order(): never { throw new Error('the journal was read'); } } as JobState;
    expect(lateFamilies(unread, config, ['gbdt', 'linear'], 1, 20_000, 60_000).size).toBe(0);
    // Past half-way the journal is read, and gbdt's 8 s no longer fit 4 s plus the slack.
    expect(() => lateFamilies(unread, config, ['gbdt'], 1, 40_000, 60_000)).toThrow('the journal was read');
    expect([...lateFamilies(s, config, ['gbdt', 'linear'], 1, 58_000, 60_000)]).toEqual(['gbdt']);
  });

  it('holds back a trial expected to end past the deadline plus the slack, never in a budget of trials alone', () => {
    const s = stateWith([['gbdt', 8_000]]);
    expect(lateStartSlackMs(config)).toBe(5_000);
    expect(lateStartSlackMs({ ...config, budget: { seconds: 20 } })).toBe(2_000);
    expect(startsTooLate(s, config, 'gbdt', 1, 56_000, 60_000)).toBe(false); // ends at 64 s: within the slack
    expect(startsTooLate(s, config, 'gbdt', 1, 58_000, 60_000)).toBe(true); // ends at 66 s
    expect(startsTooLate(s, config, 'linear', 1, 59_000, 60_000)).toBe(false); // no linear trial finished: unknown
    expect(startsTooLate(s, { ...config, reproducible: true }, 'gbdt', 1, 58_000, 60_000)).toBe(false);
  });

  it('proposes only families that fit the time left, and starts none when none does', () => {
    const took: [family: 'gbdt' | 'linear', ms: number][] = [['gbdt', 12_000], ['linear', 500], ['gbdt', 11_000], ['linear', 700]];
    // 10 s before the deadline both fit: gbdt's 11.5 s end 1.5 s past it, within the 5 s of slack.
    const roomy = stateWith(took);
    const early = launchTrials(hostOf(roomy), config, screenedSampler(config), Number.POSITIVE_INFINITY, 50_000, 60_000);
    expect(early.late).toBe(false);
    expect(early.messages).toHaveLength(1);
    // 4 s before it: only linear fits, for every proposal the sampler makes.
    for (let i = 0; i < 5; i++) {
      const s = stateWith(took);
      const host = hostOf(s);
      const c = { ...config, seed: i };
      const launched = launchTrials(host, c, screenedSampler(c), Number.POSITIVE_INFINITY, 56_000, 60_000);
      expect(launched.late).toBe(false);
      expect(launched.messages).toHaveLength(1);
      expect(s.order.at(-1)!.family).toBe('linear');
    }
    // 2 s before it, with linear trials of 8 s: neither fits, nothing starts, and the launch says so.
    const s = stateWith([['gbdt', 12_000], ['linear', 8_000]]);
    const late = launchTrials(hostOf(s), config, screenedSampler(config), Number.POSITIVE_INFINITY, 58_000, 60_000);
    expect(late).toEqual({ messages: [], late: true });
    expect(s.order).toHaveLength(2);
  });
});
