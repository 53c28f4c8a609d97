/**
 * SearchCoordinator restarts inside workerd: the object is reset (ctx.abort, as the runtime does after a
 * crash or an eviction) and the next call constructs it again from its SQLite journal. A claimed trial not
 * heard of is sent again after the short restart grace (not after 90 s of silence), a consumer that
 * heartbeats keeps its trial, the time the object was down extends the budget once (journaled, so a
 * replay gives the same deadline) and the view says so, a trial's fit time is its consumer's, and the
 * ensemble step is sent again promptly; a trial or ensemble step lost in restart after restart is sent
 * again MAX_RESTART_RESENDS times (counted in the journal), then fails, and the job still ends. The restart grace is made to have passed by moving the new
 * object's construction time back, as the existing suites move leases; no test waits for it.
 */
import { env } from 'cloudflare:workers';
import { createExecutionContext, createMessageBatch, getQueueResult, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { type JournalOp, replay, searchDeadline } from '../../src/durable/job-journal';
import { MAX_RESTART_RESENDS } from '../../src/durable/restart-recovery';
import type { JobConfig, TrialMessage } from '../../src/durable/protocol';
import type { SearchCoordinator } from '../../src/durable/search-coordinator';
import { handleTrialBatch } from '../../src/worker/queue/trial-consumer';
import { detachedJobConfig, withArtifact } from './helpers';
import { send, SMALL_CSV, tenantKey } from './tenant';

type Stub = ReturnType<typeof env.SEARCH.getByName>;
type Internals = {
  state: {
    config: { created_at: number };
    trials: Map<string, { claimed?: boolean; resends?: number; restart_resends?: number; went_silent?: boolean; started_at: number }>;
    ensemble?: { resends?: number; restart_resends?: number; lease_until: number };
  };
  host: { inherited: { since: number } };
};

// Named differently from `${tenant}/${id}`, so consumers of this job's messages find nothing to claim.
const nameOf = (id: string) => `test-only/${id}`;
const stubFor = (id: string) => env.SEARCH.getByName(nameOf(id));
const config = (id: string, overrides: Partial<JobConfig> = {}): JobConfig => detachedJobConfig(id, { lease_ms: 300_000, ...overrides });
const complete = (score: number, key: string) => ({ status: 'complete' as const, score, loss: -score, fold_scores: [score], fit_info: {}, artifact_key: key });

/** Resets the object, as a crash or an eviction does; the returned stub's next call constructs it again from storage. */
async function restart(id: string): Promise<Stub> {
  await runInDurableObject(stubFor(id), (_: SearchCoordinator, state) => state.abort('test: restart')).catch(() => undefined);
  return stubFor(id);
}

/** As if the object had been constructed `ms` ago: the restart grace counts from then. */
const constructedAgo = (stub: Stub, ms: number) =>
  runInDurableObject(stub, (instance: SearchCoordinator) => {
    (instance as unknown as Internals).host.inherited.since = Date.now() - ms;
  });

/** As if the object's last sign of life (before a restart) was `ms` ago. */
const lastActiveAgo = (stub: Stub, ms: number) =>
  runInDurableObject(stub, (_: SearchCoordinator, state) => {
    state.storage.sql.exec('UPDATE activity SET at = ?', Date.now() - ms);
  });

const journalOf = (stub: Stub) =>
  runInDurableObject(stub, (_: SearchCoordinator, state) => state.storage.sql.exec<{ op: string }>('SELECT op FROM journal ORDER BY seq').toArray().map((r) => JSON.parse(r.op) as JournalOp));

const trialState = (stub: Stub, trialId: string) => runInDurableObject(stub, (instance: SearchCoordinator) => ({ ...(instance as unknown as Internals).state.trials.get(trialId)! }));

const resentOps = async (stub: Stub) => (await journalOf(stub)).filter((op): op is Extract<JournalOp, { op: 'resent' }> => op.op === 'resent');

/** A restart, then the restart grace passed and the alarm run: what a restarted runtime's coordinator does to the steps it inherited. */
async function restartAndWaitOut(id: string): Promise<Stub> {
  const stub = await restart(id);
  await constructedAgo(stub, 13_000);
  await runDurableObjectAlarm(stub);
  return stub;
}

const stopAlarm = (stub: Stub) => runInDurableObject(stub, (_: SearchCoordinator, state) => state.storage.deleteAlarm());

describe('a SearchCoordinator restarted while its job runs', () => {
  it('arms its alarm again when constructed without one (its start died before arming it), so the job moves on', async () => {
    const id = 'restart-no-alarm';
    await stubFor(id).start(config(id, { budget: { seconds: 600, trials: 1 } }));
    await stopAlarm(stubFor(id));
    const stub = await restart(id);
    expect((await stub.view())?.status).toBe('running');
    // Armed at once, the alarm may be running (and so unset) for a moment: it is looked for a while.
    const alarmOf = () => runInDurableObject(stub, (_: SearchCoordinator, state) => state.storage.getAlarm());
    let armed = await alarmOf();
    for (let i = 0; i < 40 && armed === null; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      armed = await alarmOf();
    }
    expect(armed).not.toBeNull();
    // The alarm it armed runs the job's steps: its trial, never claimed, is sent again once its claim window passes.
    await runInDurableObject(stub, (instance: SearchCoordinator) => {
      const t = (instance as unknown as Internals).state.trials.get('t0000') as unknown as { lease_until: number };
      t.lease_until = Date.now() - 1;
    });
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect((await resentOps(stub)).map((op) => op.trial_id)).toContain('t0000');
  });

  it('sends a claimed trial it does not hear from again after the short grace, and runs it once', async () => {
    const id = 'restart-claimed';
    await stubFor(id).start(config(id, { budget: { seconds: 600, trials: 2 } }));
    expect(await stubFor(id).claim('t0000')).not.toBeNull();
    const stub = await restart(id);
    // Nothing is known to run any more: both trials hold their slots but are said to be waiting.
    expect((await stub.view())?.progress).toMatchObject({ trials_running: 2, trials_waiting: 2 });
    // Within the grace a live consumer could still heartbeat: nothing is sent again.
    await runDurableObjectAlarm(stub);
    expect(await resentOps(stub)).toEqual([]);
    expect(await trialState(stub, 't0000')).toMatchObject({ claimed: true });
    // Past it (long before the 90 s of silence a live object allows): both are sent again, not counted as resends.
    await constructedAgo(stub, 13_000);
    await runDurableObjectAlarm(stub);
    const resent = await resentOps(stub);
    expect(resent.map((op) => [op.trial_id, op.after_restart, op.silent])).toEqual([
      ['t0000', true, true],
      ['t0001', true, undefined],
    ]);
    expect(await trialState(stub, 't0000')).toMatchObject({ claimed: false, went_silent: true });
    expect((await trialState(stub, 't0000')).resends).toBeUndefined();
    // The new delivery claims it once; a duplicate delivery gets nothing to run.
    expect(await stub.claim('t0000')).not.toBeNull();
    expect(await stub.claim('t0000')).toBeNull();
    expect((await stub.view())?.progress).toMatchObject({ trials_running: 2, trials_waiting: 1 });
    expect(await stub.report('t0000', await withArtifact(complete(0.8, `models/detached/${id}/t0000.json`)))).toEqual({ accepted: true });
    expect(await stub.report('t0000', await withArtifact(complete(0.9, `models/detached/${id}/t0000.json`)))).toEqual({ accepted: false });
    await stub.cancel();
  });

  it('keeps a trial whose consumer heartbeats after the restart, sending only the silent one again', async () => {
    const id = 'restart-live';
    await stubFor(id).start(config(id, { budget: { seconds: 600, trials: 2 } }));
    expect(await stubFor(id).claim('t0000')).not.toBeNull();
    expect(await stubFor(id).claim('t0001')).not.toBeNull();
    const stub = await restart(id);
    // t0000's consumer is alive (an eviction with consumers still running): its next heartbeat is heard.
    expect(await stub.heartbeat('t0000')).toBe(true);
    expect((await stub.view())?.progress).toMatchObject({ trials_running: 2, trials_waiting: 1 });
    await constructedAgo(stub, 13_000);
    await runDurableObjectAlarm(stub);
    expect((await resentOps(stub)).map((op) => op.trial_id)).toEqual(['t0001']);
    expect(await trialState(stub, 't0000')).toMatchObject({ claimed: true });
    await stub.cancel();
  });

  it('extends the time budget once by the time it was down, journaled, and says so', async () => {
    const id = 'restart-budget';
    const interrupted = (warnings: readonly string[] | undefined) => (warnings ?? []).filter((w) => w.includes('interrupted'));
    const created = await stubFor(id).start(config(id, { budget: { seconds: 600 } }));
    expect(interrupted(created.warnings)).toEqual([]);
    await lastActiveAgo(stubFor(id), 36_000);
    const stub = await restart(id);
    const view = await stub.view();
    const resumed = (await journalOf(stub)).filter((op): op is Extract<JournalOp, { op: 'resumed' }> => op.op === 'resumed');
    expect(resumed).toHaveLength(1);
    expect(resumed[0].down_ms).toBeGreaterThanOrEqual(36_000);
    expect(resumed[0].extend_ms).toBe(resumed[0].down_ms);
    const seconds = Math.round(resumed[0].down_ms / 1000);
    expect(interrupted(view?.warnings)).toEqual([`the search was interrupted for ${seconds} s (its coordinator was down); its time budget was extended by as much, to ${600 + seconds} s`]);
    // The view's time left counts the extension: more than the 600 s the job was created with.
    expect(view?.progress.remaining_ms).toBeGreaterThan(600_000);
    // The deadline replays the same from the journal alone.
    const live = await runInDurableObject(stub, (instance: SearchCoordinator) => searchDeadline((instance as unknown as Internals).state as never));
    expect(searchDeadline(replay(await journalOf(stub)))).toBe(live);
    expect(live).toBe(Date.parse(view!.created_at) + 600_000 + resumed[0].extend_ms);
    // Constructed again at once: no new gap, so nothing more is extended.
    const again = await restart(id);
    expect((await journalOf(again)).filter((op) => op.op === 'resumed')).toHaveLength(1);
    expect(interrupted((await again.view())?.warnings)).toHaveLength(1);
    await again.cancel();
  });

  it('keeps searching for the budget it had left when its deadline passed while it was down', async () => {
    // Both jobs had 10 s left when the object went down; once it is constructed again, 30 s more are made
    // to have passed, past their first deadline. The one down for a minute has its deadline moved by it and
    // starts another trial when one reports; the one down for an instant (nothing to extend) is out of
    // time and starts none.
    const jobs = { down: 'restart-deadline', instant: 'restart-no-gap' };
    for (const id of Object.values(jobs)) await stubFor(id).start(config(id, { created_at: Date.now() - 20_000, budget: { seconds: 30 } }));
    await lastActiveAgo(stubFor(jobs.down), 60_000);
    const counts: Record<string, number> = {};
    for (const [what, id] of Object.entries(jobs)) {
      const stub = await restart(id);
      await runInDurableObject(stub, (instance: SearchCoordinator) => {
        (instance as unknown as Internals).state.config.created_at -= 30_000;
      });
      await stub.report('t0000', await withArtifact(complete(0.8, `models/detached/${id}/t0000.json`)));
      counts[what] = (await stub.trials())!.length;
      await stub.cancel();
    }
    expect(counts).toEqual({ down: 3, instant: 2 });
  });

  it('sends the ensemble step again promptly, not at the end of its 2-minute lease', async () => {
    const id = 'restart-ensemble';
    await stubFor(id).start(config(id, { budget: { seconds: 600, trials: 3 } }));
    for (const t of ['t0000', 't0001', 't0002']) {
      const report = { ...complete(0.7 + Number(t.slice(-1)) / 100, `models/detached/${id}/${t}.json`), oof_key: `models/detached/${id}/${t}.oof` };
      expect(await stubFor(id).report(t, await withArtifact(report))).toEqual({ accepted: true });
    }
    expect((await stubFor(id).view())?.ensemble).toEqual({ status: 'running' });
    const stub = await restart(id);
    await runDurableObjectAlarm(stub);
    expect(await resentOps(stub)).toEqual([]);
    await constructedAgo(stub, 13_000);
    await runDurableObjectAlarm(stub);
    expect((await resentOps(stub)).map((op) => [op.what, op.after_restart])).toEqual([['ensemble', true]]);
    // Not counted against the step's one resend after its lease.
    const ensemble = await runInDurableObject(stub, (instance: SearchCoordinator) => ({ ...(instance as unknown as Internals).state.ensemble! }));
    expect(ensemble.resends).toBeUndefined();
    expect(ensemble.lease_until).toBeGreaterThan(Date.now() + 60_000);
    expect(await stub.claimEnsemble()).not.toBeNull();
    expect(await stub.reportEnsemble({ status: 'skipped', reason: 'not needed by the test' })).toEqual({ accepted: true });
    expect((await stub.view())?.status).toBe('succeeded');
  });

  it('fails a trial lost in restart after restart, naming them, and the job still ends', async () => {
    const id = 'restart-loop-trial';
    await stubFor(id).start(config(id, { budget: { seconds: 600, trials: 2 } }));
    expect(await stubFor(id).report('t0001', await withArtifact(complete(0.7, `models/detached/${id}/t0001.json`)))).toEqual({ accepted: true });
    // Each time, t0000 is picked up again and the runtime goes down with it (its work crashes it, say).
    for (let n = 1; n <= MAX_RESTART_RESENDS; n++) {
      expect(await stubFor(id).claim('t0000')).not.toBeNull();
      const stub = await restartAndWaitOut(id);
      expect((await resentOps(stub)).map((op) => [op.trial_id, op.after_restart])).toEqual(Array.from({ length: n }, () => ['t0000', true]));
      expect(await trialState(stub, 't0000')).toMatchObject({ restart_resends: n });
      expect((await trialState(stub, 't0000')).resends).toBeUndefined();
    }
    // The count is journaled: the replay gives it back.
    const beforeLast = replay(await journalOf(stubFor(id))).trials.get('t0000');
    expect(beforeLast?.restart_resends).toBe(MAX_RESTART_RESENDS);
    expect(await stubFor(id).claim('t0000')).not.toBeNull();
    const stub = await restartAndWaitOut(id);
    // Lost once more: failed, not sent again, and the job (its trial budget spent) publishes t0001.
    expect(await resentOps(stub)).toHaveLength(MAX_RESTART_RESENDS);
    const t0 = (await stub.trials())!.find((t) => t.trial_id === 't0000')!;
    expect(t0.status).toBe('failed');
    expect(t0.error?.code).toBe('lost_in_restarts');
    expect(t0.error?.message).toContain(`was lost in ${MAX_RESTART_RESENDS + 1} runtime restarts`);
    const view = (await stub.view())!;
    expect(view.status).toBe('succeeded');
    expect(view.progress).toMatchObject({ trials_done: 1, trials_failed: 1, trials_running: 0 });
    expect(view.best?.trial_id).toBe('t0001');
    expect(view.model?.name).toBeDefined();
  });

  it('fails an ensemble step lost in restart after restart, publishing the best single trial', async () => {
    const id = 'restart-loop-ensemble';
    await stubFor(id).start(config(id, { budget: { seconds: 600, trials: 3 } }));
    for (const t of ['t0000', 't0001', 't0002']) {
      const report = { ...complete(0.7 + Number(t.slice(-1)) / 100, `models/detached/${id}/${t}.json`), oof_key: `models/detached/${id}/${t}.oof` };
      expect(await stubFor(id).report(t, await withArtifact(report))).toEqual({ accepted: true });
    }
    for (let n = 1; n <= MAX_RESTART_RESENDS; n++) {
      expect(await stubFor(id).claimEnsemble()).not.toBeNull();
      const stub = await restartAndWaitOut(id);
      expect((await resentOps(stub)).map((op) => [op.what, op.after_restart])).toEqual(Array.from({ length: n }, () => ['ensemble', true]));
      const ensemble = await runInDurableObject(stub, (instance: SearchCoordinator) => ({ ...(instance as unknown as Internals).state.ensemble! }));
      expect(ensemble).toMatchObject({ restart_resends: n });
      expect(ensemble.resends).toBeUndefined();
      expect((await stub.view())?.status).toBe('running');
    }
    expect(replay(await journalOf(stubFor(id))).ensemble?.restart_resends).toBe(MAX_RESTART_RESENDS);
    expect(await stubFor(id).claimEnsemble()).not.toBeNull();
    const stub = await restartAndWaitOut(id);
    expect(await resentOps(stub)).toHaveLength(MAX_RESTART_RESENDS);
    const view = (await stub.view())!;
    expect(view.status).toBe('succeeded');
    expect(view.ensemble).toMatchObject({ status: 'failed' });
    expect((view.ensemble as { reason?: string }).reason).toContain(`the ensemble build was lost in ${MAX_RESTART_RESENDS + 1} runtime restarts`);
    // The best single trial is the job's model.
    expect(view.best?.trial_id).toBe('t0002');
    expect(view.model?.version).toBeGreaterThanOrEqual(1);
  });

  it("shows a re-sent trial's fit time as its consumer measured it, and an older report's as before", async () => {
    const key = await tenantKey('restart-fit', 'restart-test');
    expect((await send({ method: 'PUT', path: '/v1/datasets/restart-fit', body: SMALL_CSV, contentType: 'text/csv', key })).status).toBe(201);
    const dataset = await env.REGISTRY.getByName('restart-fit').getDataset('restart-fit');
    const id = 'restart-fit';
    const job = config(id, { dataset: { name: 'restart-fit', version: 1, key: dataset!.data_key, rows: 60, cols: 3 }, target: 'label', classes: ['no', 'yes'], families: ['linear'], budget: { seconds: 600, trials: 2 }, folds: 3 });
    await stubFor(id).start(job);
    expect(await stubFor(id).claim('t0000')).not.toBeNull();
    const stub = await restart(id);
    await constructedAgo(stub, 13_000);
    await runDurableObjectAlarm(stub);
    // As if the trial had started a minute ago: its start-to-finish time now counts the downtime and the wait.
    await runInDurableObject(stub, (instance: SearchCoordinator) => {
      (instance as unknown as Internals).state.trials.get('t0000')!.started_at -= 60_000;
    });
    const batch = createMessageBatch<TrialMessage>('edge-automl-trials', [{ id: 'm1', timestamp: new Date(), attempts: 1, body: { tenant: 'test-only', job_id: id, trial_id: 't0000' } }]);
    const ctx = createExecutionContext();
    await handleTrialBatch(batch, env);
    expect((await getQueueResult(batch, ctx)).explicitAcks).toEqual(['m1']);
    const finished = (await journalOf(stub)).find((op): op is Extract<JournalOp, { op: 'trial_finished' }> => op.op === 'trial_finished' && op.trial_id === 't0000');
    expect(finished?.report.status).toBe('complete');
    const consumerMs = finished!.report.fit_ms!;
    expect(consumerMs).toBeGreaterThanOrEqual(0);
    const trials = (await stub.trials())!;
    const t0 = trials.find((t) => t.trial_id === 't0000')!;
    expect(t0.fit_ms).toBe(consumerMs);
    expect(Date.parse(t0.finished_at!) - Date.parse(t0.started_at)).toBeGreaterThan(consumerMs);
    expect((await stub.view())?.leaderboard.find((e) => e.trial_id === 't0000')?.fit_ms).toBe(consumerMs);
    // A report without the consumer's measure (sent before it existed): start to finish, as before.
    expect(await stub.report('t0001', await withArtifact(complete(0.7, `models/detached/${id}/t0001.json`)))).toEqual({ accepted: true });
    const t1 = (await stub.trials())!.find((t) => t.trial_id === 't0001')!;
    expect(t1.fit_ms).toBe(Date.parse(t1.finished_at!) - Date.parse(t1.started_at));
    await stopAlarm(stub);
  });
});
