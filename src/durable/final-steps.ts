/**
 * @module durable/final-steps
 * The steps between the end of a search and its publication that a consumer carries out: building the
 * end-of-search ensemble, and a retraining job's comparison of its result with the champion on held-out
 * rows. Each starts with one queue message and a lease, which starts again when a consumer claims the
 * step (a message may wait behind busy consumers); a step that outlives its lease is sent once more
 * (MAX_STEP_RESENDS), then counts as failed: the best single trial is published instead of the ensemble,
 * and a failed comparison keeps the champion. A coordinator restarted during a step sends it again after
 * the short restart grace, not at the end of its lease (restart-recovery), without counting it as a resend;
 * one already lost in MAX_RESTART_RESENDS restarts before fails instead, as one out of resends does.
 */
import type { CoordinatorHost } from './coordinator-host';
import { type ChallengerRef, isFullFidelity } from './job-journal';
import type { JobConfig } from './protocol';
import { lostInRestarts } from './restart-recovery';
import { sendSteps } from './step-messages';

/** How long the ensemble build may take before the job publishes the best single trial instead. */
const ENSEMBLE_LEASE_MS = 120_000;
/** How long the champion/challenger comparison may take before it counts as failed (the champion stays). */
const CHALLENGE_LEASE_MS = 120_000;
/** The ensemble and comparison steps are sent once more when they outlive their lease, then fail. */
const MAX_STEP_RESENDS = 1;
/** Why an ensemble build that outlived its lease and its resend failed (the runtime's doing, not the data's: durable/reproducibility). */
export const ENSEMBLE_TIMED_OUT = 'the ensemble build did not report in time';
/** Why an ensemble build whose invocation died on every delivery failed (the runtime's doing too). */
export const ENSEMBLE_DIED = 'the ensemble invocation failed repeatedly';
/** Why a step failed whose object storage could not be reached on every delivery (the runtime's doing too). */
export const stepStorageFailed = (what: 'ensemble' | 'challenge'): string =>
  `object storage could not be reached on any delivery of ${what === 'ensemble' ? 'the ensemble build' : 'the comparison with the champion'}`;

/**
 * Whether the end-of-search ensemble is settled (built, skipped, failed, or not worth trying). Starts it
 * on first call by sending one queue message; a build that outlives its lease (after its resend), or is
 * lost in restart after restart, counts as failed, so the best single trial is published instead.
 */
export async function ensembleSettled(host: CoordinatorHost, config: JobConfig): Promise<boolean> {
  const { state } = host;
  const now = Date.now();
  const withOof = state.order.filter((t) => isFullFidelity(t) && t.report?.status === 'complete' && t.report.oof_key !== undefined).length;
  if (!state.ensemble) {
    if (withOof < 2) return true;
    host.append({ op: 'ensemble_started', at: now, lease_until: now + ENSEMBLE_LEASE_MS });
    await sendSteps(host.env.TRIALS, [{ tenant: config.tenant, job_id: config.id, trial_id: 'ensemble', kind: 'ensemble' }]);
    await host.storage.setAlarm(now + ENSEMBLE_LEASE_MS);
    return false;
  }
  if (state.ensemble.state !== 'running') return true;
  const restarted = await resentAfterRestart(host, config, 'ensemble', state.ensemble, ENSEMBLE_LEASE_MS, now);
  if (restarted === 'resent') return false;
  if (restarted !== null) {
    host.append({ op: 'ensemble_finished', report: { status: 'failed', reason: restarted.lost }, at: now });
    return true;
  }
  if (state.ensemble.lease_until > now) return false;
  if ((state.ensemble.resends ?? 0) < MAX_STEP_RESENDS) {
    host.append({ op: 'resent', what: 'ensemble', at: now, lease_until: now + ENSEMBLE_LEASE_MS });
    await sendSteps(host.env.TRIALS, [{ tenant: config.tenant, job_id: config.id, trial_id: 'ensemble', kind: 'ensemble' }]);
    await host.storage.setAlarm(now + ENSEMBLE_LEASE_MS);
    return false;
  }
  host.append({ op: 'ensemble_finished', report: { status: 'failed', reason: ENSEMBLE_TIMED_OUT }, at: now });
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
    await sendSteps(host.env.TRIALS, [{ tenant: config.tenant, job_id: config.id, trial_id: 'challenge', kind: 'challenge' }]);
    await host.storage.setAlarm(now + CHALLENGE_LEASE_MS);
    return false;
  }
  if (state.challenge.state !== 'running') return true;
  const restarted = await resentAfterRestart(host, config, 'challenge', state.challenge, CHALLENGE_LEASE_MS, now);
  if (restarted === 'resent') return false;
  if (restarted !== null) {
    host.append({ op: 'challenge_finished', report: { status: 'failed', reason: restarted.lost }, at: now });
    return true;
  }
  if (state.challenge.lease_until > now) return false;
  if ((state.challenge.resends ?? 0) < MAX_STEP_RESENDS) {
    host.append({ op: 'resent', what: 'challenge', at: now, lease_until: now + CHALLENGE_LEASE_MS });
    await sendSteps(host.env.TRIALS, [{ tenant: config.tenant, job_id: config.id, trial_id: 'challenge', kind: 'challenge' }]);
    await host.storage.setAlarm(now + CHALLENGE_LEASE_MS);
    return false;
  }
  host.append({ op: 'challenge_finished', report: { status: 'failed', reason: 'the comparison did not report in time' }, at: now });
  return true;
}

/**
 * The step's lease from its claim: a message may wait in the queue behind busy consumers (every tenant's
 * trials share them) for longer than the lease, and the build should not be failed before it began.
 */
export function stepClaimed(host: CoordinatorHost, what: 'ensemble' | 'challenge'): void {
  const now = Date.now();
  host.append({ op: 'step_claimed', what, at: now, lease_until: now + (what === 'ensemble' ? ENSEMBLE_LEASE_MS : CHALLENGE_LEASE_MS) });
}

/** What the steps are called in the reason of one lost in restarts. */
const STEP_NAMES = { ensemble: 'the ensemble build', challenge: 'the comparison with the champion' } as const;

/**
 * Sends the step again when this object inherited it from a predecessor that stopped and has not heard of
 * it within the restart grace (or its lease ran out while the runtime was down): its consumer most likely
 * died with the runtime, and waiting out the lease would leave the job at a standstill for minutes. Not
 * counted as a resend, since the step did nothing wrong, but as a re-send after a restart. Says "resent"
 * when it sent it; the reason the step fails when it was already sent again after MAX_RESTART_RESENDS
 * restarts, `lost` (the caller journals the failure); null when it is not due (or not inherited).
 */
async function resentAfterRestart(
  host: CoordinatorHost,
  config: JobConfig,
  what: 'ensemble' | 'challenge',
  step: { lease_until: number; restart_resends?: number },
  leaseMs: number,
  now: number,
): Promise<'resent' | { lost: string } | null> {
  if (!host.inherited.has(what) || (now < host.inherited.resendAt(what) && step.lease_until > now)) return null;
  host.inherited.settle(what);
  const lost = lostInRestarts(STEP_NAMES[what], step.restart_resends);
  if (lost !== null) return { lost };
  host.append({ op: 'resent', what, at: now, lease_until: now + leaseMs, after_restart: true });
  await sendSteps(host.env.TRIALS, [{ tenant: config.tenant, job_id: config.id, trial_id: what, kind: what }]);
  await host.storage.setAlarm(now + leaseMs);
  return 'resent';
}
