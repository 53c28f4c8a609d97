/**
 * @module engine/trial-memory
 * What one trial holds in memory at its peak, estimated before it starts so run-trial can refuse a trial
 * the isolate could not survive. Three parts live together: the decoded dataset (the trial reads it whole),
 * the feature matrices the pipeline writes for the fit (Float32, as wide as the encoders make them), and
 * whatever the model family states for its own fit (its estimateMemoryBytes, which never counts the input
 * matrix). Widths are upper bounds read from the dataset's schema, not from fitted encoders, so the check
 * costs microseconds.
 */
import type { Dataset } from './data/dataset';
import type { DataShape, FeatureStyle, ModelSpec } from './models/model';
import type { Params } from './search/space';

/** Encoder limits mirrored from features/ (one-hot keeps at most 32 levels; more become a target encoding). */
const ONE_HOT_MAX_LEVELS = 32;
const TARGET_ENCODE_MAX_OUTPUTS = 8;
const DATETIME_PARTS = { trees: 6, dense: 10 } as const;
const TEXT_WIDTH = 128 + 1;

/** Bytes a trial needs at its peak, by part. */
export interface TrialMemory {
  readonly dataset: number;
  readonly features: number;
  readonly model: number;
  readonly total: number;
}

/** Bytes of the decoded columnar dataset: the typed arrays plus a rough share for the level strings. */
export function datasetBytes(ds: Dataset): number {
  let bytes = 0;
  for (const col of ds.columns) {
    if (col.storage === 'f64') bytes += col.values.byteLength;
    else bytes += col.codes.byteLength + col.levels.length * 48;
  }
  return bytes;
}

/**
 * Upper bound on the number of features the pipeline writes for the columns that are not excluded: one
 * per numeric or coded column for trees; for dense models a missing indicator per numeric column with
 * missing values, one indicator per kept level (plus 'other' and 'missing') or a target encoding per
 * categorical column, and the calendar and hashed-text expansions.
 */
export function encodedWidth(ds: Dataset, exclude: ReadonlySet<string>, style: FeatureStyle, nClasses: number): number {
  const dense = style === 'dense';
  let width = 0;
  for (const col of ds.columns) {
    if (exclude.has(col.name) || col.type === 'id' || col.type === 'constant') continue;
    if (col.type === 'datetime') width += DATETIME_PARTS[style];
    else if (col.type === 'text') width += TEXT_WIDTH;
    else if (!dense) width += 1;
    else if (col.storage === 'f64') width += hasMissing(col.values) ? 2 : 1;
    else if (col.levels.length > ONE_HOT_MAX_LEVELS) width += Math.min(Math.max(1, nClasses), TARGET_ENCODE_MAX_OUTPUTS);
    else width += col.levels.length + 2;
  }
  return Math.max(1, width);
}

/**
 * Peak bytes of one trial. Per row the harness keeps the target, fold, index and out-of-fold arrays
 * (about 48 bytes). The feature matrices of a fold (training and validation rows, every row in all) are
 * live with their pruned copy (the keep step writes a new matrix) and the column scratch of pruning; the
 * refit's matrix replaces them. The model sees the encoded width, which is what it will actually store.
 */
export function trialMemoryBytes(ds: Dataset, model: ModelSpec, params: Params, shape: DataShape, exclude: ReadonlySet<string>): TrialMemory {
  const width = encodedWidth(ds, exclude, model.featureStyle, shape.nClasses);
  const dataset = datasetBytes(ds);
  const matrix = 4 * shape.rows * width;
  const features = 2 * matrix + 48 * shape.rows;
  const modelBytes = model.estimateMemoryBytes(params, { ...shape, cols: width });
  return { dataset, features, model: modelBytes, total: dataset + features + modelBytes };
}

function hasMissing(values: Float64Array): boolean {
  for (let i = 0; i < values.length; i++) if (values[i] !== values[i]) return true;
  return false;
}
