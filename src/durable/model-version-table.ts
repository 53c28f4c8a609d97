/**
 * @module durable/model-version-table
 * The model_versions table of a tenant's Registry: one row per version, never changed once written. A
 * version is a job's result (one per job: publishing the job again finds it) or, for a forecast model, its
 * champion advanced to newer data (`advanced_from`: the version whose fitted model it is; see
 * ./champion-advance). An advance keeps that version's job and trial, since a later retraining starts from
 * their configuration, so one job may stand behind several versions. Tables made before advances held
 * UNIQUE (name, job_id), which SQLite cannot drop: they are rebuilt once, in one transaction, and the
 * uniqueness is kept for job results only (a partial index).
 */
import type { ModelVersionInfo } from './registry';

/** The table's columns, as `table` (the live name, or the one a rebuild fills). */
const versionsTable = (table: string) => `CREATE TABLE IF NOT EXISTS ${table} (name TEXT NOT NULL, version INTEGER NOT NULL, job_id TEXT NOT NULL,
  trial_id TEXT NOT NULL, family TEXT NOT NULL, metric TEXT NOT NULL, greater_is_better INTEGER NOT NULL, score REAL NOT NULL,
  artifact_key TEXT NOT NULL, dataset TEXT NOT NULL, created_at TEXT NOT NULL, advanced_from INTEGER, PRIMARY KEY (name, version))`;

export const MODEL_VERSIONS_DDL = versionsTable('model_versions');

/** One job publishes one version (advances aside): what makes publishing a job again find its version. */
const ONE_VERSION_PER_JOB = 'CREATE UNIQUE INDEX IF NOT EXISTS model_versions_job ON model_versions (name, job_id) WHERE advanced_from IS NULL';

/** The columns every version of the table has had. */
const FIRST_COLUMNS = 'name, version, job_id, trial_id, family, metric, greater_is_better, score, artifact_key, dataset, created_at';

/**
 * Brings a table made before advances to the current form: rebuilt without UNIQUE (name, job_id), every
 * row kept as it was (none is an advance), all in `transaction` so a crash leaves the old table whole.
 */
export function upgradeModelVersions(sql: SqlStorage, transaction: (apply: () => void) => void): void {
  const columns = sql.exec<{ name: string }>('PRAGMA table_info(model_versions)').toArray().map((c) => c.name);
  if (!columns.includes('advanced_from')) {
    transaction(() => {
      sql.exec('DROP TABLE IF EXISTS model_versions_upgrade');
      sql.exec(versionsTable('model_versions_upgrade'));
      sql.exec(`INSERT INTO model_versions_upgrade (${FIRST_COLUMNS}) SELECT ${FIRST_COLUMNS} FROM model_versions`);
      sql.exec('DROP TABLE model_versions');
      sql.exec('ALTER TABLE model_versions_upgrade RENAME TO model_versions');
    });
  }
  sql.exec(ONE_VERSION_PER_JOB);
}

/** A version as written: what the Registry answers of it, less its number (given apart) and the model's task. */
export type VersionRow = Omit<ModelVersionInfo, 'version' | 'task'>;

export function insertVersion(sql: SqlStorage, name: string, version: number, v: VersionRow): void {
  sql.exec(
    `INSERT INTO model_versions (name, version, job_id, trial_id, family, metric, greater_is_better, score, artifact_key, dataset, created_at, advanced_from)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    name,
    version,
    v.job_id,
    v.trial_id,
    v.family,
    v.metric,
    v.greater_is_better ? 1 : 0,
    v.score,
    v.artifact_key,
    JSON.stringify(v.dataset),
    v.created_at,
    v.advanced_from ?? null,
  );
}

/** The version a job published (not an advance made of it), or null. */
export function versionOfJob(sql: SqlStorage, name: string, jobId: string): number | null {
  const rows = sql.exec<{ version: number }>('SELECT version FROM model_versions WHERE name = ? AND job_id = ? AND advanced_from IS NULL', name, jobId).toArray();
  return rows.length > 0 ? Number(rows[0].version) : null;
}
