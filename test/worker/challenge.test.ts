/**
 * The retraining side of the SearchCoordinator inside workerd, with real SQLite storage: warm-start
 * configurations as the first trials, the challenge step between the end of the search and publication
 * (nothing published while it runs), and the Registry's decision on what it reports: promotion on a win,
 * the champion kept when the pointer moved during the comparison or when the job is cancelled before it,
 * duplicates ignored and the journal replayed after a restart. Jobs are detached (their queue messages
 * reach another, empty coordinator), so the test alone reports trials and comparisons.
 */
import { env } from 'cloudflare:workers';
import { abortAllDurableObjects, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import type { JobConfig, PublishRequest } from '../../src/durable/protocol';
import type { SearchCoordinator } from '../../src/durable/search-coordinator';
import { withArtifact, detachedJobConfig } from './helpers';

const TENANT = 'detached';

const config = (id: string, overrides: Partial<JobConfig> = {}): JobConfig =>
  detachedJobConfig(id, {
    tenant: TENANT,
    dataset: { name: 'd', version: 2, key: 'datasets/none', rows: 160, cols: 4 },
    budget: { seconds: 600, trials: 2 },
    holdout: { fraction: 0.2, seed: 9 },
    challenge: { margin: 0.01 },
    ...overrides,
  });

const pipelineOff = { fe_select: 'none', fe_select_keep: 1, fe_construct: 'none', augment: 'none' };
const A = { family: 'linear' as const, params: { C: 0.37, l1_ratio: 0.25, class_weight: 'balanced', ...pipelineOff } };
const B = { family: 'linear' as const, params: { C: 3, l1_ratio: 0, class_weight: 'none', ...pipelineOff } };

const complete = (score: number) => ({ status: 'complete' as const, score, loss: -score, fold_scores: [score], fit_info: {}, artifact_key: `models/x-${score}.json` });
const stubFor = (id: string) => env.SEARCH.getByName(`test-only/${id}`);
const registry = () => env.REGISTRY.getByName(TENANT);

/** Publishes a plain version of `model` (as a job without a challenge would), making it the champion. */
async function seedVersion(model: string, job: string): Promise<number> {
  const req: PublishRequest = { job_id: job, trial_id: 't0000', family: 'linear', artifact_key: `models/${job}.json`, task: 'binary', target: 'y', classes: ['a', 'b'], metric: 'roc_auc', greater_is_better: true, score: 0.8, dataset: { name: 'd', version: 1 } };
  return (await registry().publish(model, req)).version;
}

/** Starts a challenge job and reports both trials, so the job is waiting on its comparison. */
async function searchDone(id: string): Promise<ReturnType<typeof stubFor>> {
  const stub = stubFor(id);
  await stub.start(config(id));
  await stub.report('t0000', await withArtifact(complete(0.9)));
  await stub.report('t0001', await withArtifact(complete(0.95)));
  return stub;
}

describe('retraining jobs in the SearchCoordinator', () => {
  it('tries the warm-start configurations first, in order, then searches', async () => {
    const stub = stubFor('warm');
    await stub.start(config('warm', { warm_start: [A, B], budget: { seconds: 600, trials: 3 }, challenge: undefined, holdout: undefined }));
    const first = (await stub.trials())!.map((t) => ({ family: t.family, params: t.params }));
    expect(first).toEqual([A, B]);
    await stub.report('t0000', await withArtifact(complete(0.7)));
    const third = (await stub.trials())![2];
    expect({ family: third.family, params: third.params }).not.toEqual(A);
    expect({ family: third.family, params: third.params }).not.toEqual(B);
    expect((await stub.view())?.warm_start).toEqual([A, B]);
    await runInDurableObject(stub, (_: SearchCoordinator, state) => state.storage.deleteAlarm());
  });

  it('waits for the comparison before publishing, then promotes a winner; duplicates and restarts change nothing', async () => {
    const model = 'model-win';
    expect(await seedVersion(model, 'seed-win')).toBe(1);
    const stub = await searchDone('win');
    const waiting = await stub.view();
    expect(waiting?.status).toBe('running');
    expect(waiting?.challenge).toEqual({ status: 'running', challenger: 't0001', margin: 0.01, holdout_from: 'all_rows' });
    expect((await registry().getModel(model))?.versions).toHaveLength(1);

    const work = await stub.claimChallenge();
    expect(work).toMatchObject({ model_name: model, holdout: { fraction: 0.2, seed: 9 }, challenger: { trial_id: 't0001', artifact_key: 'models/x-0.95.json' } });
    const report = { status: 'complete' as const, challenger_score: 0.93, champion_score: 0.9, champion_version: 1, holdout_rows: 40 };
    expect(await stub.reportChallenge(report)).toEqual({ accepted: true });
    expect(await stub.reportChallenge({ ...report, challenger_score: 0.1 })).toEqual({ accepted: false });
    const done = await stub.view();
    expect(done?.status).toBe('succeeded');
    expect(done?.model).toEqual({ name: model, version: 2 });
    expect(done?.challenge).toMatchObject({ status: 'complete', challenger_score: 0.93, champion_score: 0.9, promoted: true });
    expect(done?.challenge?.decision).toMatch(/better by 0.0300, more than the margin 0.01; promoted/);
    expect((await registry().getModel(model))?.champion_version).toBe(2);
    expect(await stub.claimChallenge()).toBeNull();

    await abortAllDurableObjects();
    expect(await stubFor('win').view()).toEqual(done);
  });

  it('keeps the champion when the pointer moved during the comparison', async () => {
    const model = 'model-moved';
    await seedVersion(model, 'seed-moved-1');
    const stub = await searchDone('moved');
    expect(await seedVersion(model, 'seed-moved-2')).toBe(2);
    await stub.reportChallenge({ status: 'complete', challenger_score: 0.99, champion_score: 0.5, champion_version: 1, holdout_rows: 40 });
    const view = await stub.view();
    expect(view?.model).toEqual({ name: model, version: 3 });
    expect(view?.challenge?.promoted).toBe(false);
    const info = await registry().getModel(model);
    expect(info?.champion_version).toBe(2);
    expect(info?.history.at(-1)).toMatchObject({ kind: 'challenger_kept', version: 3, previous_version: 2 });
    expect(info?.history.at(-1)?.reason).toMatch(/compared with v1, but the champion became v2/);
  });

  it('never promotes a job cancelled before its comparison', async () => {
    const model = 'model-cancel';
    await seedVersion(model, 'seed-cancel');
    const stub = await searchDone('cancel');
    const view = await stub.cancel();
    expect(view?.status).toBe('cancelled');
    expect(view?.challenge).toMatchObject({ promoted: false });
    expect(view?.challenge?.decision).toMatch(/cancelled before the comparison/);
    const info = await registry().getModel(model);
    expect(info?.champion_version).toBe(1);
    expect(info?.history.at(-1)).toMatchObject({ kind: 'challenger_kept', version: 2 });
    // A comparison arriving after the end is ignored.
    expect(await stub.reportChallenge({ status: 'complete', challenger_score: 1, champion_score: 0, champion_version: 1, holdout_rows: 40 })).toEqual({ accepted: false });
    expect((await registry().getModel(model))?.champion_version).toBe(1);
  });

  it('publishes the first version of a model as champion, with no champion to challenge', async () => {
    const stub = await searchDone('first');
    await stub.reportChallenge({ status: 'failed', reason: 'model "model-first" has no champion to compare with' });
    expect((await stub.view())?.model).toEqual({ name: 'model-first', version: 1 });
    expect((await registry().getModel('model-first'))?.champion_version).toBe(1);
  });
});
