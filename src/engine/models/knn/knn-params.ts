/**
 * @module engine/models/knn/knn-params
 * Options of the k-nearest-neighbours family: a frozen defaults constant, one resolve function that
 * validates a Params point over it, and the search space as data (k on a log scale, bounded by the rows).
 */
import { EngineError } from '../../core/errors';
import { categorical, int, type Params, type SearchSpace } from '../../search/space';
import type { DataShape } from '../model';

/** How neighbours vote: equally, or by inverse distance (exact matches then decide alone). */
export type KnnWeights = 'uniform' | 'distance';

/** Resolved options of one fit. */
export interface KnnOptions {
  readonly k: number;
  readonly weights: KnnWeights;
  /** Minkowski exponent: 1 Manhattan, 2 Euclidean. */
  readonly p: 1 | 2;
}

/**
 * Defaults. k = 15 with distance weights rather than scikit-learn's k = 5 uniform: five votes give only six
 * distinct probabilities, which costs ROC AUC and log loss, the metrics jobs optimise by default.
 */
export const KNN_DEFAULTS: KnnOptions = Object.freeze({ k: 15, weights: 'distance', p: 2 });

const KNOWN = new Set(['k', 'weights', 'p']);

/** Validates `params` over the defaults; throws EngineError('invalid_params'). k larger than the rows is allowed and clamped at fit. */
export function resolveKnnOptions(params: Params): KnnOptions {
  for (const key of Object.keys(params)) {
    if (!KNOWN.has(key)) throw invalid(key, params[key], 'a known parameter (k, weights, p)');
  }
  const k = params.k ?? KNN_DEFAULTS.k;
  if (typeof k !== 'number' || !Number.isInteger(k) || k < 1 || k > 10_000) throw invalid('k', k, 'an integer in [1, 10000]');
  const weights = params.weights ?? KNN_DEFAULTS.weights;
  if (weights !== 'uniform' && weights !== 'distance') throw invalid('weights', weights, "'uniform' or 'distance'");
  const p = params.p ?? KNN_DEFAULTS.p;
  if (p !== 1 && p !== 2) throw invalid('p', p, '1 or 2');
  return { k, weights, p };
}

/** Search space: k from 1 to 50 (no more than the rows), log scale; vote weighting; distance. */
export function knnSpace(shape: DataShape): SearchSpace {
  return {
    k: int(1, Math.max(2, Math.min(50, shape.rows)), true),
    weights: categorical('uniform', 'distance'),
    p: categorical(1, 2),
  };
}

/** The zero-shot configuration, with k kept within the rows. */
export function knnDefaults(shape: DataShape): Params {
  return { k: Math.max(1, Math.min(KNN_DEFAULTS.k, shape.rows)), weights: KNN_DEFAULTS.weights, p: KNN_DEFAULTS.p };
}

function invalid(key: string, value: unknown, expected: string): EngineError {
  return new EngineError('invalid_params', `knn parameter "${key}" must be ${expected}, got ${JSON.stringify(value)}`, { param: key });
}
