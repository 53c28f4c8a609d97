/**
 * @module durable/repeated-failure
 * When a search stops early because it cannot succeed: its first HOPELESS_AFTER trials all failed with
 * the same reason and none succeeded. Such a reason is the data's or the job's, not a configuration's, and
 * every further trial would fail the same way for the whole budget (one such job failed 3,455 trials in 6 s).
 */
import type { JobState } from './job-journal';

/** A search whose first this-many trials all failed with the same reason, none succeeding, stops. */
export const HOPELESS_AFTER = 10;

/** The reason every finished trial failed with, once HOPELESS_AFTER have and none succeeded; else null. */
export function repeatedFailure(state: JobState): string | null {
  let reason: string | null = null;
  let failed = 0;
  for (const t of state.order) {
    if (t.state === 'complete') return null;
    // A reproducible job (durable/search-order) decides on the trials in number order up to the first
    // still running, so a success still to report earlier in that order cannot be outrun by failures.
    if (t.state === 'running' && state.config?.reproducible) break;
    if (t.state !== 'failed' || t.report?.status !== 'failed') continue;
    // Storage that was down says nothing of the search: an outage at a job's start must not end it.
    if (t.report.code === 'storage_unavailable') continue;
    if (reason !== null && t.report.reason !== reason) return null;
    reason = t.report.reason;
    failed++;
  }
  return failed >= HOPELESS_AFTER ? reason : null;
}
