/**
 * @module engine/models/forest/forest-memory
 * How much memory a forest fit needs, and defaults sized to stay well inside the trial budget. Trees grown
 * to purity have about one leaf per distinct sampled row for regression (about 63% of the rows under
 * bootstrap) and, on the shared datasets, at most a third of that for classification (half is assumed,
 * the rate of pure-noise labels); min_samples_leaf divides both. A 300-tree forest on 10,000 regression
 * rows is then tens of megabytes, so the zero-shot defaults raise min_samples_leaf (and, failing that,
 * lower n_estimators) until the estimate fits DEFAULT_FIT_BYTES.
 */
import type { Params } from '../../search/space';
import type { DataShape } from '../model';
import { FOREST_DEFAULTS, type ForestFamily, type ForestOptions, forestDefaults, resolveForestOptions } from './forest-params';

/** Memory the zero-shot configuration may plan for: half the harness's 96 MiB trial limit. */
export const DEFAULT_FIT_BYTES = 48 * 1024 * 1024;

/**
 * Peak bytes of a fit: the byte-binned matrix, per-row arrays (weights, targets, indices, bootstrap counts),
 * the builder's per-node arrays, one histogram over all bins, and the forest. Its arrays grow by doubling
 * (old and new copies live together: up to three times the final size), and the artifact then holds a
 * trimmed copy plus base64 text (about 2.4 times more); five times the final size covers either peak
 * (measured: ames_housing extra_trees, 9 MB of trees, 46 MB at the worst moment). The input matrix itself
 * is not counted.
 */
export function estimateForestBytes(opts: ForestOptions, shape: DataShape): number {
  const rows = Math.max(1, shape.rows);
  const cols = Math.max(1, shape.cols);
  const k = shape.task === 'multiclass' ? Math.max(2, shape.nClasses) : 1;
  const stride = shape.task === 'multiclass' ? k + 1 : 3;
  const bins = Math.min(opts.maxBin, rows + 1);
  const perRow = rows * (4 * 4 + 4 * 4 + 8 * k) + rows * 40;
  const histogram = cols * bins * stride * 8;
  const sampled = opts.bootstrap ? Math.ceil(rows * 0.64) : rows;
  const leafRate = shape.task === 'regression' ? 1 : 0.5;
  let leaves = Math.max(1, Math.ceil((sampled * leafRate) / opts.minSamplesLeaf));
  if (opts.maxDepth > 0 && opts.maxDepth < 31) leaves = Math.min(leaves, 2 ** opts.maxDepth);
  // Per node: feature, threshold, flags, catRef, left, right (4 bytes each); per leaf: value, plus K probabilities.
  const perTree = (leaves - 1) * 24 + leaves * 4 * (k > 1 ? k + 1 : 1) + 16;
  const forest = 5 * opts.nEstimators * perTree;
  const binning = Math.min(rows, 200_000) * 4 + cols * bins * 8 + rows * cols;
  return Math.ceil(perRow + histogram + forest + binning + 64 * 1024);
}

const LEAF_STEPS = [1, 2, 3, 5, 8, 12, 20];
const TREE_STEPS = [300, 200, 100, 50];

/**
 * The family's defaults for this data shape: scikit-learn's (min_samples_leaf 1, 300 trees) when they fit
 * DEFAULT_FIT_BYTES, otherwise the smallest min_samples_leaf, then the most trees, that do.
 */
export function sizedDefaults(family: ForestFamily, shape: DataShape): Params {
  const base = forestDefaults(family, shape);
  const fits = (p: Params): boolean => estimateForestBytes(resolveForestOptions(family, p, shape.task), shape) <= DEFAULT_FIT_BYTES;
  if (fits(base)) return base;
  const start = Number(FOREST_DEFAULTS[family].min_samples_leaf);
  const trees = family === 'cart' ? [undefined] : TREE_STEPS;
  for (const n of trees) {
    for (const leaf of LEAF_STEPS) {
      if (leaf < start) continue;
      const p: Params = { ...base, min_samples_leaf: leaf, ...(n === undefined ? {} : { n_estimators: n }) };
      if (fits(p)) return p;
    }
  }
  return { ...base, min_samples_leaf: LEAF_STEPS[LEAF_STEPS.length - 1], ...(family === 'cart' ? {} : { n_estimators: TREE_STEPS[TREE_STEPS.length - 1] }) };
}
