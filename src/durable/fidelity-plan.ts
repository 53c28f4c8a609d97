/**
 * @module durable/fidelity-plan
 * The next trial of a multi-fidelity job (ASHA or asynchronous Hyperband), decided from the journaled
 * state alone, so a replayed journal makes the same decisions. Fidelity is the fraction of training rows
 * a trial trains on, on the ladder 1/9, 1/3, 1 (eta 3, ending exactly at a full trial). When a slot frees
 * the scheduler either promotes a configuration (a new trial with the same parameters one rung up) or
 * asks the job's sampler for a new configuration at the bottom rung. There is no barrier: a promotion is
 * decided from the results reported so far, while other trials still run (for a reproducible job, from
 * those of the trials the conditioning rule lets the next trial see: durable/search-order).
 */
import { type FrozenTrial, proposeUnseen, type Sampler, type SamplerContext, type SamplerStrategy, type TrialConfig } from '../engine';
import { TPE_DEFAULTS } from '../engine/search/samplers';
import { ashaNextJob, bracketOfTrial, fidelityOfRung, hyperbandNextJob, type Placed, type RungJob, type RungResult, topRung } from '../engine/search/schedulers';
import { type FidelityFields, isFullFidelity, type JobState, publishableTrial, type TrialEntry } from './job-journal';
import type { JobConfig, JobStrategy } from './protocol';

/** The fidelity ladder: rungs 1/9, 1/3 and 1 of the training rows. */
export const LADDER = Object.freeze({ eta: 3, minFidelity: 1 / 9, maxFidelity: 1 });
const TOP = topRung(LADDER);

/**
 * `strategy: "auto"` switches to ASHA from this many training rows. On large data a ninth of the rows
 * still ranks configurations well (low-fidelity results are informative) while a full trial is expensive,
 * so screening many configurations cheaply wins; on smaller data a subsample is noisy and full trials are
 * cheap, so auto keeps the portfolio then TPE on full trials.
 */
export const AUTO_ASHA_MIN_ROWS = 20_000;

/**
 * A rung is modelled by the sampler once it holds as many finished results as TPE needs before it stops
 * sampling at random; below that, the rung's results are too few to say where good regions are.
 */
const MODEL_MIN_RESULTS = TPE_DEFAULTS.nStartup;

export type Scheduler = 'asha' | 'hyperband';

/** The job's multi-fidelity scheduler, or undefined when every trial runs at full fidelity. */
export function schedulerOf(config: JobConfig): Scheduler | undefined {
  if (config.strategy === 'asha' || config.strategy === 'hyperband') return config.strategy;
  // A time series cannot be cut into a fraction of its rows: forecast trials always run in full.
  if (config.forecast) return undefined;
  return config.strategy === 'auto' && config.dataset.rows >= AUTO_ASHA_MIN_ROWS ? 'asha' : undefined;
}

/** The sampler behind a strategy: the schedulers propose new configurations with TPE, as BOHB does. */
export function samplerStrategyOf(strategy: JobStrategy): SamplerStrategy {
  return strategy === 'asha' || strategy === 'hyperband' ? 'bayes' : strategy;
}

/** The top rung of a job's ladder (0 when it has no multi-fidelity scheduler). */
export const topRungOf = (config: JobConfig): number => (schedulerOf(config) ? TOP : 0);

/** What to launch next: a configuration and where it sits on the ladder. */
export interface PlannedTrial {
  readonly config: TrialConfig;
  readonly fidelity: Partial<FidelityFields> & Pick<FidelityFields, 'rung' | 'fidelity'>;
}

/** Fidelity of a rung; the top rung is exactly 1, so "full fidelity" is an exact comparison. */
const fidelityAt = (rung: number) => (rung === TOP ? 1 : fidelityOfRung(rung, LADDER));

