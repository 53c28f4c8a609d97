/**
 * @module engine/models/forest/train-forest
 * The forest training loop: bin the data once with the gradient-boosting binner, choose the criterion
 * for the task, then for every tree draw its rows (bootstrap or all) from a tree-specific rng stream,
 * grow it to purity and append it to a flat forest. Multiclass leaves keep their class probabilities in a
 * separate table indexed by the forest's global leaf numbers.
 */
import { EngineError } from '../../core/errors';
import type { Task } from '../../core/task';
import type { FitContext, OutOfBagPredictions, TrainSet } from '../model';
import { binMatrix, fitBinMapper } from '../tree/binning';
import { FlatForest } from '../tree/flat-tree';
import { HistogramSplitter } from './best-split';
import { featuresPerSplit, type ForestOptions } from './forest-params';
import { OutOfBagAccumulator } from './out-of-bag';
import { RandomSplitter } from './random-split';
import { baseWeights, drawTreeRows, type TreePool } from './row-sample';
import { binaryCriterion, multiclassCriterion, type SplitCriterion, varianceCriterion } from './split-criterion';
import type { TreeData } from './splitter';
import { ForestTreeBuilder } from './tree-builder';

/** Trees grown between the host's turns (FitContext.yieldControl). */
const YIELD_EVERY_TREES = 8;

/** A trained forest: flat trees plus, for multiclass, K probabilities per leaf. */
export interface ForestResult {
  readonly forest: FlatForest;
  /** Multiclass only: leaf l's class probabilities at [l·K, (l+1)·K); null otherwise (leaf values are in the forest). */
  readonly leafTable: Float32Array | null;
  readonly fitInfo: Record<string, number>;
  /** Asked for (FitContext.outOfBag): each row's prediction by the trees that skipped its fold. */
  readonly outOfBag?: OutOfBagPredictions;
}

/** Trains a forest on validated inputs. */
export async function trainForest(train: TrainSet, opts: ForestOptions, ctx: FitContext): Promise<ForestResult> {
  const { X, y } = train;
  const n = X.rows;
  const rng = ctx.rng;
  const mapper = fitBinMapper(X, opts.maxBin, ctx.columnKinds, rng);
  const binned = binMatrix(X, mapper);
  const base = baseWeights(y, train.weights, opts.classWeight, ctx.task === 'regression' ? 0 : ctx.nClasses);
  const criterion = criterionFor(ctx.task, ctx.nClasses, opts, y, base);
  // Regression fits the centred target (t = y - mean) so category ordering and sums stay well scaled.
  const target = new Float32Array(n);
  if (ctx.task === 'regression') {
    const mean = weightedMean(y, base);
    for (let i = 0; i < n; i++) target[i] = y[i] - mean;
  } else target.set(y);
  const data: TreeData = {
    binned,
    nRows: n,
    mapper,
    criterion,
    w: new Float32Array(n),
    g: new Float32Array(criterion.layout === 'sum' ? n : 0),
    cls: criterion.layout === 'class' ? Int32Array.from(y) : new Int32Array(0),
  };
  const splitter = opts.randomSplits ? new RandomSplitter(data, opts.categoricalSplit) : new HistogramSplitter(data, opts.categoricalSplit);
  const builder = new ForestTreeBuilder(data, splitter, y, {
    maxDepth: opts.maxDepth,
    minSamplesLeaf: opts.minSamplesLeaf,
    featuresPerSplit: featuresPerSplit(opts.maxFeatures, X.cols),
  });

  const forest = new FlatForest();
  const width = criterion.leafWidth;
  let leafTable: Float32Array | null = width > 1 ? new Float32Array(1024 * width) : null;
  const zeros = new Float64Array(width > 1 ? n : 0);
  const counts = new Int32Array(n);
  const rows = new Uint32Array(n);
  // Asked for held-out predictions, tree t learns from the rows outside fold t mod k alone and predicts
  // that fold (FitContext.outOfBag).
  const ask = ctx.outOfBag;
  const outOfBag = ask ? new OutOfBagAccumulator(X, width) : null;
  const pools = ask ? foldPools(ask.fold, ask.k) : null;
  let maxDepth = 0;
  for (let t = 0; t < opts.nEstimators; t++) {
    // The host gets a turn every few trees: a trial the job no longer wants stops here, not minutes later.
    if (ctx.yieldControl && t % YIELD_EVERY_TREES === YIELD_EVERY_TREES - 1) await ctx.yieldControl();
    const treeRng = rng.fork(t);
    const size = drawTreeRows(base, opts.bootstrap, treeRng, counts, data.w, rows, pools?.[t % pools.length]);
    if (criterion.layout === 'sum') for (let r = 0; r < n; r++) data.g[r] = data.w[r] * target[r];
    const nLeaves = builder.grow(rows, size, treeRng);
    maxDepth = Math.max(maxDepth, builder.depth);
    const leafBase = forest.leafCount;
    if (leafTable === null) {
      forest.addTree(builder.tree, builder.leafValues, nLeaves, builder.leafCovers);
    } else {
      // The forest's own leaf value is unused for multiclass; the class probabilities go to the table.
      forest.addTree(builder.tree, zeros, nLeaves, builder.leafCovers);
      if ((leafBase + nLeaves) * width > leafTable.length) {
        const grown = new Float32Array(Math.max(leafTable.length * 2, (leafBase + nLeaves) * width));
        grown.set(leafTable);
        leafTable = grown;
      }
      for (let i = 0; i < nLeaves * width; i++) leafTable[leafBase * width + i] = builder.leafValues[i];
    }
    if (ask) outOfBag!.addTree(forest, t, ask.fold, t % ask.k, leafTable);
  }
  return {
    forest,
    leafTable: leafTable === null ? null : leafTable.slice(0, forest.leafCount * width),
    fitInfo: { n_trees: forest.nTrees, n_leaves: forest.leafCount, max_depth: maxDepth },
    ...(outOfBag ? { outOfBag: outOfBag.result() } : {}),
  };
}

/** For each fold f of k, the pool of rows outside it (a cross-validation fold's training rows). */
function foldPools(fold: Int32Array, k: number): TreePool[] {
  const inFold = new Int32Array(k);
  for (let r = 0; r < fold.length; r++) inFold[fold[r]]++;
  // A fold of every row would leave its trees nothing to draw from.
  if (inFold.some((size) => size === fold.length)) throw new EngineError('invalid_input', `out-of-bag folds need rows outside every fold; one of the ${k} folds holds all ${fold.length} rows`);
  return Array.from({ length: k }, (_, f) => ({ fold, skip: f, size: fold.length - inFold[f] }));
}

function criterionFor(task: Task, nClasses: number, opts: ForestOptions, y: Float32Array, w: Float32Array): SplitCriterion {
  if (task === 'regression') return varianceCriterion(weightedMean(y, w));
  if (task === 'binary') return binaryCriterion(opts.criterion);
  return multiclassCriterion(opts.criterion, nClasses);
}

function weightedMean(y: Float32Array, w: Float32Array): number {
  let s = 0;
  let sw = 0;
  for (let i = 0; i < y.length; i++) {
    s += w[i] * y[i];
    sw += w[i];
  }
  return sw > 0 ? s / sw : 0;
}
