/**
 * The Registry keeps a model's description (task, target, classes, metric) the champion's
 * (durable/model-description), inside workerd with real SQLite and R2: a rollback or promotion across a
 * `replace_model` rewrites it from the version that becomes the champion; a registry whose versions
 * predate their descriptions is upgraded once (the version the model row was written for described from
 * it) and describes an older version from its artifact when the pointer moves to it; and a job's result
 * whose model changed under it to another target or task is kept apart, not made the champion, until it
 * is promoted on purpose (durable/publish-conflict).
 */
import { env } from 'cloudflare:workers';
import { runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import type { PublishRequest } from '../../src/durable/protocol';
import type { Registry } from '../../src/durable/registry';
import { upgradeModelVersions } from '../../src/durable/model-version-table';

const SPECIES = ['Adelie', 'Chinstrap', 'Gentoo'];

/** A job's result: a species classifier, or (`mass`) a body-mass regression. */
function result(job: string, kind: 'species' | 'mass' | 'island', extra: Partial<PublishRequest> = {}): PublishRequest {
  const common = { job_id: job, trial_id: 't0001', family: 'linear' as const, artifact_key: `models/desc/${job}/t0001.json`, dataset: { name: 'peng', version: 1 } };
  if (kind === 'mass') return { ...common, task: 'regression', target: 'body_mass_g', classes: [], metric: 'rmse', greater_is_better: false, score: 310.5, ...extra };
  if (kind === 'island') return { ...common, task: 'multiclass', target: 'island', classes: ['Biscoe', 'Dream', 'Torgersen'], metric: 'log_loss', greater_is_better: false, score: 0.41, ...extra };
  return { ...common, task: 'multiclass', target: 'species', classes: SPECIES, metric: 'log_loss', greater_is_better: false, score: 0.0087, ...extra };
}

const speciesView = { task: 'multiclass', target: 'species', classes: SPECIES, metric: 'log_loss', greater_is_better: false };
const massView = { task: 'regression', target: 'body_mass_g', classes: [], metric: 'rmse', greater_is_better: false };

describe('the model describes its champion', () => {
  it('after a rollback or promotion across a replace_model, in the model and the list', async () => {
    const reg = env.REGISTRY.getByName('desc-moves');
    await reg.publish('flip', result('j1', 'species', { replace_model: false }));
    await reg.publish('flip', result('j2', 'mass', { replace_model: true }));
    expect(await reg.getModel('flip')).toMatchObject({ champion_version: 2, ...massView });

    expect(await reg.rollback('flip')).toEqual({ ok: true, champion_version: 1, previous_version: 2 });
    expect(await reg.getModel('flip')).toMatchObject({ champion_version: 1, ...speciesView });
    // The list's score is the champion's, in the champion's metric (it read "rmse 0.0087" before).
    expect((await reg.listModels()).find((m) => m.name === 'flip')).toMatchObject({ champion_version: 1, task: 'multiclass', metric: 'log_loss', greater_is_better: false, score: 0.0087 });
    // What the version served is: its own task (pinning the replaced version gives its own too).
    expect((await reg.resolveModel('flip'))?.task).toBe('multiclass');
    expect((await reg.resolveModel('flip', 2))?.task).toBe('regression');
    // Each version says what it predicts.
    expect((await reg.getModel('flip'))?.versions.map((v) => [v.version, v.task, v.target, v.classes])).toEqual([
      [1, 'multiclass', 'species', SPECIES],
      [2, 'regression', 'body_mass_g', []],
    ]);

    expect(await reg.promote('flip', 2)).toEqual({ ok: true, champion_version: 2, previous_version: 1 });
    expect(await reg.getModel('flip')).toMatchObject({ champion_version: 2, ...massView });
    expect((await reg.listModels()).find((m) => m.name === 'flip')).toMatchObject({ task: 'regression', metric: 'rmse', score: 310.5 });
  });

  it('upgrades a registry whose versions predate descriptions, and describes an older version from its artifact when it becomes the champion', async () => {
    const stub = env.REGISTRY.getByName('desc-upgrade');
    // What a registry held before: v1 a species classifier, v2 (replace_model) a body-mass regression; the row is v2's.
    await stub.publish('old', result('j1', 'species'));
    await stub.publish('old', result('j2', 'mass'));
    // v3: an advance of v2 (the same fitted model); v4 another job's species model, kept as a version without events.
    await runInDurableObject(stub, (_: Registry, state) => {
      const sql = state.storage.sql;
      sql.exec('DROP TABLE model_versions');
      sql.exec(`CREATE TABLE model_versions (name TEXT NOT NULL, version INTEGER NOT NULL, job_id TEXT NOT NULL, trial_id TEXT NOT NULL,
        family TEXT NOT NULL, metric TEXT NOT NULL, greater_is_better INTEGER NOT NULL, score REAL NOT NULL, artifact_key TEXT NOT NULL,
        dataset TEXT NOT NULL, created_at TEXT NOT NULL, advanced_from INTEGER, PRIMARY KEY (name, version))`);
      const row = (v: number, job: string, metric: string, score: number, key: string, from: number | null) =>
        sql.exec('INSERT INTO model_versions VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?)', 'old', v, job, 't0001', 'linear', metric, score, key, '{"name":"peng","version":1}', '2026-01-01T00:00:00.000Z', from);
      row(1, 'j1', 'log_loss', 0.0087, 'models/desc/j1/t0001.json', null);
      row(2, 'j2', 'rmse', 310.5, 'models/desc/j2/t0001.json', null);
      row(3, 'j2', 'rmse', 310.5, 'models/desc/j2/t0001.advanced.json', 2);
      row(4, 'j4', 'log_loss', 0.02, 'models/desc/j4/missing.json', null);
      sql.exec('UPDATE models SET champion_version = 3 WHERE name = ?', 'old');
      upgradeModelVersions(sql, (apply) => state.storage.transactionSync(apply));
      // The row was written for v2 (its newest publication), and v3 is v2's fitted model; v1 and v4 are not known yet.
      const described = sql.exec<{ version: number; task: string | null; target: string | null }>('SELECT version, task, target FROM model_versions ORDER BY version').toArray();
      expect(described).toEqual([
        { version: 1, task: null, target: null },
        { version: 2, task: 'regression', target: 'body_mass_g' },
        { version: 3, task: 'regression', target: 'body_mass_g' },
        { version: 4, task: null, target: null },
      ]);
      // Upgrading again changes nothing.
      upgradeModelVersions(sql, (apply) => state.storage.transactionSync(apply));
      expect(sql.exec('SELECT COUNT(*) AS n FROM model_versions WHERE task IS NOT NULL').one().n).toBe(2);
    });
    // The old registry still loads and describes its champion as before.
    expect(await stub.getModel('old')).toMatchObject({ champion_version: 3, ...massView });
    expect((await stub.getModel('old'))?.versions.map((v) => v.task)).toEqual([undefined, 'regression', 'regression', undefined]);
    // An undescribed version serves with the model's task, as before.
    expect((await stub.resolveModel('old', 1))?.task).toBe('regression');

    // v1 is described from its artifact when the pointer moves to it, and kept so.
    await env.STORE.put('models/desc/j1/t0001.json', JSON.stringify({ format: 'edge-automl/model', version: 1, task: 'multiclass', target: 'species', classes: SPECIES, metric: 'log_loss', columns: [], pipeline: {}, model: {} }));
    expect(await stub.promote('old', 1)).toMatchObject({ ok: true, champion_version: 1 });
    expect(await stub.getModel('old')).toMatchObject({ champion_version: 1, ...speciesView });
    expect((await stub.getModel('old'))?.versions[0]).toMatchObject({ task: 'multiclass', target: 'species', classes: SPECIES });
    // A rollback returns to v2 (the history's champion before the promotion), described by the migration.
    expect(await stub.rollback('old')).toMatchObject({ ok: true, champion_version: 2 });
    expect(await stub.getModel('old')).toMatchObject({ champion_version: 2, ...massView });

    // An artifact that cannot be read does not stop the move: the metric is the version's, the rest stays.
    expect(await stub.promote('old', 4)).toMatchObject({ ok: true, champion_version: 4 });
    expect(await stub.getModel('old')).toMatchObject({ champion_version: 4, task: 'regression', target: 'body_mass_g', metric: 'log_loss' });
    expect((await stub.getModel('old'))?.versions[3].task).toBeUndefined();
  });
});

describe('a job whose model changed under it to another target or task', () => {
  it('is kept apart as a version, says why and how to promote it, and once promoted the model describes it', async () => {
    const reg = env.REGISTRY.getByName('desc-apart');
    expect(await reg.publish('race', result('a0', 'species', { replace_model: false }))).toEqual({ version: 1, promoted: true });
    // A job that said replace_model makes the island model the champion while job "a1" (species) runs.
    expect(await reg.publish('race', result('b1', 'island', { replace_model: true }))).toEqual({ version: 2, promoted: true });
    const kept = await reg.publish('race', result('a1', 'species', { replace_model: false }));
    expect(kept).toEqual({
      version: 3,
      promoted: false,
      reason:
        'job a1\'s result predicts "species" (multiclass), but while it ran the champion of model "race" became v2 (from job b1), which predicts "island" (multiclass); the job did not send "replace_model": true, so its result is kept as v3 beside the champion, which stays v2. To make v3 the champion on purpose: POST /v1/models/race/promote {"version": 3}',
    });
    // Published again (the coordinator retrying): the same version and reason, nothing new.
    expect(await reg.publish('race', result('a1', 'species', { replace_model: false }))).toEqual(kept);
    const model = await reg.getModel('race');
    expect(model).toMatchObject({ champion_version: 2, task: 'multiclass', target: 'island' });
    expect(model?.history.filter((e) => e.kind === 'kept_apart')).toEqual([{ at: expect.any(String), kind: 'kept_apart', version: 3, previous_version: 2, job_id: 'a1', reason: kept.reason }]);
    // Kept apart is no champion change: a rollback goes back past it to v1.
    expect(await reg.promote('race', 3)).toEqual({ ok: true, champion_version: 3, previous_version: 2 });
    expect(await reg.getModel('race')).toMatchObject({ champion_version: 3, ...speciesView });
    expect(await reg.rollback('race')).toEqual({ ok: true, champion_version: 2, previous_version: 3 });
    expect(await reg.getModel('race')).toMatchObject({ target: 'island' });

    // The same target and task, replace_model asked, or a job made before jobs carried it: published as before.
    expect(await reg.publish('race', result('b2', 'island', { replace_model: false }))).toMatchObject({ version: 4, promoted: true });
    expect(await reg.publish('race', result('a2', 'species'))).toMatchObject({ version: 5, promoted: true });
    expect(await reg.getModel('race')).toMatchObject({ champion_version: 5, target: 'species' });
  });
});
