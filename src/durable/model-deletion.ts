/**
 * @module durable/model-deletion
 * Deleting a model inside its tenant's Registry, in one synchronous SQLite transaction (no await), so a
 * model is either whole or gone: its row, every version, its history, its retraining schedule with the
 * schedule's runs. It is refused while anything may still publish to it: an unfinished job naming the
 * model (one started by hand, a scheduled retraining, a retraining in its champion/challenger
 * comparison) or a scheduled run claimed but not yet started (its job is not recorded yet, so it would
 * bring the model back). Jobs keep their records; the caller deletes the files the answer names.
 * A tombstone keeps the highest version number the model reached: a model published again under the
 * same name continues from there, so a version number names one artifact forever (clients that pinned
 * an old version get 404, never another model; per-version caches and drift counts never mix two).
 */
import { dropSchedule, STALE_CLAIM_MS } from './model-schedule';

export const DELETED_MODELS_DDL = `CREATE TABLE IF NOT EXISTS deleted_models (name TEXT PRIMARY KEY, last_version INTEGER NOT NULL,
  deleted_at TEXT NOT NULL)`;

/** What deleting a model did, or what it waits for. */
export type ModelDeletion =
  | {
      readonly deleted: true;
      /** How many versions went. */
      readonly versions: number;
      /** Every version's artifact key (their derived files lie beside them). */
      readonly artifact_keys: readonly string[];
      /** Every job that published to the model or was started for it: their folders hold its trial files. */
      readonly job_ids: readonly string[];
      /** The schedule removal's revision, for the ScheduleBoard; null when the model had no schedule. */
      readonly schedule_revision: number | null;
    }
  | {
      readonly deleted: false;
      /** Unfinished jobs that publish to the model, oldest first. */
      readonly jobs: readonly string[];
      /** A scheduled run claimed and about to start its job, by its number among the model's runs (none when null). */
      readonly starting_run: number | null;
    };

/** The highest version a deleted model of this name reached (0 when none was deleted). */
export function lastDeletedVersion(sql: SqlStorage, name: string): number {
  return sql.exec<{ v: number }>('SELECT last_version AS v FROM deleted_models WHERE name = ?', name).toArray()[0]?.v ?? 0;
}

/**
 * Deletes the model `name` as of `now`; null when there is no such model. Jobs created before
 * `stuckBefore` and still unfinished are taken for dead (see the Registry's STUCK_JOB_MS) and block nothing.
 */
export function deleteModelRows(sql: SqlStorage, name: string, now: number, stuckBefore: number): ModelDeletion | null {
  if (sql.exec('SELECT 1 FROM models WHERE name = ?', name).toArray().length === 0) return null;
  const jobs = sql
    .exec<{ id: string }>("SELECT id FROM jobs WHERE model_name = ? AND status IN ('queued', 'running') AND created_at > ? ORDER BY created_at, id", name, new Date(stuckBefore).toISOString())
    .toArray()
    .map((r) => r.id);
  const starting = sql.exec<{ run: number }>("SELECT run FROM schedule_runs WHERE name = ? AND status = 'claimed' AND claimed_at > ? ORDER BY seq LIMIT 1", name, now - STALE_CLAIM_MS).toArray()[0];
  if (jobs.length > 0 || starting) return { deleted: false, jobs, starting_run: starting ? Number(starting.run) : null };

  const versions = sql.exec<{ version: number; artifact_key: string; job_id: string }>('SELECT version, artifact_key, job_id FROM model_versions WHERE name = ? ORDER BY version', name).toArray();
  // Jobs that published, and jobs started for the model that did not (failed, cancelled early): both left files.
  const jobIds = new Set(versions.map((v) => v.job_id));
  for (const r of sql.exec<{ id: string }>('SELECT id FROM jobs WHERE model_name = ? ORDER BY created_at DESC, id', name)) jobIds.add(r.id);
  const last = Math.max(lastDeletedVersion(sql, name), ...versions.map((v) => Number(v.version)));
  sql.exec('DELETE FROM model_versions WHERE name = ?', name);
  sql.exec('DELETE FROM models WHERE name = ?', name);
  sql.exec('DELETE FROM model_events WHERE name = ?', name);
  const revision = dropSchedule(sql, name);
  sql.exec(
    'INSERT INTO deleted_models (name, last_version, deleted_at) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE SET last_version = excluded.last_version, deleted_at = excluded.deleted_at',
    name,
    last,
    new Date(now).toISOString(),
  );
  return { deleted: true, versions: versions.length, artifact_keys: versions.map((v) => String(v.artifact_key)), job_ids: [...jobIds], schedule_revision: revision };
}
