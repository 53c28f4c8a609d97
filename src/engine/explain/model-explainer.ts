/**
 * @module engine/explain/model-explainer
 * The contract of a per-family explainer (explainer-for picks one for a fitted model). An explainer works
 * on the model's own feature matrix (after the pipeline) and answers, per row, one contribution per
 * feature and output plus the model's output in the explanation's space, computed by the prediction code
 * path so that local accuracy can be checked rather than assumed.
 */
import { EngineError } from '../core/errors';
import type { Matrix } from '../core/matrix';
import type { ModelFamily } from '../models/model';
import type { ExplanationSpace } from './explanation';

/** Feature-level explanation of a batch of rows. */
export interface FeatureExplanation {
  /** Contribution of feature f to output c of row r at `phi[(r * nFeatures + f) * width + c]`. */
  readonly phi: Float64Array;
  /** The model's output for row r in the explanation space at `output[r * width + c]`. */
  readonly output: Float64Array;
}

export interface ModelExplainer {
  readonly family: ModelFamily;
  readonly space: ExplanationSpace;
  /** Outputs per row: 1 for binary and regression, K for multiclass. */
  readonly width: number;
  readonly nFeatures: number;
  /** Expected output over the training data, per output. */
  readonly base: Float64Array;
  /** The steps explaining one row takes (TreeSHAP's path steps, a linear model's coefficients): explain-cost prices them. */
  readonly workPerRow: number;
  explain(X: Matrix): FeatureExplanation;
}

/** Checks the matrix width an explainer expects. */
export function checkWidth(X: Matrix, nFeatures: number): void {
  if (X.cols !== nFeatures) throw new EngineError('invalid_input', `the model expects ${nFeatures} feature columns, got ${X.cols}`, { expected: nFeatures, got: X.cols });
}
