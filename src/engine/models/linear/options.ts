/**
 * @module engine/models/linear/options
 * The linear family's options: frozen defaults and the one function that turns search parameters into
 * validated options. Regularisation follows scikit-learn's LogisticRegression convention so that numbers
 * carry over: the fit minimises
 *
 *   C · Σᵢ wᵢ ℓᵢ(β, b) + ½ (1 − l1_ratio) ‖β‖² + l1_ratio ‖β‖₁
 *
 * (ℓ the log loss, or ½ squared error for regression; the intercepts b are never penalised). Larger C means
 * weaker regularisation; C = 1, l1_ratio = 0 is LogisticRegression() and, for regression, Ridge(alpha=1).
 */
import { EngineError } from '../../core/errors';
import type { Params } from '../../search/space';
import { MAX_LINEAR_FIT_COST_MS } from './evaluation-cost';

/** How classes are weighted: as given, or by inverse class frequency. */
export type ClassWeight = 'none' | 'balanced';

/** Resolved options of one linear fit. */
export interface LinearOptions {
  /** Inverse regularisation strength, > 0 (search range 1e-4..1e2, log scale). */
  readonly C: number;
  /** Share of the penalty that is L1, in [0, 1]; 0 is ridge / L2, 1 is lasso. */
  readonly l1Ratio: number;
  /** Classification only: 'balanced' multiplies each row's weight by W / (K · W_class). */
  readonly classWeight: ClassWeight;
  /** Cap on solver iterations (one pass over the data each, plus the occasional backtracking pass). */
  readonly maxIter: number;
  /** Stop when the largest (pseudo-)gradient entry of the per-weight-normalised objective falls below this. */
  readonly tol: number;
  /** The work budget of a fit in modelled milliseconds (evaluation-cost): a fixed knob the search never sets. */
  readonly maxFitCostMs: number;
}

/** Defaults: scikit-learn's LogisticRegression() / Ridge(alpha=1) regularisation, solved to a tight tolerance. */
export const LINEAR_DEFAULTS: LinearOptions = Object.freeze({
  C: 1,
  l1Ratio: 0,
  classWeight: 'none',
  maxIter: 500,
  tol: 1e-6,
  maxFitCostMs: MAX_LINEAR_FIT_COST_MS,
});

/** Reads `C`, `l1_ratio`, `class_weight`, `max_iter`, `tol` and `max_fit_cost_ms` from search parameters, over the defaults. */
export function resolveLinearOptions(params: Params): LinearOptions {
  const C = numberParam(params, 'C', LINEAR_DEFAULTS.C);
  const l1Ratio = numberParam(params, 'l1_ratio', LINEAR_DEFAULTS.l1Ratio);
  const maxIter = numberParam(params, 'max_iter', LINEAR_DEFAULTS.maxIter);
  const tol = numberParam(params, 'tol', LINEAR_DEFAULTS.tol);
  const maxFitCostMs = numberParam(params, 'max_fit_cost_ms', LINEAR_DEFAULTS.maxFitCostMs);
  const classWeight = params.class_weight ?? LINEAR_DEFAULTS.classWeight;
  if (!(C > 0) || !Number.isFinite(C)) invalid('C', C, 'a positive finite number');
  if (!(l1Ratio >= 0 && l1Ratio <= 1)) invalid('l1_ratio', l1Ratio, 'a number in [0, 1]');
  if (!(Number.isInteger(maxIter) && maxIter >= 1)) invalid('max_iter', maxIter, 'a positive integer');
  if (!(tol > 0) || !Number.isFinite(tol)) invalid('tol', tol, 'a positive finite number');
  if (!(maxFitCostMs > 0)) invalid('max_fit_cost_ms', maxFitCostMs, 'a positive number');
  if (classWeight !== 'none' && classWeight !== 'balanced') invalid('class_weight', classWeight, "'none' or 'balanced'");
  return { C, l1Ratio, classWeight, maxIter, tol, maxFitCostMs };
}

function numberParam(params: Params, name: string, fallback: number): number {
  const value = params[name];
  if (value === undefined) return fallback;
  if (typeof value !== 'number') invalid(name, value, 'a number');
  return value;
}

function invalid(name: string, value: unknown, expected: string): never {
  throw new EngineError('invalid_params', `linear model parameter ${name} must be ${expected}, got ${JSON.stringify(value)}`, { param: name, value });
}
