/**
 * The Registry's side of advancing a kept forecast champion (durable/champion-advance), inside workerd
 * with real SQLite storage: a retraining job's report carrying the champion advanced to its data becomes
 * the version after the challenger and the champion when the challenger is kept out (marked
 * `advanced_from`, with the champion's job, trial and score), once even when the publication is repeated;
 * an advance of a champion replaced meanwhile, one that moved nothing, or one beside a promoted challenger
 * registers nothing, and the history says why; what it did to the groups a simple rule forecasts is
 * recorded beside the series. A rollback returns to the version advanced. A registry
 * whose versions table predates advances is upgraded in place, every version kept.
 */
import { env } from 'cloudflare:workers';
import { runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import type { ChallengeReport, ChampionAdvance, PublishRequest } from '../../src/durable/protocol';
import type { Registry } from '../../src/durable/registry';
import { upgradeModelVersions } from '../../src/durable/model-version-table';

const registry = () => env.REGISTRY.getByName('advance-rules');

const version = (job: string, dataset = 1): PublishRequest => ({
  job_id: job,
  trial_id: 't0003',
  family: 'linear',
  artifact_key: `models/advance-rules/${job}/t0003.json`,
  task: 'forecast',
  target: 'sales',
  classes: [],
  metric: 'rmse',
  greater_is_better: false,
  score: 9.5,
  dataset: { name: 'shops', version: dataset },
});

const advance = (from: number, moved = true): ChampionAdvance => ({
  from_version: from,
  artifact_key: moved ? `models/advance-rules/retrain/champion-v${from}.advanced.json` : null,
  series: moved ? 2 : 0,
  left: moved ? [] : [{ group: 'north', reason: 'its latest point is not in the new data' }],
  left_count: moved ? 0 : 1,
  reason: moved ? '2 series advanced to their newest points' : 'no series moved; 1 left as it was',
});

/** A comparison the challenger loses (its RMSE is higher), for champion `champion`, carrying `adv`. */
const kept = (champion: number, adv?: ChampionAdvance): { margin: number; report: ChallengeReport } => ({
  margin: 0.01,
  report: { status: 'complete', challenger_score: 10, champion_score: 9, champion_version: champion, holdout_rows: 28, ...(adv ? { advance: adv } : {}) },
});

describe('advancing a kept forecast champion in the Registry', () => {
  it('makes the advance the next version and the champion, once; a rollback returns to the version advanced', async () => {
    const model = 'kept';
    expect((await registry().publish(model, version('first'))).version).toBe(1);
    const published = await registry().publish(model, version('retrain', 2), kept(1, advance(1)));
    expect(published).toMatchObject({ version: 2, promoted: false, advanced: { version: 3, from_version: 1 } });
    expect(published.reason).toMatch(/the champion stays; champion v1 is advanced to the newest points as v3$/);
    // A publication repeated (the coordinator retrying) finds both versions and makes no fourth.
    expect(await registry().publish(model, version('retrain', 2), kept(1, advance(1)))).toEqual({ version: 2, promoted: false, advanced: { version: 3, from_version: 1 } });

    const info = (await registry().getModel(model))!;
    expect(info.champion_version).toBe(3);
    expect(info.versions.map((v) => [v.version, v.job_id, v.advanced_from])).toEqual([[1, 'first', undefined], [2, 'retrain', undefined], [3, 'first', 1]]);
    expect(info.versions[2]).toMatchObject({ trial_id: 't0003', family: 'linear', score: 9.5, artifact_key: 'models/advance-rules/retrain/champion-v1.advanced.json', dataset: { name: 'shops', version: 2 } });
    expect(info.history.map((e) => e.kind)).toEqual(['published', 'challenger_kept', 'advanced']);
    expect(info.history[2]).toMatchObject({ version: 3, previous_version: 1, job_id: 'retrain', advance: { from_version: 1, dataset: { name: 'shops', version: 2 }, series: 2, left: [], left_count: 0 } });
    expect(info.history[2].reason).toBe('champion v1 stays and forecasts from the newest points of shops v2 as v3 (the same fitted model): 2 series advanced to their newest points');
    // The next retraining starts from the champion's job and trial, as it would from version 1.
    expect(await registry().resolveModel(model)).toMatchObject({ version: 3, job_id: 'first', trial_id: 't0003', advanced_from: 1, task: 'forecast' });
    expect(await registry().resolveModel(model, 1)).not.toHaveProperty('advanced_from');

    expect(await registry().rollback(model)).toEqual({ ok: true, champion_version: 1, previous_version: 3 });
  });

  it('records what the advance did to the groups a simple rule forecasts, and nothing of them for a champion keeping none', async () => {
    const model = 'ruled';
    await registry().publish(model, version('first'));
    const fallback_groups = { advanced: 1, left: [{ group: 'kiosk', reason: 'it is not in the new data' }], left_count: 1 };
    await registry().publish(model, version('retrain', 2), kept(1, { ...advance(1), fallback_groups }));
    const info = (await registry().getModel(model))!;
    expect(info.history[2].advance).toEqual({ from_version: 1, dataset: { name: 'shops', version: 2 }, series: 2, left: [], left_count: 0, fallback_groups });
    await registry().publish('plain', version('first'));
    await registry().publish('plain', version('retrain', 2), kept(1, advance(1)));
    expect((await registry().getModel('plain'))!.history[2].advance).not.toHaveProperty('fallback_groups');
  });

  it('registers nothing for a champion replaced meanwhile, an advance that moved nothing, or beside a promoted challenger', async () => {
    const model = 'moved';
    await registry().publish(model, version('a'));
    await registry().publish(model, version('b'));
    const dropped = await registry().publish(model, version('c', 2), kept(1, advance(1)));
    expect(dropped).toMatchObject({ version: 3, promoted: false });
    expect(dropped).not.toHaveProperty('advanced');
    expect(dropped.reason).toMatch(/champion v1 was advanced to the new data, but the champion became v2 meanwhile, so the advance is dropped/);

    const nothing = await registry().publish(model, version('d', 2), kept(2, advance(2, false)));
    expect(nothing).not.toHaveProperty('advanced');
    expect(nothing.reason).toMatch(/champion v2 was not advanced to the new data: no series moved; 1 left as it was$/);

    const won = await registry().publish(model, version('e', 2), { margin: 0.01, report: { status: 'complete', challenger_score: 5, champion_score: 9, champion_version: 2, holdout_rows: 28, advance: advance(2) } });
    expect(won).toMatchObject({ version: 5, promoted: true });
    const info = (await registry().getModel(model))!;
    expect(info.champion_version).toBe(5);
    expect(info.versions.every((v) => v.advanced_from === undefined)).toBe(true);
    expect(info.history.some((e) => e.kind === 'advanced')).toBe(false);
  });

  it('upgrades a versions table made before advances, keeping every version and one version per job', async () => {
    const stub = env.REGISTRY.getByName('advance-upgrade');
    await stub.getModel('none');
    await runInDurableObject(stub, (_: Registry, state) => {
      const sql = state.storage.sql;
      sql.exec('DROP TABLE model_versions');
      sql.exec(`CREATE TABLE model_versions (name TEXT NOT NULL, version INTEGER NOT NULL, job_id TEXT NOT NULL, trial_id TEXT NOT NULL,
        family TEXT NOT NULL, metric TEXT NOT NULL, greater_is_better INTEGER NOT NULL, score REAL NOT NULL, artifact_key TEXT NOT NULL,
        dataset TEXT NOT NULL, created_at TEXT NOT NULL, PRIMARY KEY (name, version), UNIQUE (name, job_id))`);
      sql.exec("INSERT INTO model_versions VALUES ('old', 1, 'j1', 't0', 'linear', 'rmse', 0, 3.5, 'k1', '{\"name\":\"d\",\"version\":1}', '2024-01-01T00:00:00.000Z')");
      upgradeModelVersions(sql, (apply) => state.storage.transactionSync(apply));
      const columns = sql.exec<{ name: string }>('PRAGMA table_info(model_versions)').toArray().map((c) => c.name);
      expect(columns).toContain('advanced_from');
      expect(sql.exec('SELECT name, version, job_id, score, advanced_from FROM model_versions').toArray()).toEqual([{ name: 'old', version: 1, job_id: 'j1', score: 3.5, advanced_from: null }]);
      // A job publishes one version; an advance of it may share its job.
      const insert = `INSERT INTO model_versions (${columns.filter((c) => !['task', 'target', 'classes', 'validation'].includes(c)).join(', ')})`;
      expect(() => sql.exec(`${insert} VALUES ('old', 2, 'j1', 't0', 'linear', 'rmse', 0, 3.5, 'k2', '{}', 'now', NULL)`)).toThrow(/UNIQUE/);
      sql.exec(`${insert} VALUES ('old', 2, 'j1', 't0', 'linear', 'rmse', 0, 3.5, 'k2', '{}', 'now', 1)`);
      // Upgrading again changes nothing.
      upgradeModelVersions(sql, (apply) => state.storage.transactionSync(apply));
      expect(sql.exec('SELECT COUNT(*) AS n FROM model_versions').one().n).toBe(2);
    });
  });
});
