/**
 * @module durable/version-deletion
 * Deleting one version of a model inside its tenant's Registry, in one synchronous step (no await): a
 * version kept apart, a challenger kept out, an old champion no one pins any more. Never the champion,
 * which predictions use (promote another version first, or delete the whole model). The version's number
 * is never given again (the tombstone of ./model-deletion keeps the highest), so a client pinning it gets
 * 404 and never another model; the history keeps its events and says it was deleted, and rollback steps
 * over it (./model-history rollbackTarget). The caller deletes its files.
 */
import { finishDerivedBuild } from './derived-builds';
import { lastDeletedVersion } from './model-deletion';
import { recordEvent } from './model-history';
import { championOf } from './model-reads';

export type VersionDeletion =
  /** `artifact_key`: its files to delete, null when another version reads the same artifact. */
  | { readonly ok: true; readonly artifact_key: string | null; readonly champion_version: number }
  | { readonly ok: false; readonly code: 'model_not_found' | 'model_version_not_found' }
  | { readonly ok: false; readonly code: 'version_is_champion'; readonly champion_version: number };

export function deleteVersionRow(sql: SqlStorage, name: string, version: number, now: number): VersionDeletion {
  const champion = championOf(sql, name);
  if (champion === null) return { ok: false, code: 'model_not_found' };
  const row = sql.exec<{ artifact_key: string }>('SELECT artifact_key FROM model_versions WHERE name = ? AND version = ?', name, version).toArray()[0];
  if (!row) return { ok: false, code: 'model_version_not_found' };
  if (version === champion) return { ok: false, code: 'version_is_champion', champion_version: champion };
  const last = Math.max(lastDeletedVersion(sql, name), sql.exec<{ v: number }>('SELECT MAX(version) AS v FROM model_versions WHERE name = ?', name).one().v);
  sql.exec('DELETE FROM model_versions WHERE name = ? AND version = ?', name, version);
  sql.exec(
    'INSERT INTO deleted_models (name, last_version, deleted_at) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE SET last_version = MAX(last_version, excluded.last_version)',
    name,
    last,
    new Date(now).toISOString(),
  );
  finishDerivedBuild(sql, name, version);
  recordEvent(sql, name, { at: new Date(now).toISOString(), kind: 'version_deleted', version, previous_version: null, job_id: null, reason: `version ${version} deleted by request` });
  const shared = sql.exec('SELECT 1 FROM model_versions WHERE name = ? AND artifact_key = ?', name, row.artifact_key).toArray().length > 0;
  return { ok: true, artifact_key: shared ? null : String(row.artifact_key), champion_version: champion };
}
