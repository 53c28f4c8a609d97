/**
 * The job view's `reproducible` inside workerd: through the API, a seeded job with a budget of trials
 * alone is reproducible under the conditions it names (its seed, parallelism and dataset version), a job
 * without a seed is too, with the default seed it names, and a job with a time budget is not, saying why;
 * a cancel makes a trials-only job's run no longer what its settings reproduce. On coordinators driven by
 * hand (their messages reach nobody) and journals replayed: a trial failed by the runtime (its lease ran
 * out, or it was lost in restarts), an ensemble build that timed out, a trials-only search cut by its cap
 * of seconds, and a scheduled retraining run are each not reproducible, with their reason.
 */
import { env } from 'cloudflare:workers';
import { runDurableObjectAlarm } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { ENSEMBLE_TIMED_OUT } from '../../src/durable/final-steps';
import { type JournalOp, replay } from '../../src/durable/job-journal';
import { jobView } from '../../src/durable/job-view';
import type { JobConfig, JobView } from '../../src/durable/protocol';
import { detachedJobConfig, json, waitForJob } from './helpers';
import { send, SMALL_CSV } from './tenant';

type Reproducible = JobView['reproducible'];

async function createJob(body: Record<string, unknown>): Promise<string> {
  const res = await send({ method: 'POST', path: '/v1/jobs', body: { dataset: 'repro', target: 'label', models: ['linear'], ...body } });
  expect(res.status).toBe(202);
  return ((await json(res)) as { id: string }).id;
}

const jobOf = async (id: string) => (await json(await send({ method: 'GET', path: `/v1/jobs/${id}` }))) as JobView;

const stubFor = (id: string) => env.SEARCH.getByName(`test-only/${id}`);
const reproducibleConfig = (id: string, overrides: Partial<JobConfig> = {}) => detachedJobConfig(id, { reproducible: true, budget: { seconds: 3600, trials: 3 }, ...overrides });

