/**
 * @module worker/hand-off-job
 * Hands a job the Registry has just recorded to its coordinator. The two are separate objects, so the
 * hand-off can fail between them (the coordinator overloaded, reset by a deploy, its storage refusing a
 * write). What the client is told then must match what exists:
 * - the coordinator holds the job (it failed after journaling it, e.g. arming its alarm): the job runs,
 *   and is answered as created;
 * - it says it holds none: the Registry's row is removed (no queued job that never runs, holding one of
 *   the tenant's job slots) and the client told to send the request again (503 job_not_started);
 * - it cannot be asked either: the row is marked failed, which frees the slot and which the job's own end
 *   report overwrites should it run after all.
 */
import type { JobConfig } from '../durable/protocol';
import { coordinatorFor } from './coordinator';
import { ApiError } from './errors';

/** How long a client told the job did not start waits before sending it again. */
const RETRY_AFTER_S = 5;

const NOT_STARTED = 'the job could not be started: its coordinator did not answer';

/** The refusal of a job its coordinator did not take (503 job_not_started): nothing ran, the request may be sent again. */
export function jobNotStarted(): ApiError {
  return new ApiError(503, 'job_not_started', `${NOT_STARTED}; nothing was trained or kept, send the request again`, { retry_after_seconds: RETRY_AFTER_S });
}

/**
 * Whether the job's coordinator holds it; undefined when it cannot be asked. Asked through a new stub: one
 * whose call failed may stay broken (an object reset breaks its stubs).
 */
export function coordinatorHolds(env: Env, tenant: string, id: string): Promise<boolean | undefined> {
  return coordinatorFor(env, tenant, id).view().then(
    (view) => view !== null,
    () => undefined,
  );
}

export async function handOffJob(env: Env, tenant: string, config: JobConfig): Promise<void> {
  const registry = env.REGISTRY.getByName(tenant);
  try {
    await coordinatorFor(env, tenant, config.id).start(config);
  } catch (err) {
    console.error('job hand-off failed', config.id, err);
    const held = await coordinatorHolds(env, tenant, config.id);
    if (held !== true) {
      await (held === false ? registry.forgetUnstartedJob(config.id) : registry.jobFinished(config.id, 'failed', NOT_STARTED)).catch((e: unknown) => console.error('job row not settled', config.id, e));
      throw jobNotStarted();
    }
  }
  // The list (GET /v1/jobs) says running from here on, as the job itself does, until the job reports its
  // end. Best effort: a row left queued is corrected by that report, and the job runs either way.
  await registry.jobStarted(config.id).catch((e: unknown) => console.error('job row not marked running', config.id, e));
}
