/**
 * @module engine/models/tree/gbdt
 * The 'gbdt' model family: LightGBM-style histogram gradient boosting in pure TypeScript over typed arrays
 * (quantile bins with a missing bin, leaf-wise trees, learned missing directions, native categorical
 * splits). This file is the ModelSpec the registry sees: it validates inputs, states the search space,
 * defaults and memory estimate, and delegates fitting to the boosting loop and loading to the model.
 */
import { EngineError } from '../../core/errors';
import { TASKS } from '../../core/task';
import type { Params } from '../../search/space';
import type { DataShape, FitContext, FittedModel, ModelArtifact, ModelSpec, TrainSet } from '../model';
import { boost } from './boost';
import { GBDT_HISTOGRAM_BYTES, gbdtDefaults, gbdtSpace, MAX_REFIT_GROWTH, resolveGbdtOptions } from './gbdt-params';
import { GbdtModel } from './gbdt-model';
import { binningBytes } from './binning';
import { categoricalNodeBytes } from './flat-tree';
import { histogramCapacity, scratchRows } from './fit-scratch';
import { HistogramPool, HIST_STRIDE } from './histogram';
import { objectiveFor } from './objectives';

/** Gradient-boosted decision trees on histograms (LightGBM-style). */
export const gbdtSpec: ModelSpec = {
  family: 'gbdt',
  featureStyle: 'trees',
  stopsEarly: true,
  bagTasks: ['binary'],
  // A cap on rounds mostly bites past where early stopping ends them anyway; 50 is the space's floor.
  memoryScale: { param: 'n_estimators', min: 50 },
  tasks: TASKS,
  space: gbdtSpace,
  defaults: gbdtDefaults,
  estimateMemoryBytes,
  estimateResidueBytes,

  async fit(train: TrainSet, params: Params, ctx: FitContext): Promise<FittedModel> {
    if (!TASKS.includes(ctx.task)) throw new EngineError('unsupported_task', `gbdt cannot learn task "${ctx.task}"`, { task: ctx.task });
    const opts = resolveGbdtOptions(params);
    checkTrainSet(train, ctx, 'training');
    if (ctx.valid) checkTrainSet(ctx.valid, ctx, 'validation');
    if (ctx.valid && ctx.valid.X.cols !== train.X.cols) {
      throw new EngineError('invalid_dataset', `validation rows have ${ctx.valid.X.cols} columns, training rows ${train.X.cols}`);
    }
    if (ctx.columnKinds && ctx.columnKinds.length !== train.X.cols) {
      throw new EngineError('invalid_dataset', `columnKinds lists ${ctx.columnKinds.length} columns, the matrix has ${train.X.cols}`);
    }
    if (ctx.fixedIterations !== undefined && !(Number.isInteger(ctx.fixedIterations) && ctx.fixedIterations >= 1)) {
      throw new EngineError('invalid_params', `fixedIterations must be a positive integer, got ${ctx.fixedIterations}`);
    }
    const objective = objectiveFor(ctx.task, ctx.nClasses);
    const result = await boost(train, opts, ctx, objective);
    return new GbdtModel(ctx.task, ctx.nClasses, train.X.cols, result.initScores, result.forest, result.fitInfo);
  },

  load(artifact: ModelArtifact): FittedModel {
    return GbdtModel.fromArtifact(artifact);
  },
};

/**
 * Peak bytes of a fit: the byte-binned matrix, per-row gradients, scores and index buffers, live leaf
 * histograms (capped by the pool), the growing forest (arrays double, so up to twice the final size),
 * the binning step's sample and scratch (see binningBytes), and the artifact's serialised copies. The
 * input matrix itself is not counted. Row-sized arrays and histograms are counted at the sizes a fit
 * inside a trial gives them (fit-scratch: a little larger, for the next fit to reuse). Measured on a
 * 20,000 x 20 binary table with the defaults, artifact and its JSON included: 6.9 to 7.1 MiB outside
 * the young generation.
 */
function estimateMemoryBytes(params: Params, shape: DataShape): number {
  const parts = fitBytes(params, shape);
  return parts.reused + parts.residue + parts.artifact;
}

/**
 * What a fit leaves to the garbage collector inside a trial: everything but the work arrays the next
 * fit takes over (fit-scratch), i.e. the forest, the binning scratch, the root's row counts, the
 * validation scores and the fit's JavaScript objects.
 */
function estimateResidueBytes(params: Params, shape: DataShape): number {
  return fitBytes(params, shape).residue;
}

