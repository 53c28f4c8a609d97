/**
 * @module engine/models/tree/gbdt-params
 * The gradient-boosting options: a frozen defaults constant, one resolve function that validates a Params
 * point and fills in defaults, and the search space declared as data with bounds that follow the data size.
 * Names follow LightGBM so results and intuitions transfer.
 */
import { EngineError } from '../../core/errors';
import { float, int, type Params, type SearchSpace } from '../../search/space';
import type { DataShape } from '../model';
import { MAX_BIN_LIMIT } from './binning';
import { MAX_FIT_COST_MS } from './round-cost';

/**
 * The most rounds a refit grows, as a multiple of n_estimators: run-trial scales the folds' best round by
 * the square root of how many more rows the refit sees (up to 1.58 times after 2 folds), which past
 * n_estimators would outgrow the memory estimate and the rounds the search asked for.
 */
export const MAX_REFIT_GROWTH = 1.2;

/**
 * Defaults of every option (LightGBM names); a Params point overrides any subset. `max_fit_cost_ms`, the
 * work budget of a fit (round-cost), is a fixed knob the search never sets.
 */
export const GBDT_DEFAULTS = Object.freeze({
  n_estimators: 300,
  learning_rate: 0.05,
  num_leaves: 31,
  max_depth: -1,
  min_data_in_leaf: 20,
  min_sum_hessian_in_leaf: 1e-3,
  lambda_l2: 1.0,
  min_gain_to_split: 0,
  feature_fraction: 1.0,
  bagging_fraction: 1.0,
  max_bin: 255,
  early_stopping_rounds: 30,
  cat_smooth: 10,
  cat_l2: 10,
  max_cat_threshold: 32,
  max_cat_to_onehot: 4,
  max_fit_cost_ms: MAX_FIT_COST_MS,
});

/**
 * Bytes of live leaf histograms one GBDT fit may hold (HistogramPool's cap). A histogram is 24 bytes per
 * bin, so 100,000 x 50 at 255 bins needs 0.29 MiB per leaf and 31 leaves would hold 9 MiB, twice over in a
 * trial (the fold's pool is garbage while the refit's fills). Beyond the cap the pool evicts the leaf
 * least likely to split next, whose children are then built from their rows instead of by subtraction:
 * more work on wide data, the same splits (up to rounding in the last bits of gradient sums). Narrow data
 * (20 x 255 bins: 31 leaves in 3.6 MiB) never reaches it.
 */
export const GBDT_HISTOGRAM_BYTES = 4 * 1024 * 1024;

/** Resolved options in the form the learner uses. */
export interface GbdtOptions {
  readonly nEstimators: number;
  readonly learningRate: number;
  readonly numLeaves: number;
  readonly maxDepth: number;
  readonly minDataInLeaf: number;
  readonly minSumHessianInLeaf: number;
  readonly lambdaL2: number;
  readonly minGainToSplit: number;
  readonly featureFraction: number;
  readonly baggingFraction: number;
  readonly maxBin: number;
  readonly earlyStoppingRounds: number;
  readonly catSmooth: number;
  readonly catL2: number;
  readonly maxCatThreshold: number;
  readonly maxCatToOnehot: number;
  readonly maxFitCostMs: number;
}

type Key = keyof typeof GBDT_DEFAULTS;

