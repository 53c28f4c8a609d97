/**
 * SearchCoordinator durability inside workerd with real SQLite storage and alarms: duplicate results,
 * lease expiry of a trial that never reports, restart (replay of the journal), cancel keeping the best
 * model (and saying what it did: nothing published, an ensemble dropped, a job that had already ended),
 * and the budget ending a job. Jobs here belong to a tenant whose queue messages reach a different
 * (empty) coordinator, so no consumer ever reports for them: the test alone decides what each trial does.
 */
import { env } from 'cloudflare:workers';
import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import type { JobConfig } from '../../src/durable/protocol';
import type { SearchCoordinator } from '../../src/durable/search-coordinator';
import { withArtifact, detachedJobConfig } from './helpers';

const config = (id: string, overrides: Partial<JobConfig> = {}): JobConfig => detachedJobConfig(id, overrides);

const complete = (score: number, key = 'models/x.json') => ({ status: 'complete' as const, score, loss: -score, fold_scores: [score], fit_info: {}, artifact_key: key });

// Named differently from `${tenant}/${id}`, so consumers of this job's messages find nothing to claim.
const stubFor = (id: string) => env.SEARCH.getByName(`test-only/${id}`);

/**
 * Reports every trial the job launches as complete (oldest running first) until none runs: its score from
 * `scoreOf`, its loss `lossOf(score)` (the negated score unless given), with an artifact and out-of-fold key.
 */
async function completeEveryTrial(stub: ReturnType<typeof stubFor>, job: string, scoreOf: (t: { family: string; number: number }) => number, lossOf = (score: number) => -score) {
  for (let i = 0; i < 100; i++) {
    const running = (await stub.trials())!.filter((t) => t.status === 'running');
    if (running.length === 0) return;
    const t = running[0];
    const score = scoreOf(t);
    const report = { ...complete(score, `models/detached/${job}/${t.trial_id}.json`), loss: lossOf(score), oof_key: `models/detached/${job}/${t.trial_id}.oof` };
    expect(await stub.report(t.trial_id, await withArtifact(report))).toEqual({ accepted: true });
  }
  throw new Error(`job ${job} still had running trials after 100 reports`);
}

