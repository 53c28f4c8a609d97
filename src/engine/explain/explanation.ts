/**
 * @module engine/explain/explanation
 * The shapes of per-row explanations and the one error they raise. An explanation splits one model output
 * of one row into a base (the model's expected output over its training data) plus one contribution per
 * input column, so that base + Σ contributions = output (local accuracy). Which output is split depends on
 * the family, and is stated as the explanation's space:
 *   - 'margin': the raw score before the link (log-odds for binary, per-class softmax scores for
 *     multiclass): one gradient-boosted tree model or linear model on a classification task;
 *   - 'probability': the predicted probability itself: forests and single trees on classification tasks,
 *     and a binary ensemble or fold bag of several models (which averages their probabilities);
 *   - 'value': the predicted number: every explainable family on regression tasks.
 * Shapes by task (every input column of the model appears, with 0 when it played no part):
 *   - binary: `output` and `base` are numbers speaking for `positiveClass` (the second class);
 *     `contributions` maps column → number;
 *   - multiclass: `output` and `base` map class → number; `contributions` maps class → (column → number);
 *   - regression: numbers, and column → number.
 */
import { EngineError } from '../core/errors';

export type ExplanationSpace = 'margin' | 'probability' | 'value';

/** One row's explanation; see the module comment for the shape per task. */
export interface RowExplanation {
  /** The model's output for this row in the explanation's space (base + Σ contributions, up to rounding). */
  readonly output: number | Record<string, number>;
  /** Expected output over the training data, in the same space. */
  readonly base: number | Record<string, number>;
  readonly contributions: Record<string, number> | Record<string, Record<string, number>>;
}

/** Explanations of a batch of rows. */
export interface ExplainResult {
  readonly space: ExplanationSpace;
  /** Binary tasks: the class the single output speaks for (the second class); absent otherwise. */
  readonly positiveClass?: string;
  readonly explanations: RowExplanation[];
}

/**
 * The error of a model that cannot be explained (a family without an exact method, an artifact stored
 * before explanations were recorded, or an ensemble mixing spaces); its message says which and why.
 */
export function explainUnavailable(message: string, details: Record<string, unknown> = {}): EngineError {
  return new EngineError('explain_unavailable', message, details);
}
