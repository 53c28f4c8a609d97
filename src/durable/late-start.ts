/**
 * @module durable/late-start
 * Whether a trial started now would most likely run past the end of the time budget. Such a trial is
 * either cancelled unfinished at the end of the grace period (its invocation spent for nothing) or keeps
 * the user waiting well past the budget they set: audited, 20-30-s forecast budgets took 15-20 s more,
 * one late gradient-boosting or RNN trial at a time. As FLAML does, the coordinator instead leaves a trial
 * unstarted when the trials of its kind took longer than the time left, and the search ends once the
 * running ones report. A trial's duration is what the job saw: from its launch to its report (queue wait,
 * loading and training together; from its rerun when its work was lost and it was sent again, and less
 * any time the coordinator was down: a restart's downtime is no trial's work), the median over the finished trials of its family at its fidelity, and
 * at least as long as one of them still running has taken so far (the first RNN trial, running for 20 s,
 * says the next one will not take 2). With none finished or running, a family whose work the engine can
 * price goes by that: the rnn's default trial, from its cost model and the job's series (the audited
 * 30-s job started its first rnn trial at 16 s, and it took 48 s). In a multi-fidelity job, a family with
 * no trial at a fidelity yet goes by its trials one rung down, scaled by the ratio of rows: on 60,000
 * rows with a 60-s budget, an mlp whose third of the rows took 15 s was promoted to all of them at 21 s and
 * took 59 s, ending the job 20 s late. Other families start.
 */
import { forecastDefaults, rnnTrialCostMs } from '../engine/forecast';
import { LADDER, schedulerOf } from './fidelity-plan';
import { activeMs, fidelityOf, trialMs, type JobState } from './job-journal';
import type { JobConfig } from './protocol';
import { searchShape } from './search-shape';

/** The most a trial is expected to end after the deadline and still start: a few seconds, less on a short budget. */
export function lateStartSlackMs(config: JobConfig): number {
  return Math.min(5_000, config.budget.seconds * 100);
}

/**
 * A family's launch-to-report times at one fidelity (its complete trials), the longest one still running
 * has taken, and the complete trials' times at the highest fidelity below it that has any (`lower`).
 */
interface FamilyTimes {
  readonly times: number[];
  running?: number;
  lower?: { fidelity: number; times: number[] };
}

/** Every family's times at `fidelity` by `now`, in one pass over the journal (a launch asks for each family). */
function familyTimes(state: JobState, fidelity: number, now: number): Map<string, FamilyTimes> {
  const byFamily = new Map<string, FamilyTimes>();
  for (const t of state.order) {
    const complete = t.state === 'complete' && t.finished_at !== undefined;
    const at = fidelityOf(t);
    if ((!complete && t.state !== 'running') || at > fidelity || (!complete && at !== fidelity)) continue;
    let f = byFamily.get(t.family);
    if (f === undefined) byFamily.set(t.family, (f = { times: [] }));
    if (at < fidelity) {
      if (f.lower === undefined || at > f.lower.fidelity) f.lower = { fidelity: at, times: [] };
      if (at === f.lower.fidelity) f.lower.times.push(trialMs(state, t, t.finished_at!));
    } else if (complete) f.times.push(trialMs(state, t, t.finished_at!));
    else f.running = Math.max(f.running ?? 0, trialMs(state, t, now));
  }
  return byFamily;
}

function median(values: number[]): number {
  const sorted = values.sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * The median of `f`'s times raised to its running time; with none complete, the prior (modelled, else
 * the median one rung down times the ratio of rows: a lower bound where work grows faster than the rows,
 * and what loading the data costs grows no faster) raised so.
 */
function expectedOf(f: FamilyTimes | undefined, fidelity: number, prior: () => number | undefined): number | undefined {
  if (f === undefined || f.times.length === 0) {
    const modelled = prior() ?? (f?.lower === undefined ? undefined : (median(f.lower.times) * fidelity) / f.lower.fidelity);
    return modelled === undefined ? f?.running : Math.max(modelled, f?.running ?? 0);
  }
  return Math.max(median(f.times), f.running ?? 0);
}

/**
 * How long a trial of `family` at `fidelity` is expected to take (see the module comment): the median
 * launch-to-report time of its complete trials, raised to the longest time one still running has taken by
 * `now`; with none complete, `prior()` (the modelled time, if any) raised so; undefined when nothing
 * goes by.
 */
export function expectedTrialMs(state: JobState, family: string, fidelity: number, now: number, prior: () => number | undefined = () => undefined): number | undefined {
  return expectedOf(familyTimes(state, fidelity, now).get(family), fidelity, prior);
}

/**
 * The families among `families` whose trial at `fidelity`, started at `now`, is expected to end more than
 * the slack after `deadline`. None for a budget of trials alone (`config.reproducible`): its trials are
 * fixed by their count, and its cap of seconds is a safety net, not a budget. No trial has taken longer
 * than the job has run (downtime left out of both), nor can one scaled up from the ladder's bottom rung be expected to take more than
 * that many times as long, so while at least that much time is left only a modelled prior can say late,
 * and the journal is not read (the check runs at every launch: a pass over 1,000 trials cost ~0.3 ms).
 */
export function lateFamilies(state: JobState, config: JobConfig, families: readonly string[], fidelity: number, now: number, deadline: number): Set<string> {
  const late = new Set<string>();
  if (config.reproducible === true) return late;
  const left = deadline + lateStartSlackMs(config) - now;
  // The model prices a trial only when a family has nothing else to go by (expectedOf), never more than once.
  const prior = (family: string) => () => (fidelity === 1 ? modelledTrialMs(config, family) : undefined);
  const scale = schedulerOf(config) === undefined ? 1 : Math.max(1, fidelity / LADDER.minFidelity);
  if (left >= activeMs(state, config.created_at, now) * scale && !families.some((f) => fidelity === 1 && isPriced(config, f))) return late;
  const times = familyTimes(state, fidelity, now);
  for (const family of families) {
    const expected = expectedOf(times.get(family), fidelity, prior(family));
    if (expected !== undefined && expected > left) late.add(family);
  }
  return late;
}

/** Whether a trial of `family` at `fidelity`, started at `now`, is expected to end more than the slack after `deadline` (lateFamilies). */
export function startsTooLate(state: JobState, config: JobConfig, family: string, fidelity: number, now: number, deadline: number): boolean {
  return lateFamilies(state, config, [family], fidelity, now, deadline).has(family);
}

/**
 * The modelled milliseconds of `family`'s default trial (its first, the portfolio's) on the job's data,
 * for the families the engine prices: the rnn of a forecast job. A model of CPU time on an idle machine,
 * so a lower bound of what the job will see; undefined for the other families.
 */
export function modelledTrialMs(config: JobConfig, family: string): number | undefined {
  if (!isPriced(config, family)) return undefined;
  const shape = searchShape(config).forecast;
  if (shape === undefined) return undefined;
  return rnnTrialCostMs(forecastDefaults('rnn', shape), shape);
}

/** Whether the engine prices `family`'s trials before one ran (modelledTrialMs): the rnn of a forecast job. */
const isPriced = (config: JobConfig, family: string): boolean => family === 'rnn' && config.forecast !== undefined;
