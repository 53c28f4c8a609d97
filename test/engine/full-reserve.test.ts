/**
 * A multi-fidelity job with a time budget: late start expects a trial on more rows from its family's
 * trials on fewer (durable/late-start), a promotion too slow for the time left gives way to a new
 * configuration on the fewest rows, and the job keeps time to run its best configuration on all the rows
 * (durable/full-reserve, durable/trial-launch).
 */
import { describe, expect, it } from 'vitest';
import { detachedJobConfig } from '../fixtures/job-config';
import type { CoordinatorHost } from '../../src/durable/coordinator-host';
import { dueFullTrial, RESERVE_MARGIN } from '../../src/durable/full-reserve';
import { applyOp, emptyState, type JobState, type JournalOp } from '../../src/durable/job-journal';
import { expectedTrialMs, lateFamilies, startsTooLate } from '../../src/durable/late-start';
import { launchTrials, screenedSampler } from '../../src/durable/trial-launch';

const config = detachedJobConfig('reserve', { budget: { seconds: 60 }, families: ['gbdt', 'mlp'], parallelism: 2, strategy: 'asha', created_at: 0 });

interface Done {
  family: 'gbdt' | 'mlp';
  fidelity: number;
  ms: number;
  loss: number;
  at?: number;
  from?: string;
  state?: 'complete' | 'failed' | 'running';
}

/** A state whose trials ran as given: started at `at` (default: one per second), on `fidelity` of the rows. */
function stateWith(trials: Done[], c = config): JobState {
  const s = emptyState();
  applyOp(s, { op: 'created', config: c });
  const paramsOf = new Map<string, { n: number }>();
  trials.forEach((t, i) => {
    const at = t.at ?? 1_000 * i;
    const rung = t.fidelity === 1 ? 2 : t.fidelity === 1 / 3 ? 1 : 0;
    // A promotion runs its source's configuration.
    const params = (t.from && paramsOf.get(t.from)) || { n: i };
    paramsOf.set(`t${i}`, params);
    const ops: JournalOp[] = [{ op: 'trial_started', trial_id: `t${i}`, number: i, family: t.family, params, rung, fidelity: t.fidelity, ...(t.from ? { promoted_from: t.from } : {}), at, lease_until: 1e9 }];
    if (t.state === 'failed') ops.push({ op: 'trial_finished', trial_id: `t${i}`, report: { status: 'failed', code: 'out_of_memory', reason: 'out of memory' }, at: at + t.ms });
    else if (t.state !== 'running') ops.push({ op: 'trial_finished', trial_id: `t${i}`, report: { status: 'complete', score: -t.loss, loss: t.loss, fold_scores: [], fit_info: {}, artifact_key: `a${i}` }, at: at + t.ms });
    for (const op of ops) applyOp(s, op);
  });
  return s;
}

const hostOf = (state: JobState) => ({ state, append: (op: JournalOp) => void applyOp(state, op) }) as unknown as CoordinatorHost;

describe('late start on more rows', () => {
  it("expects a family's first trial at a fidelity from its trials one rung down, scaled by the rows", () => {
    const s = stateWith([
      { family: 'mlp', fidelity: 1 / 9, ms: 3_000, loss: 0.4 },
      { family: 'mlp', fidelity: 1 / 3, ms: 15_000, loss: 0.39 },
      { family: 'gbdt', fidelity: 1 / 9, ms: 1_000, loss: 0.41 },
    ]);
    // The highest fidelity below: the mlp's third of the rows, three times over.
    expect(expectedTrialMs(s, 'mlp', 1, 30_000)).toBe(45_000);
    expect(expectedTrialMs(s, 'gbdt', 1 / 3, 30_000)).toBe(3_000);
    expect(expectedTrialMs(s, 'gbdt', 1, 30_000)).toBe(9_000);
    // Never scaled down: nothing ran on fewer rows than a ninth.
    expect(expectedTrialMs(s, 'mlp', 1 / 9, 30_000)).toBe(3_000);
    // The audited job: the mlp's promotion to all the rows at 21 s of 60 would end at 66 s, past the slack.
    expect(startsTooLate(s, config, 'mlp', 1, 21_000, 60_000)).toBe(true);
    expect(startsTooLate(s, config, 'gbdt', 1, 21_000, 60_000)).toBe(false);
  });

  it('reads the journal while the time left is less than the bottom rung scaled up would take', () => {
    const s = stateWith([{ family: 'mlp', fidelity: 1 / 9, ms: 3_000, loss: 0.4 }]);
    const unread = { ...s, get order(): never { throw new Error('the journal was read'); } } as JobState;
    // 5 s into the job, a trial that took up to 5 s on a ninth may take 45 s on all: 55 s left is enough.
    expect(lateFamilies(unread, config, ['mlp'], 1, 5_000, 60_000).size).toBe(0);
    expect(() => lateFamilies(unread, config, ['mlp'], 1, 10_000, 60_000)).toThrow('the journal was read');
    // A single-fidelity job keeps its shortcut: no trial took longer than the job has run.
    const single = { ...config, strategy: 'bayes' as const };
    expect(lateFamilies(unread, single, ['mlp'], 1, 10_000, 60_000).size).toBe(0);
  });
});

