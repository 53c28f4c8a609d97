/**
 * A reproducible job's trials do not depend on the order its parallel trials report in (durable/search-
 * order), in the SearchCoordinator inside workerd with real SQLite storage. The jobs are detached (their
 * queue messages reach another, empty coordinator) and the test reports each running trial itself, in
 * three orders (oldest first, newest first, scattered), with scores that are a fixed function of the
 * trial's configuration and rung, some configurations failing. The full-fidelity search (portfolio, then
 * TPE) and ASHA (promotions, the budget's reserved full-fidelity trial) give the same trials, leaderboard,
 * ensemble candidates and published trial in every order; without `reproducible` they do not.
 */
import { env } from 'cloudflare:workers';
import { runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import type { JobConfig, TrialRecord } from '../../src/durable/protocol';
import type { SearchCoordinator } from '../../src/durable/search-coordinator';
import { proposalLag } from '../../src/engine/search/conditioning';
import { detachedJobConfig, withArtifact } from './helpers';

const PARALLELISM = 4;
const LAG = proposalLag(PARALLELISM);

const config = (id: string, overrides: Partial<JobConfig>): JobConfig =>
  detachedJobConfig(id, { budget: { seconds: 600, trials: 36 }, families: ['gbdt', 'linear', 'random_forest'], seed: 5, parallelism: PARALLELISM, reproducible: true, ...overrides });

// Named differently from `${tenant}/${id}`, so consumers of this job's messages find nothing to claim.
const stubFor = (id: string) => env.SEARCH.getByName(`test-only/${id}`);

/** A configuration's quality in [0, 1): a hash of its family and parameters. */
function quality(t: Pick<TrialRecord, 'family' | 'params'>): number {
  let h = 2166136261;
  for (const ch of t.family + JSON.stringify(t.params)) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  return (h % 10_000) / 10_000;
}

/** A trial's report: its quality (lower rungs a little worse), or a failure for one configuration in eight. */
async function reportOf(t: TrialRecord) {
  const q = quality(t);
  if (q < 0.125) return { status: 'failed' as const, code: 'trial_error', reason: 'this configuration fails' };
  const score = q - 0.05 * (1 - t.fidelity);
  return withArtifact({ status: 'complete' as const, score, loss: -score, fold_scores: [score], fit_info: {}, artifact_key: `models/detached/${t.trial_id}.json`, oof_key: `models/detached/${t.trial_id}.oof` });
}

/** Which running trial reports next: the i-th report of a job, among the running trials in number order. */
const ORDERS: Record<string, (i: number, running: readonly TrialRecord[]) => TrialRecord> = {
  'oldest first': (_i, running) => running[0],
  'newest first': (_i, running) => running[running.length - 1],
  scattered: (i, running) => running[(i * 7) % running.length],
};

/**
 * Runs a job to its end, reporting trials in `order`; checks at every launch that no trial started while
 * a trial whose result it may see was still running (for a reproducible job), and never more than the
 * parallelism at once. Returns what must not depend on the order.
 */
async function runJob(id: string, overrides: Partial<JobConfig>, order: (typeof ORDERS)[string]) {
  const stub = stubFor(id);
  const job = config(id, overrides);
  const reproducible = job.reproducible === true;
  await stub.start(job);
  for (let i = 0; ; i++) {
    const before = (await stub.trials())!;
    const running = before.filter((t) => t.status === 'running');
    if (running.length === 0) break;
    const pick = order(i, running);
    expect(await stub.report(pick.trial_id, await reportOf(pick))).toEqual({ accepted: true });
    const after = (await stub.trials())!;
    expect(after.filter((t) => t.status === 'running').length).toBeLessThanOrEqual(PARALLELISM);
    if (!reproducible) continue;
    for (const started of after.slice(before.length)) {
      const seen = after.filter((t) => t.number < started.number - LAG);
      expect(seen.filter((t) => t.status === 'running').map((t) => t.trial_id), `${started.trial_id} started before the trials it sees finished`).toEqual([]);
    }
  }
  const view = (await stub.view())!;
  expect(view.ensemble?.status).toBe('running');
  const candidates = (await stub.claimEnsemble())!.candidates.map((c) => c.trial_id);
  await stub.reportEnsemble({ status: 'skipped', reason: 'not needed by the test' });
  const done = (await stub.view())!;
  expect(done.status).toBe('succeeded');
  await runInDurableObject(stub, (_: SearchCoordinator, state) => state.storage.deleteAlarm());
  const trials = (await stub.trials())!.map((t) => ({ id: t.trial_id, family: t.family, params: t.params, rung: t.rung, fidelity: t.fidelity, from: t.promoted_from, status: t.status, score: t.score }));
  return { trials, candidates, best: done.best?.trial_id, leaderboard: done.leaderboard.map((e) => [e.trial_id, e.score]) };
}

describe('a reproducible job in parallel (4 slots unless said)', () => {
  for (const strategy of ['auto', 'asha'] as const) {
    it(`${strategy}: the same trials, leaderboard, ensemble candidates and published trial whatever order the trials report in`, async () => {
      const runs: Awaited<ReturnType<typeof runJob>>[] = [];
      for (const [name, order] of Object.entries(ORDERS)) runs.push(await runJob(`order-${strategy}-${name.replace(' ', '-')}`, { strategy }, order));
      const [first, ...rest] = runs;
      expect(first.trials).toHaveLength(36);
      for (const run of rest) expect(run).toEqual(first);
      // The search did learn from results: past the portfolio it is TPE, and ASHA promoted configurations.
      const failed = first.trials.filter((t) => t.status === 'failed').length;
      expect(failed).toBeGreaterThan(0);
      expect(failed).toBeLessThan(36 - 10);
      if (strategy === 'asha') expect(first.trials.filter((t) => t.from !== undefined).length).toBeGreaterThanOrEqual(3);
      else expect(first.trials.every((t) => t.rung === 0 && t.fidelity === 1)).toBe(true);
    });
  }

  it('stops a search whose first trials all fail alike only on the trials in number order, so a slow success still counts', async () => {
    // Eight slots (lag 14): fourteen trials can fail while the first still runs.
    const stub = stubFor('hopeless-ordered');
    await stub.start(config('hopeless-ordered', { parallelism: 8, budget: { seconds: 600, trials: 100 } }));
    const failure = { status: 'failed' as const, code: 'invalid_dataset', reason: 'no usable feature columns' };
    for (;;) {
      const running = (await stub.trials())!.filter((t) => t.status === 'running' && t.trial_id !== 't0000');
      if (running.length === 0) break;
      await stub.report(running[0].trial_id, failure);
    }
    const waiting = (await stub.trials())!;
    expect(waiting.filter((t) => t.status === 'failed').length).toBeGreaterThanOrEqual(10);
    expect((await stub.view())?.status).toBe('running');
    // The first trial succeeds: the search goes on, as it would have had it reported first.
    const success = { status: 'complete' as const, score: 0.9, loss: -0.9, fold_scores: [0.9], fit_info: {}, artifact_key: 'models/detached/hopeless-ordered-t0000.json' };
    expect(await stub.report('t0000', await withArtifact(success))).toEqual({ accepted: true });
    expect((await stub.view())?.status).toBe('running');
    await stub.cancel();
    await runInDurableObject(stub, (_: SearchCoordinator, state) => state.storage.deleteAlarm());
  });

  for (const strategy of ['auto', 'asha'] as const) {
    it(`${strategy} without \`reproducible\`: the order of reports changes the trials (what the rule prevents)`, async () => {
      const runs: Awaited<ReturnType<typeof runJob>>[] = [];
      for (const [name, order] of Object.entries(ORDERS)) runs.push(await runJob(`free-${strategy}-${name.replace(' ', '-')}`, { strategy, reproducible: undefined }, order));
      expect(runs.some((run) => JSON.stringify(run.trials) !== JSON.stringify(runs[0].trials))).toBe(true);
    });
  }
});
