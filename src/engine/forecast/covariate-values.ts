/**
 * @module engine/forecast/covariate-values
 * How one value is read against a covariate a model stores (./covariates). A boolean covariate takes
 * JSON true and false and every spelling the upload reads as a boolean ("True", "TRUE", "yes", "n"...,
 * data/column-types) or predict does (1 and 0: features/rows-to-dataset truthOf). A category takes its
 * levels; one stored before booleans were their own kind keeps the two spellings its data had ("True" and
 * "false"), and takes any other spelling of the same truth value too, so a model stored then accepts what
 * one trained now does. A number must lie within the range the model was trained on, widened
 * (numberBounds), when the model stored that range.
 */
import { parseBooleanCell } from '../data/column-types';
import { truthOf } from '../features/rows-to-dataset';
import type { CovariateSpec } from './covariates';

type CategoricalSpec = Extract<CovariateSpec, { kind: 'categorical' }>;
type NumericSpec = Extract<CovariateSpec, { kind: 'numeric' }>;

/** The truth value a covariate value spells, undefined when it spells none (or is not a string, number or boolean). */
export function truthValue(v: unknown): boolean | undefined {
  return typeof v === 'boolean' || typeof v === 'string' || typeof v === 'number' ? truthOf(v) : undefined;
}

/** The truth value each level spells, when every one spells one (a boolean column's levels); else undefined. */
export function levelTruths(levels: readonly string[]): boolean[] | undefined {
  const truths = levels.map((l) => truthOf(l));
  return truths.every((t) => t !== undefined) ? (truths as boolean[]) : undefined;
}

/**
 * The level of a categorical covariate a value means, -1 when none: its own spelling (true as "true"),
 * else, for levels that are the two spellings of a stored boolean column (the upload's spellings, one of
 * each truth value), the level of the truth value it spells.
 */
export function levelIndex(spec: CategoricalSpec, v: string | boolean): number {
  const own = spec.levels.indexOf(String(v));
  if (own >= 0 || spec.levels.length !== 2) return own;
  const [a, b] = spec.levels.map((l) => parseBooleanCell(l));
  if (a === undefined || b === undefined || a === b) return -1;
  const truth = truthOf(v);
  return truth === undefined ? -1 : truth === a ? 0 : 1;
}

/**
 * The least and greatest of a covariate's training values (none missing: ./covariates refuses a gap
 * first), of the rows `used` marks when given; min > max when it marks none.
 */
export function rangeOf(values: Float64Array, used?: Uint8Array): { readonly min: number; readonly max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    if (used && !used[i]) continue;
    if (values[i] < min) min = values[i];
    if (values[i] > max) max = values[i];
  }
  return { min, max };
}

/**
 * The numbers a forecast request may give a numeric covariate: its training range widened by the range's
 * own width on each side (a promotion flag trained on 0 and 1 takes -1 to 2, a price trained from 8 to 12
 * takes 4 to 16), by the value's size (at least 1) for a covariate that held one value; undefined for a
 * covariate stored without its range (models made before ranges were kept), which takes any number.
 * Why a bound at all: the linear family extrapolates a covariate's effect along a straight line, and on
 * a log or Box-Cox target that line is exponential, so a value many widths away answered nonsense without
 * a word (store-sales, promotions 0 and 1: promo 10 forecast 1,876 sales, 100 forecast 5.4e14, 1e9 overflowed).
 * Why this wide: a width beyond what was seen is extrapolation of the size a plan may really hold (a
 * price a little above any yet charged, a promotion twice as strong), while the effect learned from the
 * range still says something about it; further out it says nothing, and trees do not extrapolate at all.
 */
export function numberBounds(spec: NumericSpec): { readonly low: number; readonly high: number } | undefined {
  if (spec.min === undefined || spec.max === undefined) return undefined;
  const width = spec.max - spec.min;
  const margin = width > 0 ? width : Math.max(1, Math.abs(spec.min));
  return { low: spec.min - margin, high: spec.max + margin };
}
