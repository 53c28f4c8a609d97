/**
 * @module engine/models/knn/knn
 * The 'knn' model family: k-nearest neighbours by brute force over a float32 copy of the training rows,
 * on 'dense' features (imputed, one-hot encoded, standardised), so plain Euclidean or Manhattan distance
 * is meaningful. This file is the ModelSpec the registry sees: it validates inputs, states the space,
 * defaults and memory estimate (dominated by the stored training matrix, which the artifact also carries),
 * refuses training sets too large to store, and builds the model.
 */
import { EngineError } from '../../core/errors';
import { TASKS } from '../../core/task';
import type { Params } from '../../search/space';
import type { DataShape, FitContext, FittedModel, ModelArtifact, ModelSpec, TrainSet } from '../model';
import { checkTrainSet } from '../tree/gbdt';
import { KnnModel } from './knn-model';
import { knnDefaults, knnSpace, resolveKnnOptions } from './knn-params';

/**
 * Most training cells (rows x feature columns) a model may store: 16 MB as float32, about 21 MB more as the
 * artifact's base64. Beyond this the family refuses: the memory estimate exceeds any trial budget and fit
 * throws EngineError('insufficient_budget'). Prediction time grows with the same product.
 */
export const KNN_MAX_TRAIN_CELLS = 4_000_000;

/** What the estimate reports for a refused shape: far above any trial limit. */
const REFUSED_BYTES = 2 ** 31;

/** The stored training copy plus what serialising it holds at once (see estimateMemoryBytes). */
const SERIALISED_COPIES = 6.5;

const spec: ModelSpec = {
  family: 'knn',
  featureStyle: 'dense',
  tasks: TASKS,
  space: knnSpace,
  defaults: knnDefaults,
  estimateMemoryBytes,

  async fit(train: TrainSet, params: Params, ctx: FitContext): Promise<FittedModel> {
    if (!TASKS.includes(ctx.task)) throw new EngineError('unsupported_task', `knn cannot learn task "${ctx.task}"`, { task: ctx.task });
    const opts = resolveKnnOptions(params);
    checkTrainSet(train, ctx, 'training');
    const { X, y, weights } = train;
    if (X.rows * X.cols > KNN_MAX_TRAIN_CELLS) {
      throw new EngineError(
        'insufficient_budget',
        `knn would store ${X.rows} x ${X.cols} training values, more than its limit of ${KNN_MAX_TRAIN_CELLS}; use fewer rows or features, or a tree or linear model`,
        { rows: X.rows, cols: X.cols },
      );
    }
    // Rows of weight 0 can never vote: leave them out of the stored copy.
    let kept = 0;
    for (let i = 0; i < X.rows; i++) if (!weights || weights[i] > 0) kept++;
    if (kept === 0) throw new EngineError('invalid_input', 'every training row has weight 0; at least one row needs a positive weight');
    const cols = X.cols;
    const data = new Float32Array(kept * cols);
    const labels = new Float32Array(kept);
    const sw = weights && weights.some((w) => w !== 1) ? new Float32Array(kept) : null;
    let o = 0;
    for (let i = 0; i < X.rows; i++) {
      if (weights && !(weights[i] > 0)) continue;
      // Dense features arrive imputed; should a NaN slip through it sits at the standardised mean, 0.
      for (let c = 0; c < cols; c++) {
        const v = X.data[i * cols + c];
        data[o * cols + c] = v === v ? v : 0;
      }
      labels[o] = y[i];
      if (sw) sw[o] = weights![i];
      o++;
    }
    return new KnnModel(ctx.task, ctx.nClasses, cols, opts, data, labels, sw, { rows: kept, k: Math.min(opts.k, kept) });
  },

  load(artifact: ModelArtifact): FittedModel {
    return KnnModel.fromArtifact(artifact);
  },
};

/**
 * Peak bytes: the float32 training copy, labels and weights, then its serialisation beside it: the
 * encoder's ASCII scratch, the chunk strings and the joined base64 text (1.33 times the bytes each), and
 * the stored JSON another 1.33 times; 6.5 times the stored bytes in all (measured: 20,000 x 55 dense
 * features, 4.3 MiB stored, 30.6 MiB at the peak with the artifact written). `shape.cols` should be the
 * encoded width (run-trial passes it); a wider matrix is still caught by the fit's own cell limit. Shapes
 * over KNN_MAX_TRAIN_CELLS report REFUSED_BYTES so the harness refuses them.
 */
function estimateMemoryBytes(params: Params, shape: DataShape): number {
  resolveKnnOptions(params);
  const rows = Math.max(1, shape.rows);
  const cols = Math.max(1, shape.cols);
  if (rows * cols > KNN_MAX_TRAIN_CELLS) return REFUSED_BYTES;
  const stored = rows * cols * 4 + rows * 8;
  return Math.ceil(stored * SERIALISED_COPIES + 64 * 1024);
}

/** The k-nearest-neighbours model family (listed in models/registry). */
export const knnSpec: ModelSpec = Object.freeze(spec);