describe('the full-fidelity reservation of a time budget', () => {
  // Bottom-rung trials took 1-3 s (median 1 s); the best so far is the mlp's third of the rows (15 s: 45 s in full).
  const trials: Done[] = [
    { family: 'gbdt', fidelity: 1 / 9, ms: 1_000, loss: 0.41 },
    { family: 'mlp', fidelity: 1 / 9, ms: 3_000, loss: 0.4 },
    { family: 'gbdt', fidelity: 1 / 9, ms: 1_000, loss: 0.42 },
    { family: 'gbdt', fidelity: 1 / 3, ms: 2_000, loss: 0.395, from: 't0' },
    { family: 'mlp', fidelity: 1 / 3, ms: 15_000, loss: 0.39, from: 't1' },
  ];

  it('is due once the time left comes down to the best full run expected, with its margin', () => {
    const s = stateWith(trials);
    const c = { ...config, budget: { seconds: 200 } };
    const due = 45_000 * RESERVE_MARGIN + 1_000;
    expect(dueFullTrial(s, c, 200_000 - due - 1_000, 200_000)).toBeUndefined();
    expect(dueFullTrial(s, c, 200_000 - due, 200_000)?.trial_id).toBe('t4');
  });

  it('passes over a best configuration whose full run cannot end in time, for the next that can', () => {
    const s = stateWith(trials);
    // 30 s left: the mlp's 45 s cannot; gbdt's 6 s (2 s on a third) can, but is not due until 10 s are left.
    expect(dueFullTrial(s, config, 30_000, 60_000)).toBeUndefined();
    expect(dueFullTrial(s, config, 51_000, 60_000)?.trial_id).toBe('t3');
    // Nothing can: the time left is shorter than every full run.
    expect(dueFullTrial(stateWith(trials.slice(0, 2)), config, 59_000, 60_000)).toBeUndefined();
  });

  it('is not due once a full-fidelity trial runs or completed, for a budget of trials alone, or single fidelity', () => {
    expect(dueFullTrial(stateWith([...trials, { family: 'gbdt', fidelity: 1, ms: 5_000, loss: 0.39, from: 't3', state: 'running' }]), config, 51_000, 60_000)).toBeUndefined();
    expect(dueFullTrial(stateWith([...trials, { family: 'gbdt', fidelity: 1, ms: 5_000, loss: 0.39, from: 't3' }]), config, 51_000, 60_000)).toBeUndefined();
    expect(dueFullTrial(stateWith(trials), { ...config, reproducible: true }, 51_000, 60_000)).toBeUndefined();
    expect(dueFullTrial(stateWith(trials), { ...config, strategy: 'bayes' }, 51_000, 60_000)).toBeUndefined();
  });

  it('does not run again a configuration whose full run failed', () => {
    // gbdt's configuration n0 (t0, promoted as t3) failed in full: the next gbdt configuration is run instead.
    const s = stateWith([...trials, { family: 'gbdt', fidelity: 1, ms: 500, loss: 0, from: 't3', state: 'failed' }]);
    expect(s.order[5].params).toEqual({ n: 0 });
    expect(dueFullTrial(s, config, 51_000, 60_000)?.trial_id).toBe('t2');
    expect(dueFullTrial(s, config, 10_000, 60_000)?.trial_id).toBe('t4');
  });

  it('reads the journal a few times per launch, however many candidates it passes over', () => {
    // 300 trials on a third of the rows, each 30 s: every full run is expected at 90 s, past the 20 s left.
    const many = stateWith(Array.from({ length: 300 }, (_, i) => ({ family: i % 2 === 0 ? 'gbdt' : 'mlp', fidelity: 1 / 3, ms: 30_000, loss: i / 1000 }) as Done), { ...config, budget: { seconds: 600 } });
    let reads = 0;
    const counted = new Proxy(many, { get: (target, key) => (key === 'order' && reads++, Reflect.get(target, key)) });
    expect(dueFullTrial(counted, { ...config, budget: { seconds: 600 } }, 580_000, 600_000)).toBeUndefined();
    // One pass each to rule out a full run, list failures and rank, and one expectation per family: each
    // candidate's own expectation read it 300 times (370 ms a launch at 1,000 trials).
    expect(reads).toBeLessThanOrEqual(6);
  });
});