/**
 * JavaScript heap a fit allocates besides its typed arrays (split records, bin edges, per-tree
 * bookkeeping), part of which V8 promotes to the old space before collecting it: heapUsed grew by 1.2 to
 * 1.5 MiB over a default fit on 80,000 x 50 rows (young generation included, which held peaks leave out).
 */
const FIT_HEAP_BYTES = 1024 * 1024;

/** A fit's bytes by fate: reused by the next fit, left as garbage, or the artifact's serialised copies. */
function fitBytes(params: Params, shape: DataShape): { reused: number; residue: number; artifact: number } {
  const opts = resolveGbdtOptions(params);
  const rows = Math.max(1, shape.rows);
  const capacity = scratchRows(rows);
  const cols = Math.max(1, shape.cols);
  const k = shape.task === 'multiclass' ? Math.max(2, shape.nClasses) : 1;
  const binsPerFeature = Math.min(opts.maxBin, rows + 1);
  const binned = capacity * cols;
  // g, h, gathered g, h (float32); indices, scratch, bag (uint32); bag mask; scores.
  const perRow = capacity * (4 * 4 + 3 * 4 + 1 + 8 * k);
  // Softmax probabilities (multiclass), and the validation rows' scores (at most half the training rows).
  const perRowResidue = rows * ((k > 1 ? 8 * k : 0) + 4 * k);
  const histValues = cols * binsPerFeature * HIST_STRIDE;
  // Live leaf histograms; the per-bin row counts every full-bag root copies (grow-tree.ts) are not reused.
  const histograms = HistogramPool.capacityFor(histValues, opts.numLeaves, GBDT_HISTOGRAM_BYTES) * histogramCapacity(histValues) * 8;
  const rootCounts = cols * binsPerFeature * 8;
  const leaves = Math.min(opts.numLeaves, rows);
  // Per node: feature, threshold, flags, catRef, left, right (4 bytes each) and a categorical split's
  // bitset; per leaf: value and cover. A trial's refit may grow a fifth more rounds than n_estimators
  // (run-trial scales the folds' best iteration up; boost caps it there).
  const finalForest = Math.ceil(MAX_REFIT_GROWTH * opts.nEstimators) * k * ((leaves - 1) * (24 + categoricalNodeBytes(shape)) + leaves * 8 + 16);
  return {
    reused: binned + perRow + histograms,
    residue: Math.ceil(perRowResidue + rootCounts + 2 * finalForest + binningBytes(rows, cols, opts.maxBin) + FIT_HEAP_BYTES),
    // The artifact holds the arrays as base64 text beside the codec's byte copies, and the stored JSON
    // another copy of that text: about four times the final forest (measured 1.3 MiB at 20,000 x 20).
    artifact: 4 * finalForest,
  };
}

/**
 * Validates a training (or validation) set against the task: matching lengths, labels that are class
 * indices (or finite numbers for regression) and finite non-negative weights. Shared by the tree families.
 */
export function checkTrainSet(set: TrainSet, ctx: FitContext, what: string): void {
  const { X, y, weights } = set;
  if (X.rows < 1 || X.cols < 1) throw new EngineError('invalid_dataset', `the ${what} set is empty (${X.rows} rows, ${X.cols} columns)`);
  if (X.data.length !== X.rows * X.cols) throw new EngineError('invalid_dataset', `the ${what} matrix has ${X.data.length} values for ${X.rows} x ${X.cols}`);
  if (y.length !== X.rows) throw new EngineError('invalid_target', `the ${what} set has ${X.rows} rows but ${y.length} labels`);
  if (weights && weights.length !== X.rows) throw new EngineError('invalid_dataset', `the ${what} set has ${X.rows} rows but ${weights.length} weights`);
  const classes = ctx.task === 'regression' ? 0 : ctx.task === 'binary' ? 2 : ctx.nClasses;
  if (ctx.task === 'multiclass' && !(Number.isInteger(classes) && classes >= 2)) {
    throw new EngineError('invalid_target', `multiclass needs nClasses >= 2, got ${ctx.nClasses}`);
  }
  for (let i = 0; i < y.length; i++) {
    const v = y[i];
    const ok = classes === 0 ? Number.isFinite(v) : Number.isInteger(v) && v >= 0 && v < classes;
    if (!ok) {
      const want = classes === 0 ? 'a finite number' : `a class index in 0..${classes - 1}`;
      throw new EngineError('invalid_target', `${what} label at row ${i} is ${v}, expected ${want}`, { row: i });
    }
    if (weights && !(weights[i] >= 0 && Number.isFinite(weights[i]))) {
      throw new EngineError('invalid_dataset', `${what} weight at row ${i} is ${weights[i]}, expected a finite number >= 0`, { row: i });
    }
  }
}
