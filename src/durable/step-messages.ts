/**
 * @module durable/step-messages
 * Sends a job's step messages (trials, the ensemble build, the comparison) to the trial queue. A send
 * that fails is logged, not thrown: each step was journaled as running, with a claim window or lease,
 * before its message went out, and the coordinator's alarm sends an unclaimed step again when that runs
 * out (trial-leases, final-steps). Thrown, the failure would abort the coordinator's step before it armed
 * its alarm, leaving the job with running steps no message and no alarm would ever move; at a job's
 * start, it also turned the creation into a 500 for a job that was recorded all the same.
 */
import type { TrialMessage } from './protocol';

export async function sendSteps(queue: Queue<TrialMessage>, messages: readonly TrialMessage[]): Promise<void> {
  if (messages.length === 0) return;
  try {
    await queue.sendBatch(messages.map((body) => ({ body })));
  } catch (err) {
    console.error(`could not send ${messages.length} step message(s) of job ${messages[0].job_id}; they are sent again when their claim window or lease runs out`, err);
  }
}
