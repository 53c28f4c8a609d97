/**
 * @module durable/dataset-table
 * The datasets table of a tenant's Registry: one row per immutable version, visible once its files are
 * in R2. A version made by appending rows names the version it extends; deleting a dataset hides every
 * version (the caller deletes the files), refused while a job still trains on it. Retraining schedules
 * read row counts and the chain of appends from here (see ./schedule-lookups).
 */
import type { ColumnProfile } from '../engine';
import { versionsNeededByBuilds } from './derived-builds';

export interface DatasetVersion {
  readonly name: string;
  readonly version: number;
  readonly rows: number;
  readonly bytes: number;
  readonly columns: readonly ColumnProfile[];
  readonly raw_key: string;
  readonly data_key: string;
  readonly created_at: string;
  /** For a version made by appending rows (POST …/rows): the version they were added to, and how many. */
  readonly appended?: { readonly base_version: number; readonly rows: number };
  /** What reading the file left out (an unnamed column without values); no column's profile can say it. */
  readonly warnings?: readonly string[];
}

export const DATASETS_DDL = `CREATE TABLE IF NOT EXISTS datasets (name TEXT NOT NULL, version INTEGER NOT NULL, rows INTEGER NOT NULL, bytes INTEGER NOT NULL,
  columns TEXT NOT NULL, raw_key TEXT NOT NULL, data_key TEXT NOT NULL, created_at TEXT NOT NULL, deleted INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (name, version))`;

type Row = Record<string, SqlStorageValue>;

/**
 * What deleting a dataset leaves the caller to delete: `keys` at once, and `held`, the columnar files of
 * versions a model's derived data is still being built from (./derived-builds), once those builds end.
 */
export interface HiddenDataset {
  readonly keys: readonly string[];
  readonly held: { readonly versions: readonly number[]; readonly keys: readonly string[] };
}

/**
 * Registries made before appends were recorded get the two columns (null: an uploaded version), and
 * those made before versions had warnings the warnings column (null: none).
 */
export function upgradeDatasets(sql: SqlStorage): void {
  const columns = sql.exec<{ name: string }>('PRAGMA table_info(datasets)').toArray().map((c) => c.name);
  if (!columns.includes('base_version')) sql.exec('ALTER TABLE datasets ADD COLUMN base_version INTEGER');
  if (!columns.includes('appended_rows')) sql.exec('ALTER TABLE datasets ADD COLUMN appended_rows INTEGER');
  if (!columns.includes('warnings')) sql.exec('ALTER TABLE datasets ADD COLUMN warnings TEXT');
}

/** Writes the next version of `name` (numbers continue past deleted versions); returns it with its number. */
export function insertDatasetVersion(sql: SqlStorage, name: string, v: Omit<DatasetVersion, 'name' | 'version'>): DatasetVersion {
  const last = sql.exec<{ v: number | null }>('SELECT MAX(version) AS v FROM datasets WHERE name = ?', name).one().v ?? 0;
  const version = last + 1;
  sql.exec(
    'INSERT INTO datasets (name, version, rows, bytes, columns, raw_key, data_key, created_at, base_version, appended_rows, warnings) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    name,
    version,
    v.rows,
    v.bytes,
    JSON.stringify(v.columns),
    v.raw_key,
    v.data_key,
    v.created_at,
    v.appended?.base_version ?? null,
    v.appended?.rows ?? null,
    v.warnings && v.warnings.length > 0 ? JSON.stringify(v.warnings) : null,
  );
  return { name, version, ...v };
}

/** The newest visible version's number, or null when the dataset has none. */
export function newestVisibleVersion(sql: SqlStorage, name: string): number | null {
  return sql.exec<{ v: number | null }>('SELECT MAX(version) AS v FROM datasets WHERE name = ? AND deleted = 0', name).one().v;
}

/** A visible version: `version`, or the newest. */
export function readDataset(sql: SqlStorage, name: string, version?: number): DatasetVersion | null {
  const rows =
    version === undefined
      ? sql.exec<Row>('SELECT * FROM datasets WHERE name = ? AND deleted = 0 ORDER BY version DESC LIMIT 1', name).toArray()
      : sql.exec<Row>('SELECT * FROM datasets WHERE name = ? AND version = ? AND deleted = 0', name, version).toArray();
  return rows.length > 0 ? toDataset(rows[0]) : null;
}

