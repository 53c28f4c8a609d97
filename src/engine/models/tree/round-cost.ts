/**
 * @module engine/models/tree/round-cost
 * The work budget of a boosting fit: how many rounds it may run. A trial runs in one queue invocation
 * of at most 5 minutes of CPU (wrangler.toml limits.cpu_ms), killed past it with nothing saved, and
 * timers do not advance inside CPU-bound code there, so a fit is bounded by work, not by a clock: its
 * modelled cost, as the networks' epochs are (nn/mlp-options, nn/cnn/cnn-options). Without it, 1,000
 * rounds on a large table ran for ten minutes and more and the trial died each delivery.
 *
 * A round grows one tree per class score: histograms over its bag of rows and its share of the
 * features, then a split search over every leaf's feature bins. Fitted to Node 20 timings of the
 * defaults (31 leaves, 255 bins): 14-25 ns per row and feature per tree from 50,000 rows up, more on
 * small tables, where the split search dominates (2.4 ms a round at 2,000 x 20); 255 leaves took about
 * twice as long as 31. The model overstates every case of `npm run bench:gbdt-rounds` by 1.3-2.1x: it
 * only has to bound a fit, and a capped fit says so (`budget_limited` in its fitInfo).
 */

/** Modelled nanoseconds per bagged row and drawn feature of a tree (histograms, gradients, scores). */
const NS_PER_ROW_FEATURE = 25;
/** Modelled nanoseconds per leaf, drawn feature and bin of a tree (the split search). */
const NS_PER_LEAF_BIN = 20;
/** Modelled fixed milliseconds per tree. */
const MS_PER_TREE = 0.5;

/**
 * The most modelled milliseconds one fit (a fold's, or the refit) may take: a 5-fold trial's six fits
 * then stay within 3 of the invocation's 5 CPU minutes, leaving room for the features, scoring and the
 * overstatement of a slower machine.
 */
export const MAX_FIT_COST_MS = 30_000;

export interface RoundShape {
  readonly rows: number;
  readonly cols: number;
  /** Trees a round grows: one per class score. */
  readonly trees: number;
  readonly numLeaves: number;
  readonly maxBin: number;
  readonly featureFraction: number;
  readonly baggingFraction: number;
}

/** Modelled milliseconds of one boosting round. */
export function roundCostMs(s: RoundShape): number {
  const rows = Math.max(1, s.rows);
  const features = Math.max(1, Math.ceil(s.cols * Math.min(1, s.featureFraction)));
  const bagged = Math.max(1, Math.ceil(rows * Math.min(1, s.baggingFraction)));
  const leaves = Math.max(2, Math.min(s.numLeaves, rows));
  const bins = Math.min(s.maxBin, rows + 1);
  const perTree = (bagged * features * NS_PER_ROW_FEATURE + leaves * features * bins * NS_PER_LEAF_BIN) / 1e6 + MS_PER_TREE;
  return Math.max(1, s.trees) * perTree;
}

/** Rounds the work budget allows a fit of this shape: at least one. */
export function budgetedRounds(s: RoundShape, maxFitCostMs = MAX_FIT_COST_MS): number {
  return Math.max(1, Math.floor(maxFitCostMs / roundCostMs(s)));
}
