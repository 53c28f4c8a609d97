/**
 * @module worker/settle-jobs
 * A coordinator reports its job's end to the Registry once, best effort, after publishing; were that
 * report lost, the Registry would count the job as unfinished until it counted as stuck, a day later:
 * holding one of the tenant's job slots (every new job refused with 429 once they were all held that
 * way) and blocking the deletion of its model. Before refusing for unfinished jobs, their coordinators are
 * asked, and the end of any that has in fact ended is recorded.
 */
import type { JobStatusName } from '../durable/protocol';
import { coordinatorFor, isJobId } from './coordinator';

/** Jobs checked with their coordinators in one request by default (more are left to the refusal). */
const MAX_JOBS_CHECKED = 5;
/** Longer than any hand-off of a job from the Registry to its coordinator takes (worker/hand-off-job). */
const HAND_OFF_GRACE_MS = 120_000;
const ENDED: ReadonlySet<JobStatusName> = new Set(['succeeded', 'failed', 'cancelled']);

/**
 * Asks the coordinators of `jobIds` (at most `max` of them: more and none is asked) and records the end of
 * each that has ended. True when every job named has ended, so what they blocked may be tried again.
 */
export async function settleEndedJobs(env: Env, tenant: string, jobIds: readonly string[], max = MAX_JOBS_CHECKED): Promise<boolean> {
  if (jobIds.length === 0 || jobIds.length > max) return false;
  const registry = env.REGISTRY.getByName(tenant);
  // A coordinator that cannot answer now leaves its job counted, and the request is refused for the limit, not failed.
  const views = await Promise.all(jobIds.map((id) => (isJobId(id) ? coordinatorFor(env, tenant, id).view().catch(() => undefined) : undefined)));
  let allEnded = true;
  for (const [i, view] of views.entries()) {
    if (view && ENDED.has(view.status)) await registry.jobFinished(jobIds[i], view.status);
    else if (view === null) {
      // The coordinator holds no job: one being handed off yet, or one whose hand-off failed and whose row
      // could not be removed then (worker/hand-off-job), which would hold a slot for a day. Past the grace
      // of a hand-off, its row goes.
      if (!(await forgetNeverStartedJob(env, tenant, jobIds[i]))) allEnded = false;
    } else allEnded = false;
  }
  return allEnded;
}

/**
 * Removes the Registry's row of a job its coordinator does not hold, once it is older than any hand-off
 * (HAND_OFF_GRACE_MS): the job never started and never will. True when the row was removed.
 */
export async function forgetNeverStartedJob(env: Env, tenant: string, jobId: string): Promise<boolean> {
  const before = new Date(Date.now() - HAND_OFF_GRACE_MS).toISOString();
  // Rows keep the id as it was made (lower case); a client that upper-cases it names the same job.
  return env.REGISTRY.getByName(tenant).forgetUnstartedJob(jobId.toLowerCase(), before);
}