/**
 * The next trial, or undefined to launch nothing until a running trial reports. It is decided from `s`:
 * the job's state, or for a reproducible job the part of it the next proposal may see (durable/search-
 * order), with `actual` the job's state. `lastTrial` says this
 * launch uses the last trial of a trial-count budget: it is then reserved for a full-fidelity result if
 * the job has none complete once its running trials report, by re-running the best configuration so far (highest
 * fidelity reached, then lowest loss) at full fidelity. Otherwise a short budget could end with only a
 * ninth-of-the-rows model. The reserved launch first waits for the trials still running (all below full
 * fidelity, so cheap) to report: launched at once, on a budget of a few trials run in parallel, it was
 * a new, unscreened configuration, published as the only full-fidelity trial whatever the screened ones
 * scored. Only when nothing has completed and nothing runs does it try a new configuration in full.
 * A new configuration repeats none that any trial ran (engine proposeUnseen); 'exhausted' when the
 * families allow no other and nothing runs whose result could still be promoted. `newOnly` asks for a
 * new configuration at the bottom rung even where the scheduler would promote one (the promotion would
 * end past the time budget: trial-launch).
 */
export function planTrial(s: JobState, scheduler: Scheduler, sampler: Sampler, ctx: SamplerContext, lastTrial: boolean, actual: JobState = s, newOnly = false): PlannedTrial | 'exhausted' | undefined {
  const lines = lineages(s);
  if (lastTrial && !actual.order.some((t) => isFullFidelity(t) && t.state === 'complete')) {
    // Decided on `actual`, after waiting for every running trial (a full-fidelity one too, which may still
    // fail): in a reproducible job's view (`s`, durable/search-order) the latest trials always show as
    // running, so a full-fidelity trial that had failed there looked running, nothing was reserved, and
    // the job published a model trained on a third of the rows. Once none runs, every result is in and
    // the choice depends on them alone.
    if (actual.order.some((t) => t.state === 'running')) return undefined;
    const best = publishableTrial(actual);
    if (best) return fullRunOf(best);
    const config = proposeUnseen(sampler, samplerHistory(lines), ctx);
    return config === undefined ? 'exhausted' : { config, fidelity: { rung: TOP, fidelity: 1, ...(scheduler === 'hyperband' ? { bracket: TOP } : {}) } };
  }

  // Rungs as the scheduler sees them: counted from the configuration's bracket start (0 for ASHA).
  // Each with the bracket its configuration was recorded in, which a late start may have moved (newOnly).
  const results: (RungResult & Placed)[] = [];
  const pending: (RungJob & Placed)[] = [];
  for (const line of lines) {
    const placed = scheduler === 'hyperband' && line.trials[0].bracket !== undefined ? { bracket: line.trials[0].bracket } : {};
    for (const t of line.trials) {
      const rung = (t.rung ?? 0) - (t.bracket ?? 0);
      if (t.state === 'running') pending.push({ trialNumber: line.root, rung, ...placed });
      else if (t.state === 'complete' || t.state === 'failed') results.push({ trialNumber: line.root, rung, loss: lossOf(t), ...placed });
    }
  }
  const nextNumber = s.order.length;
  const hyperband = { ...LADDER, seed: ctx.seed };
  // A new configuration asked for alone (a promotion or its own bracket's first rung would end past the
  // time budget) starts on the fewest rows, bracket 0, whatever bracket its number hashes to: the bracket
  // is recorded with it and the scheduler reads it from there (Placed), so it is promoted from the rungs
  // it ran. In its hashed bracket, the full-fidelity one for a third of the numbers, it started too late
  // as well and the search ended with up to a third of its budget left.
  const job = newOnly
    ? ({ kind: 'new', rung: 0, bracket: 0 } as const)
    : scheduler === 'asha'
      ? { ...ashaNextJob({ results, pending }, LADDER), bracket: 0 }
      : hyperbandNextJob({ results, pending, nextTrialNumber: nextNumber }, hyperband);
  const rung = job.bracket + job.rung;
  const where = { rung, fidelity: fidelityAt(rung), ...(scheduler === 'hyperband' ? { bracket: job.bracket } : {}) };
  if (job.kind === 'promote') {
    const line = lines.find((l) => l.root === job.trialNumber);
    const from = line?.trials.find((t) => t.state === 'complete' && (t.rung ?? 0) === rung - 1);
    // Never missing for trials recorded as the scheduler places them; a journal written before that was
    // so (a trial recorded in bracket 0 that hashes to another) gets a new configuration instead of a throw.
    if (from) return { config: configOf(from), fidelity: { ...where, promoted_from: from.trial_id } };
  }
  const config = proposeUnseen(sampler, samplerHistory(lines), ctx);
  if (config !== undefined) return { config, fidelity: job.kind === 'promote' ? bottomRung(scheduler, nextNumber, hyperband) : where };
  // Every configuration was tried: a running trial's result may still earn a promotion, so wait for it.
  return actual.order.some((t) => t.state === 'running') ? undefined : 'exhausted';
}

