/**
 * @module durable/model-version-table
 * The model_versions table of a tenant's Registry: one row per version, never changed once written. A
 * version is a job's result (one per job: publishing the job again finds it) or, for a forecast model, its
 * champion advanced to newer data (`advanced_from`: the version whose fitted model it is; see
 * ./champion-advance). An advance keeps that version's job and trial, since a later retraining starts from
 * their configuration, so one job may stand behind several versions. Tables made before advances held
 * UNIQUE (name, job_id), which SQLite cannot drop: they are rebuilt once, in one transaction, and the
 * uniqueness is kept for job results only (a partial index). Each version also holds what it is (task,
 * target and classes; see ./model-description), so moving the champion pointer can describe the model by
 * it: tables made before get the three columns once, in one transaction, with the versions the Registry
 * can tell filled (the others are described from their artifact when the pointer moves to them).
 */
import { describeStoredVersions } from './model-description';
import type { ModelVersionInfo } from './model-reads';
import { type ScoreValidation, storedValidation } from './score-validation';

/** The table's columns, as `table` (the live name, or the one a rebuild fills). */
const versionsTable = (table: string) => `CREATE TABLE IF NOT EXISTS ${table} (name TEXT NOT NULL, version INTEGER NOT NULL, job_id TEXT NOT NULL,
  trial_id TEXT NOT NULL, family TEXT NOT NULL, metric TEXT NOT NULL, greater_is_better INTEGER NOT NULL, score REAL NOT NULL,
  artifact_key TEXT NOT NULL, dataset TEXT NOT NULL, created_at TEXT NOT NULL, advanced_from INTEGER, task TEXT, target TEXT, classes TEXT,
  validation TEXT, PRIMARY KEY (name, version))`;

export const MODEL_VERSIONS_DDL = versionsTable('model_versions');

/** One job publishes one version (advances aside): what makes publishing a job again find its version. */
const ONE_VERSION_PER_JOB = 'CREATE UNIQUE INDEX IF NOT EXISTS model_versions_job ON model_versions (name, job_id) WHERE advanced_from IS NULL';

/** The columns every version of the table has had. */
const FIRST_COLUMNS = 'name, version, job_id, trial_id, family, metric, greater_is_better, score, artifact_key, dataset, created_at';

/** The columns describing what a version is, added after the others (null in rows stored before them). */
const DESCRIPTION_COLUMNS = ['task', 'target', 'classes'] as const;

/**
 * Brings a table made before advances or before versions were described to the current form, all in
 * `transaction` so a crash leaves the old table whole: one made before advances is rebuilt without
 * UNIQUE (name, job_id), every row kept as it was (none is an advance); one made before descriptions
 * gets their columns; then the versions the Registry can tell are described (see ./model-description).
 */
export function upgradeModelVersions(sql: SqlStorage, transaction: (apply: () => void) => void): void {
  const columns = sql.exec<{ name: string }>('PRAGMA table_info(model_versions)').toArray().map((c) => c.name);
  const advances = columns.includes('advanced_from');
  const described = DESCRIPTION_COLUMNS.every((c) => columns.includes(c));
  // How each score was measured (durable/score-validation): versions stored before have none.
  const validated = columns.includes('validation');
  if (!advances || !described || !validated) {
    transaction(() => {
      if (!advances) {
        sql.exec('DROP TABLE IF EXISTS model_versions_upgrade');
        sql.exec(versionsTable('model_versions_upgrade'));
        sql.exec(`INSERT INTO model_versions_upgrade (${FIRST_COLUMNS}) SELECT ${FIRST_COLUMNS} FROM model_versions`);
        sql.exec('DROP TABLE model_versions');
        sql.exec('ALTER TABLE model_versions_upgrade RENAME TO model_versions');
      } else {
        for (const c of DESCRIPTION_COLUMNS) if (!columns.includes(c)) sql.exec(`ALTER TABLE model_versions ADD COLUMN ${c} TEXT`);
        if (!validated) sql.exec('ALTER TABLE model_versions ADD COLUMN validation TEXT');
      }
      if (!advances || !described) describeStoredVersions(sql);
    });
  }
  sql.exec(ONE_VERSION_PER_JOB);
}

/**
 * A version as written: what the Registry answers of it, less its number (given apart). Its task, target
 * and classes describe it (a job's result: the job's; an advance: its source's); absent, it is stored
 * undescribed, as versions were before. Its `validation` says how its score was measured (a job's result;
 * an advance has none: its score is its source's, on other data).
 */
export type VersionRow = Omit<ModelVersionInfo, 'version'> & { readonly validation?: ScoreValidation };

export function insertVersion(sql: SqlStorage, name: string, version: number, v: VersionRow): void {
  const described = v.task !== undefined && v.target !== undefined && v.classes !== undefined;
  sql.exec(
    `INSERT INTO model_versions (name, version, job_id, trial_id, family, metric, greater_is_better, score, artifact_key, dataset, created_at, advanced_from, task, target, classes, validation)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
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
    described ? v.task : null,
    described ? v.target : null,
    described ? JSON.stringify(v.classes) : null,
    storedValidation(v.validation),
  );
}

/** The version a job published (not an advance made of it), or null. */
export function versionOfJob(sql: SqlStorage, name: string, jobId: string): number | null {
  const rows = sql.exec<{ version: number }>('SELECT version FROM model_versions WHERE name = ? AND job_id = ? AND advanced_from IS NULL', name, jobId).toArray();
  return rows.length > 0 ? Number(rows[0].version) : null;
}
