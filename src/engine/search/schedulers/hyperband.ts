/**
 * @module engine/search/schedulers/hyperband
 * Asynchronous Hyperband as a thin wrapper over ASHA: several ASHA brackets that start at different
 * fidelities (bracket 0 at minFidelity, the most aggressive; the last one straight at maxFidelity, no
 * early stopping), hedging against a low fidelity that ranks configurations badly. Each new trial is
 * assigned a bracket by a seeded hash of its number, with Hyperband's proportions (aggressive brackets
 * get more, cheaper, trials), so the assignment is a pure function that a replayed journal reproduces.
 */
import { seedFrom } from '../../core/rng';
import { type AshaOptions, type AshaState, ashaNextJob, fidelityOfRung, resolveAshaOptions, type RungJob, type RungResult, topRung } from './asha';

/** ASHA's settings for the whole ladder, plus the seed of the bracket assignment. */
export interface HyperbandOptions extends AshaOptions {
  /** Seed of the trial-to-bracket assignment. */
  readonly seed?: number;
}

/** Reported results and jobs in flight across all brackets, and the next trial number. */
export interface HyperbandState {
  /** Results with `rung` counted inside the trial's own bracket (0 = that bracket's first rung). */
  readonly results: readonly (RungResult & Placed)[];
  readonly pending?: readonly (RungJob & Placed)[];
  /** Number the next new trial will get; it decides that trial's bracket. */
  readonly nextTrialNumber: number;
}

/**
 * Where a configuration was placed when not in the bracket its trial number hashes to: a new configuration
 * started in bracket 0 because its own bracket's first rung would end past the time budget (durable/trial-launch).
 */
export interface Placed {
  readonly bracket?: number;
}

/** A promotion within a bracket or a new trial in its bracket, with the fidelity to run it at. */
export type HyperbandJob =
  | { readonly kind: 'promote'; readonly trialNumber: number; readonly bracket: number; readonly rung: number; readonly fidelity: number }
  | { readonly kind: 'new'; readonly trialNumber: number; readonly bracket: number; readonly rung: 0; readonly fidelity: number };

/** Number of brackets: one per possible starting rung. */
export function bracketCount(options: HyperbandOptions): number {
  return topRung(options) + 1;
}

/** The ASHA options of one bracket: it starts `bracket` rungs up. */
export function bracketOptions(bracket: number, options: HyperbandOptions): AshaOptions {
  const o = resolveAshaOptions(options);
  return { eta: o.eta, maxFidelity: o.maxFidelity, minFidelity: fidelityOfRung(bracket, o) };
}

/**
 * The bracket of a trial. Hyperband sizes bracket b (with S+1 brackets, S-b+1 rungs) at
 * ceil((S+1)/(S-b+1)·eta^(S-b)) configurations, so every bracket spends about the same resource.
 */
export function bracketOfTrial(trialNumber: number, options: HyperbandOptions): number {
  const o = resolveAshaOptions(options);
  const s = topRung(o);
  const sizes = Array.from({ length: s + 1 }, (_, b) => Math.ceil(((s + 1) / (s - b + 1)) * o.eta ** (s - b)));
  const total = sizes.reduce((a, b) => a + b, 0);
  let h = seedFrom(options.seed ?? 0, `hyperband-${trialNumber}`) % total;
  for (let b = 0; b < sizes.length; b++) {
    if (h < sizes[b]) return b;
    h -= sizes[b];
  }
  return s;
}

/**
 * The next job across brackets: the first promotion any bracket offers (brackets in order), else a new
 * trial in the bracket its number hashes to.
 * @example
 * const job = hyperbandNextJob({ results, pending, nextTrialNumber: 12 }, { minFidelity: 1 / 27 });
 */
export function hyperbandNextJob(state: HyperbandState, options: HyperbandOptions): HyperbandJob {
  const n = bracketCount(options);
  const bracketOf = new Map<number, number>();
  const hashed = (t: number) => {
    let b = bracketOf.get(t);
    if (b === undefined) bracketOf.set(t, (b = bracketOfTrial(t, options)));
    return b;
  };
  const of = (j: RungJob & Placed) => j.bracket ?? hashed(j.trialNumber);
  for (let b = 0; b < n; b++) {
    const sub: AshaState = { results: state.results.filter((r) => of(r) === b), pending: (state.pending ?? []).filter((j) => of(j) === b) };
    const opts = bracketOptions(b, options);
    const job = ashaNextJob(sub, opts);
    if (job.kind === 'promote') return { ...job, bracket: b, fidelity: fidelityOfRung(job.rung, opts) };
  }
  const bracket = hashed(state.nextTrialNumber);
  return { kind: 'new', trialNumber: state.nextTrialNumber, bracket, rung: 0, fidelity: fidelityOfRung(0, bracketOptions(bracket, options)) };
}
