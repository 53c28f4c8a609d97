/**
 * A cancelled job's result and the model's champion (durable/cancelled-publication), inside workerd with
 * real SQLite: coordinators driven by hand (tenant "detached", whose trials no consumer runs) publish a
 * champion, then a job to the same model is cancelled. Over a better champion its result is kept as a
 * version beside it, and the cancel answer, the job view and the model's history say so with the promote
 * route; without a champion it publishes as before; over a worse champion measured alike it replaces it,
 * saying which version it replaced and how to roll back. Scores measured otherwise (another dataset
 * version, other folds, a fraction of the rows, a champion published before validations were kept) do
 * not compare, and the champion stays.
 */
import { env } from 'cloudflare:workers';
import { runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { upgradeModelVersions } from '../../src/durable/model-version-table';
import type { JobConfig, PublishRequest } from '../../src/durable/protocol';
import type { Registry } from '../../src/durable/registry';
import { detachedJobConfig, withArtifact } from './helpers';

const complete = (score: number, key: string) => ({ status: 'complete' as const, score, loss: -score, fold_scores: [score], fit_info: {}, artifact_key: key });
const stubFor = (id: string) => env.SEARCH.getByName(`test-only/${id}`);
const registry = () => env.REGISTRY.getByName('detached');

/** A job publishing one trial scoring `score` to `model` as it ends its budget. */
async function finishedJob(id: string, model: string, score: number, overrides: Partial<JobConfig> = {}) {
  const stub = stubFor(id);
  await stub.start(detachedJobConfig(id, { model_name: model, budget: { seconds: 600, trials: 1 }, ...overrides }));
  await stub.report('t0000', await withArtifact(complete(score, `models/detached/${id}/t0000.json`)));
  expect((await stub.view())?.status).toBe('succeeded');
}

/** A job to `model` whose trial t0001 scores `score`, cancelled then: the cancel's answer, and t0001's family. */
async function cancelledJob(id: string, model: string, score: number, overrides: Partial<JobConfig> = {}) {
  const stub = stubFor(id);
  await stub.start(detachedJobConfig(id, { model_name: model, ...overrides }));
  expect(await stub.report('t0001', await withArtifact(complete(score, `models/detached/${id}/t0001.json`)))).toEqual({ accepted: true });
  const family = (await stub.trials())!.find((t) => t.trial_id === 't0001')!.family;
  const answer = (await stub.cancel())!;
  expect(answer.status).toBe('cancelled');
  return { stub, answer, family };
}

describe('a cancelled job and the champion', () => {
  it('keeps a better champion, and says so in the answer, the view and the history, with the promote route', async () => {
    await finishedJob('cc-keep-a', 'cc-keep', 0.9);
    const { stub, answer, family } = await cancelledJob('cc-keep-b', 'cc-keep', 0.8);
    expect(answer.model).toEqual({ name: 'cc-keep', version: 2, promoted: false });
    expect((await registry().resolveModel('cc-keep'))?.version).toBe(1);
    const model = (await registry().getModel('cc-keep'))!;
    const event = model.history.at(-1)!;
    expect(event).toMatchObject({ kind: 'kept_apart', version: 2, previous_version: 1, job_id: 'cc-keep-b' });
    const first = model.versions[0].family;
    expect(event.reason).toBe(
      `job cc-keep-b was cancelled: its best result so far, ${family} (roc_auc 0.8000), is kept as v2 beside the champion, which stays v1 (${first}, roc_auc 0.9000), ` +
        'since the champion scores better on the same data (dataset "d" v1), metric and validation (5-fold cross-validation) ' +
        "(a cancelled job's result replaces the champion only when it scores better on the same data, metric and validation). " +
        'To make v2 the champion on purpose: POST /v1/models/cc-keep/promote {"version": 2} (CLI: edge-automl promote cc-keep 2)',
    );
    expect(answer.cancel).toEqual({ already_ended: false, message: `cancelled: its best trial so far, t0001 (${family}), is published as model "cc-keep" v2; ${event.reason}` });
    expect(answer.warnings).toEqual([event.reason]);
    // The view keeps saying it after the answer; promoting the version on purpose makes it the champion.
    expect((await stub.view())?.warnings).toEqual([event.reason]);
    expect(await registry().promote('cc-keep', 2)).toEqual({ ok: true, champion_version: 2, previous_version: 1 });
  });

  it('publishes as before when the model has no champion yet', async () => {
    const { answer, family } = await cancelledJob('cc-new', 'cc-new', 0.6);
    expect(answer.model).toEqual({ name: 'cc-new', version: 1 });
    expect(answer.cancel).toEqual({ already_ended: false, message: `cancelled: its best trial so far, t0001 (${family}), is published as model "cc-new" v1` });
    expect(answer.warnings).toBeUndefined();
    const model = (await registry().getModel('cc-new'))!;
    expect(model.champion_version).toBe(1);
    expect(model.history).toEqual([{ at: expect.any(String), kind: 'published', version: 1, previous_version: null, job_id: 'cc-new', reason: `job cc-new published ${family} (roc_auc 0.6000)` }]);
  });

  it('replaces a worse champion measured alike, saying which version it replaced and how to roll back', async () => {
    await finishedJob('cc-replace-a', 'cc-replace', 0.7);
    const { stub, answer, family } = await cancelledJob('cc-replace-b', 'cc-replace', 0.8);
    expect(answer.model).toEqual({ name: 'cc-replace', version: 2, promoted: true });
    const model = (await registry().getModel('cc-replace'))!;
    expect(model.champion_version).toBe(2);
    const first = model.versions[0].family;
    const reason =
      `job cc-replace-b was cancelled, and its best result so far, ${family} (roc_auc 0.8000), beats the champion v1 (${first}, roc_auc 0.7000) ` +
      'on the same data (dataset "d" v1), metric and validation (5-fold cross-validation): v2 replaced v1 as the champion. ' +
      'To put v1 back: POST /v1/models/cc-replace/rollback (CLI: edge-automl rollback cc-replace)';
    expect(model.history.at(-1)).toEqual({ at: expect.any(String), kind: 'published', version: 2, previous_version: 1, job_id: 'cc-replace-b', reason: `job cc-replace-b published ${family} (roc_auc 0.8000); ${reason}` });
    expect(answer.cancel.message).toBe(`cancelled: its best trial so far, t0001 (${family}), is published as model "cc-replace" v2; ${reason}`);
    expect((await stub.view())?.warnings).toEqual([reason]);
    // The rollback it names restores the champion it replaced.
    expect(await registry().rollback('cc-replace')).toMatchObject({ ok: true, champion_version: 1, previous_version: 2 });
  });

  it('keeps the champion when the scores were measured otherwise, saying how they differ', async () => {
    // Three folds against five.
    await finishedJob('cc-folds-a', 'cc-folds', 0.7);
    const folds = await cancelledJob('cc-folds-b', 'cc-folds', 0.95, { folds: 3 });
    expect(folds.answer.model).toEqual({ name: 'cc-folds', version: 2, promoted: false });
    expect(folds.answer.cancel.message).toContain('since their scores do not compare: the champion was measured by 5-fold cross-validation, this job by 3-fold cross-validation');
    // A newer version of the dataset.
    await finishedJob('cc-data-a', 'cc-data', 0.7);
    const data = await cancelledJob('cc-data-b', 'cc-data', 0.95, { dataset: { name: 'd', version: 2, key: 'datasets/none', rows: 100, cols: 4 } });
    expect(data.answer.model?.promoted).toBe(false);
    expect(data.answer.warnings?.[0]).toContain('the champion was validated on dataset "d" v1, this job on "d" v2');
    expect((await registry().resolveModel('cc-data'))?.version).toBe(1);
  });
});

describe('the Registry deciding on a cancelled result', () => {
  const request = (job: string, score: number, extra: Partial<PublishRequest> = {}): PublishRequest => ({
    job_id: job,
    trial_id: 't0001',
    family: 'gbdt',
    artifact_key: `models/cc/${job}.json`,
    task: 'binary',
    target: 'y',
    classes: ['a', 'b'],
    metric: 'roc_auc',
    greater_is_better: true,
    score,
    dataset: { name: 'd', version: 1 },
    validation: { kind: 'cv', folds: 5, fidelity: 1 },
    ...extra,
  });

  it('compares only on a full-fidelity validation both recorded, and answers a repeated publication alike', async () => {
    const reg = env.REGISTRY.getByName('cc-registry');
    expect(await reg.publish('m', request('j1', 0.7))).toEqual({ version: 1, promoted: true });
    // A trial on a third of the rows scores on other terms.
    const partial = await reg.publish('m', request('j2', 0.9, { cancelled: true, validation: { kind: 'cv', folds: 5, fidelity: 1 / 3 } }));
    expect(partial).toMatchObject({ version: 2, promoted: false, reason: expect.stringContaining('this job by 5-fold cross-validation, trained on 33% of the rows') });
    // Equal scores keep the champion; a better one replaces it, and publishing it again answers the same.
    expect(await reg.publish('m', request('j3', 0.7, { cancelled: true }))).toMatchObject({ version: 3, promoted: false, reason: expect.stringContaining('the champion scores as well') });
    const replaced = await reg.publish('m', request('j4', 0.75, { cancelled: true }));
    expect(replaced).toMatchObject({ version: 4, promoted: true, reason: expect.stringContaining('v4 replaced v1 as the champion') });
    expect(await reg.publish('m', request('j4', 0.75, { cancelled: true }))).toEqual(replaced);
    // A job not cancelled replaces the champion whatever it scores, as before.
    expect(await reg.publish('m', request('j5', 0.5))).toEqual({ version: 5, promoted: true });
  });

  it('adds the validation column to a versions table made before it, and keeps a champion stored without one', async () => {
    const reg = env.REGISTRY.getByName('cc-upgrade');
    expect(await reg.publish('old', request('j1', 0.7, { validation: undefined }))).toEqual({ version: 1, promoted: true });
    await runInDurableObject(reg, (_: Registry, state) => {
      const sql = state.storage.sql;
      sql.exec('ALTER TABLE model_versions DROP COLUMN validation');
      upgradeModelVersions(sql, (apply) => state.storage.transactionSync(apply));
      expect(sql.exec('SELECT version, validation FROM model_versions').toArray()).toEqual([{ version: 1, validation: null }]);
      // Upgrading again changes nothing.
      upgradeModelVersions(sql, (apply) => state.storage.transactionSync(apply));
      expect(sql.exec<{ name: string }>('PRAGMA table_info(model_versions)').toArray().filter((c) => c.name === 'validation')).toHaveLength(1);
    });
    const kept = await reg.publish('old', request('j2', 0.9, { cancelled: true }));
    expect(kept).toMatchObject({ version: 2, promoted: false, reason: expect.stringContaining("how the champion's score was measured is not recorded") });
    expect((await reg.resolveModel('old'))?.version).toBe(1);
  });
});
