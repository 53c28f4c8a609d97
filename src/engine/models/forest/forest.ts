/**
 * @module engine/models/forest/forest
 * The three tree-ensemble families the registry sees, built on one histogram tree builder:
 *   - random_forest: bootstrapped trees grown to purity, a random feature subset per split (Breiman 2001);
 *   - extra_trees: one random threshold per drawn feature, no bootstrap (Geurts et al. 2006);
 *   - cart: a single tree on every row and every feature.
 * Features come in the 'trees' style (raw numbers with NaN, categoricals as integer codes). This file
 * validates inputs, states each family's space, defaults and memory estimate, and delegates fitting to
 * train-forest and loading to forest-model.
 */
import { EngineError } from '../../core/errors';
import { TASKS } from '../../core/task';
import type { Params } from '../../search/space';
import type { FitContext, FittedModel, ModelArtifact, ModelSpec, TrainSet } from '../model';
import { checkTrainSet } from '../tree/gbdt';
import { estimateForestBytes, sizedDefaults } from './forest-memory';
import { type ForestFamily, forestSpace, resolveForestOptions } from './forest-params';
import { ForestModel } from './forest-model';
import { OUT_OF_BAG_MIN_TREES } from './out-of-bag';
import { trainForest } from './train-forest';

function makeSpec(family: ForestFamily): ModelSpec {
  const spec: ModelSpec = {
    family,
    featureStyle: 'trees',
    tasks: TASKS,
    // Fewer trees average less but are the same model; a single tree (cart) has nothing to give up.
    ...(family === 'cart' ? {} : { memoryScale: { param: 'n_estimators', min: 50 } }),
    space: (shape) => forestSpace(family, shape),
    defaults: (shape) => sizedDefaults(family, shape),
    estimateMemoryBytes: (params, shape) => estimateForestBytes(resolveForestOptions(family, params, shape.task), shape),
    // A forest of enough trees, bootstrapped or not (extra trees learn from every row of their pool); a
    // single tree (cart) cannot hold out anything.
    outOfBag: (params, task) => resolveForestOptions(family, params, task).nEstimators >= OUT_OF_BAG_MIN_TREES,

    async fit(train: TrainSet, params: Params, ctx: FitContext): Promise<FittedModel> {
      if (!TASKS.includes(ctx.task)) throw new EngineError('unsupported_task', `${family} cannot learn task "${ctx.task}"`, { task: ctx.task });
      const opts = resolveForestOptions(family, params, ctx.task);
      checkTrainSet(train, ctx, 'training');
      if (ctx.columnKinds && ctx.columnKinds.length !== train.X.cols) {
        throw new EngineError('invalid_dataset', `columnKinds lists ${ctx.columnKinds.length} columns, the matrix has ${train.X.cols}`);
      }
      const result = await trainForest(train, opts, ctx);
      return new ForestModel(family, ctx.task, ctx.nClasses, train.X.cols, result.forest, result.leafTable, result.fitInfo, result.outOfBag);
    },

    load(artifact: ModelArtifact): FittedModel {
      return ForestModel.fromArtifact(family, artifact);
    },
  };
  return Object.freeze(spec);
}

/** Random forest: bootstrapped trees, a random feature subset per split. */
export const randomForestSpec: ModelSpec = makeSpec('random_forest');
/** Extremely randomised trees: random thresholds, every row. */
export const extraTreesSpec: ModelSpec = makeSpec('extra_trees');
/** A single decision tree (CART). */
export const cartSpec: ModelSpec = makeSpec('cart');
