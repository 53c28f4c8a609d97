/**
 * @module durable/model-reads
 * What a tenant's Registry answers about its models, read from the `models` row (the champion pointer
 * and the champion's description, see ./model-description), the versions (./model-version-table) and the
 * history (./model-history): one model whole, the list with each champion's score, and the version a
 * request is served by (the pinned one, else the champion).
 */
import { listEvents, type ModelEvent } from './model-history';

export interface ModelVersionInfo {
  readonly version: number;
  readonly job_id: string;
  readonly trial_id: string;
  readonly family: string;
  readonly metric: string;
  readonly greater_is_better: boolean;
  readonly score: number;
  readonly artifact_key: string;
  readonly dataset: { name: string; version: number };
  readonly created_at: string;
  /**
   * What the version predicts (see model-description): its task ("forecast" for forecast models), target
   * and classes. Absent for a version stored before versions held them and not described since; the
   * version served (resolveModel) then takes the model's task.
   */
  readonly task?: string;
  readonly target?: string;
  readonly classes?: readonly string[];
  /**
   * A forecast champion advanced to newer data (durable/champion-advance): the version whose fitted model
   * this is; its `dataset` is the data its series were advanced with.
   */
  readonly advanced_from?: number;
}

export interface ModelInfo {
  readonly name: string;
  readonly task: string;
  readonly target: string;
  readonly classes: readonly string[];
  readonly metric: string;
  readonly greater_is_better: boolean;
  readonly champion_version: number;
  readonly updated_at: string;
  readonly versions: readonly ModelVersionInfo[];
  readonly history: readonly ModelEvent[];
}

/** A model in the list: its champion's number, task, metric and score. */
export interface ModelListEntry {
  readonly name: string;
  readonly champion_version: number;
  readonly task: string;
  readonly metric: string;
  readonly greater_is_better: boolean;
  readonly score: number;
  readonly updated_at: string;
}

type Row = Record<string, SqlStorageValue>;

/** The champion's version number, or null when there is no such model. */
export function championOf(sql: SqlStorage, name: string): number | null {
  const rows = sql.exec<{ v: number }>('SELECT champion_version AS v FROM models WHERE name = ?', name).toArray();
  return rows.length > 0 ? Number(rows[0].v) : null;
}

export function readModel(sql: SqlStorage, name: string): ModelInfo | null {
  const m = sql.exec<Row>('SELECT * FROM models WHERE name = ?', name).toArray()[0];
  if (!m) return null;
  const versions = sql.exec<Row>('SELECT * FROM model_versions WHERE name = ? ORDER BY version', name).toArray().map(toVersion);
  return {
    name,
    task: String(m.task),
    target: String(m.target),
    classes: JSON.parse(String(m.classes)) as string[],
    metric: String(m.metric),
    greater_is_better: Number(m.greater_is_better) === 1,
    champion_version: Number(m.champion_version),
    updated_at: String(m.updated_at),
    versions,
    history: listEvents(sql, name),
  };
}

export function listModelRows(sql: SqlStorage): ModelListEntry[] {
  return sql
    .exec<Row>(
      `SELECT m.name, m.champion_version, m.task, m.metric, m.greater_is_better, m.updated_at, v.score FROM models m
       JOIN model_versions v ON v.name = m.name AND v.version = m.champion_version ORDER BY m.name`,
    )
    .toArray()
    .map((r) => ({
      name: String(r.name),
      champion_version: Number(r.champion_version),
      task: String(r.task),
      metric: String(r.metric),
      greater_is_better: Number(r.greater_is_better) === 1,
      score: Number(r.score),
      updated_at: String(r.updated_at),
    }));
}

/** The version to serve: the pinned one when asked, else the champion. */
export function resolveVersion(sql: SqlStorage, name: string, version?: number): ModelVersionInfo | null {
  const rows =
    version === undefined
      ? sql.exec<Row>('SELECT v.*, m.task AS model_task FROM models m JOIN model_versions v ON v.name = m.name AND v.version = m.champion_version WHERE m.name = ?', name).toArray()
      : sql.exec<Row>('SELECT v.*, m.task AS model_task FROM model_versions v JOIN models m ON m.name = v.name WHERE v.name = ? AND v.version = ?', name, version).toArray();
  return rows.length > 0 ? toVersion(rows[0]) : null;
}

function toVersion(r: Row): ModelVersionInfo {
  return {
    version: Number(r.version),
    job_id: String(r.job_id),
    trial_id: String(r.trial_id),
    family: String(r.family),
    metric: String(r.metric),
    greater_is_better: Number(r.greater_is_better) === 1,
    score: Number(r.score),
    artifact_key: String(r.artifact_key),
    dataset: JSON.parse(String(r.dataset)) as { name: string; version: number },
    created_at: String(r.created_at),
    // The version's own task, or where the lookup joined it (resolveVersion), the model's for a version stored undescribed.
    ...(typeof r.task === 'string' ? { task: r.task } : r.model_task !== undefined && r.model_task !== null ? { task: String(r.model_task) } : {}),
    ...(typeof r.target === 'string' ? { target: r.target } : {}),
    ...(typeof r.classes === 'string' ? { classes: JSON.parse(r.classes) as string[] } : {}),
    ...(r.advanced_from !== undefined && r.advanced_from !== null ? { advanced_from: Number(r.advanced_from) } : {}),
  };
}
