/**
 * @module durable/score-validation
 * How a published version's score was measured, stored with the version (model_versions.validation) so a
 * later result can be told whether its score compares with the champion's. Two out-of-fold scores of the
 * same metric compare when they were measured the same way on the same rows: the same dataset version
 * (the version row has it), the same kind of validation (k-fold out-of-fold rows, or a forecast's rolling
 * origins with its horizon), the same number of folds, a model trained on every row (a trial on a third of
 * the rows scores on other terms), and the same rows held out of the search, if any. A cancelled job's
 * result replaces the champion only on such terms (durable/cancelled-publication); versions stored before
 * this record have none, and compare with nothing.
 */
import type { HoldoutSpec, JobConfig } from './protocol';

/** How a version's score was measured, besides its data and metric. */
export interface ScoreValidation {
  /** "cv": out-of-fold rows of k folds (1: one fold of five); "rolling_origins": a forecast's validation origins. */
  readonly kind: 'cv' | 'rolling_origins';
  readonly folds: number;
  /** Fraction of the training rows the model was trained on (1: all). */
  readonly fidelity: number;
  /** Rows held out of the search (a job compared with its champion). */
  readonly holdout?: HoldoutSpec;
  /** A forecast's horizon, its points held out of the search and its series' grouping column. */
  readonly horizon?: number;
  readonly holdout_points?: number;
  readonly group_column?: string;
  /** The class a binary metric such as f1 is of (absent: class index 1). */
  readonly positive_class?: string;
}

/** The validation of a job's result trained on `fidelity` of the rows. */
export function scoreValidation(c: JobConfig, fidelity: number): ScoreValidation {
  const f = c.forecast;
  return {
    kind: f ? 'rolling_origins' : 'cv',
    folds: c.folds,
    fidelity,
    ...(c.holdout ? { holdout: c.holdout } : {}),
    ...(f ? { horizon: f.horizon } : {}),
    ...(f?.holdout_points !== undefined ? { holdout_points: f.holdout_points } : {}),
    ...(f?.group_column !== undefined ? { group_column: f.group_column } : {}),
    ...(c.positive_class !== undefined ? { positive_class: c.positive_class } : {}),
  };
}

/** Whether two validations measure alike (field by field, so the stored JSON's key order does not matter). */
export function sameValidation(a: ScoreValidation, b: ScoreValidation): boolean {
  const holdout = (h?: HoldoutSpec) => (h ? `${h.fraction}/${h.seed}/${h.from_row ?? ''}` : '');
  return (
    a.kind === b.kind &&
    a.folds === b.folds &&
    a.fidelity === b.fidelity &&
    holdout(a.holdout) === holdout(b.holdout) &&
    a.horizon === b.horizon &&
    a.holdout_points === b.holdout_points &&
    a.group_column === b.group_column &&
    a.positive_class === b.positive_class
  );
}

/** The validation in words ("5-fold cross-validation", "3 rolling origins of horizon 7, on a third of the rows"). */
export function describeValidation(v: ScoreValidation): string {
  const kind = v.kind === 'rolling_origins' ? `${v.folds} rolling origins of horizon ${v.horizon}` : v.folds === 1 ? 'one validation fold of five' : `${v.folds}-fold cross-validation`;
  const rows = v.fidelity < 1 ? `, trained on ${Math.round(v.fidelity * 100)}% of the rows` : '';
  const held = v.holdout ? `, ${Math.round(v.holdout.fraction * 100)}% of the rows held out` : v.holdout_points !== undefined ? `, the latest ${v.holdout_points} points held out` : '';
  const series = v.group_column !== undefined ? `, series by "${v.group_column}"` : '';
  const positive = v.positive_class !== undefined ? `, positive class "${v.positive_class}"` : '';
  return `${kind}${rows}${held}${series}${positive}`;
}

/** The stored form (model_versions.validation), and back; a value that does not read is no validation. */
export const storedValidation = (v: ScoreValidation | undefined): string | null => (v ? JSON.stringify(v) : null);

export function readValidation(stored: SqlStorageValue | undefined): ScoreValidation | null {
  if (typeof stored !== 'string') return null;
  try {
    const v = JSON.parse(stored) as ScoreValidation;
    return (v.kind === 'cv' || v.kind === 'rolling_origins') && typeof v.folds === 'number' && typeof v.fidelity === 'number' ? v : null;
  } catch {
    return null;
  }
}
