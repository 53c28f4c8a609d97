/**
 * @module durable/model-description
 * What a model is to its clients: its task, target, classes, metric and the metric's direction. The
 * `models` row holds the champion's (the model view and list, the CLI, the dashboard and the schedule
 * routes read it there), and each version holds its own (model_versions: task, target and classes since
 * they were added; metric and direction always), so every move of the champion pointer rewrites the row
 * from the version that becomes the champion, in the same transaction (installChampion). After a
 * `replace_model` and a rollback the model describes the champion it serves, not the model replaced.
 *
 * Versions stored before versions kept their own task, target and classes are filled once, by the
 * migration (model-version-table), where the Registry alone can tell: the version the model's newest
 * `published` event installed (only a publication writes the row, so the row is that version's) and the
 * forecast advances of a described version (the same fitted model). Any other such version is described
 * from its artifact (the envelope names its task, target and classes) just before the pointer moves to
 * it, and stored then (learnVersionDescription). If the artifact cannot be read, the pointer still moves:
 * the row takes the version's metric and direction, and keeps the task, target and classes it had.
 */
import { ENSEMBLE_FORMAT, ENVELOPE_FORMAT } from '../engine/serialize/envelope';
import { FORECAST_ENVELOPE_FORMAT } from '../engine/forecast/envelope';

/** What a version predicts; a forecast model's task is "forecast" (it answers the forecast route). */
export interface VersionDescription {
  readonly task: string;
  readonly target: string;
  readonly classes: readonly string[];
}

/** What the model row says of its champion: the version's description with its metric and direction. */
export interface ModelDescription extends VersionDescription {
  readonly metric: string;
  readonly greater_is_better: boolean;
}

type Row = Record<string, SqlStorageValue>;

/** The description a version row holds, or null for a version stored before versions held one. */
export function storedDescription(r: Row): ModelDescription | null {
  if (typeof r.task !== 'string' || typeof r.target !== 'string' || typeof r.classes !== 'string') return null;
  return { task: r.task, target: r.target, classes: JSON.parse(r.classes) as string[], metric: String(r.metric), greater_is_better: Number(r.greater_is_better) === 1 };
}

/**
 * What the model's champion is: its version's own description, or for a champion stored before versions
 * held one, the model row's (which described it unless a pointer move before this change left it behind).
 * Null when the model does not exist.
 */
export function championDescription(sql: SqlStorage, name: string): (ModelDescription & { readonly version: number }) | null {
  const m = sql.exec<Row>('SELECT * FROM models WHERE name = ?', name).toArray()[0];
  if (!m) return null;
  const version = Number(m.champion_version);
  const v = sql.exec<Row>('SELECT task, target, classes, metric, greater_is_better FROM model_versions WHERE name = ? AND version = ?', name, version).toArray()[0];
  const own = v ? storedDescription(v) : null;
  return { version, ...(own ?? { task: String(m.task), target: String(m.target), classes: JSON.parse(String(m.classes)) as string[], metric: String(m.metric), greater_is_better: Number(m.greater_is_better) === 1 }) };
}

/**
 * Makes `version` the champion and the row describe it, in the caller's transaction (no await). A version
 * stored before versions held a description, and not described since, gives its metric and direction only.
 */
export function installChampion(sql: SqlStorage, name: string, version: number, at: string): void {
  const v = sql.exec<Row>('SELECT task, target, classes, metric, greater_is_better FROM model_versions WHERE name = ? AND version = ?', name, version).one();
  const d = storedDescription(v);
  if (d) {
    sql.exec(
      'UPDATE models SET champion_version = ?, updated_at = ?, task = ?, target = ?, classes = ?, metric = ?, greater_is_better = ? WHERE name = ?',
      version,
      at,
      d.task,
      d.target,
      JSON.stringify(d.classes),
      d.metric,
      d.greater_is_better ? 1 : 0,
      name,
    );
  } else {
    sql.exec('UPDATE models SET champion_version = ?, updated_at = ?, metric = ?, greater_is_better = ? WHERE name = ?', version, at, String(v.metric), Number(v.greater_is_better), name);
  }
}