describe('whether a job is reproducible (job view)', () => {
  it('says a seeded trials-only job is, under which conditions; a time-budgeted one is not, and why', async () => {
    expect((await send({ method: 'PUT', path: '/v1/datasets/repro', body: SMALL_CSV, contentType: 'text/csv' })).status).toBe(201);
    const seeded = await createJob({ budget: { trials: 4 }, seed: 7, parallelism: 3, model: 'repro-seeded' });
    const timed = await createJob({ budget: { seconds: 30 }, seed: 7, model: 'repro-timed' });
    const both = await createJob({ budget: { seconds: 30, trials: 4 }, seed: 7, model: 'repro-both' });

    const yes = (await jobOf(seeded)).reproducible;
    expect(yes.value).toBe(true);
    expect(yes.reason).toMatch(/^a budget of trials alone \(4\) with seed 7: the same seed, trial budget, parallelism \(3\), dataset version \(repro v1\) and request/);
    // Not the default seed: no word of it.
    expect(yes.reason).not.toContain('default');
    for (const id of [timed, both]) {
      const view = await jobOf(id);
      expect(view.reproducible.value).toBe(false);
      expect(view.reproducible.reason).toContain("its budget has a time limit (budget.seconds 30): how many trials fit depends on the machine's speed");
      expect(view.reproducible.reason).toContain('seed 7');
    }
    // The view's answer is the cancel's too; a cancelled trials-only job no longer reproduces its settings.
    for (const id of [timed, both]) expect((await send({ method: 'DELETE', path: `/v1/jobs/${id}` })).status).toBe(200);
    const cancelled = (await json(await send({ method: 'DELETE', path: `/v1/jobs/${seeded}` }))) as { reproducible: Reproducible };
    expect(cancelled.reproducible).toEqual({ value: false, reason: expect.stringMatching(/^it was cancelled, and what it kept depends on when; without that, its budget of trials alone and its seed 7 would give the same run again$/) });
    expect((await jobOf(seeded)).reproducible).toEqual(cancelled.reproducible);
  });

  it('says a trials-only job without a seed is reproducible with the default seed, 42, through to its end', async () => {
    expect((await send({ method: 'PUT', path: '/v1/datasets/repro', body: SMALL_CSV, contentType: 'text/csv' })).status).toBe(201);
    const id = await createJob({ budget: { trials: 2 }, model: 'repro-default' });
    const view = (await waitForJob(id)) as JobView;
    expect(view.status).toBe('succeeded');
    expect(view.seed).toBe(42);
    expect(view.reproducible.value).toBe(true);
    expect(view.reproducible.reason).toContain('with seed 42 (the default when a request gives none): the same seed');
  });

  it('says a trials-only run is not what its settings reproduce once a trial failed by the runtime', async () => {
    const stub = stubFor('repro-lease');
    await stub.start(reproducibleConfig('repro-lease', { lease_ms: 1, budget: { seconds: 3600, trials: 1 } }));
    expect((await stub.view())?.reproducible.value).toBe(true);
    expect(await stub.claim('t0000')).not.toBeNull();
    await new Promise((r) => setTimeout(r, 5));
    await runDurableObjectAlarm(stub);
    const view = (await stub.view())!;
    expect(view.progress.trials_failed).toBe(1);
    expect(view.reproducible).toEqual({ value: false, reason: expect.stringContaining('a trial failed for the runtime, not for its configuration: t0000 (lease_expired)') });
  });

  it('says so of trials lost in restarts and of an ensemble build that timed out (replayed journals)', () => {
    const config = reproducibleConfig('repro-journal');
    const at = config.created_at;
    const started = (n: number): JournalOp => ({ op: 'trial_started', trial_id: `t000${n}`, number: n, family: 'linear', params: {}, at, lease_until: at + 60_000 });
    const complete = (n: number): JournalOp => ({
      op: 'trial_finished',
      trial_id: `t000${n}`,
      report: { status: 'complete', score: 0.8, loss: -0.8, fold_scores: [0.8], fit_info: {}, artifact_key: `k${n}`, oof_key: `o${n}` },
      at: at + 1,
    });
    const lost = (n: number): JournalOp => ({ op: 'trial_finished', trial_id: `t000${n}`, report: { status: 'failed', code: 'lost_in_restarts', reason: 'the trial was lost in 4 runtime restarts' }, at: at + 1 });
    const viewOf = (ops: JournalOp[]) => jobView(replay([{ op: 'created', config }, ...ops]), at + 2).reproducible;
    expect(viewOf([started(0), started(1), lost(0), lost(1)])).toEqual({ value: false, reason: expect.stringContaining('2 trials failed for the runtime, not for their configuration: t0000 (lost_in_restarts), t0001 (lost_in_restarts)') });
    const searched = [started(0), started(1), started(2), complete(0), complete(1), complete(2), { op: 'ensemble_started', at, lease_until: at } as JournalOp];
    expect(viewOf(searched).value).toBe(true);
    expect(viewOf([...searched, { op: 'ensemble_finished', report: { status: 'failed', reason: ENSEMBLE_TIMED_OUT }, at: at + 1 }])).toEqual({
      value: false,
      reason: expect.stringContaining(`its ensemble build failed for the runtime (${ENSEMBLE_TIMED_OUT}), so its best single trial was published`),
    });
    // An ensemble that failed on its own (its consumer reported the failure) would fail again: still reproducible.
    expect(viewOf([...searched, { op: 'ensemble_finished', report: { status: 'failed', reason: 'out-of-fold predictions of another length' }, at: at + 1 }]).value).toBe(true);
    // A config stored before budgets with trials were marked: trials alone (the route's cap of 3600 s) came from an earlier version; with seconds, a time limit.
    const older = (budget: JobConfig['budget']) => {
      const { reproducible: _, ...unmarked } = reproducibleConfig('repro-older', { budget });
      return jobView(replay([{ op: 'created', config: unmarked }, ...searched]), at + 2).reproducible;
    };
    expect(older({ seconds: 3600, trials: 3 })).toEqual({ value: false, reason: expect.stringMatching(/^it was started by an earlier edge-automl version, before a budget of trials alone proposed its trials in a fixed order/) });
    expect(older({ seconds: 120, trials: 3 })).toEqual({ value: false, reason: expect.stringContaining('its budget has a time limit (budget.seconds 120)') });
  });

  it('says a trials-only search cut by its cap of seconds, and a scheduled retraining run, are not', async () => {
    // Created a minute ago with a cap of 30 s: the search is over before its first trial.
    const capped = stubFor('repro-cap');
    await capped.start(reproducibleConfig('repro-cap', { created_at: Date.now() - 60_000, budget: { seconds: 30, trials: 5 } }));
    expect((await capped.view())?.reproducible).toEqual({ value: false, reason: expect.stringContaining("its search reached the cap of 30 s of its trial budget after starting 0 of its 5 trials, and how far it got depends on the machine's speed") });
    const retrain = stubFor('repro-retrain');
    await retrain.start(reproducibleConfig('repro-retrain', { warm_start: [], challenge: { margin: 0.01 } }));
    expect((await retrain.view())?.reproducible).toEqual({ value: false, reason: expect.stringMatching(/^a scheduled retraining run: it starts from the configurations of the champion of its time and holds out rows drawn for this run/) });
    await retrain.cancel();
  });
});
