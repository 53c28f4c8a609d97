/**
 * @module durable/full-reserve
 * A multi-fidelity job with a time budget keeps time for one trial on all the rows. Left to the ladder,
 * such a job can spend its whole budget below the top rung: on 60,000 rows with a 60-s budget it published
 * a model trained on a third of them, and on 44,000 rows it did so at 30 s and at 60 s, each time with the
 * warning that it had. FLAML refits its best configuration on all the data once the search ends; here the
 * refit is a trial like the others, so it is validated, journaled and can be cancelled, and it must fit in
 * the budget. Once the time left comes down to what a full run of the best configuration so far is
 * expected to take (late-start's expectation, scaled up from its family's trials on fewer rows) with a
 * margin, the next free slot runs that configuration on all the rows, without waiting for the trials still
 * running. A budget of trials alone keeps its own reservation (the last trial: fidelity-plan).
 */
import { configKey } from '../engine';
import { fidelityOf, trialMs, isFullFidelity, type JobState, type TrialEntry } from './job-journal';
import { expectedTrialMs, lateStartSlackMs } from './late-start';
import { schedulerOf } from './fidelity-plan';
import type { JobConfig } from './protocol';

/**
 * How much longer than its expected time the reservation leaves a full run: a promoted trial's time is
 * scaled up from fewer rows (a lower bound for the work that grows faster), and in one isolate a trial
 * running beside it slows it down.
 */
export const RESERVE_MARGIN = 1.5;

/**
 * The complete trial whose configuration should now run on all the rows (see the module comment), or
 * undefined: not a time-budget multi-fidelity job, a full-fidelity trial already running or complete, not
 * yet time, or no configuration whose full run can end within the late-start slack of `deadline`. The
 * configuration is the best so far as the job would publish it (highest fidelity, then lowest loss, within
 * a serving cap), passing over those whose full run is too slow for the time left or already failed. Until
 * one is due, a slot may free only when a trial reports, so the margin adds the median time a trial at the
 * bottom rung took.
 */
export function dueFullTrial(state: JobState, config: JobConfig, now: number, deadline: number): TrialEntry | undefined {
  if (config.reproducible === true || schedulerOf(config) === undefined) return undefined;
  if (state.order.some((t) => isFullFidelity(t) && (t.state === 'running' || t.state === 'complete'))) return undefined;
  const left = deadline - now;
  const failedFull = new Set(state.order.filter((t) => isFullFidelity(t) && t.state === 'failed').map((t) => configKey(t)));
  // A full run's expected time depends on the family alone, and each expectation reads the whole journal:
  // asked once per candidate, a job of 1,000 trials whose families were all too slow for the time left
  // spent 370 ms per launch here (scratch/s26/reserve/cost.ts); once per family, well under a millisecond.
  const fullMs = new Map<string, number | undefined>();
  const expectedFullMs = (family: string) => {
    if (!fullMs.has(family)) fullMs.set(family, expectedTrialMs(state, family, 1, now));
    return fullMs.get(family);
  };
  for (const candidate of rankedForPublishing(state)) {
    const full = expectedFullMs(candidate.family);
    if (full === undefined || full > left + lateStartSlackMs(config)) continue;
    if (failedFull.size > 0 && failedFull.has(configKey(candidate))) continue;
    return left <= full * RESERVE_MARGIN + bottomRungMs(state) ? candidate : undefined;
  }
  return undefined;
}

/** The complete trials in the order publishableTrial prefers them: highest fidelity, lowest loss, earlier first; within a serving cap when any is. */
function rankedForPublishing(state: JobState): TrialEntry[] {
  const complete = state.order.filter((t) => t.state === 'complete' && t.report?.status === 'complete');
  const cap = state.config?.max_serving_us;
  const withinCap = cap === undefined ? complete : complete.filter((t) => servingUs(t) <= cap);
  return (withinCap.length > 0 ? withinCap : complete).sort((a, b) => fidelityOf(b) - fidelityOf(a) || lossOf(a) - lossOf(b) || a.number - b.number);
}

/** The median launch-to-report time (downtime left out) of the complete trials at the lowest fidelity (0 when none). */
function bottomRungMs(state: JobState): number {
  let lowest = Infinity;
  let times: number[] = [];
  for (const t of state.order) {
    if (t.state !== 'complete' || t.finished_at === undefined) continue;
    const at = fidelityOf(t);
    if (at < lowest) [lowest, times] = [at, []];
    if (at === lowest) times.push(trialMs(state, t, t.finished_at));
  }
  if (times.length === 0) return 0;
  times.sort((a, b) => a - b);
  return times[times.length >> 1];
}

const lossOf = (t: TrialEntry): number => (t.report?.status === 'complete' ? t.report.loss : Infinity);
const servingUs = (t: TrialEntry): number => (t.report?.status === 'complete' ? (t.report.serving_us ?? 0) : 0);
