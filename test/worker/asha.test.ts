/**
 * Multi-fidelity scheduling in the SearchCoordinator (ASHA and asynchronous Hyperband), inside workerd
 * with real SQLite storage. Most jobs are detached (their queue messages reach another, empty
 * coordinator), so the test alone reports results, with scores that are a fixed function of each trial's
 * parameters and rung. Low rungs are made to score *better* than full trials, so a rule that let a
 * low-fidelity trial become "best" would show. The last suite runs one small job through the real queue
 * to check that the consumer trains on the trial's fraction of the rows.
 */
import { env } from 'cloudflare:workers';
import { abortAllDurableObjects, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import trainCsv from '../../examples/credit-g/train.csv?raw';
import type { JobConfig, TrialRecord } from '../../src/durable/protocol';
import type { SearchCoordinator } from '../../src/durable/search-coordinator';
import { bracketOfTrial } from '../../src/engine/search/schedulers';
import { call, csvObjects, detachedJobConfig, json, waitForJob, withArtifact } from './helpers';

const ETA = 3;
const TOP = 2;
const LADDER = { eta: ETA, minFidelity: 1 / 9, maxFidelity: 1 };

const config = (id: string, overrides: Partial<JobConfig> = {}): JobConfig =>
  detachedJobConfig(id, { budget: { seconds: 600, trials: 30 }, strategy: 'asha', families: ['gbdt', 'linear', 'random_forest'], seed: 7, parallelism: 3, ...overrides });

// Named differently from `${tenant}/${id}`, so consumers of this job's messages find nothing to claim.
const stubFor = (id: string) => env.SEARCH.getByName(`test-only/${id}`);

/** A configuration's quality in [0, 1): a hash of its family and parameters. */
function quality(t: Pick<TrialRecord, 'family' | 'params'>): number {
  let h = 2166136261;
  for (const ch of t.family + JSON.stringify(t.params)) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  return (h % 10_000) / 10_000;
}

/** The score a trial reports: its quality, flattered by 0.2 per rung below the top. */
const scoreOf = (t: TrialRecord) => quality(t) + 0.2 * (TOP - t.rung);
const complete = (t: TrialRecord) => ({
  status: 'complete' as const,
  score: scoreOf(t),
  loss: -scoreOf(t),
  fold_scores: [scoreOf(t)],
  fit_info: {},
  artifact_key: `models/detached/${t.trial_id}.json`,
  oof_key: `models/detached/${t.trial_id}.oof`,
});

interface Step {
  readonly before: readonly TrialRecord[];
  readonly after: readonly TrialRecord[];
}

/**
 * Reports running trials one at a time, not in launch order (the i-th report picks running trial
 * i·7 mod count), until none runs or `maxReports` were made. Deterministic given the trials.
 */
async function drive(stub: ReturnType<typeof stubFor>, maxReports: number, steps: Step[] = []): Promise<Step[]> {
  for (let i = 0; i < maxReports; i++) {
    const before = (await stub.trials())!;
    const running = before.filter((t) => t.status === 'running');
    if (running.length === 0) break;
    const pick = running[(i * 7) % running.length];
    expect(await stub.report(pick.trial_id, await withArtifact(complete(pick)))).toEqual({ accepted: true });
    steps.push({ before, after: (await stub.trials())! });
  }
  return steps;
}

/** The rung's finished results (one per trial), best first, failures last. */
function rungRanking(trials: readonly TrialRecord[], rung: number, bracket?: number): TrialRecord[] {
  return trials
    .filter((t) => t.rung === rung && t.bracket === bracket && (t.status === 'complete' || t.status === 'failed'))
    .sort((a, b) => (b.score ?? -Infinity) - (a.score ?? -Infinity) || a.number - b.number);
}

/** Promotions launched at each step, with the trials at that moment. */
function promotions(steps: readonly Step[]): { trial: TrialRecord; from: TrialRecord; at: readonly TrialRecord[] }[] {
  const out = [];
  for (const { before, after } of steps) {
    const known = new Set(before.map((t) => t.trial_id));
    for (const t of after.filter((x) => !known.has(x.trial_id) && x.promoted_from !== undefined)) {
      out.push({ trial: t, from: after.find((x) => x.trial_id === t.promoted_from)!, at: after });
    }
  }
  return out;
}

const project = (trials: readonly TrialRecord[]) => trials.map((t) => ({ id: t.trial_id, family: t.family, params: t.params, rung: t.rung, fidelity: t.fidelity, from: t.promoted_from, status: t.status }));

async function finishEnsemble(stub: ReturnType<typeof stubFor>): Promise<string[]> {
  const work = await stub.claimEnsemble();
  expect(work).not.toBeNull();
  await stub.reportEnsemble({ status: 'skipped', reason: 'not needed by the test' });
  return work!.candidates.map((c) => c.trial_id);
}

describe('ASHA in the coordinator', () => {
  it('promotes only the top 1/eta of a rung, without waiting for the rung to fill, and publishes a full-fidelity trial', async () => {
    const stub = stubFor('asha-main');
    const start = await stub.start(config('asha-main'));
    expect(start.scheduler).toBe('asha');
    const steps = await drive(stub, 200);
    const trials = (await stub.trials())!;
    expect(trials).toHaveLength(30);

    const promoted = promotions(steps);
    const regular = promoted.filter((p) => p.trial.rung === p.from.rung + 1);
    expect(regular.length).toBeGreaterThanOrEqual(5);
    // Only the last trial may jump rungs (the budget's reserved full-fidelity slot).
    expect(promoted.length - regular.length).toBeLessThanOrEqual(1);
    for (const { trial, from, at } of regular) {
      expect(trial).toMatchObject({ family: from.family, params: from.params });
      const ranking = rungRanking(at, from.rung);
      const quota = Math.floor(ranking.length / ETA);
      expect(ranking.slice(0, quota).map((t) => t.trial_id)).toContain(from.trial_id);
    }
    // No barrier: some promotion was launched while other configurations still ran at rung 0.
    expect(regular.some(({ at, trial }) => at.some((t) => t.status === 'running' && t.rung === 0 && t.trial_id !== trial.trial_id))).toBe(true);
    // Fidelities follow the ladder, and each rung holds fewer trials than the one below.
    for (const t of trials) expect(t.fidelity).toBeCloseTo(LADDER.minFidelity * ETA ** t.rung, 12);
    const size = (k: number) => trials.filter((t) => t.rung === k).length;
    expect(size(0)).toBeGreaterThan(size(1));
    expect(size(1)).toBeGreaterThan(size(2));
    expect(size(2)).toBeGreaterThanOrEqual(1);

    // The ensemble is offered full-fidelity trials only.
    const view = await stub.view();
    expect(view?.ensemble?.status).toBe('running');
    const candidates = await finishEnsemble(stub);
    const full = trials.filter((t) => t.fidelity === 1);
    expect(candidates.sort()).toEqual(full.map((t) => t.trial_id).sort());

    const done = (await stub.view())!;
    expect(done.status).toBe('succeeded');
    const bestFull = [...full].sort((a, b) => scoreOf(b) - scoreOf(a))[0];
    // A lower rung scored higher (its flattering bonus), yet the best and the published model are full-fidelity.
    expect(Math.max(...trials.map(scoreOf))).toBeGreaterThan(scoreOf(bestFull));
    expect(done.best).toMatchObject({ trial_id: bestFull.trial_id });
    const published = await env.REGISTRY.getByName('detached').resolveModel('model-asha-main');
    expect(published).toMatchObject({ trial_id: bestFull.trial_id, artifact_key: `models/detached/${bestFull.trial_id}.json` });
    // The leaderboard shows every complete trial with its rung and fidelity, full fidelity first.
    expect(done.leaderboard).toHaveLength(30);
    expect(done.leaderboard[0]).toMatchObject({ trial_id: bestFull.trial_id, rung: TOP, fidelity: 1 });
    const firstLow = done.leaderboard.findIndex((e) => e.fidelity < 1);
    expect(done.leaderboard.slice(firstLow).every((e) => e.fidelity < 1)).toBe(true);
    expect(done.best_over_time.every((p) => full.some((t) => t.trial_id === p.trial_id))).toBe(true);
    // A full-fidelity model published: nothing to warn about.
    expect(done.warnings).toBeUndefined();
  });

  it('ignores a duplicate report, and resumes after a restart with the same decisions as an uninterrupted job', async () => {
    let straight = stubFor('asha-straight');
    await straight.start(config('asha-straight', { parallelism: 2, budget: { seconds: 600, trials: 24 } }));
    await drive(straight, 200);

    let stub = stubFor('asha-restart');
    await stub.start(config('asha-restart', { parallelism: 2, budget: { seconds: 600, trials: 24 } }));
    const steps = await drive(stub, 12);
    // A repeated delivery of a finished trial's result is refused and changes nothing.
    const last = steps.at(-1)!.after;
    const reported = last.find((t) => t.status === 'complete')!;
    expect(await stub.report(reported.trial_id, { ...await withArtifact(complete(reported)), score: 99, loss: -99 })).toEqual({ accepted: false });
    expect(await stub.trials()).toEqual(last);

    // Mark the live instance, restart every object (storage kept), and check a new instance answers.
    await runInDurableObject(stub, (instance: SearchCoordinator) => void Object.assign(instance, { marker: 'old' }));
    await abortAllDurableObjects();
    stub = stubFor('asha-restart');
    straight = stubFor('asha-straight');
    expect(await runInDurableObject(stub, (instance: SearchCoordinator) => (instance as unknown as { marker?: string }).marker)).toBeUndefined();
    const more: Step[] = [];
    await drive(stub, 200, more);
    // The restarted job went on deciding (promotions and new configurations) exactly as the uninterrupted one.
    expect(more.some((s) => s.after.length > s.before.length)).toBe(true);
    expect(project((await stub.trials())!)).toEqual(project((await straight.trials())!));
    // Same seed and trial budget at parallelism 1: identical trials too.
    const one = async (id: string) => {
      const s = stubFor(id);
      await s.start(config(id, { parallelism: 1, budget: { seconds: 600, trials: 15 } }));
      await drive(s, 200);
      return project((await s.trials())!);
    };
    expect(await one('asha-seq-b')).toEqual(await one('asha-seq-a'));
    for (const id of ['asha-straight', 'asha-restart', 'asha-seq-a', 'asha-seq-b']) await runInDurableObject(stubFor(id), (_: SearchCoordinator, state) => state.storage.deleteAlarm());
  });
});

describe('asynchronous Hyperband in the coordinator', () => {
  it('starts each configuration at its bracket fidelity and promotes within the bracket', async () => {
    const stub = stubFor('hb');
    await stub.start(config('hb', { strategy: 'hyperband', parallelism: 2, budget: { seconds: 600, trials: 40 } }));
    const steps = await drive(stub, 200);
    const trials = (await stub.trials())!;
    expect(trials).toHaveLength(40);
    const starts = trials.filter((t) => t.promoted_from === undefined && t.number < 39);
    for (const t of starts) {
      const bracket = bracketOfTrial(t.number, { ...LADDER, seed: 7 });
      expect({ bracket: t.bracket, rung: t.rung }).toEqual({ bracket, rung: bracket });
      expect(t.fidelity).toBeCloseTo(LADDER.minFidelity * ETA ** bracket, 12);
    }
    expect(new Set(starts.map((t) => t.bracket))).toEqual(new Set([0, 1, 2]));
    const regular = promotions(steps).filter((p) => p.trial.rung === p.from.rung + 1);
    expect(regular.length).toBeGreaterThanOrEqual(2);
    for (const { trial, from, at } of regular) {
      expect(trial.bracket).toBe(from.bracket);
      const ranking = rungRanking(at, from.rung, from.bracket);
      expect(ranking.slice(0, Math.floor(ranking.length / ETA)).map((t) => t.trial_id)).toContain(from.trial_id);
    }
    await finishEnsemble(stub);
    const done = (await stub.view())!;
    expect(done.scheduler).toBe('hyperband');
    expect(trials.find((t) => t.trial_id === done.best?.trial_id)?.fidelity).toBe(1);
  });
});

describe('strategy auto', () => {
  it('uses ASHA from 20,000 training rows and full trials below', async () => {
    const large = stubFor('auto-large');
    const big = await large.start(config('auto-large', { strategy: 'auto', dataset: { name: 'd', version: 1, key: 'k', rows: 20_000, cols: 4 } }));
    expect(big.scheduler).toBe('asha');
    expect((await large.trials())!.map((t) => t.fidelity)).toEqual([1 / 9, 1 / 9, 1 / 9]);
    // The portfolio still goes first: the families' defaults, in priority order.
    expect((await large.trials())!.map((t) => t.family)).toEqual(['gbdt', 'linear', 'random_forest']);
    const small = stubFor('auto-small');
    const view = await small.start(config('auto-small', { strategy: 'auto', dataset: { name: 'd', version: 1, key: 'k', rows: 19_999, cols: 4 } }));
    expect(view.scheduler).toBeUndefined();
    expect((await small.trials())!.map((t) => [t.rung, t.fidelity])).toEqual([[0, 1], [0, 1], [0, 1]]);
    for (const id of ['auto-large', 'auto-small']) await runInDurableObject(stubFor(id), (_: SearchCoordinator, state) => state.storage.deleteAlarm());
  });
});

describe('a budget that ends before any full-fidelity result', () => {
  it('reserves the last trial of a trial budget for the best configuration at full fidelity', async () => {
    const stub = stubFor('reserve');
    await stub.start(config('reserve', { parallelism: 1, budget: { seconds: 600, trials: 4 } }));
    await drive(stub, 3);
    const trials = (await stub.trials())!;
    const rung0 = trials.slice(0, 3);
    expect(rung0.every((t) => t.rung === 0 && t.status === 'complete')).toBe(true);
    const best0 = [...rung0].sort((a, b) => scoreOf(b) - scoreOf(a))[0];
    // Three rung-0 results would promote to rung 1; the last slot goes straight to full fidelity instead.
    expect(trials[3]).toMatchObject({ status: 'running', rung: TOP, fidelity: 1, promoted_from: best0.trial_id, params: best0.params });
    await drive(stub, 1);
    const done = (await stub.view())!;
    expect(done.status).toBe('succeeded');
    expect(done.best?.trial_id).toBe('t0003');
    // The full-fidelity trial is published without a warning; one trial is no ensemble, which is said.
    expect(done.warnings).toBeUndefined();
    expect(done.ensemble).toEqual({ status: 'skipped', reason: expect.stringMatching(/^only one trial finished at full fidelity, and an ensemble blends at least two/) });
  });

  // ASHA only: a Hyperband bracket may start at full fidelity, and then no slot needs reserving.
  for (const strategy of ['asha'] as const) {
    it(`${strategy}: holds the reserved trial until the parallel trials before it report, then runs the best of them`, async () => {
      const id = `reserve-parallel-${strategy}`;
      const stub = stubFor(id);
      await stub.start(config(id, { strategy, parallelism: 4, budget: { seconds: 600, trials: 4 } }));
      const launched = (await stub.trials())!;
      // Launched with the others, the last slot could only have been a new configuration nobody screened.
      expect(launched).toHaveLength(3);
      expect(launched.every((t) => t.status === 'running' && t.fidelity < 1)).toBe(true);
      await drive(stub, 2);
      expect((await stub.trials())!).toHaveLength(3);
      await drive(stub, 1);
      const trials = (await stub.trials())!;
      const screened = trials.slice(0, 3);
      const best = [...screened].sort((a, b) => b.fidelity - a.fidelity || scoreOf(b) - scoreOf(a))[0];
      expect(trials[3]).toMatchObject({ status: 'running', fidelity: 1, promoted_from: best.trial_id, params: best.params });
      await drive(stub, 1);
      const done = (await stub.view())!;
      expect(done.status).toBe('succeeded');
      expect(done.best?.trial_id).toBe('t0003');
    });
  }

  it('publishes the best trial of the highest rung reached when the reserved trial fails', async () => {
    const stub = stubFor('reserve-fails');
    await stub.start(config('reserve-fails', { parallelism: 1, budget: { seconds: 600, trials: 4 } }));
    await drive(stub, 3);
    const rung0 = (await stub.trials())!.slice(0, 3);
    const best0 = [...rung0].sort((a, b) => scoreOf(b) - scoreOf(a))[0];
    await stub.report('t0003', { status: 'failed', code: 'trial_error', reason: 'out of memory at full size' });
    const done = (await stub.view())!;
    expect(done.status).toBe('succeeded');
    expect(done.best).toMatchObject({ trial_id: best0.trial_id, score: scoreOf(best0) });
    // Said, with its fidelity and what to do; and why there is no ensemble (nor best_estimate).
    expect(done.warnings).toEqual([
      `the published model (${best0.trial_id}, ${best0.family}) was trained on 11% of the rows (fidelity 1/9): no trial finished at full fidelity within the budget, so it is weaker than a model trained on every row and its score does not compare with full-fidelity scores; give a longer budget (budget.seconds, or more budget.trials) for a full-fidelity model`,
    ]);
    expect(done.ensemble).toEqual({
      status: 'skipped',
      reason: "no trial finished at full fidelity, and an ensemble blends at least two full-fidelity trials' out-of-fold predictions: none was built (nor a best_estimate, which is computed with it)",
    });
    expect(done.best_estimate).toBeUndefined();
    expect(await env.REGISTRY.getByName('detached').resolveModel('model-reserve-fails')).toMatchObject({ trial_id: best0.trial_id });
  });

  it('publishes the best trial of the highest rung reached when the time budget runs out', async () => {
    const stub = stubFor('timeout');
    await stub.start(config('timeout', { parallelism: 2, budget: { seconds: 1 } }));
    await drive(stub, 1);
    await new Promise((r) => setTimeout(r, 1_100));
    await drive(stub, 10);
    const trials = (await stub.trials())!;
    expect(trials).toHaveLength(3);
    expect(trials.every((t) => t.fidelity < 1)).toBe(true);
    const best = [...trials].sort((a, b) => scoreOf(b) - scoreOf(a))[0];
    const done = (await stub.view())!;
    expect(done.status).toBe('succeeded');
    expect(done.best?.trial_id).toBe(best.trial_id);
    expect(done.warnings).toEqual([expect.stringMatching(new RegExp(`^the published model \\(${best.trial_id}, ${best.family}\\) was trained on 11% of the rows \\(fidelity 1/9\\): no trial finished at full fidelity within the budget.*give a longer budget`))]);
    expect(done.ensemble?.status).toBe('skipped');
    expect(await env.REGISTRY.getByName('detached').resolveModel('model-timeout')).toMatchObject({ trial_id: best.trial_id });
  });
});

describe('through the API and the real queue', () => {
  it('accepts asha and hyperband, and trains each trial on its fraction of the rows', async () => {
    expect((await call('PUT', '/v1/datasets/credit-asha', trainCsv)).status).toBe(201);
    const bad = await call('POST', '/v1/jobs', { dataset: 'credit-asha', target: 'class', strategy: 'successive' });
    expect(bad.status).toBe(400);
    const hb = await call('POST', '/v1/jobs', { dataset: 'credit-asha', target: 'class', strategy: 'hyperband', budget: { trials: 1 }, models: ['linear'], model: 'credit-hb' });
    expect(hb.status).toBe(202);

    const { id } = await json(await call('POST', '/v1/jobs', { dataset: 'credit-asha', target: 'class', strategy: 'asha', budget: { trials: 4 }, models: ['knn'], parallelism: 1, seed: 5, model: 'credit-asha' }));
    const job = await waitForJob(id);
    expect(job.status).toBe('succeeded');
    const { trials } = await json<{ trials: TrialRecord[] }>(await call('GET', `/v1/jobs/${id}/trials`));
    expect(trials.map((t) => [t.rung, t.fidelity, t.status])).toEqual([[0, 1 / 9, 'complete'], [0, 1 / 9, 'complete'], [0, 1 / 9, 'complete'], [TOP, 1, 'complete']]);
    expect(job.best.trial_id).toBe('t0003');
    expect(job.model).toEqual({ name: 'credit-asha', version: 1 });

    // The refit's knn stores its training rows: a stratified ninth (per class round(n/9)) or all of them,
    // every class grown to the largest when the trial oversamples with SMOTE.
    const labels = csvObjects(trainCsv).map((r) => r.class);
    const perClass = [...new Set(labels)].map((c) => labels.filter((l) => l === c).length);
    const rowsOf = async (trial: string) => ((await (await env.STORE.get(`models/default/${id}/${trial}.json`))!.json()) as { model: { rows: number } }).model.rows;
    const trained = (t: TrialRecord, counts: number[]) => (t.params.augment === 'smote' ? counts.length * Math.max(...counts) : counts.reduce((a, b) => a + b, 0));
    expect(await rowsOf('t0000')).toBe(trained(trials[0], perClass.map((n) => Math.max(1, Math.round(n / 9)))));
    expect(await rowsOf('t0003')).toBe(trained(trials[3], perClass));
    expect(await rowsOf('t0000')).toBeLessThan((await rowsOf('t0003')) / 4);
    // Low-fidelity trials write no out-of-fold predictions (they never enter the ensemble).
    expect(await env.STORE.head(`models/default/${id}/t0000.oof`)).toBeNull();
    expect(await env.STORE.head(`models/default/${id}/t0003.oof`)).not.toBeNull();
    await waitForJob((await json(hb)).id);
  });
});
