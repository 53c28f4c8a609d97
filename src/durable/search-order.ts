/**
 * @module durable/search-order
 * The state a job's next trial is proposed from. A reproducible job (`reproducible` in its config: a
 * budget of trials alone) proposes trial k from the trials before it as the
 * engine's conditioning rule says (engine/search/conditioning): the results of trials numbered below
 * k − lag only, the others counting as running, and only once all of those have finished. So its trials
 * (configurations, promotions, fidelities), its leaderboard and its model are the same whatever the
 * parallelism lets run at once and whichever trial reports first. Other jobs see every result so far,
 * as before: waiting for a slow trial idles the freed slots, which a time-budgeted job pays for in
 * trials (see the README's Reproducibility section for the measured cost).
 */
import { proposalLag, proposalReady, resultVisible } from '../engine/search/conditioning';
import type { JobState, TrialEntry } from './job-journal';
import type { JobConfig } from './protocol';

/**
 * What the next proposal sees: the state itself for a job that does not ask to be reproducible; else
 * the state with the results it must not see hidden (those trials shown running), or undefined while a
 * trial whose result it sees is still running (nothing is proposed until it reports).
 */
export function proposalState(state: JobState, config: JobConfig): JobState | undefined {
  if (!config.reproducible) return state;
  const lag = proposalLag(config.parallelism);
  if (!proposalReady(state.order, lag)) return undefined;
  const next = state.order.length;
  const hide = (t: TrialEntry): TrialEntry => {
    if (resultVisible(t.number, next, lag)) return t;
    const { report: _report, finished_at: _at, cancel_reason: _reason, ...started } = t;
    return { ...started, state: 'running' };
  };
  const order = state.order.map(hide);
  return { ...state, order, trials: new Map(order.map((t) => [t.trial_id, t])) };
}
