/**
 * @module durable/final-steps
 * The steps between the end of a search and its publication that a consumer carries out: building the
 * end-of-search ensemble, and a retraining job's comparison of its result with the champion on held-out
 * rows. Each starts with one queue message and a lease; a step that outlives its lease is sent once more
 * (MAX_STEP_RESENDS), then counts as failed: the best single trial is published instead of the ensemble,
 * and a failed comparison keeps the champion. A coordinator restarted during a step sends it again after
 * the short restart grace, not at the end of its lease (restart-recovery), without counting it as a resend.
 */
import type { CoordinatorHost } from './coordinator-host';
import { type ChallengerRef, isFullFidelity } from './job-journal';
import type { JobConfig } from './protocol';

/** How long the ensemble build may take before the job publishes the best single trial instead. */
const ENSEMBLE_LEASE_MS = 120_000;
/** How long the champion/challenger comparison may take before it counts as failed (the champion stays). */
const CHALLENGE_LEASE_MS = 120_000;
/** The ensemble and comparison steps are sent once more when they outlive their lease, then fail. */
const MAX_STEP_RESENDS = 1;

/**
 * Whether the end-of-search ensemble is settled (built, skipped, failed, or not worth trying). Starts it
 * on first call by sending one queue message; a build that outlives its lease counts as failed, so the
 * best single trial is published instead.
 */
export async function ensembleSettled(host: CoordinatorHost, config: JobConfig): Promise<boolean> {
  const { state } = host;
  const now = Date.now();
  const withOof = state.order.filter((t) => isFullFidelity(t) && t.report?.status === 'complete' && t.report.oof_key !== undefined).length;
  if (!state.ensemble) {
    if (withOof < 2) return true;
    host.append({ op: 'ensemble_started', at: now, lease_until: now + ENSEMBLE_LEASE_MS });
    await host.env.TRIALS.send({ tenant: config.tenant, job_id: config.id, trial_id: 'ensemble', kind: 'ensemble' });
    await host.storage.setAlarm(now + ENSEMBLE_LEASE_MS);
    return false;
  }
  if (state.ensemble.state !== 'running') return true;
  if (await resentAfterRestart(host, config, 'ensemble', state.ensemble.lease_until, ENSEMBLE_LEASE_MS, now)) return false;
  if (state.ensemble.lease_until > now) return false;
  if ((state.ensemble.resends ?? 0) < MAX_STEP_RESENDS) {
    host.append({ op: 'resent', what: 'ensemble', at: now, lease_until: now + ENSEMBLE_LEASE_MS });
    await host.env.TRIALS.send({ tenant: config.tenant, job_id: config.id, trial_id: 'ensemble', kind: 'ensemble' });
    await host.storage.setAlarm(now + ENSEMBLE_LEASE_MS);
    return false;
  }
  host.append({ op: 'ensemble_finished', report: { status: 'failed', reason: 'the ensemble build did not report in time' }, at: now });
  return true;
}

/**
 * Whether a retraining job's comparison with the champion is settled. Starts it on first call (one
 * queue message); a comparison that outlives its lease counts as failed, which keeps the champion.
 */
export async function challengeSettled(host: CoordinatorHost, config: JobConfig, challenger: ChallengerRef): Promise<boolean> {
  const { state } = host;
  const now = Date.now();
  if (!state.challenge) {
    host.append({ op: 'challenge_started', challenger, at: now, lease_until: now + CHALLENGE_LEASE_MS });
    await host.env.TRIALS.send({ tenant: config.tenant, job_id: config.id, trial_id: 'challenge', kind: 'challenge' });
    await host.storage.setAlarm(now + CHALLENGE_LEASE_MS);
    return false;
  }
  if (state.challenge.state !== 'running') return true;
  if (await resentAfterRestart(host, config, 'challenge', state.challenge.lease_until, CHALLENGE_LEASE_MS, now)) return false;
  if (state.challenge.lease_until > now) return false;
  if ((state.challenge.resends ?? 0) < MAX_STEP_RESENDS) {
    host.append({ op: 'resent', what: 'challenge', at: now, lease_until: now + CHALLENGE_LEASE_MS });
    await host.env.TRIALS.send({ tenant: config.tenant, job_id: config.id, trial_id: 'challenge', kind: 'challenge' });
    await host.storage.setAlarm(now + CHALLENGE_LEASE_MS);
    return false;
  }
  host.append({ op: 'challenge_finished', report: { status: 'failed', reason: 'the comparison did not report in time' }, at: now });
  return true;
}

/**
 * Sends the step again when this object inherited it from a predecessor that stopped and has not heard of
 * it within the restart grace (or its lease ran out while the runtime was down): its consumer most likely
 * died with the runtime, and waiting out the lease would leave the job at a standstill for minutes. Not
 * counted as a resend, since the step did nothing wrong. Says whether it sent it.
 */
async function resentAfterRestart(host: CoordinatorHost, config: JobConfig, what: 'ensemble' | 'challenge', leaseUntil: number, leaseMs: number, now: number): Promise<boolean> {
  if (!host.inherited.has(what) || (now < host.inherited.resendAt(what) && leaseUntil > now)) return false;
  host.append({ op: 'resent', what, at: now, lease_until: now + leaseMs, after_restart: true });
  host.inherited.settle(what);
  await host.env.TRIALS.send({ tenant: config.tenant, job_id: config.id, trial_id: what, kind: what });
  await host.storage.setAlarm(now + leaseMs);
  return true;
}
