/**
 * @module engine/models/forest/forest-memory
 * How much memory a forest fit needs, and defaults sized to stay well inside the trial budget. Trees grown
 * to purity have about one leaf per distinct sampled row for regression (about 63% of the rows under
 * bootstrap); for classification, three quarters of that is assumed (measured: 0.67 to 0.74 on a noisy
 * synthetic binary target, less on the shared datasets, whose labels are cleaner); min_samples_leaf divides
 * both. A 300-tree forest on 10,000 regression rows is then tens of megabytes, so the zero-shot defaults
 * raise min_samples_leaf (and, failing that, lower n_estimators) until the estimate fits the budget the
 * trial leaves the model once its data and feature matrices are counted.
 */
import type { Params } from '../../search/space';
import { TRIAL_MEMORY_LIMIT, trialInputBytes } from '../../trial-memory';
import type { DataShape } from '../model';
import { binningBytes } from '../tree/binning';
import { categoricalNodeBytes } from '../tree/flat-tree';
import { FOREST_DEFAULTS, type ForestFamily, type ForestOptions, forestDefaults, resolveForestOptions } from './forest-params';

/** Memory the zero-shot configuration may plan for at most: the forest's share of a 64 MiB trial on small data. */
export const DEFAULT_FIT_BYTES = 48 * 1024 * 1024;

/** Copies of the final trees' bytes alive at the worst moment (see estimateForestBytes). */
const FOREST_COPIES = 4;

/** Leaves per distinct sampled row per min_samples_leaf, by task (see the module comment). */
const LEAF_RATE = { classification: 0.75, regression: 1 } as const;

/**
 * Peak bytes of a fit: the byte-binned matrix and the binning scratch (see binningBytes), per-row arrays (the trainer's weights, targets, draws and
 * indices, 24 bytes, and 8 more for multiclass; the builder's index and scratch, 8; the splitter's, 12), per-node arrays
 * (the builder's per-node slots and stack, about 57 bytes plus 8 per leaf output, one per row unless a
 * depth cap bounds the nodes), one histogram over all bins, and the forest. Its arrays grow by doubling (old and new
 * copies live together: up to three times the final size), and afterwards the artifact holds base64 text
 * and the stored JSON another copy (1.33 times the bytes each) beside the arrays, which are 1 to 2 times
 * the final size; four times the final size covers either peak (measured on a noisy 20,000 x 20 binary
 * table, 300 trees of 760 leaves: 30 MiB held at the peak, about 3.4 times the trees' bytes beside the
 * per-row arrays). The input matrix itself is not counted.
 */
export function estimateForestBytes(opts: ForestOptions, shape: DataShape): number {
  const rows = Math.max(1, shape.rows);
  const cols = Math.max(1, shape.cols);
  const k = shape.task === 'multiclass' ? Math.max(2, shape.nClasses) : 1;
  const stride = shape.task === 'multiclass' ? k + 1 : 3;
  const bins = Math.min(opts.maxBin, rows + 1);
  // Node arrays (the builder's per-node slots and its stack, leaf outputs) are as long as the rows unless
  // a depth cap bounds the nodes.
  const capped = opts.maxDepth > 0 && opts.maxDepth < 31;
  const nodes = capped ? Math.min(rows, 2 ** opts.maxDepth) : rows;
  const perRow = rows * (24 + 8 + 12 + (k > 1 ? 8 : 0)) + nodes * (57 + 8 * k);
  const histogram = cols * bins * stride * 8;
  const sampled = opts.bootstrap ? Math.ceil(rows * 0.64) : rows;
  const leafRate = shape.task === 'regression' ? LEAF_RATE.regression : LEAF_RATE.classification;
  let leaves = Math.max(1, Math.ceil((sampled * leafRate) / opts.minSamplesLeaf));
  if (opts.maxDepth > 0 && opts.maxDepth < 31) leaves = Math.min(leaves, 2 ** opts.maxDepth);
  // Per node: feature, threshold, flags, catRef, left, right (4 bytes each) and a categorical split's
  // bitset; per leaf: value and cover, plus K probabilities for multiclass.
  const perTree = (leaves - 1) * (24 + categoricalNodeBytes(shape)) + leaves * 4 * (k > 1 ? k + 2 : 2) + 16;
  const forest = FOREST_COPIES * opts.nEstimators * perTree;
  const binned = rows * cols;
  return Math.ceil(perRow + histogram + forest + binned + binningBytes(rows, cols, opts.maxBin) + 64 * 1024);
}

/**
 * What the defaults may plan for at this shape: DEFAULT_FIT_BYTES, or half of what the trial's data
 * leaves of the limit when that is less (the trial counts a fit twice, see trial-memory).
 */
function defaultBudget(shape: DataShape): number {
  return Math.min(DEFAULT_FIT_BYTES, (TRIAL_MEMORY_LIMIT - trialInputBytes(shape)) / 2);
}

const LEAF_STEPS = [1, 2, 3, 5, 8, 12, 20];
const TREE_STEPS = [300, 200, 100, 50];
/** Last resort on large data: depth caps (values the space offers) bound the leaves whatever the rows. */
const DEPTH_STEPS = [16, 12, 8];

/**
 * The family's defaults for this data shape: scikit-learn's (min_samples_leaf 1, 300 trees) when they fit
 * the default budget, otherwise the smallest min_samples_leaf, then the most trees, then the deepest
 * depth cap, that do (the smallest of all when none does: the trial's own check then refuses it with a
 * clear message when the data leaves too little room).
 */
export function sizedDefaults(family: ForestFamily, shape: DataShape): Params {
  const base = forestDefaults(family, shape);
  const budget = defaultBudget(shape);
  const fits = (p: Params): boolean => estimateForestBytes(resolveForestOptions(family, p, shape.task), shape) <= budget;
  if (fits(base)) return base;
  const start = Number(FOREST_DEFAULTS[family].min_samples_leaf);
  const trees = family === 'cart' ? [undefined] : TREE_STEPS;
  const sized = (leaf: number, n: number | undefined, depth?: number): Params => ({
    ...base,
    min_samples_leaf: leaf,
    ...(n === undefined ? {} : { n_estimators: n }),
    ...(depth === undefined ? {} : { max_depth: depth }),
  });
  for (const n of trees) {
    for (const leaf of LEAF_STEPS) {
      if (leaf >= start && fits(sized(leaf, n))) return sized(leaf, n);
    }
  }
  const leaf = LEAF_STEPS[LEAF_STEPS.length - 1];
  const fewest = trees[trees.length - 1];
  for (const depth of DEPTH_STEPS) if (fits(sized(leaf, fewest, depth))) return sized(leaf, fewest, depth);
  return sized(leaf, fewest, DEPTH_STEPS[DEPTH_STEPS.length - 1]);
}
