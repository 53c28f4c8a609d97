/**
 * @module durable/schedule-run-outcome
 * How a scheduled run ended, recorded on the run when its retraining job ends (the job's coordinator
 * tells the Registry, after publishing). A succeeded job published a version: the model's history says
 * whether it became the champion (`published`) or was kept out (`challenger_kept`), with the comparison's
 * reason, and the run takes that as its status and outcome. A cancelled or failed job ends the run
 * `cancelled` or `failed`, naming the version a cancelled job still published (its best trial, kept or
 * promoted as the history says). The run's `finished_at` is the job's end; `started_at` stays the start.
 */
import type { JobStatusName } from './protocol';

type EndedStatus = Exclude<JobStatusName, 'queued' | 'running'>;

/** Whether a job status is an end. */
export const isJobEnd = (status: string): status is EndedStatus => status === 'succeeded' || status === 'failed' || status === 'cancelled';

/**
 * Records the end of `jobId` on the scheduled run that started it, if one did and it is still `started`
 * (a job's end reported twice changes nothing). True when a run was settled.
 */
export function settleRunOfJob(sql: SqlStorage, jobId: string, ended: EndedStatus, error: string | undefined, now: number): boolean {
  const run = sql.exec<{ seq: number; name: string }>("SELECT seq, name FROM schedule_runs WHERE job_id = ? AND status = 'started'", jobId).toArray()[0];
  if (!run) return false;
  const event = sql
    .exec<{ kind: string; version: number | null; reason: string }>(
      "SELECT kind, version, reason FROM model_events WHERE name = ? AND job_id = ? AND kind IN ('published', 'challenger_kept') ORDER BY seq DESC LIMIT 1",
      run.name,
      jobId,
    )
    .toArray()[0];
  const published = event ? { version: Number(event.version), kept: event.kind === 'challenger_kept', reason: event.reason } : null;
  const { status, outcome } = describeEnd(ended, published, error);
  sql.exec('UPDATE schedule_runs SET status = ?, outcome = ?, version = ?, finished_at = ? WHERE seq = ?', status, outcome, published?.version ?? null, now, run.seq);
  return true;
}

function describeEnd(ended: EndedStatus, published: { version: number; kept: boolean; reason: string } | null, error: string | undefined): { status: string; outcome: string } {
  const what = published ? `v${published.version} ${published.kept ? 'kept as a challenger' : 'became the champion'}: ${published.reason}` : null;
  if (ended === 'succeeded') {
    // A succeeded job always publishes first; without its event the history was cut short (not expected).
    if (!published) return { status: 'failed', outcome: 'the job succeeded, but the model history holds no version it published' };
    return { status: published.kept ? 'challenger_kept' : 'promoted', outcome: what as string };
  }
  if (ended === 'cancelled') return { status: 'cancelled', outcome: what ? `the job was cancelled; it published ${what}` : 'the job was cancelled before publishing a version' };
  return { status: 'failed', outcome: `the job failed${error ? `: ${error}` : ''}` };
}
