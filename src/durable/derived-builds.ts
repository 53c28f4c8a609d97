/**
 * @module durable/derived-builds
 * Model versions whose derived data (drift reference, feature importances) a queue consumer has yet to
 * build from their training dataset (worker/queue/published-version-task). A dataset deleted in that
 * window would leave the new version without either for good, so deleting it holds back the files of
 * the versions still needed (./dataset-table hideDataset) and a later queue message deletes them once the
 * builds are done (worker/dataset-files). A build not done within HOLD_MS (its message lost, say) holds
 * nothing: a deleted dataset's files never stay longer than that.
 */

export const DERIVED_BUILDS_DDL = `CREATE TABLE IF NOT EXISTS derived_builds (model TEXT NOT NULL, version INTEGER NOT NULL, dataset TEXT NOT NULL,
  dataset_version INTEGER NOT NULL, since INTEGER NOT NULL, PRIMARY KEY (model, version))`;

/** The longest a pending build holds a deleted dataset's files. */
export const HOLD_MS = 15 * 60_000;

/** Notes a published version's build as pending (in the publishing transaction: no await). */
export function recordDerivedBuild(sql: SqlStorage, model: string, version: number, dataset: { readonly name: string; readonly version: number }, now: number): void {
  sql.exec('INSERT OR REPLACE INTO derived_builds (model, version, dataset, dataset_version, since) VALUES (?, ?, ?, ?, ?)', model, version, dataset.name, dataset.version, now);
  // Builds older than the hold are forgotten here, so the table stays the size of the last few minutes.
  sql.exec('DELETE FROM derived_builds WHERE since < ?', now - HOLD_MS);
}

/** The build is over (done, skipped or given up): it holds nothing any more. */
export function finishDerivedBuild(sql: SqlStorage, model: string, version: number): void {
  sql.exec('DELETE FROM derived_builds WHERE model = ? AND version = ?', model, version);
}

/** The versions of dataset `name` that a build begun after `since` still needs. */
export function versionsNeededByBuilds(sql: SqlStorage, name: string, since: number): number[] {
  return sql.exec<{ v: number }>('SELECT DISTINCT dataset_version AS v FROM derived_builds WHERE dataset = ? AND since >= ?', name, since).toArray().map((r) => Number(r.v));
}