describe('launching in a time-budget multi-fidelity job', () => {
  it('runs the due configuration on all the rows at once, beside a trial still running', () => {
    const s = stateWith([...trials(), { family: 'mlp', fidelity: 1 / 9, ms: 0, loss: 0, at: 45_000, state: 'running' }]);
    const launched = launchTrials(hostOf(s), config, screenedSampler(config), Number.POSITIVE_INFINITY, 51_000, 60_000);
    expect(launched).toMatchObject({ late: false, messages: [{ trial_id: 't0006' }] });
    expect(s.order[6]).toMatchObject({ family: 'gbdt', params: { n: 0 }, fidelity: 1, rung: 2, promoted_from: 't3' });
  });

  it('starts a new configuration on the fewest rows where the promotion would end past the budget', () => {
    const c = { ...config, parallelism: 1 };
    // The mlp's third of the rows ranks first at its rung: with 52 s left it is promoted to all the rows.
    const roomy = promotingState();
    expect(launchTrials(hostOf(roomy), c, screenedSampler(c), Number.POSITIVE_INFINITY, 8_000, 60_000).late).toBe(false);
    expect(roomy.order[8]).toMatchObject({ family: 'mlp', rung: 2, fidelity: 1, promoted_from: 't5' });
    // With 39 s left its 45 s do not fit: a new configuration starts on a ninth of the rows, and the search goes on.
    const s = promotingState();
    const launched = launchTrials(hostOf(s), c, screenedSampler(c), Number.POSITIVE_INFINITY, 21_000, 60_000);
    expect(launched.late).toBe(false);
    expect(launched.messages).toHaveLength(1);
    expect(s.order[8]).toMatchObject({ rung: 0, fidelity: 1 / 9 });
    expect(s.order[8].promoted_from).toBeUndefined();
  });
});

/** Eight trials after which ASHA promotes the mlp (t0, then t5 on a third of the rows) to all the rows. */
function promotingState(): JobState {
  return stateWith([
    { family: 'mlp', fidelity: 1 / 9, ms: 3_000, loss: 0.39 },
    { family: 'gbdt', fidelity: 1 / 9, ms: 1_000, loss: 0.41 },
    { family: 'gbdt', fidelity: 1 / 9, ms: 1_000, loss: 0.42 },
    { family: 'gbdt', fidelity: 1 / 9, ms: 1_000, loss: 0.43 },
    { family: 'gbdt', fidelity: 1 / 9, ms: 1_000, loss: 0.44 },
    { family: 'mlp', fidelity: 1 / 3, ms: 15_000, loss: 0.38, from: 't0' },
    { family: 'gbdt', fidelity: 1 / 3, ms: 2_000, loss: 0.4, from: 't1' },
    { family: 'gbdt', fidelity: 1 / 3, ms: 2_000, loss: 0.41, from: 't2' },
  ]);
}

function trials(): Done[] {
  return [
    { family: 'gbdt', fidelity: 1 / 9, ms: 1_000, loss: 0.41 },
    { family: 'mlp', fidelity: 1 / 9, ms: 3_000, loss: 0.4 },
    { family: 'gbdt', fidelity: 1 / 9, ms: 1_000, loss: 0.42 },
    { family: 'gbdt', fidelity: 1 / 3, ms: 2_000, loss: 0.395, from: 't0' },
    { family: 'mlp', fidelity: 1 / 3, ms: 15_000, loss: 0.39, from: 't1' },
  ];
}