/** Where a new trial numbered `number` starts: the bottom rung (ASHA), or its bracket's (hyperband). */
function bottomRung(scheduler: Scheduler, number: number, options: typeof LADDER & { seed: number }): PlannedTrial['fidelity'] {
  const bracket = scheduler === 'hyperband' ? bracketOfTrial(number, options) : 0;
  return { rung: bracket, fidelity: fidelityAt(bracket), ...(scheduler === 'hyperband' ? { bracket } : {}) };
}

/** `t`'s configuration run on all the rows, as a promotion of `t` straight to the top rung. */
export function fullRunOf(t: TrialEntry): PlannedTrial {
  return { config: configOf(t), fidelity: { rung: TOP, fidelity: 1, promoted_from: t.trial_id, ...bracketOf(t) } };
}

/** A configuration's trials across rungs; `root` is the number of the trial that first ran it. */
interface Lineage {
  readonly root: number;
  readonly trials: TrialEntry[];
}

/** Every configuration with its trials, in the order the configurations started. */
function lineages(s: JobState): Lineage[] {
  const byTrial = new Map<string, Lineage>();
  const out: Lineage[] = [];
  for (const t of s.order) {
    // A promotion always comes after the trial it was promoted from, so its lineage already exists.
    let line = t.promoted_from !== undefined ? byTrial.get(t.promoted_from) : undefined;
    if (!line) out.push((line = { root: t.number, trials: [] }));
    line.trials.push(t);
    byTrial.set(t.trial_id, line);
  }
  return out;
}

/**
 * What the sampler learns from, one entry per configuration (its number = its position, so the sampler's
 * seeded draws stay distinct per new configuration). As BOHB does, it models one rung: the highest with
 * enough finished results, since losses at different fidelities are not comparable (a ninth of the rows
 * scores worse everywhere) and mixing them would teach TPE the fidelity rather than the parameters.
 * A configuration without a result there is running (a constant liar keeps parallel suggestions apart),
 * failed (a failure is mostly the configuration's fault) or left out of the model (stopped below that
 * rung: state "cancelled", which TPE ignores).
 */
function samplerHistory(lines: readonly Lineage[]): FrozenTrial[] {
  const finished = new Map<number, number>();
  for (const line of lines) {
    for (const t of line.trials) if (t.state === 'complete' || t.state === 'failed') finished.set(t.rung ?? 0, (finished.get(t.rung ?? 0) ?? 0) + 1);
  }
  let modelled = 0;
  for (const [rung, n] of finished) if (n >= MODEL_MIN_RESULTS && rung > modelled) modelled = rung;
  return lines.map((line, number) => {
    const config = configOf(line.trials[0]);
    const at = line.trials.find((t) => (t.rung ?? 0) === modelled && (t.state === 'complete' || t.state === 'failed'));
    if (at?.state === 'complete') return { number, ...config, state: 'complete', loss: lossOf(at) };
    if (at || line.trials.some((t) => t.state === 'failed')) return { number, ...config, state: 'failed' };
    if (line.trials.some((t) => t.state === 'running')) return { number, ...config, state: 'running' };
    return { number, ...config, state: 'cancelled' };
  });
}

const configOf = (t: TrialEntry): TrialConfig => ({ family: t.family, params: t.params });
const bracketOf = (t: TrialEntry) => (t.bracket !== undefined ? { bracket: t.bracket } : {});
const lossOf = (t: TrialEntry) => (t.report?.status === 'complete' ? t.report.loss : Number.NaN);