/** Validates `params` and merges it over the defaults; throws EngineError('invalid_params') on bad values. */
export function resolveGbdtOptions(params: Params): GbdtOptions {
  for (const key of Object.keys(params)) {
    if (!Object.hasOwn(GBDT_DEFAULTS, key)) throw new EngineError('invalid_params', `gbdt has no parameter "${key}"`, { param: key });
  }
  const num = (key: Key, lo: number, hi: number, integer: boolean): number => {
    const raw = params[key] ?? GBDT_DEFAULTS[key];
    const v = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < lo || v > hi || (integer && !Number.isInteger(v))) {
      const kind = integer ? 'an integer' : 'a number';
      throw new EngineError('invalid_params', `gbdt parameter "${key}" must be ${kind} in [${lo}, ${hi}], got ${JSON.stringify(raw)}`, { param: key });
    }
    return v;
  };
  const big = 1e9;
  return {
    nEstimators: num('n_estimators', 1, 100_000, true),
    learningRate: num('learning_rate', 1e-6, 10, false),
    numLeaves: num('num_leaves', 2, 131_072, true),
    maxDepth: num('max_depth', -1, 1000, true),
    minDataInLeaf: num('min_data_in_leaf', 1, big, true),
    minSumHessianInLeaf: num('min_sum_hessian_in_leaf', 0, big, false),
    lambdaL2: num('lambda_l2', 0, big, false),
    minGainToSplit: num('min_gain_to_split', 0, big, false),
    featureFraction: num('feature_fraction', 1e-6, 1, false),
    baggingFraction: num('bagging_fraction', 1e-6, 1, false),
    maxBin: num('max_bin', 2, MAX_BIN_LIMIT, true),
    earlyStoppingRounds: num('early_stopping_rounds', 0, big, true),
    catSmooth: num('cat_smooth', 0, big, false),
    catL2: num('cat_l2', 0, big, false),
    maxCatThreshold: num('max_cat_threshold', 1, MAX_BIN_LIMIT, true),
    maxCatToOnehot: num('max_cat_to_onehot', 1, MAX_BIN_LIMIT, true),
    maxFitCostMs: num('max_fit_cost_ms', 1, big, false),
  };
}

/**
 * min_data_in_leaf for this many training rows: small data would otherwise admit no split at all
 * (426 rows keep the default 20; 60 rows get 6).
 */
export function effectiveMinDataInLeaf(minDataInLeaf: number, rows: number): number {
  return Math.max(1, Math.min(minDataInLeaf, Math.floor(rows / 10)));
}

/** Largest useful num_leaves for a data size: each leaf should be able to hold a few rows. */
export function maxNumLeaves(rows: number): number {
  return Math.max(8, Math.min(128, Math.floor(rows / 4)));
}

/** Largest min_data_in_leaf the search offers for a data size: a quarter of the rows, between 4 and 100. */
function maxMinDataInLeaf(rows: number): number {
  return Math.max(4, Math.min(100, Math.floor(rows / 4)));
}

/** Search space: learning rate, tree size and regularisation on log scales; leaves and leaf size follow rows. */
export function gbdtSpace(shape: DataShape): SearchSpace {
  return {
    learning_rate: float(0.01, 0.3, true),
    num_leaves: int(4, maxNumLeaves(shape.rows), true),
    min_data_in_leaf: int(2, maxMinDataInLeaf(shape.rows), true),
    lambda_l2: float(1e-3, 10, true),
    feature_fraction: float(0.4, 1),
    bagging_fraction: float(0.5, 1),
    n_estimators: int(50, 1000, true),
  };
}

/** The zero-shot configuration: the defaults above, with num_leaves kept within what the rows support. */
export function gbdtDefaults(shape: DataShape): Params {
  return {
    n_estimators: GBDT_DEFAULTS.n_estimators,
    learning_rate: GBDT_DEFAULTS.learning_rate,
    num_leaves: Math.min(GBDT_DEFAULTS.num_leaves, maxNumLeaves(shape.rows)),
    // Within the searched bound on tiny data; the fit clamps it further (effectiveMinDataInLeaf) either way.
    min_data_in_leaf: Math.min(GBDT_DEFAULTS.min_data_in_leaf, maxMinDataInLeaf(shape.rows)),
    lambda_l2: GBDT_DEFAULTS.lambda_l2,
    feature_fraction: GBDT_DEFAULTS.feature_fraction,
    bagging_fraction: GBDT_DEFAULTS.bagging_fraction,
  };
}
