/**
 * @module engine/models/linear/linear
 * The linear family's descriptor: logistic regression (binary), multinomial logistic regression
 * (multiclass) and ridge / elastic net (regression) on dense features, regularised by C and l1_ratio
 * (see options.ts for the exact objective) and optionally class-balanced. This file is the family's
 * public entry point: models/registry imports linearSpec from here.
 */
import type { DataShape, ModelSpec } from '../model';
import { categorical, float, type Distribution, type Params, type SearchSpace } from '../../search/space';
import { fitLinear } from './fit';
import { loadLinearModel } from './model';
import { LINEAR_DEFAULTS } from './options';
import { historyPairs } from './owlqn';
import { SPARSE_DENSITY } from './objective';
import { ridgeDirectBytes } from './ridge-direct';

const spec: ModelSpec = {
  family: 'linear',
  featureStyle: 'dense',
  tasks: Object.freeze(['binary', 'multiclass', 'regression'] as const),

  space(shape: DataShape): SearchSpace {
    const space: Record<string, Distribution> = {
      C: float(1e-4, 1e2, true),
      l1_ratio: float(0, 1),
    };
    if (shape.task !== 'regression') space.class_weight = categorical('none', 'balanced');
    return space;
  },

  defaults(shape: DataShape): Params {
    return shape.task === 'regression' ? { C: 1, l1_ratio: 0 } : { C: 1, l1_ratio: 0, class_weight: 'none' };
  },

  /**
   * Beyond the training matrix itself: row weights (8 bytes a row), the solver's vectors and history
   * (2·historyPairs + 7 parameter vectors of 8 bytes), the softmax pass's two feature-major copies, the
   * fitted coefficients, and for one output the index of X's non-zero entries, built only when at most
   * SPARSE_DENSITY of them are (2 bytes an entry and 4 a row). Ridge regression (l1_ratio 0) narrow
   * enough for the direct solve adds its Gram matrix and scratch (ridgeDirectBytes).
   */
  estimateMemoryBytes(params: Params, shape: DataShape): number {
    const outputs = shape.task === 'multiclass' ? shape.nClasses : 1;
    const dim = outputs * (shape.cols + 1);
    const sparse = outputs === 1 ? Math.ceil(2 * SPARSE_DENSITY * shape.rows * shape.cols) + 4 * (shape.rows + 1) : 0;
    const l1Ratio = typeof params.l1_ratio === 'number' ? params.l1_ratio : LINEAR_DEFAULTS.l1Ratio;
    const direct = shape.task === 'regression' && l1Ratio === 0 ? ridgeDirectBytes(shape.rows, shape.cols) : 0;
    return 8 * shape.rows + 8 * dim * (2 * historyPairs(dim) + 9) + 4 * dim + sparse + direct + 1024;
  },

  async fit(train, params, ctx) {
    return fitLinear(train, params, ctx);
  },

  load: loadLinearModel,
};

/** The linear model family (listed in models/registry). */
export const linearSpec: ModelSpec = Object.freeze(spec);

export { LinearModel, loadLinearModel, LINEAR_ARTIFACT_VERSION, type LinearArtifact } from './model';
export { LINEAR_DEFAULTS, resolveLinearOptions, type ClassWeight, type LinearOptions } from './options';
