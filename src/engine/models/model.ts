/**
 * @module engine/models/model
 * The contract every model family implements. A family is a static descriptor (ModelSpec): its search
 * space as data, defaults, a memory estimate, a fit function that returns a fitted model, and a loader
 * that rebuilds a fitted model from its artifact. Fitted models predict over a dense Matrix and return
 * a flat Float32Array of raw outputs (see outputWidth in core/task).
 */
import type { ImageShape } from '../core/image-shape';
import type { Matrix } from '../core/matrix';
import type { Rng } from '../core/rng';
import type { Task } from '../core/task';
import type { Params, SearchSpace } from '../search/space';

/** Names of the model families (the `models` list of a job). */
export type ModelFamily = 'gbdt' | 'linear' | 'mlp' | 'random_forest' | 'extra_trees' | 'cart' | 'knn' | 'cnn';

/** Training rows with labels. Classification labels are class indices 0..K-1 stored as floats. */
export interface TrainSet {
  readonly X: Matrix;
  readonly y: Float32Array;
  /** Optional per-row weights (class balancing); absent means all 1. */
  readonly weights?: Float32Array;
}

/** How the pipeline shapes features for a family before the model sees them. */
export type FeatureStyle =
  /** Numbers as-is with NaN for missing, categoricals as integer codes: for tree learners. */
  | 'trees'
  /** Imputed, one-hot encoded, clipped and standardised: for linear models and neural networks. */
  | 'dense'
  /**
   * Every pixel column (see core/image-shape) in dataset order, scaled by one factor fitted on the
   * training rows (1 / max |value|), missing → 0; nothing dropped or reordered: for convolutional networks.
   */
  | 'pixels';

export interface FitContext {
  readonly task: Task;
  /** Number of classes (2 for binary, K for multiclass, 0 for regression). */
  readonly nClasses: number;
  readonly rng: Rng;
  /** Optional held-out rows for early stopping; never used to fit parameters. */
  readonly valid?: TrainSet;
  /** Per-column kind of the matrix; categorical columns hold integer codes 0..levels-1 (NaN = missing). */
  readonly columnKinds?: readonly ('numeric' | 'categorical')[];
  /** Fixed number of boosting rounds / epochs to use instead of early stopping (for refits). */
  readonly fixedIterations?: number;
  /**
   * Lets the host runtime serve other events during a long fit (iterative learners call it between
   * epochs). Injected because the engine knows no runtime: workerd passes a zero-delay timer.
   */
  readonly yieldControl?: () => Promise<void>;
  /** The image layout of the feature columns (image datasets; required by families that see images). */
  readonly image?: ImageShape;
  /**
   * Ask for out-of-bag predictions (FittedModel.outOfBag) laid out as a k-fold cross-validation: tree t of
   * a forest learns only from the rows outside fold t mod k (`fold[row]` in 0..k-1; a bootstrap draws as
   * many rows as they are, from them) and predicts the rows of fold t mod k. Each row is then predicted by the trees that
   * skipped its fold: a cross-validation of forests k times smaller, fitted as one forest. Only families
   * whose ModelSpec.outOfBag accepts the parameters honour it.
   */
  readonly outOfBag?: { readonly fold: Int32Array; readonly k: number };
}

/** Each training row's prediction by the ensemble members that never saw it (a forest's, see FitContext.outOfBag). */
export interface OutOfBagPredictions {
  /** Raw outputs, rows * outputWidth values in training-row order (the mean over the row's out-of-bag members). */
  readonly predictions: Float32Array;
  /** Training rows no member predicted (NaN in `predictions`). */
  readonly unreached: number;
  /** The fewest members any reached row was predicted by. */
  readonly fewestMembers: number;
}

export interface FittedModel {
  readonly family: ModelFamily;
  /** Raw outputs, rows * outputWidth(task, nClasses) values. */
  predict(X: Matrix): Float32Array;
  /** A JSON-serialisable description; typed arrays are encoded by serialize/codec. */
  toArtifact(): ModelArtifact;
  /** Facts learned while fitting (for example the best boosting iteration), reported with the trial. */
  readonly fitInfo: Readonly<Record<string, number>>;
  /** Frees native resources (tfjs tensors); a no-op for pure TypeScript models. */
  dispose(): void;
  /** Set when the fit was asked for them (FitContext.outOfBag) and its family could give them. */
  readonly outOfBag?: OutOfBagPredictions;
}

