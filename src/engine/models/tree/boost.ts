/**
 * @module engine/models/tree/boost
 * The boosting loop: bin the data once, then each round compute gradients, draw the round's bag of rows
 * and each tree's feature subset from the seeded rng, grow one tree per class score, and add the shrunken
 * leaf outputs to the running scores. Validation rows, when given, are scored tree by tree for early
 * stopping, and the forest is truncated to the best round.
 */
import type { Rng } from '../../core/rng';
import type { FitContext, TrainSet } from '../model';
import { binMatrix, fitBinMapper, MAX_BIN_LIMIT } from './binning';
import { giveBack, scratchRows, take } from './fit-scratch';
import { FlatForest } from './flat-tree';
import { effectiveMinDataInLeaf, GBDT_HISTOGRAM_BYTES, type GbdtOptions, MAX_REFIT_GROWTH } from './gbdt-params';
import { TreeGrower } from './grow-tree';
import type { Objective } from './objectives';
import { budgetedRounds } from './round-cost';

/** What a fit produces: raw-score offsets, the forest and facts for the trial report. */
export interface BoostResult {
  readonly initScores: Float64Array;
  readonly forest: FlatForest;
  readonly fitInfo: Record<string, number>;
}

/** Boosting rounds run between the host's turns (FitContext.yieldControl). */
const YIELD_EVERY_ROUNDS = 16;

/** Runs gradient boosting on validated inputs. */
export async function boost(train: TrainSet, opts: GbdtOptions, ctx: FitContext, objective: Objective): Promise<BoostResult> {
  const { X, y, weights } = train;
  const n = X.rows;
  const k = objective.k;
  const rng = ctx.rng;
  // A fold's work arrays are sized for its training plus validation rows, which is at least the refit's
  // rows, so the refit reuses them (fit-scratch; only inside a trial's scope, else exactly n).
  const capacity = scratchRows(n + (ctx.valid ? ctx.valid.X.rows : 0));
  const mapper = fitBinMapper(X, opts.maxBin, ctx.columnKinds, rng);
  const binned = binMatrix(X, mapper, capacity);
  const minDataInLeaf = effectiveMinDataInLeaf(opts.minDataInLeaf, n);
  const grower = new TreeGrower(
    binned,
    n,
    mapper,
    {
      numLeaves: opts.numLeaves,
      maxDepth: opts.maxDepth,
      lambdaL2: opts.lambdaL2,
      minDataInLeaf,
      minSumHessianInLeaf: opts.minSumHessianInLeaf,
      minGainToSplit: opts.minGainToSplit,
      catSmooth: opts.catSmooth,
      catL2: opts.catL2,
      maxCatThreshold: opts.maxCatThreshold,
      maxCatToOnehot: opts.maxCatToOnehot,
      minDataPerGroup: minDataInLeaf,
      histogramBytes: GBDT_HISTOGRAM_BYTES,
    },
    capacity,
  );

  const initScores = objective.initScores(y, weights);
  // Written in full here; g, h by every gradients call, bag and inBag by every drawBag.
  const scores = take(Float64Array, n * k, capacity * k);
  for (let i = 0; i < n; i++) scores.set(initScores, i * k);
  const valid = ctx.fixedIterations === undefined && opts.earlyStoppingRounds > 0 ? ctx.valid : undefined;
  const validScores = valid ? new Float64Array(valid.X.rows * k) : null;
  if (valid && validScores) for (let i = 0; i < valid.X.rows; i++) validScores.set(initScores, i * k);

  // A refit grows the folds' best round scaled up (run-trial), at most MAX_REFIT_GROWTH times n_estimators
  // (the memory estimate's bound), and any fit at most the rounds its work budget allows (round-cost).
  const wanted = ctx.fixedIterations === undefined ? opts.nEstimators : Math.min(ctx.fixedIterations, Math.ceil(MAX_REFIT_GROWTH * opts.nEstimators));
  const budget = budgetedRounds({ rows: n, cols: X.cols, trees: k, numLeaves: opts.numLeaves, maxBin: Math.min(opts.maxBin, MAX_BIN_LIMIT), featureFraction: opts.featureFraction, baggingFraction: opts.baggingFraction }, opts.maxFitCostMs);
  const rounds = Math.min(wanted, budget);
  const forest = new FlatForest();
  const g = take(Float32Array, n, capacity);
  const h = take(Float32Array, n, capacity);
  const bag = take(Uint32Array, n, capacity);
  const inBag = take(Uint8Array, n, capacity);
  const features = new Int32Array(X.cols);
  const leafValues = new Float64Array(opts.numLeaves);
  // In-bag rows per leaf: the node covers TreeSHAP weighs unknown features by.
  const leafCovers = new Float64Array(opts.numLeaves);
  // Round 0 (the prior alone) is a candidate too: if the very first trees hurt validation, none are kept.
  let bestRound = 0;
  let bestLoss = valid && validScores ? objective.loss(validScores, valid.y, valid.weights, valid.X.rows) : Infinity;
  let trained = 0;

  for (let round = 0; round < rounds; round++) {
    // The host gets a turn every few rounds: a trial the job no longer wants stops here, not minutes later.
    if (ctx.yieldControl && round % YIELD_EVERY_ROUNDS === YIELD_EVERY_ROUNDS - 1) await ctx.yieldControl();
    objective.prepare(scores, n);
    const bagSize = drawBag(n, opts.baggingFraction, rng, bag, inBag);
    let anySplit = false;
    const firstTree = forest.nTrees;
    for (let c = 0; c < k; c++) {
      objective.gradients(c, scores, y, weights, n, g, h);
      const nFeatures = drawFeatures(X.cols, opts.featureFraction, rng, features);
      const nLeaves = grower.grow(g, h, bag, bagSize, features, nFeatures);
      if (nLeaves > 1) anySplit = true;
      for (let l = 0; l < nLeaves; l++) {
        leafValues[l] = (-opts.learningRate * grower.leafG[l]) / (grower.leafH[l] + opts.lambdaL2);
        leafCovers[l] = grower.leafCount[l];
      }
      const t = forest.addTree(grower.tree, leafValues, nLeaves, leafCovers);
      updateScores(forest, t, grower, nLeaves, c, k, scores, X.data, X.cols, bagSize, inBag);
    }
    // Without sampling, a round in which no tree could split would repeat forever: stop (as LightGBM does).
    // With sampling another draw may still split, so the round is kept and training goes on.
    if (!anySplit && opts.featureFraction >= 1 && opts.baggingFraction >= 1) {
      forest.truncate(firstTree);
      break;
    }
    trained = round + 1;
    if (valid && validScores) {
      forest.accumulate(valid.X.data, valid.X.cols, 0, valid.X.rows, firstTree, forest.nTrees, k, validScores);
      const loss = objective.loss(validScores, valid.y, valid.weights, valid.X.rows);
      if (loss < bestLoss) {
        bestLoss = loss;
        bestRound = trained;
      } else if (trained - bestRound >= opts.earlyStoppingRounds) {
        break;
      }
    }
  }

  giveBack(binned, scores, g, h, bag, inBag);
  grower.giveBack();
  const keptRounds = valid ? bestRound : trained;
  forest.truncate(keptRounds * k);
  const fitInfo: Record<string, number> = {
    best_iteration: keptRounds,
    rounds_trained: trained,
    n_trees: forest.nTrees,
    n_leaves: forest.leafCount,
    min_data_in_leaf: minDataInLeaf,
    budget_limited: rounds < wanted ? 1 : 0,
  };
  if (valid) fitInfo.valid_loss = bestLoss;
  return { initScores, forest, fitInfo };
}

