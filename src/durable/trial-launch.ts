/**
 * @module durable/trial-launch
 * Starting a job's next trials while it has free slots and budget left: each new trial comes from the
 * job's sampler (its proposals screened for memory) or, in a multi-fidelity job, from its scheduler
 * (fidelity-plan), is journaled as started with the claim window as its lease, and gets one queue message
 * (ids only). Proposals depend only on the journaled history, so a replayed journal proposes the same.
 */
import { configKey, type FrozenTrial, proposeUnseen, type Sampler, samplerFor, type TrialConfig, withMemoryScreen } from '../engine';
import type { CoordinatorHost } from './coordinator-host';
import { fullRunOf, planTrial, samplerStrategyOf, schedulerOf } from './fidelity-plan';
import { dueFullTrial } from './full-reserve';
import { type JobState, runningTrials, type TrialEntry } from './job-journal';
import { lateFamilies, startsTooLate } from './late-start';
import type { JobConfig, TrialMessage } from './protocol';
import { proposalState } from './search-order';
import { searchShape } from './search-shape';
import { claimWindow } from './trial-leases';

/**
 * The job's sampler, its proposals screened for memory: one whose trial would be refused (a CNN too wide
 * for large images) is sent narrowed to fit, never as a trial that fails on arrival and spends an
 * invocation (see engine search/samplers/memory-screen). Pure, so a replayed journal proposes the same.
 */
export function screenedSampler(config: JobConfig): Sampler {
  return withMemoryScreen(samplerFor(samplerStrategyOf(config.strategy), config.warm_start ? { warmStart: config.warm_start } : {}), { folds: config.folds });
}

/**
 * Journals as started as many new trials as the free slots (parallelism) and the trial budget
 * (`maxTrials`) allow, or until the scheduler has nothing to start; returns their queue messages, and
 * `late` when the next trial was left unstarted because trials like it took longer than the time left
 * before `deadline` (late-start): the search then ends once the running trials report.
 */
export function launchTrials(host: CoordinatorHost, config: JobConfig, sampler: Sampler, maxTrials: number, now: number, deadline: number): { messages: TrialMessage[]; late: boolean } {
  const messages: TrialMessage[] = [];
  let late = false;
  const scheduler = schedulerOf(config);
  const ctx = { families: config.families, shape: searchShape(config), seed: config.seed };
  while (runningTrials(host.state).length < config.parallelism && host.state.order.length < maxTrials && !host.state.exhausted) {
    const number = host.state.order.length;
    // A reproducible job proposes from what trial numbers fix, waiting for the trials that decides (search-order).
    const seen = proposalState(host.state, config);
    if (!seen) break;
    // Single fidelity: proposed among the families whose trials still fit the time left (late-start); a
    // multi-fidelity plan (a promotion, or a new configuration at the bottom rung) is checked once made.
    const tooSlow = scheduler ? undefined : lateFamilies(host.state, config, config.families, 1, now, deadline);
    // A job's first trial starts even when every family is expected to end past the budget: a budget
    // shorter than one trial (an rnn-only forecast given 10 s) otherwise ended the job failed at once, no
    // trial started, and "no trial finished successfully" said nothing of why.
    const first = host.state.order.length === 0 && tooSlow !== undefined && tooSlow.size === config.families.length;
    const families = tooSlow === undefined || tooSlow.size === 0 || first ? config.families : config.families.filter((f) => !tooSlow.has(f));
    if (families.length === 0) {
      late = true;
      break;
    }
    // A time budget's full-fidelity run, once due, takes the slot (full-reserve); else the scheduler's plan.
    const reserved = scheduler ? dueFullTrial(host.state, config, now, deadline) : undefined;
    let planned = reserved ? fullRunOf(reserved) : scheduler ? planTrial(seen, scheduler, sampler, ctx, number === maxTrials - 1, host.state) : unseenPlan(sampler, trialHistory(seen), { ...ctx, families });
    if (planned === 'exhausted') {
      // The families that fit the time left are tried out; the others are not, so the search is not exhausted.
      if (families.length < config.families.length) {
        late = true;
        break;
      }
      // Every configuration was tried: the search ends once the running trials report (search-coordinator).
      host.append({ op: 'search_exhausted', at: now, configurations: new Set(host.state.order.map((t) => configKey(t))).size });
      break;
    }
    if (!planned) break;
    if (scheduler && startsTooLate(host.state, config, planned.config.family, planned.fidelity.fidelity ?? 1, now, deadline)) {
      // A promotion expected to end past the budget: a new configuration on the fewest rows may still fit.
      const fresh = planned.fidelity.rung > 0 ? planTrial(seen, scheduler, sampler, ctx, false, host.state, true) : undefined;
      if (fresh === undefined || fresh === 'exhausted' || startsTooLate(host.state, config, fresh.config.family, fresh.fidelity.fidelity ?? 1, now, deadline)) {
        late = true;
        break;
      }
      planned = fresh;
    }
    const next = planned.config;
    const trialId = `t${String(number).padStart(4, '0')}`;
    // Until a consumer claims it, its lease is the claim window (then heartbeats renew the full lease).
    host.append({ op: 'trial_started', trial_id: trialId, number, family: next.family, params: next.params, ...(next.note ? { note: next.note } : {}), ...planned.fidelity, at: now, lease_until: now + claimWindow(config) });
    messages.push({ tenant: config.tenant, job_id: config.id, trial_id: trialId });
  }
  return { messages, late };
}

/**
 * A single-fidelity job's next trial: the sampler's proposal that repeats no trial so far (engine
 * proposeUnseen), or 'exhausted' when its families allow no configuration it has not tried.
 */
function unseenPlan(sampler: Sampler, history: FrozenTrial[], ctx: Parameters<Sampler['suggest']>[1]): { config: TrialConfig; fidelity: Record<string, never> } | 'exhausted' {
  const config = proposeUnseen(sampler, history, ctx);
  return config === undefined ? 'exhausted' : { config, fidelity: {} };
}

/** The journaled trials as the sampler reads them. */
function trialHistory(state: JobState): FrozenTrial[] {
  return state.order.map((t: TrialEntry) => ({
    number: t.number,
    family: t.family,
    params: t.params,
    state: t.state,
    ...(t.report?.status === 'complete' ? { loss: t.report.loss } : {}),
  }));
}
