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
import { PIXEL_COLUMN } from './features/pixels';

/** Encoder limits mirrored from features/ (one-hot keeps at most 32 levels; more become a target encoding). */
const ONE_HOT_MAX_LEVELS = 32;
const TARGET_ENCODE_MAX_OUTPUTS = 8;
const DATETIME_PARTS = { trees: 6, dense: 10 } as const;
const TEXT_WIDTH = 128 + 1;

/**
 * Default ceiling on a trial's estimated peak (dataset, feature matrices and model fit together, garbage
 * awaiting collection included): half the isolate's 128 MB, leaving the rest to the runtime's own heap and
 * code, the tfjs wasm heap's fixed 16 MiB and the young generation.
 */
export const TRIAL_MEMORY_LIMIT = 64 * 1024 * 1024;

/** Bytes a trial needs at its peak, by part. */
export interface TrialMemory {
  readonly dataset: number;
  readonly features: number;
  /** One fit's estimate (the family's estimateMemoryBytes); the total counts two (see trialMemoryBytes). */
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
  // The pixels style writes exactly one feature per pixel column and nothing else.
  if (style === 'pixels') return Math.max(1, ds.columns.filter((c) => !exclude.has(c.name) && PIXEL_COLUMN.test(c.name)).length);
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

/** How a trial splits its rows: folds (1 = a single holdout of one fifth) and the fidelity's training fraction. */
export interface TrialRows {
  readonly folds: number;
  /** Fraction of each fit's training rows used (multi-fidelity search); 1 = every row. */
  readonly trainFraction: number;
}

const FULL_HOLDOUT: TrialRows = { folds: 1, trainFraction: 1 };

/**
 * Rows of matrix a trial holds at once, and rows its largest fit sees. A fold writes its (subsampled)
 * training rows and every validation row; its matrices may still await collection when the refit writes
 * its own (or when pruning writes a narrower copy), so both count. Fitting the encoders leaves about one
 * more matrix of garbage behind (per column a sorted copy and a JS array of the present values, large
 * enough to wait for a major collection): measured 9 MiB beyond the matrices at 40,000 x 50, trees. A fit
 * sees its training rows plus the validation rows it scores for early stopping, or the refit's rows,
 * whichever is more.
 */
function rowCounts(rows: number, split: TrialRows): { matrixRows: number; fitRows: number } {
  const k = split.folds === 1 ? 5 : Math.max(2, split.folds);
  const f = Math.min(1, Math.max(0, split.trainFraction));
  const foldTrain = (rows * (k - 1) * f) / k;
  const foldValid = rows / k;
  const refit = rows * f;
  const encoderGarbage = refit;
  return { matrixRows: Math.ceil(foldTrain + foldValid + refit + encoderGarbage), fitRows: Math.ceil(Math.max(refit, foldTrain + foldValid)) };
}

/** Feature matrices (Float32, `width` wide) plus about 48 bytes a row of targets, folds, indices and out-of-fold outputs. */
function featureBytes(rows: number, width: number, split: TrialRows): number {
  return 4 * rowCounts(rows, split).matrixRows * width + 48 * rows;
}

/**
 * The dataset and feature matrices of a full trial on data of this shape, before any model, when only the
 * shape is known (model defaults sizing themselves): every column taken as 8-byte numbers, no widening.
 */
export function trialInputBytes(shape: DataShape): number {
  return 8 * shape.rows * (shape.cols + 1) + featureBytes(shape.rows, shape.cols, FULL_HOLDOUT);
}

/**
 * Peak bytes of one trial: the whole dataset, the feature matrices (see rowCounts) and the model's own
 * estimate for the rows its largest fit sees, asked about the encoded width, which is what it will store.
 * The model counts twice: a trial fits at least twice (a fold, then the refit), and the earlier fit's
 * typed arrays are only freed when V8 next collects, which it schedules by external-memory growth (tens
 * of MiB), not when the fold ends. Measured at 40,000 x 50: gbdt 62 to 74 MiB and random_forest 75 to
 * 81 MiB against 57 and 63 MiB estimated with the model counted once.
 */
export function trialMemoryBytes(ds: Dataset, model: ModelSpec, params: Params, shape: DataShape, exclude: ReadonlySet<string>, split: TrialRows = FULL_HOLDOUT): TrialMemory {
  const width = encodedWidth(ds, exclude, model.featureStyle, shape.nClasses);
  const dataset = datasetBytes(ds);
  const features = featureBytes(shape.rows, width, split);
  const modelBytes = model.estimateMemoryBytes(params, { ...shape, rows: rowCounts(shape.rows, split).fitRows, cols: width });
  return { dataset, features, model: modelBytes, total: dataset + features + 2 * modelBytes };
}

function hasMissing(values: Float64Array): boolean {
  for (let i = 0; i < values.length; i++) if (values[i] !== values[i]) return true;
  return false;
}
