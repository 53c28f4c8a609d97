/**
 * @module engine/search/conditioning
 * What a proposal may condition on when a search must give the same trials whatever order its parallel
 * trials finish in. A sampler is a pure function of the history it is given, but with trials in flight
 * that history depends on timing: which trials have reported when a slot frees (the constant-liar TPE
 * sees some as complete and others as running; ASHA promotes from the rung results reported so far).
 * The rule here takes timing out: trial k is proposed from the results of the trials numbered below
 * k − lag only, the `lag` trials before it counting as running (their configurations known, their
 * results not) whether or not they have finished; and trial k is not proposed before every trial
 * numbered below k − lag has finished. Both sides of that are fixed by trial numbers, so the same
 * seed gives the same proposals at any parallelism and any speed.
 *
 * The lag is 2·(parallelism − 1). At most parallelism − 1 trials can run beside trial k, so with a lag of
 * parallelism − 1 the rule would cost nothing only while trials finish in the order they started; one
 * slow trial would then hold every freed slot until it reported. Doubling it lets trials finish up to
 * parallelism − 1 places out of order before a slot waits (simulated with log-normal trial durations,
 * sigma 1, 4 slots: 72% of the free throughput against 55% with lag 3 and 62% with lag 4). With one
 * slot the lag is 0: each trial sees every result before it, as a sequential search always did. The
 * wait still costs throughput when trial durations differ (random search over every table family on
 * credit_g kept 85% of its slots busy at 2 slots, 69% at 4: scripts/bench-search-order), which is why
 * the coordinator applies the rule only to jobs that ask to be reproducible (durable/search-order).
 */
import type { FrozenTrial, TrialState } from './trial';

/** How many of the trials just before a proposal it must not see the results of, for `parallelism` slots. */
export function proposalLag(parallelism: number): number {
  return 2 * Math.max(0, Math.floor(parallelism) - 1);
}

/** Whether trial `next` sees trial `number`'s result under the rule (see the module comment). */
export const resultVisible = (number: number, next: number, lag: number): boolean => number < next - lag;

/**
 * Whether the next trial (numbered `trials.length`, the trials being 0..k−1 in any order) may be proposed:
 * every trial whose result it sees has finished. Until then the proposal would depend on timing.
 */
export function proposalReady(trials: readonly { readonly number: number; readonly state: TrialState }[], lag: number): boolean {
  const next = trials.length;
  return trials.every((t) => t.state !== 'running' || !resultVisible(t.number, next, lag));
}

/**
 * The history the next trial is proposed from: every trial (so the sampler's numbering and its
 * running-trial logic are unchanged), those within `lag` of the next shown as running without a result.
 * Once proposalReady holds, this depends on trial numbers and finished results only.
 * @example
 * if (proposalReady(history, lag)) next = sampler.suggest(conditionedHistory(history, lag), ctx);
 */
export function conditionedHistory(history: readonly FrozenTrial[], lag: number): FrozenTrial[] {
  const next = history.length;
  return history.map((t) => (resultVisible(t.number, next, lag) ? t : { family: t.family, params: t.params, number: t.number, state: 'running' }));
}