/** Writes the champion's description to the row again, when the version has one (no pointer move, no event). */
export function describeChampion(sql: SqlStorage, name: string, version: number): void {
  const v = sql.exec<Row>('SELECT task, target, classes, metric, greater_is_better FROM model_versions WHERE name = ? AND version = ?', name, version).toArray()[0];
  const d = v ? storedDescription(v) : null;
  if (!d) return;
  sql.exec('UPDATE models SET task = ?, target = ?, classes = ?, metric = ?, greater_is_better = ? WHERE name = ? AND champion_version = ?', d.task, d.target, JSON.stringify(d.classes), d.metric, d.greater_is_better ? 1 : 0, name, version);
}

/**
 * Describes a version stored without a description from its artifact, once, before the pointer moves to
 * it (awaits storage: call it before the synchronous move, which reads the row again). A version already
 * described, a missing one, or an artifact that cannot be read or is not a model leaves everything as it
 * was; the last is logged, and the move goes on without it (see the module comment).
 */
export async function learnVersionDescription(sql: SqlStorage, store: R2Bucket, name: string, version: number): Promise<void> {
  const row = sql.exec<Row>('SELECT artifact_key, task FROM model_versions WHERE name = ? AND version = ?', name, version).toArray()[0];
  if (!row || row.task !== null) return;
  const key = String(row.artifact_key);
  try {
    const text = await (await store.get(key))?.text();
    const d = text === undefined ? null : artifactDescription(JSON.parse(text));
    if (!d) {
      console.error(`model "${name}" v${version}: artifact ${key} ${text === undefined ? 'is missing' : 'is not a model artifact'}; its task, target and classes stay unknown`);
      return;
    }
    // Another request may have described it meanwhile: only an empty description is filled.
    sql.exec('UPDATE model_versions SET task = ?, target = ?, classes = ? WHERE name = ? AND version = ? AND task IS NULL', d.task, d.target, JSON.stringify(d.classes), name, version);
  } catch (err) {
    console.error(`model "${name}" v${version}: could not read artifact ${key} to describe it`, err);
  }
}

/**
 * A stored artifact's description, or null when it is no model artifact: a model or ensemble envelope
 * names its task, target and classes; a forecaster its target (the task is "forecast", no classes).
 */
export function artifactDescription(json: unknown): VersionDescription | null {
  const e = json as { format?: unknown; task?: unknown; target?: unknown; classes?: unknown } | null;
  if (!e || typeof e !== 'object' || typeof e.target !== 'string') return null;
  if (e.format === FORECAST_ENVELOPE_FORMAT) return { task: 'forecast', target: e.target, classes: [] };
  if (e.format !== ENVELOPE_FORMAT && e.format !== ENSEMBLE_FORMAT) return null;
  if (typeof e.task !== 'string' || !Array.isArray(e.classes) || !e.classes.every((c) => typeof c === 'string')) return null;
  return { task: e.task, target: e.target, classes: e.classes as string[] };
}

/**
 * The migration's part (inside its transaction): fills the description of every version stored without
 * one that the model row is known to describe (see the module comment); the others stay empty.
 */
export function describeStoredVersions(sql: SqlStorage): void {
  for (const m of sql.exec<Row>('SELECT * FROM models').toArray()) {
    const name = String(m.name);
    const last = sql.exec<{ version: number | null }>("SELECT version FROM model_events WHERE name = ? AND kind = 'published' ORDER BY seq DESC LIMIT 1", name).toArray()[0];
    if (last?.version === null || last?.version === undefined) continue;
    // The row was written with that version's metric: a version of another metric is not the one it describes.
    sql.exec('UPDATE model_versions SET task = ?, target = ?, classes = ? WHERE name = ? AND version = ? AND task IS NULL AND metric = ?', m.task, m.target, m.classes, name, last.version, m.metric);
  }
  // An advance is its source's fitted model; advances come after their source, so one pass in order follows chains.
  const advances = sql.exec<{ name: string; version: number; advanced_from: number }>('SELECT name, version, advanced_from FROM model_versions WHERE advanced_from IS NOT NULL AND task IS NULL ORDER BY name, version').toArray();
  for (const a of advances) {
    const source = sql.exec<Row>('SELECT task, target, classes FROM model_versions WHERE name = ? AND version = ?', a.name, a.advanced_from).toArray()[0];
    if (source && source.task !== null) sql.exec('UPDATE model_versions SET task = ?, target = ?, classes = ? WHERE name = ? AND version = ?', source.task, source.target, source.classes, a.name, a.version);
  }
}