/** Serialised model: a family tag, a format version and family-specific state. */
export interface ModelArtifact {
  readonly family: ModelFamily;
  readonly version: number;
  readonly [key: string]: unknown;
}

export interface DataShape {
  readonly rows: number;
  readonly cols: number;
  readonly task: Task;
  readonly nClasses: number;
  /** The image layout of the feature columns, for image datasets. */
  readonly image?: ImageShape;
  /**
   * How many of the feature columns are categories (categorical or boolean): a tree's split on one stores
   * a bitset of up to 8 words (features/codes), which the tree families' estimates count. Absent: none
   * known (the coordinator's shape).
   */
  readonly categoricalCols?: number;
  /**
   * Set for a forecast job: the series' shape. Its searches use the forecast families' spaces
   * (engine/forecast) instead of the table families' (see search/space-provider).
   */
  readonly forecast?: import('../forecast/types').ForecastShape;
}

export interface ModelSpec {
  readonly family: ModelFamily;
  readonly featureStyle: FeatureStyle;
  readonly tasks: readonly Task[];
  /**
   * What a multi-fidelity search's training fraction scales: 'rows' (default) subsamples the training
   * rows; 'epochs' keeps every row and trains that fraction of the epochs (networks that need all the
   * data to learn anything, e.g. the CNN).
   */
  readonly fidelity?: 'rows' | 'epochs';
  /**
   * True for families that stop early on FitContext.valid (boosting rounds, epochs): in cross-validation
   * they watch a part of their own training fold, so the fold they are scored on stays unseen.
   */
  readonly stopsEarly?: boolean;
  /**
   * Tasks on which a job's trial of this family serves its cross-validation's fold models averaged
   * instead of one refit (run-trial's `bag`), where `npm run bench:bagging` showed the bag better on
   * held-out data. Absent: always a refit.
   */
  readonly bagTasks?: readonly Task[];
  /**
   * Whether a fit with these parameters can give out-of-bag predictions good enough to validate on (a
   * forest of enough trees): run-trial then scores those, then refits, instead of
   * cross-validating (two fits instead of k + 1). Absent: never.
   */
  outOfBag?(params: Params, task: Task): boolean;
  /**
   * The parameter a fit's memory grows with (a tree count, a CNN's batch size) and the least value worth
   * fitting. A trial whose estimate exceeds its limit then runs with the largest value that fits instead
   * of failing (trial-memory fitParamsToMemory), and reports it in its fit facts (`memory_capped_<param>`).
   */
  readonly memoryScale?: { readonly param: string; readonly min: number };
  /**
   * The largest configuration like `params` that `fits` accepts (a trial memory check), or undefined when
   * none does: what a search screening its proposals (search/samplers/memory-screen) runs instead of one
   * whose trial would be refused, for a family whose memory grows with knobs other than its memoryScale
   * (a CNN's widths). Absent: such a proposal is not shrunk.
   */
  shrinkToFit?(params: Params, fits: (params: Params) => boolean): Params | undefined;
  /** Tunable parameters; bounds may depend on the data's shape. */
  space(shape: DataShape): SearchSpace;
  /** A strong default configuration, tried first (zero-shot start). */
  defaults(shape: DataShape): Params;
  /** Bytes the fit is expected to need at peak (data copies, histograms, weights). */
  estimateMemoryBytes(params: Params, shape: DataShape): number;
  /**
   * Bytes a fit inside a trial leaves as garbage when it ends, for families whose fits hand their large
   * work arrays to the next fit (the trial then counts a fold's leftovers, not its whole peak). Absent:
   * the whole estimate.
   */
  estimateResidueBytes?(params: Params, shape: DataShape): number;
  fit(train: TrainSet, params: Params, ctx: FitContext): Promise<FittedModel>;
  /** Rebuilds a fitted model; throws EngineError('bad_artifact') on an unknown version. */
  load(artifact: ModelArtifact): FittedModel | Promise<FittedModel>;
}
