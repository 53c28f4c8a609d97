/**
 * What an image job's view says when its budget gave no convolutional network (durable/published-notes
 * noCnnWarning, from the journal alone): the CNN trials started, cancelled (and how long the longest
 * ran), failed, and a budget that fits one, from the modelled cost of a CNN trial
 * (engine/models/nn/cnn/cnn-trial-cost). Nothing is said when a CNN finished, nor for a table job.
 */
import { describe, expect, it } from 'vitest';
import { type JournalOp, replay } from '../../src/durable/job-journal';
import { jobView } from '../../src/durable/job-view';
import { noCnnWarning } from '../../src/durable/published-notes';
import { CNN_DEFAULTS } from '../../src/engine/models/nn/cnn/cnn-options';
import { cnnTrialCostMs } from '../../src/engine/models/nn/cnn/cnn-trial-cost';
import { detachedJobConfig } from '../fixtures/job-config';

const image = { height: 32, width: 32, channels: 3 };
/** 90 RGB images of 3 shapes with a 60 s budget, as the audit's job that published an MLP. */
const config = detachedJobConfig('img', {
  task: 'multiclass',
  classes: ['circle', 'square', 'triangle'],
  metric: 'log_loss',
  greater_is_better: false,
  families: ['cnn', 'mlp', 'linear'],
  dataset: { name: 'shapes', version: 1, key: 'k', rows: 90, cols: 3073 },
  budget: { seconds: 60 },
  image,
  created_at: 0,
});
const complete = (loss: number) => ({ status: 'complete' as const, score: loss, loss, fold_scores: [], fit_info: {}, artifact_key: 'a' });

/** The CNN started first and cancelled when the budget ended after 62 s; the MLP finished and was published. */
function cancelledCnn(overrides: Partial<typeof config> = {}): JournalOp[] {
  return [
    { op: 'created', config: { ...config, ...overrides } },
    { op: 'trial_started', trial_id: 't0000', number: 0, family: 'cnn', params: { ...CNN_DEFAULTS }, at: 1_000, lease_until: 1e9 },
    { op: 'trial_started', trial_id: 't0001', number: 1, family: 'mlp', params: {}, at: 1_000, lease_until: 1e9 },
    { op: 'trial_finished', trial_id: 't0001', report: complete(0.4), at: 20_000 },
    { op: 'trial_cancelled', trial_id: 't0000', reason: 'time budget ended before the trial reported', at: 63_000 },
    { op: 'publishing', trial_id: 't0001', at: 63_500 },
  ];
}

describe('an image job that published no CNN', () => {
  it('says so with the CNN trials counted and a budget a CNN trial fits in', () => {
    const [warning] = noCnnWarning(replay(cancelledCnn()));
    const trialS = Math.round(cnnTrialCostMs({ ...CNN_DEFAULTS }, image, 90, 5, 'multiclass', 3) / 1000);
    expect(warning).toContain('no cnn trial finished: 1 started, 1 cancelled when the budget ended (the longest after 62 s)');
    expect(warning).toContain('the published model is t0001 (mlp) on the pixels, not a convolutional network');
    expect(warning).toContain(`needs up to about ${trialS} s of CPU on this dataset (5 folds and a refit)`);
    // Twice the longer of the modelled trial and what the cancelled one ran, in half-minutes, and above the budget given.
    const suggested = Number(/at least (\d+)/.exec(warning)![1]);
    expect(suggested % 30).toBe(0);
    expect(suggested).toBeGreaterThanOrEqual(2 * Math.max(trialS, 62) - 1);
    expect(suggested).toBeLessThan(2 * Math.max(trialS, 62) + 31);
    // The job view carries it with the job's own warnings.
    expect(jobView(replay(cancelledCnn()), 70_000).warnings).toContain(warning);
  });

  it('says nothing when a CNN finished (and lost), for a table job, or while the job still searches', () => {
    const cnnFinished = cancelledCnn().map((op) => (op.op === 'trial_cancelled' ? ({ op: 'trial_finished', trial_id: 't0000', report: complete(0.9), at: 50_000 } as const) : op));
    expect(noCnnWarning(replay(cnnFinished))).toEqual([]);
    expect(noCnnWarning(replay(cancelledCnn({ image: undefined })))).toEqual([]);
    expect(noCnnWarning(replay(cancelledCnn().filter((op) => op.op !== 'publishing')))).toEqual([]);
  });

  it('counts a failed CNN trial, and one never started', () => {
    const failed = cancelledCnn().map((op) => (op.op === 'trial_cancelled' ? ({ op: 'trial_finished', trial_id: 't0000', report: { status: 'failed', code: 'x', reason: 'boom' }, at: 30_000 } as const) : op));
    expect(noCnnWarning(replay(failed))[0]).toMatch(/^no cnn trial finished: 1 started, 1 failed;/);
    const none = cancelledCnn().filter((op) => !('trial_id' in op && op.trial_id === 't0000'));
    expect(noCnnWarning(replay(none))[0]).toMatch(/^no cnn trial started; the published model is t0001 \(mlp\)/);
  });
});

describe('the modelled cost of a CNN trial', () => {
  it('grows with the images and their size, and shrinks with fewer epochs', () => {
    const at = (rows: number, shape = image, params: Record<string, unknown> = {}) => cnnTrialCostMs({ ...CNN_DEFAULTS, ...params } as never, shape, rows, 5, 'multiclass', 3);
    expect(at(180)).toBeGreaterThan(at(90));
    expect(at(90)).toBeGreaterThan(at(90, { height: 16, width: 16, channels: 3 }));
    expect(at(90, image, { epochs: 10 })).toBeCloseTo(at(90) / 6, 0);
  });
});

describe("a low-fidelity trial's fraction", () => {
  /** An asha job whose budget ended with a CNN and an MLP on a third (rung 0): the CNN is published. */
  const ops: JournalOp[] = [
    { op: 'created', config },
    { op: 'trial_started', trial_id: 't0000', number: 0, family: 'cnn', params: { ...CNN_DEFAULTS }, at: 1_000, lease_until: 1e9, rung: 0, fidelity: 1 / 3 },
    { op: 'trial_started', trial_id: 't0001', number: 1, family: 'mlp', params: {}, at: 1_000, lease_until: 1e9, rung: 0, fidelity: 1 / 3 },
    { op: 'trial_finished', trial_id: 't0000', report: complete(0.2), at: 40_000 },
    { op: 'trial_finished', trial_id: 't0001', report: complete(0.4), at: 20_000 },
    { op: 'publishing', trial_id: 't0000', at: 63_500 },
  ];

  it("is of a CNN's epochs and of another family's rows, in the trials, the leaderboard and the warning", () => {
    const view = jobView(replay(ops), 70_000);
    expect(view.leaderboard.map((e) => [e.trial_id, e.fidelity_of])).toEqual([
      ['t0000', 'epochs'],
      ['t0001', 'rows'],
    ]);
    expect(view.warnings?.find((w) => w.startsWith('the published model'))).toContain('was trained for 33% of its epochs (fidelity 1/3)');
    const atFull: JournalOp[] = [ops[0], { ...(ops[1] as Extract<JournalOp, { op: 'trial_started' }>), fidelity: 1 }, ops[3]];
    const full = replay(atFull);
    // At full fidelity there is no fraction to explain.
    expect(jobView(full, 70_000).leaderboard[0]).not.toHaveProperty('fidelity_of');
  });
});
