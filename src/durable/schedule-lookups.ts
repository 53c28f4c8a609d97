/**
 * @module durable/schedule-lookups
 * What claiming a scheduled run reads from the rest of a tenant's Registry (model-schedule's
 * ClaimLookups): the schedule's dataset and its chain of appends, the champion and the newest version
 * trained on that dataset, and the unfinished jobs that would make a run wait. Read in the claim's own
 * synchronous step, so the decision and the claim see one state.
 */
import { appendedFrom, datasetRows, readDataset } from './dataset-table';
import { resolveVersion } from './model-reads';
import type { ClaimLookups } from './model-schedule';

/**
 * The lookups of a claim made at `now`. A job created before `stuckBefore` (older than the longest budget
 * plus an hour) is stuck, not running: it must not block the schedule forever.
 */
export function scheduleClaimLookups(sql: SqlStorage, stuckBefore: number): ClaimLookups {
  const since = new Date(stuckBefore).toISOString();
  return {
    newestDataset: (dataset) => readDataset(sql, dataset),
    datasetRows: (dataset, version) => datasetRows(sql, dataset, version),
    champion: (model) => resolveVersion(sql, model),
    jobUnfinished: (jobId) => sql.exec("SELECT 1 FROM jobs WHERE id = ? AND status IN ('queued', 'running') AND created_at > ?", jobId, since).toArray().length > 0,
    unfinishedJobFor: (model) =>
      sql.exec<{ id: string }>("SELECT id FROM jobs WHERE model_name = ? AND status IN ('queued', 'running') AND created_at > ? ORDER BY created_at LIMIT 1", model, since).toArray()[0]?.id ?? null,
    jobStatus: (jobId) => sql.exec<{ status: string }>('SELECT status FROM jobs WHERE id = ?', jobId).toArray()[0]?.status ?? null,
    lastTrained: (model, dataset) => {
      const r = sql
        .exec<{ version: number; dv: number }>("SELECT version, json_extract(dataset, '$.version') AS dv FROM model_versions WHERE name = ? AND json_extract(dataset, '$.name') = ? ORDER BY version DESC LIMIT 1", model, dataset)
        .toArray()[0];
      return r ? { version: Number(r.version), dataset_version: Number(r.dv) } : null;
    },
    appendedFrom: (dataset, base, version) => appendedFrom(sql, dataset, base, version),
  };
}