describe('SearchCoordinator', () => {
  it('launches up to the parallelism, records a result once, and ignores a duplicate delivery', async () => {
    const stub = stubFor('dup');
    const view = await stub.start(config('dup'));
    expect(view.progress.trials_running).toBe(2);
    expect(await stub.report('t0000', await withArtifact(complete(0.8)))).toEqual({ accepted: true });
    expect(await stub.report('t0000', await withArtifact(complete(0.99)))).toEqual({ accepted: false });
    const after = await stub.view();
    expect(after?.progress.trials_done).toBe(1);
    expect(after?.best).toMatchObject({ trial_id: 't0000', score: 0.8 });
    // The freed slot was refilled: three trials in total were launched (the trial budget).
    expect(after?.progress.trials_running).toBe(2);
    expect(await stub.start(config('dup'))).toMatchObject({ id: 'dup' });
    expect((await stub.trials())?.length).toBe(3);
    await runInDurableObject(stub, (_: SearchCoordinator, state) => state.storage.deleteAlarm());
  });

  it('gives a claimed trial to its message delivered again (the invocation holding it ended), not to a second message', async () => {
    const stub = stubFor('redelivered');
    await stub.start(config('redelivered', { budget: { seconds: 600, trials: 1 } }));
    expect(await stub.claim('t0000')).not.toBeNull();
    // A second message of the live trial (a resend, a duplicate) gets nothing...
    expect(await stub.claim('t0000')).toBeNull();
    // ...but the queue delivers a message again only once the invocation that held it ended (it died, or
    // gave the trial up): the trial is handed over at once, not after 90 s of silence and the resends.
    const work = await stub.claim('t0000', true);
    expect(work).toMatchObject({ trial_id: 't0000' });
    await runInDurableObject(stub, (_: SearchCoordinator, state) => state.storage.deleteAlarm());
  });

  it('hands a live trial over only to its own message delivered again; another holder keeps it and its heartbeats', async () => {
    type Internals = { lastSeen: Map<string, number> };
    const stub = stubFor('holders');
    await stub.start(config('holders', { budget: { seconds: 600, trials: 1 } }));
    expect(await stub.claim('t0000', false, 'msg-a')).not.toBeNull();
    // A duplicate message whose first delivery failed before its claim comes back as a redelivery: the
    // trial is message a's, whose invocation lives, so b gets nothing; giving up what it never held
    // leaves a holding the trial.
    expect(await stub.claim('t0000', true, 'msg-b')).toBeNull();
    await stub.release('t0000', 'msg-b');
    expect(await stub.claim('t0000', true, 'msg-b')).toBeNull();
    // Message a delivered again (its invocation ended) takes its own trial over at once.
    expect(await stub.claim('t0000', true, 'msg-a')).not.toBeNull();
    // a silent past the claim window, sent again and claimed by c: a's late heartbeat stops a, c keeps going.
    await runInDurableObject(stub, (instance: SearchCoordinator) => {
      (instance as unknown as Internals).lastSeen.set('t0000', Date.now() - 31_000);
    });
    expect(await stub.claim('t0000', false, 'msg-c')).not.toBeNull();
    expect(await stub.heartbeat('t0000', 'msg-a')).toBe(false);
    expect(await stub.heartbeat('t0000', 'msg-c')).toBe(true);
    // a giving up changes nothing for c's trial.
    await stub.release('t0000', 'msg-a');
    expect(await stub.claim('t0000', true, 'msg-a')).toBeNull();
    await runInDurableObject(stub, (_: SearchCoordinator, state) => state.storage.deleteAlarm());
  });

  it('records a failed trial with its reason and keeps searching', async () => {
    const stub = stubFor('throws');
    await stub.start(config('throws', { budget: { seconds: 600, trials: 3 } }));
    expect(await stub.report('t0000', { status: 'failed', code: 'trial_error', reason: 'boom at fold 2' })).toEqual({ accepted: true });
    await stub.report('t0001', await withArtifact(complete(0.7)));
    await stub.report('t0002', await withArtifact(complete(0.72, 'models/detached/throws/t0002.json')));
    const view = await stub.view();
    expect(view?.status).toBe('succeeded');
    expect(view?.progress).toMatchObject({ trials_done: 2, trials_failed: 1, trials_running: 0 });
    expect((await stub.trials())?.[0].error).toEqual({ code: 'trial_error', message: 'boom at fold 2' });
    expect(view?.model).toEqual({ name: 'model-throws', version: 1 });
  });

  it('fails a trial whose lease runs out, and finishes when the budget is spent', async () => {
    const stub = stubFor('lease');
    await stub.start(config('lease', { lease_ms: 1, budget: { seconds: 600, trials: 2 } }));
    // Nothing claims these trials (messages go to an empty coordinator): each is sent twice more, then
    // failed. The alarm may also fire on its own; running it again must be harmless (at-least-once).
    for (let i = 0; i < 6 && (await stub.view())?.progress.trials_failed !== 2; i++) {
      await new Promise((r) => setTimeout(r, 20));
      await runDurableObjectAlarm(stub);
    }
    const view = await stub.view();
    expect(view?.progress.trials_failed).toBe(2);
    const trials = await stub.trials();
    expect(trials?.every((t) => t.error?.code === 'lease_expired')).toBe(true);
    expect(trials?.[0].error?.message).toMatch(/^its message was never picked up \(sent 3 times in \d+ s\)$/);
    // No trial succeeded and the trial budget is spent: the job ends failed, saying why.
    expect(view?.status).toBe('failed');
    expect(view?.error?.code).toBe('no_successful_trial');
    // A late result from an expired trial changes nothing.
    expect(await stub.report('t0000', await withArtifact(complete(0.9)))).toEqual({ accepted: false });
  });

  it('sends a trial again when its message is never picked up, runs it once, and fails a claimed trial only at its lease', async () => {
    // The claim window (30 s) is made to have passed for the unclaimed trial, as if its message was lost.
    const stub = stubFor('resend');
    await stub.start(config('resend', { lease_ms: 600_000, budget: { seconds: 600, trials: 1 } }));
    await runInDurableObject(stub, (instance: SearchCoordinator) => {
      (instance as unknown as { state: { trials: Map<string, { lease_until: number }> } }).state.trials.get('t0000')!.lease_until = 0;
    });
    await runDurableObjectAlarm(stub);
    expect((await stub.view())?.progress).toMatchObject({ trials_running: 1, trials_failed: 0 });
    // The re-sent message (or the original, late) is claimed once; a second delivery gets nothing to run.
    expect(await stub.claim('t0000')).not.toBeNull();
    expect(await stub.claim('t0000')).toBeNull();
    await stub.report('t0000', await withArtifact(complete(0.8, 'models/detached/resend/t0000.json')));
    const view = await stub.view();
    expect(view?.status).toBe('succeeded');
    expect(view?.progress).toMatchObject({ trials_done: 1, trials_failed: 0 });
    // A claimed trial that goes silent is failed at its lease, as a dead invocation.
    const silent = stubFor('silent');
    await silent.start(config('silent', { lease_ms: 1, budget: { seconds: 600, trials: 1 } }));
    expect(await silent.claim('t0000')).not.toBeNull();
    await new Promise((r) => setTimeout(r, 5));
    await runDurableObjectAlarm(silent);
    expect((await silent.trials())?.[0].error).toEqual({ code: 'lease_expired', message: "no result within 0 s; the trial's invocation probably died" });
  });

  it('sends a claimed trial again when its consumer goes silent, and a live consumer keeps it', async () => {
    type Internals = { lastSeen: Map<string, number>; state: { trials: Map<string, { lease_until: number; claimed?: boolean; resends?: number }> } };
    const lease = 600_000;
    // Makes the trial's consumer silent for `ms`: as if its last heartbeat (in memory and in the journal) was that long ago.
    const silenceFor = (stub: ReturnType<typeof stubFor>, ms: number) =>
      runInDurableObject(stub, (instance: SearchCoordinator) => {
        const inner = instance as unknown as Internals;
        inner.lastSeen.set('t0000', Date.now() - ms);
        inner.state.trials.get('t0000')!.lease_until = Date.now() + lease - ms;
      });
    const trialState = (stub: ReturnType<typeof stubFor>) =>
      runInDurableObject(stub, (instance: SearchCoordinator) => ({ ...(instance as unknown as Internals).state.trials.get('t0000')! }));

    const stub = stubFor('mute');
    await stub.start(config('mute', { lease_ms: lease, budget: { seconds: 600, trials: 1 } }));
    expect(await stub.claim('t0000')).not.toBeNull();
    // Silent for a minute: still alive as far as the job knows.
    await silenceFor(stub, 60_000);
    await runDurableObjectAlarm(stub);
    expect(await trialState(stub)).toMatchObject({ claimed: true });
    expect((await trialState(stub)).resends).toBeUndefined();
    // Silent past 90 s, long before its 10-minute lease: sent again, and the new delivery claims it once.
    await silenceFor(stub, 91_000);
    await runDurableObjectAlarm(stub);
    expect(await trialState(stub)).toMatchObject({ claimed: false, resends: 1 });
    expect((await stub.view())?.progress).toMatchObject({ trials_running: 1, trials_failed: 0 });
    expect(await stub.claim('t0000')).not.toBeNull();
    expect(await stub.claim('t0000')).toBeNull();
    await stub.report('t0000', await withArtifact(complete(0.8, 'models/detached/mute/t0000.json')));
    expect((await stub.view())?.status).toBe('succeeded');

    // A consumer that was only slow: its next heartbeat claims the trial back, so the new delivery runs nothing.
    const slow = stubFor('slow');
    await slow.start(config('slow', { lease_ms: lease, budget: { seconds: 600, trials: 1 } }));
    expect(await slow.claim('t0000')).not.toBeNull();
    await silenceFor(slow, 91_000);
    await runDurableObjectAlarm(slow);
    expect(await slow.heartbeat('t0000')).toBe(true);
    expect(await trialState(slow)).toMatchObject({ claimed: true, resends: 1 });
    expect(await slow.claim('t0000')).toBeNull();

    // Silent, then never claimed again: it fails saying so once its resends are spent.
    const gone = stubFor('gone');
    await gone.start(config('gone', { lease_ms: lease, budget: { seconds: 600, trials: 1 } }));
    expect(await gone.claim('t0000')).not.toBeNull();
    await silenceFor(gone, 91_000);
    await runDurableObjectAlarm(gone);
    for (let i = 0; i < 2; i++) {
      await runInDurableObject(gone, (instance: SearchCoordinator) => {
        (instance as unknown as Internals).state.trials.get('t0000')!.lease_until = 0;
      });
      await runDurableObjectAlarm(gone);
    }
    expect((await gone.trials())?.[0].error?.message).toMatch(/^its invocation went silent and it was not picked up again \(sent 3 times in \d+ s\)$/);
    expect((await gone.view())?.status).toBe('failed');
  });

  it('stops a search whose first 10 trials all fail the same way, none succeeding', async () => {
    const stub = stubFor('hopeless');
    await stub.start(config('hopeless', { budget: { seconds: 600, trials: 500 } }));
    const failure = { status: 'failed' as const, code: 'invalid_dataset', reason: 'no usable feature columns' };
    for (let i = 0; i < 10; i++) {
      const running = (await stub.trials())!.filter((t) => t.status === 'running');
      expect(await stub.report(running[0].trial_id, failure)).toEqual({ accepted: true });
    }
    const view = await stub.view();
    expect(view?.status).toBe('failed');
    expect(view?.error).toMatchObject({ code: 'no_successful_trial', message: expect.stringContaining('no usable feature columns') });
    const trials = (await stub.trials())!;
    expect(trials.length).toBeLessThan(15);
    expect(trials.filter((t) => t.status === 'running')).toHaveLength(0);
    // Failures that differ (a configuration's, not the data's) do not stop it.
    const mixed = stubFor('mixed');
    await mixed.start(config('mixed', { budget: { seconds: 600, trials: 500 } }));
    for (let i = 0; i < 12; i++) {
      const running = (await mixed.trials())!.filter((t) => t.status === 'running');
      await mixed.report(running[0].trial_id, { ...failure, reason: `fold ${i} diverged` });
    }
    expect((await mixed.view())?.status).toBe('running');
    await mixed.cancel();
  });

  it('resumes from its journal after a restart', async () => {
    const stub = stubFor('restart');
    await stub.start(config('restart'));
    await stub.report('t0000', await withArtifact(complete(0.7)));
    const before = await stub.view();
    // Build a fresh object over the same storage, as the runtime does after an eviction.
    const replayed = await runInDurableObject(stub, (instance: SearchCoordinator, state) => {
      const Coordinator = instance.constructor as new (s: DurableObjectState, e: Env) => SearchCoordinator;
      return new Coordinator(state, env).view();
    });
    // The same view but for its clocks (elapsed and remaining time), which move between the two reads.
    expect(replayed).toEqual({ ...before, progress: { ...before!.progress, elapsed_ms: replayed!.progress.elapsed_ms, remaining_ms: replayed!.progress.remaining_ms } });
    await runInDurableObject(stub, (_: SearchCoordinator, state) => state.storage.deleteAlarm());
  });

  it('cancels cleanly, publishing the best model so far', async () => {
    const stub = stubFor('cancel');
    await stub.start(config('cancel'));
    await stub.report('t0001', await withArtifact(complete(0.75, 'models/detached/cancel/t0001.json')));
    expect(await stub.heartbeat('t0000')).toBe(true);
    const view = await stub.cancel();
    // A trial still computing learns at its next heartbeat that it should stop.
    expect(await stub.heartbeat('t0000')).toBe(false);
    expect(view?.status).toBe('cancelled');
    expect(view?.model).toEqual({ name: 'model-cancel', version: 1 });
    expect(view?.progress.trials_running).toBe(0);
    const resolved = await env.REGISTRY.getByName('detached').resolveModel('model-cancel');
    expect(resolved).toMatchObject({ version: 1, trial_id: 't0001', artifact_key: 'models/detached/cancel/t0001.json', score: 0.75 });
    // Cancelling again changes nothing.
    expect((await stub.cancel())?.model).toEqual({ name: 'model-cancel', version: 1 });
  });

  it('says a job cancelled before any trial finished published nothing, in the answer and in the view', async () => {
    const stub = stubFor('cancel-early');
    await stub.start(config('cancel-early'));
    const answer = await stub.cancel();
    expect(answer?.status).toBe('cancelled');
    expect(answer?.model).toBeUndefined();
    expect(answer?.error).toBeUndefined();
    expect(answer?.cancel).toEqual({ already_ended: false, message: 'cancelled before any trial finished: nothing was published, and model "model-cancel-early" got no version from this job' });
    const warning = 'the job was cancelled before any trial finished: nothing was published, and model "model-cancel-early" got no version from this job (a champion it already had keeps serving)';
    expect(answer?.warnings).toEqual([warning]);
    expect((await stub.view())?.warnings).toEqual([warning]);

    // With failed trials only, the error says why none succeeded and the warning counts them.
    const failing = stubFor('cancel-failed');
    await failing.start(config('cancel-failed'));
    await failing.report('t0000', { status: 'failed', code: 'trial_error', reason: 'boom' });
    const failed = await failing.cancel();
    expect(failed?.error?.code).toBe('no_successful_trial');
    expect(failed?.cancel.message).toBe('cancelled before any trial finished successfully (1 failed): nothing was published, and model "model-cancel-failed" got no version from this job');
    expect(failed?.warnings?.[0]).toMatch(/^the job was cancelled before any trial finished successfully \(1 failed\): nothing was published/);
  });

  it('a cancel while the ensemble is being built publishes the best trial, and the ensemble says it was dropped', async () => {
    const stub = stubFor('cancel-ensemble');
    await stub.start(config('cancel-ensemble', { budget: { seconds: 600, trials: 3 } }));
    // Three trials with out-of-fold predictions: the budget is spent and the ensemble build starts.
    await completeEveryTrial(stub, 'cancel-ensemble', (t) => 0.7 + 0.01 * t.number);
    expect((await stub.view())?.ensemble).toEqual({ status: 'running' });
    const answer = await stub.cancel();
    expect(answer?.status).toBe('cancelled');
    expect(answer?.model).toEqual({ name: 'model-cancel-ensemble', version: 1 });
    const published = await env.REGISTRY.getByName('detached').resolveModel('model-cancel-ensemble');
    expect(published?.trial_id).toBe('t0002');
    const dropped = { status: 'skipped', reason: 'the job was cancelled while its ensemble was being built: its best trial is published as it is, without an ensemble' };
    expect(answer?.ensemble).toEqual(dropped);
    expect(answer?.cancel).toEqual({
      already_ended: false,
      message: `cancelled: its best trial so far, t0002 (${published?.family}), is published as model "model-cancel-ensemble" v1, without the ensemble that was being built (dropped by the cancel)`,
    });
    // The build reports after the end: refused (any file it wrote may go: no ensemble was accepted), and the
    // view keeps saying why there is no ensemble.
    expect(await stub.reportEnsemble({ status: 'skipped', reason: 'late' })).toEqual({ accepted: false, discard: true });
    expect((await stub.view())?.ensemble).toEqual(dropped);
  });

  it('a cancel while a recorded publication waits for its retry publishes what was decided, not the best single trial', async () => {
    const id = 'cancel-publishing';
    const stub = stubFor(id);
    await stub.start(config(id, { budget: { seconds: 600, trials: 3 } }));
    await completeEveryTrial(stub, id, (t) => 0.7 + 0.01 * t.number);
    // The ensemble beat the trials and its publication was recorded, then the Registry call failed (the
    // alarm retries it): the journal as it stands then, written without running the steps.
    const ensemble = await withArtifact({ status: 'complete' as const, score: 0.9, loss: -0.9, artifact_key: `models/detached/${id}/ensemble.json`, members: [{ trial_id: 't0001', weight: 0.5 }, { trial_id: 't0002', weight: 0.5 }] });
    await runInDurableObject(stub, (instance: SearchCoordinator) => {
      const append = (instance as unknown as { append: (op: unknown) => void }).append.bind(instance);
      append({ op: 'ensemble_finished', report: ensemble, at: Date.now() });
      append({ op: 'publishing', trial_id: 'ensemble', status: 'succeeded', at: Date.now() });
    });
    const answer = await stub.cancel();
    const published = await env.REGISTRY.getByName('detached').resolveModel(`model-${id}`);
    expect(published).toMatchObject({ trial_id: 'ensemble', family: 'ensemble' });
    expect(answer?.status).toBe('succeeded');
    expect(answer?.model).toMatchObject({ name: `model-${id}`, version: 1 });
    expect(answer?.cancel).toMatchObject({ already_ended: false, message: expect.stringMatching(/^the cancel is recorded; job cancel-publishing is publishing its result/) });
  });

  it('answers a cancel of a job that already ended with the job as it was, saying nothing was cancelled', async () => {
    const stub = stubFor('cancel-late');
    await stub.start(config('cancel-late', { budget: { seconds: 600, trials: 1 } }));
    await stub.report('t0000', await withArtifact(complete(0.8, 'models/detached/cancel-late/t0000.json')));
    const before = await stub.view();
    expect(before?.status).toBe('succeeded');
    const answer = await stub.cancel();
    expect(answer?.status).toBe('succeeded');
    expect(answer?.cancel).toEqual({ already_ended: true, message: `job cancel-late had already ended (succeeded at ${before?.finished_at}): nothing was cancelled; it published model "model-cancel-late" v1` });
    expect(answer?.warnings).toBeUndefined();
    // A job ended without a model says so too.
    const empty = stubFor('cancel-twice');
    await empty.start(config('cancel-twice'));
    await empty.cancel();
    expect((await empty.cancel())?.cancel).toMatchObject({ already_ended: true, message: expect.stringMatching(/^job cancel-twice had already ended \(cancelled at .+\): nothing was cancelled; it published no model$/) });
  });

  it('launches nothing once the time budget has passed and ends the job', async () => {
    const stub = stubFor('deadline');
    await stub.start(config('deadline', { created_at: Date.now() - 10 * 60_000, budget: { seconds: 5 } }));
    const view = await stub.view();
    // Created long ago with a 5-second budget: nothing is launched and the job ends without a model.
    expect(view?.status).toBe('failed');
    expect(view?.progress.trials_running).toBe(0);
  });

  it('offers the ensemble the best 20 trials by loss plus the best trial of every other family', async () => {
    const stub = stubFor('pool');
    await stub.start(config('pool', { budget: { seconds: 600, trials: 26 }, seed: 3 }));
    // Linear trials all score below every gbdt trial, so with 20 or more gbdt trials none is in the top 20.
    const scoreOf = (t: { family: string; number: number }) => (t.family === 'linear' ? 0.1 : 0.5) + 0.001 * t.number;
    await completeEveryTrial(stub, 'pool', (t) => scoreOf(t));
    const trials = (await stub.trials())!.filter((t) => t.status === 'complete');
    const byScore = [...trials].sort((a, b) => scoreOf(b) - scoreOf(a));
    const linear = byScore.filter((t) => t.family === 'linear');
    // The situation the pool is for: the leaders are all one family's, the other family ranks below them.
    expect(trials).toHaveLength(26);
    expect(linear.length).toBeGreaterThan(0);
    expect(byScore.slice(0, 20).every((t) => t.family === 'gbdt')).toBe(true);
    const work = await stub.claimEnsemble();
    const offered = work!.candidates.map((c) => c.trial_id);
    expect(offered).toEqual([...byScore.slice(0, 20).map((t) => t.trial_id), linear[0].trial_id]);
    await stub.reportEnsemble({ status: 'skipped', reason: 'not needed by the test' });
  });

  it('starts the ensemble step\'s lease again when a consumer claims it, so its wait in the queue is not held against it', async () => {
    const stub = stubFor('step-lease');
    await stub.start(config('step-lease', { budget: { seconds: 600, trials: 3 } }));
    await completeEveryTrial(stub, 'step-lease', (t) => 0.5 + 0.01 * t.number);
    type Internals = { state: { ensemble?: { state: string; lease_until: number; resends?: number } } };
    // Its message waited in the queue until 1 s was left of the lease.
    await runInDurableObject(stub, (instance: SearchCoordinator) => {
      const ensemble = (instance as unknown as Internals).state.ensemble!;
      expect(ensemble.state).toBe('running');
      ensemble.lease_until = Date.now() + 1_000;
    });
    expect(await stub.claimEnsemble()).not.toBeNull();
    const renewed = await runInDurableObject(stub, (instance: SearchCoordinator) => ({ ...(instance as unknown as Internals).state.ensemble! }));
    expect(renewed.lease_until).toBeGreaterThan(Date.now() + 100_000);
    // The lease's expiry would have sent the step again (and failed it after the resend): a claimed build keeps it.
    await new Promise((r) => setTimeout(r, 1_100));
    await runDurableObjectAlarm(stub);
    const after = await runInDurableObject(stub, (instance: SearchCoordinator) => ({ ...(instance as unknown as Internals).state.ensemble! }));
    expect(after).toMatchObject({ state: 'running' });
    expect(after.resends ?? 0).toBe(0);
    await stub.reportEnsemble({ status: 'skipped', reason: 'not needed by the test' });
    expect((await stub.view())?.status).toBe('succeeded');
  });

  it('offers the ensemble only as many candidates as its memory holds', async () => {
    const stub = stubFor('pool-memory');
    // 2,000,000 rows of 10 class probabilities: one out-of-fold matrix is 80 MB, so only the best two are offered.
    const wide = { dataset: { name: 'd', version: 1, key: 'datasets/none', rows: 2_000_000, cols: 4 }, task: 'multiclass' as const, classes: [...'abcdefghij'], metric: 'log_loss' as const, greater_is_better: false };
    await stub.start(config('pool-memory', { ...wide, strategy: 'random', budget: { seconds: 600, trials: 5 } }));
    const losses = [0.5, 0.2, 0.4, 0.1, 0.3];
    // log_loss is lower-better: the reported score is the loss itself.
    await completeEveryTrial(stub, 'pool-memory', (t) => losses[t.number], (v) => v);
    const work = await stub.claimEnsemble();
    expect(work!.candidates.map((c) => c.trial_id)).toEqual(['t0003', 't0001']);
    await stub.reportEnsemble({ status: 'skipped', reason: 'not needed by the test' });
  });
});
