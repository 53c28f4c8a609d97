/**
 * @module engine/search/schedulers/asha
 * Asynchronous Successive Halving (Li et al., "A System for Massively Parallel Hyperparameter Tuning",
 * 2018) as pure logic: given the results reported so far, decide what a free worker runs next. Rungs
 * are fidelities (fractions of a resource such as rows or boosting rounds) r_k = min·eta^k up to max.
 * There is no barrier: whenever a worker frees up, the best configuration of a rung that sits in the top
 * 1/eta of that rung's results so far and has not been promoted yet goes up one rung (higher rungs first);
 * otherwise a new configuration starts at rung 0. Early promotions may be "mistakes" that a synchronous
 * halving would not make; ASHA accepts that in exchange for never leaving a worker idle.
 */
import { EngineError } from '../../core/errors';

/** ASHA settings: the rung ladder is fixed by eta and the fidelity range. */
export interface AshaOptions {
  /** Reduction factor: a rung keeps the top 1/eta of its results and each rung has eta times the fidelity. */
  readonly eta?: number;
  /** Fidelity of rung 0, in (0, maxFidelity]. */
  readonly minFidelity: number;
  /** Fidelity of a full evaluation. */
  readonly maxFidelity?: number;
}

/** Defaults for what has a sensible default: eta 3 (the paper's), full fidelity 1. */
export const ASHA_DEFAULTS = Object.freeze({ eta: 3, maxFidelity: 1 });

/** AshaOptions with every default filled in. */
export type ResolvedAshaOptions = Readonly<Required<AshaOptions>>;

/** Merges over ASHA_DEFAULTS and checks, naming the bad value. */
export function resolveAshaOptions(options: AshaOptions): ResolvedAshaOptions {
  const o = { ...ASHA_DEFAULTS, ...options };
  if (!(o.eta > 1)) throw new EngineError('invalid_params', `asha eta must be > 1, got ${o.eta}`);
  if (!(o.maxFidelity > 0 && Number.isFinite(o.maxFidelity))) throw new EngineError('invalid_params', `asha maxFidelity must be a positive number, got ${o.maxFidelity}`);
  if (!(o.minFidelity > 0 && o.minFidelity <= o.maxFidelity)) {
    throw new EngineError('invalid_params', `asha minFidelity must be in (0, maxFidelity=${o.maxFidelity}], got ${o.minFidelity}`);
  }
  return o;
}

/**
 * Index of the last rung: the largest k with min·eta^k <= max. When max/min is not a power of eta the
 * top rung stays below max; choose min = max·eta^-k to end exactly on a full evaluation.
 */
export function topRung(options: AshaOptions): number {
  const o = resolveAshaOptions(options);
  // The epsilon absorbs rounding in log(max/min)/log(eta) when max/min is an exact power of eta.
  return Math.floor(Math.log(o.maxFidelity / o.minFidelity) / Math.log(o.eta) + 1e-9);
}

/** Fidelity of a rung: min·eta^rung, exactly max on the top rung when max/min is a power of eta. */
export function fidelityOfRung(rung: number, options: AshaOptions): number {
  const o = resolveAshaOptions(options);
  const top = topRung(o);
  if (!(Number.isInteger(rung) && rung >= 0 && rung <= top)) throw new EngineError('invalid_params', `asha rung must be an integer in [0, ${top}], got ${rung}`);
  return Math.min(o.maxFidelity, o.minFidelity * o.eta ** rung);
}

/** A configuration's evaluation at one rung. A non-finite loss means it failed there. */
export interface RungResult {
  readonly trialNumber: number;
  readonly rung: number;
  readonly loss: number;
}

/** A job started and not yet reported. */
export interface RungJob {
  readonly trialNumber: number;
  readonly rung: number;
}

/** Everything ASHA decides from: reported results and jobs in flight. */
export interface AshaState {
  readonly results: readonly RungResult[];
  /** Jobs in flight; a trial running at rung k+1 counts as promoted from rung k. */
  readonly pending?: readonly RungJob[];
}

/** What a free worker should do: evaluate a trial at a higher rung, or start a new configuration. */
export type AshaJob = { readonly kind: 'promote'; readonly trialNumber: number; readonly rung: number } | { readonly kind: 'new'; readonly rung: 0 };

/**
 * The next job. `promote.rung` is the rung to run at (one above the rung the trial was chosen from).
 * Repeated results of a trial at the same rung count once (the first), as deliveries may repeat.
 * @example
 * const job = ashaNextJob({ results, pending }, { minFidelity: 1 / 9 });
 * if (job.kind === 'promote') launch(job.trialNumber, fidelityOfRung(job.rung, { minFidelity: 1 / 9 }));
 */
export function ashaNextJob(state: AshaState, options: AshaOptions): AshaJob {
  const o = resolveAshaOptions(options);
  const top = topRung(o);
  const highest = new Map<number, number>();
  const reach = (t: number, rung: number) => highest.set(t, Math.max(highest.get(t) ?? -1, rung));
  for (const r of state.results) reach(r.trialNumber, r.rung);
  for (const j of state.pending ?? []) reach(j.trialNumber, j.rung);

  // Higher rungs first: finishing a strong configuration is worth more than widening the base.
  for (let k = top - 1; k >= 0; k--) {
    const rung = rungResults(state.results, k);
    const quota = Math.floor(rung.length / o.eta);
    for (let i = 0; i < quota; i++) {
      const r = rung[i];
      if (!Number.isFinite(r.loss)) break;
      if ((highest.get(r.trialNumber) ?? k) <= k) return { kind: 'promote', trialNumber: r.trialNumber, rung: k + 1 };
    }
  }
  return { kind: 'new', rung: 0 };
}

/** One rung's results, one per trial, best first (failures last, ties to the older trial). */
function rungResults(results: readonly RungResult[], rung: number): RungResult[] {
  const seen = new Set<number>();
  const out: RungResult[] = [];
  for (const r of results) {
    if (r.rung !== rung || seen.has(r.trialNumber)) continue;
    seen.add(r.trialNumber);
    out.push(r);
  }
  const key = (l: number) => (Number.isFinite(l) ? l : Infinity);
  return out.sort((a, b) => key(a.loss) - key(b.loss) || a.trialNumber - b.trialNumber);
}
