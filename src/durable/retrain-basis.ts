/**
 * @module durable/retrain-basis
 * What a retraining job of a job's model starts from: the job's config, and the configurations behind
 * its published result, which warm-start the new search (the champion's configurations are tried first,
 * so a retraining job begins where the last search ended instead of from scratch).
 */
import type { TrialConfig } from '../engine';
import type { JobState } from './job-journal';
import type { JobConfig } from './protocol';

/** At most this many of a champion's configurations start a retraining job (an ensemble's heaviest members). */
const MAX_WARM_START = 5;

/**
 * The job's config and the configurations behind the published result `trialId` (that trial, or for
 * "ensemble" its members, heaviest first); null when the object holds no job.
 */
export function retrainBasis(state: JobState, trialId: string): { config: JobConfig; configs: TrialConfig[] } | null {
  const config = state.config;
  if (!config) return null;
  const ens = state.ensemble?.report;
  const ids =
    trialId === 'ensemble' && ens?.status === 'complete' ? [...ens.members].sort((a, b) => b.weight - a.weight).map((m) => m.trial_id) : [trialId];
  const seen = new Set<string>();
  const configs: TrialConfig[] = [];
  for (const id of ids) {
    const t = state.trials.get(id);
    if (!t) continue;
    // Two members can share a configuration (a sampler may propose one twice): try it once.
    const key = JSON.stringify([t.family, t.params]);
    if (seen.has(key)) continue;
    seen.add(key);
    configs.push({ family: t.family, params: t.params });
  }
  return { config, configs: configs.slice(0, MAX_WARM_START) };
}
