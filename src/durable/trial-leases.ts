/**
 * @module durable/trial-leases
 * Leases and the alarm that re-drives lost trials. A trial's message waits at most the claim window to be
 * picked up, and a claimed trial's consumer heartbeats; a trial whose message was never picked up, or whose
 * consumer went silent, is sent again (at most MAX_TRIAL_RESENDS times), and one that still never reports
 * fails when its lease runs out. A coordinator restarted while trials ran sends the ones it has not heard
 * from again after a short grace instead (restart-recovery), and fails one already lost in
 * MAX_RESTART_RESENDS restarts before. Also when the coordinator's alarm next has to
 * wake: the first lease end or silence, or the time budget's deadline and then the end of its grace period.
 */
import type { CoordinatorHost } from './coordinator-host';
import { type JobState, runningTrials, type TrialEntry } from './job-journal';
import type { JobConfig, TrialMessage } from './protocol';
import { type InheritedSteps, LOST_IN_RESTARTS, lostInRestarts } from './restart-recovery';

/** After the time budget ends, running trials get this long to report before they are cancelled. */
export const GRACE_MS = 15_000;
/**
 * How long a trial's message may wait to be picked up before it is sent again (at most MAX_TRIAL_RESENDS
 * times, then the trial fails). A message can be lost with the runtime: a crash between the journal and
 * the queue, or a local queue that keeps nothing across a restart. Before this, such a trial held its
 * slot for the whole lease (5 minutes), the search stood still, and a job killed in its first seconds
 * ended failed with no model.
 */
export const CLAIM_MS = 30_000;
const MAX_TRIAL_RESENDS = 2;
/**
 * A claimed trial not heard from for this long is taken for dead and sent again (within MAX_TRIAL_RESENDS)
 * instead of holding its slot until its lease ends. Its consumer heartbeats every 2 s between folds,
 * epochs and every few trees or rounds, so a minute and a half of silence means its invocation is gone
 * (its isolate died; after a restart of the coordinator itself, trials it does not hear from are sent
 * again sooner: restart-recovery). Were it only slow, its next heartbeat claims the trial back and
 * the new delivery gets nothing to run; once the new delivery has claimed it, the slow one's next
 * heartbeat stops it instead (the coordinator's holders), so the trial runs in one invocation.
 */
const SILENCE_MS = 90_000;

/** A trial's lease until a consumer claims it: the claim window, or the whole lease when that is shorter. */
export const claimWindow = (config: JobConfig) => Math.min(config.lease_ms, CLAIM_MS);

/**
 * When a claimed trial counts as silent (see SILENCE_MS): from the last sign of its consumer, the one
 * seen in memory (`lastSeen`) or the journal's last renewal (heartbeats are journaled when they move the
 * lease by a tenth of it). Never, for a trial not claimed or out of resends. A trial this object inherited
 * from its predecessor and has not heard of since, claimed or not, is silent after the restart grace.
 */
export function silentAt(t: TrialEntry, config: JobConfig, lastSeen: ReadonlyMap<string, number>, inherited: InheritedSteps): number {
  if (inherited.has(t.trial_id)) return inherited.resendAt(t.trial_id);
  if (!t.claimed || (t.resends ?? 0) >= MAX_TRIAL_RESENDS) return Number.POSITIVE_INFINITY;
  const heard = Math.max(lastSeen.get(t.trial_id) ?? Number.NEGATIVE_INFINITY, t.lease_until - config.lease_ms);
  return heard + SILENCE_MS;
}

/**
 * The alarm's pass over the running trials at `now`: each one never picked up or gone silent is journaled
 * as resent, while it has resends left, and one whose lease ran out with none left fails. Returns the
 * messages to send again.
 */
export function expireLeases(host: CoordinatorHost, config: JobConfig, lastSeen: ReadonlyMap<string, number>, now: number): TrialMessage[] {
  const resend: TrialMessage[] = [];
  const { inherited } = host;
  for (const t of runningTrials(host.state)) {
    const expired = t.lease_until <= now;
    if (inherited.has(t.trial_id) && (expired || now >= inherited.resendAt(t.trial_id))) {
      inherited.settle(t.trial_id);
      // Lost in restart after restart: sending it again would likely crash the runtime once more.
      const lost = lostInRestarts('the trial', t.restart_resends);
      if (lost !== null) {
        host.append({ op: 'trial_finished', trial_id: t.trial_id, report: { status: 'failed', code: LOST_IN_RESTARTS, reason: lost }, at: now });
        continue;
      }
      // Not heard of since a restart (a lease that ran out while the runtime was down included): its
      // consumer most likely died with the runtime. Not counted as a resend (the trial did nothing wrong),
      // but as a re-send after a restart (restart_resends).
      host.append({ op: 'resent', what: 'trial', trial_id: t.trial_id, at: now, lease_until: now + claimWindow(config), after_restart: true, ...(t.claimed ? { silent: true as const } : {}) });
      resend.push({ tenant: config.tenant, job_id: config.id, trial_id: t.trial_id });
      continue;
    }
    const silent = !expired && now >= silentAt(t, config, lastSeen, inherited);
    if (!expired && !silent) continue;
    if ((silent || !t.claimed) && (t.resends ?? 0) < MAX_TRIAL_RESENDS) {
      // The last resend waits out the whole lease: a message may only be queued behind busy consumers,
      // and a trial is never failed as unclaimed sooner than before resends existed.
      const last = (t.resends ?? 0) === MAX_TRIAL_RESENDS - 1;
      const leaseUntil = last ? Math.max(now + claimWindow(config), t.started_at + config.lease_ms) : now + claimWindow(config);
      host.append({ op: 'resent', what: 'trial', trial_id: t.trial_id, at: now, lease_until: leaseUntil, ...(silent ? { silent: true as const } : {}) });
      resend.push({ tenant: config.tenant, job_id: config.id, trial_id: t.trial_id });
      continue;
    }
    // Silent with no resend left: its lease decides.
    if (!expired) continue;
    const sent = `sent ${1 + (t.resends ?? 0)} times in ${Math.round((now - t.started_at) / 1000)} s`;
    const reason = t.claimed
      ? `no result within ${Math.round(config.lease_ms / 1000)} s; the trial's invocation probably died`
      : t.went_silent
        ? `its invocation went silent and it was not picked up again (${sent})`
        : `its message was never picked up (${sent})`;
    host.append({ op: 'trial_finished', trial_id: t.trial_id, report: { status: 'failed', code: 'lease_expired', reason }, at: now });
  }
  return resend;
}

/** When the alarm next has to wake (infinite: never): the first lease end or silence of a running trial, or the budget's. */
export function alarmTime(state: JobState, config: JobConfig, lastSeen: ReadonlyMap<string, number>, inherited: InheritedSteps, deadline: number, now: number): number {
  const running = runningTrials(state);
  const leaseEnd = running.reduce((m, t) => Math.min(m, t.lease_until, silentAt(t, config, lastSeen, inherited)), Number.POSITIVE_INFINITY);
  // Before the deadline wake at it; during the grace period at its end; after it only leases matter.
  const budgetEnd = now < deadline ? deadline : now < deadline + GRACE_MS ? deadline + GRACE_MS : Number.POSITIVE_INFINITY;
  return Math.min(leaseEnd, budgetEnd);
}