/** Bernoulli bag for one round; with fraction 1 the bag is every row and no random draw is spent. */
function drawBag(n: number, fraction: number, rng: Rng, bag: Uint32Array, inBag: Uint8Array): number {
  let size = 0;
  if (fraction < 1) {
    for (let i = 0; i < n; i++) {
      const take = rng.next() < fraction;
      inBag[i] = take ? 1 : 0;
      if (take) bag[size++] = i;
    }
  }
  if (size > 0) return size;
  // Full bag (or a tiny data set drew nothing): use every row.
  for (let i = 0; i < n; i++) {
    bag[i] = i;
    inBag[i] = 1;
  }
  return n;
}

/** Picks round(fraction * cols) features (at least one) for one tree, in increasing order. */
function drawFeatures(cols: number, fraction: number, rng: Rng, out: Int32Array): number {
  for (let j = 0; j < cols; j++) out[j] = j;
  if (fraction >= 1) return cols;
  const m = Math.max(1, Math.round(fraction * cols));
  for (let i = 0; i < m; i++) {
    const j = i + rng.int(cols - i);
    const tmp = out[i];
    out[i] = out[j];
    out[j] = tmp;
  }
  out.subarray(0, m).sort();
  return m;
}

/**
 * Adds tree `t` to the running scores of class `c`: in-bag rows through the grower's leaf ranges (no tree
 * walk needed), out-of-bag rows by walking the stored tree on their raw values.
 */
function updateScores(
  forest: FlatForest,
  t: number,
  grower: TreeGrower,
  nLeaves: number,
  c: number,
  k: number,
  scores: Float64Array,
  x: Float32Array,
  cols: number,
  bagSize: number,
  inBag: Uint8Array,
): void {
  const n = inBag.length;
  for (let l = 0; l < nLeaves; l++) {
    // Read back the float32 leaf value so training scores match what prediction will compute.
    const v = forest.predictLeaf(t, l);
    const start = grower.leafStart[l];
    const end = start + grower.leafCount[l];
    for (let i = start; i < end; i++) scores[grower.indices[i] * k + c] += v;
  }
  if (bagSize === n) return;
  for (let r = 0; r < n; r++) if (inBag[r] === 0) scores[r * k + c] += forest.predictTree(t, x, r * cols);
}