/**
 * A version's record, deleted or not: the columns a champion was trained on still describe what its
 * clients send after its data was deleted (and a new upload under the name starts a new version).
 */
export function readDatasetRecord(sql: SqlStorage, name: string, version: number): DatasetVersion | null {
  const rows = sql.exec<Row>('SELECT * FROM datasets WHERE name = ? AND version = ?', name, version).toArray();
  return rows.length > 0 ? toDataset(rows[0]) : null;
}

/** Every visible dataset with its newest version, by name. */
export function listDatasetRows(sql: SqlStorage): { name: string; latest_version: number; rows: number; created_at: string }[] {
  return sql
    .exec<Row>(
      `SELECT d.name, d.version, d.rows, d.created_at FROM datasets d
       JOIN (SELECT name, MAX(version) AS v FROM datasets WHERE deleted = 0 GROUP BY name) m ON d.name = m.name AND d.version = m.v
       ORDER BY d.name`,
    )
    .toArray()
    .map((r) => ({ name: String(r.name), latest_version: Number(r.version), rows: Number(r.rows), created_at: String(r.created_at) }));
}

/**
 * Hides every version of a dataset; returns the object keys to delete (and to hold back: builds begun
 * after `heldSince` still need them), or the job still training on it (created after `stuckBefore`:
 * older ones are stuck), in which case nothing is hidden. Null when none.
 */
export function hideDataset(sql: SqlStorage, name: string, stuckBefore: number, heldSince: number): HiddenDataset | { readonly in_use_by: string } | null {
  const rows = sql.exec<Row>('SELECT version, raw_key, data_key FROM datasets WHERE name = ? AND deleted = 0', name).toArray();
  if (rows.length === 0) return null;
  const running = sql
    .exec<{ id: string }>("SELECT id FROM jobs WHERE dataset = ? AND status IN ('queued', 'running') AND created_at > ? ORDER BY created_at LIMIT 1", name, new Date(stuckBefore).toISOString())
    .toArray()[0];
  if (running) return { in_use_by: running.id };
  sql.exec('UPDATE datasets SET deleted = 1 WHERE name = ?', name);
  const needed = new Set(versionsNeededByBuilds(sql, name, heldSince));
  const held = rows.filter((r) => needed.has(Number(r.version)));
  return {
    keys: rows.flatMap((r) => (needed.has(Number(r.version)) ? [String(r.raw_key)] : [String(r.raw_key), String(r.data_key)])),
    held: { versions: held.map((r) => Number(r.version)), keys: held.map((r) => String(r.data_key)) },
  };
}

/** Rows of a dataset version, deleted or not (a champion's data may have been deleted since); null when unknown. */
export function datasetRows(sql: SqlStorage, name: string, version: number): number | null {
  return sql.exec<{ rows: number }>('SELECT rows FROM datasets WHERE name = ? AND version = ?', name, version).toArray()[0]?.rows ?? null;
}

/** Whether `version` of a dataset was made from `base` by appending rows, one append or several. */
export function appendedFrom(sql: SqlStorage, name: string, base: number, version: number): boolean {
  // Walks the versions back through their bases; a version uploaded whole (no base) ends the chain.
  for (let v: number | null = version; v !== null && v > base; ) {
    const row: { base_version: number | null } | undefined = sql.exec<{ base_version: number | null }>('SELECT base_version FROM datasets WHERE name = ? AND version = ?', name, v).toArray()[0];
    v = row?.base_version ?? null;
    if (v === base) return true;
  }
  return false;
}

function toDataset(r: Row): DatasetVersion {
  return {
    name: String(r.name),
    version: Number(r.version),
    rows: Number(r.rows),
    bytes: Number(r.bytes),
    columns: JSON.parse(String(r.columns)) as ColumnProfile[],
    raw_key: String(r.raw_key),
    data_key: String(r.data_key),
    created_at: String(r.created_at),
    ...(r.base_version !== null && r.base_version !== undefined ? { appended: { base_version: Number(r.base_version), rows: Number(r.appended_rows) } } : {}),
    ...(typeof r.warnings === 'string' ? { warnings: JSON.parse(r.warnings) as string[] } : {}),
  };
}
