/**
 * @module durable/job-rows
 * The jobs table of a tenant's Registry as rows: a job as the list shows it, the unfinished jobs that
 * will publish to a model name (with the task of the model each publishes, kept since jobs were compared
 * with each other: worker/rival-jobs), and the column that comparison added to tables made before it;
 * and how old an unfinished job may be before it counts as stuck.
 */
import type { JobStatusName } from './protocol';

export interface JobSummary {
  readonly id: string;
  readonly dataset: string;
  readonly target: string;
  readonly status: JobStatusName;
  readonly model_name: string;
  readonly created_at: string;
  /**
   * The task of the model the job will publish, as the job view names it ("forecast", "image", or a
   * table task), for comparing jobs that publish to one name (worker/rival-jobs). Absent in jobs recorded
   * before it was kept.
   */
  readonly task?: string;
}

export const JOBS_DDL = `CREATE TABLE IF NOT EXISTS jobs (id TEXT PRIMARY KEY, dataset TEXT NOT NULL, target TEXT NOT NULL, status TEXT NOT NULL,
  model_name TEXT NOT NULL, created_at TEXT NOT NULL, task TEXT)`;

type Row = Record<string, SqlStorageValue>;

/**
 * Longest job budget (one day, see worker/schemas) plus an hour: an unfinished job older than this is
 * stuck, not running, and blocks nothing (a dataset's or model's deletion, a scheduled run).
 */
export const STUCK_JOB_MS = 25 * 3_600_000;

/** A jobs row as the list shows it (the task is kept for comparisons, not listed). */
export function toJob(r: Row): JobSummary {
  return {
    id: String(r.id),
    dataset: String(r.dataset),
    target: String(r.target),
    status: String(r.status) as JobStatusName,
    model_name: String(r.model_name),
    created_at: String(r.created_at),
  };
}

/** Registries made before jobs kept the task of the model they publish get its column (null: unknown). */
export function upgradeJobs(sql: SqlStorage): void {
  const columns = sql.exec<{ name: string }>('PRAGMA table_info(jobs)').toArray().map((c) => c.name);
  if (!columns.includes('task')) sql.exec('ALTER TABLE jobs ADD COLUMN task TEXT');
}

/** Unfinished jobs publishing to `model` created after `since` (older ones are stuck), oldest first, with their task when kept. */
export function unfinishedJobs(sql: SqlStorage, model: string, since: number): JobSummary[] {
  return sql
    .exec<Row>("SELECT * FROM jobs WHERE model_name = ? AND status IN ('queued', 'running') AND created_at > ? ORDER BY created_at, id", model, new Date(since).toISOString())
    .toArray()
    .map((r) => ({ ...toJob(r), ...(typeof r.task === 'string' ? { task: r.task } : {}) }));
}

/** The first of `unfinished` that would publish another model than `job`: another target, or another task where both are known. */
export function rivalOf(unfinished: readonly JobSummary[], job: JobSummary): JobSummary | undefined {
  return unfinished.find((j) => j.id !== job.id && (j.target !== job.target || (j.task !== undefined && job.task !== undefined && j.task !== job.task)));
}
