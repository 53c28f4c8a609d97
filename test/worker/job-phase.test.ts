/**
 * The job view's phase and time left (`progress.phase`, `progress.remaining_ms`) inside workerd: read from
 * journals written by hand at a chosen time (searching, the grace period, a spent budget, ensembling,
 * comparing, publishing, a cancel, ended), and from a SearchCoordinator driven by hand through its search,
 * its ensemble and its publication (its queue messages reach an empty coordinator, so nothing else runs).
 */
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { type JournalOp, replay } from '../../src/durable/job-journal';
import { jobView } from '../../src/durable/job-view';
import { detachedJobConfig, withArtifact } from './helpers';

const T0 = Date.UTC(2026, 3, 21, 8);
const config = detachedJobConfig('phase', { created_at: T0, budget: { seconds: 60, trials: 3 } });

const started = (n: number): JournalOp => ({ op: 'trial_started', trial_id: `t000${n}`, number: n, family: 'linear', params: {}, at: T0 + n, lease_until: T0 + 60_000 });
const finished = (n: number, score: number): JournalOp => ({
  op: 'trial_finished',
  trial_id: `t000${n}`,
  report: { status: 'complete', score, loss: -score, fold_scores: [score], fit_info: {}, artifact_key: `models/phase/t000${n}.json`, oof_key: `models/phase/t000${n}.oof` },
  at: T0 + 5_000 + n,
});
const challenger = { trial_id: 't0001', family: 'linear' as const, artifact_key: 'models/phase/t0001.json', score: 0.9 };

/** The phase and time left of the job whose journal is `ops`, read `at` ms after it was created. */
function progressAt(ops: JournalOp[], at: number) {
  const { phase, remaining_ms } = jobView(replay([{ op: 'created', config }, ...ops]), T0 + at).progress;
  return { phase, remaining_ms };
}

describe('the phase of a job', () => {
  it('counts the time budget down while searching, to 0 while the grace period lets running trials report', () => {
    expect(progressAt([], 0)).toEqual({ phase: 'searching', remaining_ms: 60_000 });
    expect(progressAt([started(0), started(1)], 12_500)).toEqual({ phase: 'searching', remaining_ms: 47_500 });
    expect(progressAt([started(0), started(1)], 70_000)).toEqual({ phase: 'searching', remaining_ms: 0 });
  });

  it('is publishing once the budget is spent with nothing running (before any ensemble starts)', () => {
    const searched = [started(0), started(1), finished(0, 0.8), finished(1, 0.9)];
    expect(progressAt(searched, 61_000)).toEqual({ phase: 'publishing', remaining_ms: null });
    // The trial budget spent (3 trials started) and all of them reported: the search is over before its time is.
    expect(progressAt([...searched, started(2), finished(2, 0.7)], 20_000)).toEqual({ phase: 'publishing', remaining_ms: null });
  });

  it('names the ensemble, the comparison with the champion, the publication and the end', () => {
    const searched = [started(0), started(1), finished(0, 0.8), finished(1, 0.9)];
    const ensembling: JournalOp[] = [...searched, { op: 'ensemble_started', at: T0 + 61_000, lease_until: T0 + 181_000 }];
    expect(progressAt(ensembling, 62_000)).toEqual({ phase: 'ensembling', remaining_ms: null });
    const ensembled: JournalOp[] = [...ensembling, { op: 'ensemble_finished', report: { status: 'skipped', reason: 'the test skips it' }, at: T0 + 63_000 }];
    const comparing: JournalOp[] = [...ensembled, { op: 'challenge_started', challenger, at: T0 + 63_000, lease_until: T0 + 183_000 }];
    expect(progressAt(comparing, 64_000)).toEqual({ phase: 'comparing', remaining_ms: null });
    const compared: JournalOp[] = [...comparing, { op: 'challenge_finished', report: { status: 'failed', reason: 'the test fails it' }, at: T0 + 65_000 }];
    expect(progressAt(compared, 65_500)).toEqual({ phase: 'publishing', remaining_ms: null });
    const publishing: JournalOp[] = [...compared, { op: 'publishing', trial_id: 't0001', at: T0 + 66_000 }];
    expect(progressAt(publishing, 66_500)).toEqual({ phase: 'publishing', remaining_ms: null });
    const ended: JournalOp[] = [...publishing, { op: 'finished', status: 'succeeded', model: { name: 'model-phase', version: 1 }, at: T0 + 67_000 }];
    expect(progressAt(ended, 90_000)).toEqual({ phase: 'ended', remaining_ms: null });
  });

  it('goes from searching straight to publishing on a cancel', () => {
    const cancelled: JournalOp[] = [started(0), started(1), finished(0, 0.8), { op: 'cancel_requested', at: T0 + 6_000 }, { op: 'trial_cancelled', trial_id: 't0001', reason: 'job cancelled', at: T0 + 6_000 }];
    expect(progressAt(cancelled, 6_500)).toEqual({ phase: 'publishing', remaining_ms: null });
  });

  it('follows a coordinator through its search, its ensemble and its publication', async () => {
    const id = 'phase-live';
    const stub = env.SEARCH.getByName(`test-only/${id}`);
    const first = await stub.start(detachedJobConfig(id, { budget: { seconds: 600, trials: 2 } }));
    expect(first.progress.phase).toBe('searching');
    expect(first.progress.remaining_ms).toBeGreaterThan(0);
    expect(first.progress.remaining_ms).toBeLessThanOrEqual(600_000);
    const report = (n: number, score: number) =>
      withArtifact({ status: 'complete' as const, score, loss: -score, fold_scores: [score], fit_info: {}, artifact_key: `models/detached/${id}/t000${n}.json`, oof_key: `models/detached/${id}/t000${n}.oof` });
    await stub.report('t0000', await report(0, 0.8));
    expect((await stub.view())!.progress.phase).toBe('searching');
    // Two trials with out-of-fold predictions: the job builds its ensemble before it publishes.
    await stub.report('t0001', await report(1, 0.9));
    expect((await stub.view())!.progress).toMatchObject({ phase: 'ensembling', remaining_ms: null });
    await stub.reportEnsemble({ status: 'skipped', reason: 'not needed by the test' });
    const done = (await stub.view())!;
    expect(done.status).toBe('succeeded');
    expect(done.progress).toMatchObject({ phase: 'ended', remaining_ms: null });
  });
});
