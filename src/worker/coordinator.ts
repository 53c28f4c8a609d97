/**
 * @module worker/coordinator
 * Addressing of per-job coordinators. The object name includes the tenant, so a job id guessed from
 * another tenant reaches an empty object and answers "not found", exactly like a missing job.
 */
// Ids are written in lower case; a client that upper-cases a UUID names the same job (RFC 9562 compares them so).
const JOB_ID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isJobId = (id: string): boolean => JOB_ID_RE.test(id);

export function coordinatorFor(env: Env, tenant: string, jobId: string) {
  return env.SEARCH.getByName(`${tenant}/${jobId.toLowerCase()}`);
}
