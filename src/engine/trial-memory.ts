/**
 * @module engine/trial-memory
 * What one trial holds in memory at its peak, estimated before it starts so run-trial can refuse a trial
 * the isolate could not survive, or run a tree ensemble with fewer trees or a CNN on smaller batches
 * (fitParamsToMemory). Three parts live together: the decoded dataset (the trial reads it whole), the
 * feature matrices the pipeline writes for the fit (Float32, as wide as the encoders make them, one
 * buffer reused fit after fit), and whatever the model family states for its own fit (its
 * estimateMemoryBytes, which never counts the input matrix).
 * Widths are upper bounds read from the dataset (its schema, plus one scan of each coded column for dense
 * models), not from fitted encoders, so the check costs a few milliseconds. How the figures compare with
 * measured peaks: `npm run bench:memory`. A search that holds only the data's shape (the coordinator)
 * screens its proposals with the same figures from the shape alone (shapeTrialMemoryBytes).
 */
import { pixelCount } from './core/image-shape';
import { outputWidth, type Task } from './core/task';
import type { Dataset, NumericValues } from './data/dataset';
import type { DataShape, FeatureStyle, ModelSpec } from './models/model';
import type { Params } from './search/space';
import { SMOTE_MAX_NEW_PER_ROW } from './features/augment';
import { MAX_CONSTRUCTED_TERMS } from './features/construct';
import type { PipelineOptions } from './features/pipeline-space';
import { pixelFeatureColumns } from './features/pixels';

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
  /** The refit's estimate (the family's estimateMemoryBytes); the total also counts a fold's (see trialMemoryBytes). */
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
 * Upper bound on the number of features the encoders write for the columns that are not excluded, as
 * the refit (every row) would fit them; a fold's subset of rows never widens a column. Trees: one per
 * numeric or coded column. Dense models: a missing indicator per numeric column with missing values; per
 * categorical column either one indicator per level present (at most 32, and an 'other' indicator only
 * replaces rare levels) plus one for missing values, or, above 32 present levels, a target encoding (one
 * output, one per class up to 8 for multiclass); and the calendar and hashed-text expansions.
 */
export function encodedWidth(ds: Dataset, exclude: ReadonlySet<string>, style: FeatureStyle, nClasses: number): number {
  return encodedLayout(ds, exclude, style, nClasses).width;
}

/** The encoded width (see encodedWidth) and how many columns a dense pipeline target encodes. */
function encodedLayout(ds: Dataset, exclude: ReadonlySet<string>, style: FeatureStyle, nClasses: number): { width: number; targetEncoded: number } {
  // The pixels style writes exactly one feature per pixel column and nothing else.
  if (style === 'pixels') return { width: Math.max(1, pixelFeatureColumns(ds, exclude).length), targetEncoded: 0 };
  const dense = style === 'dense';
  let width = 0;
  let targetEncoded = 0;
  for (const col of ds.columns) {
    if (exclude.has(col.name) || col.type === 'id' || col.type === 'constant') continue;
    if (col.type === 'datetime') width += DATETIME_PARTS[style];
    else if (col.type === 'text') width += TEXT_WIDTH;
    else if (!dense) width += 1;
    else if (col.storage === 'f64') width += hasMissing(col.values) ? 2 : 1;
    else {
      const { present, missing } = levelsPresent(col.codes, col.levels.length);
      if (present > ONE_HOT_MAX_LEVELS) {
        width += nClasses > 2 ? Math.min(nClasses, TARGET_ENCODE_MAX_OUTPUTS) : 1;
        targetEncoded++;
      } else width += present + (missing ? 1 : 0);
    }
  }
  return { width: Math.max(1, width), targetEncoded };
}

/** How a trial splits its rows: folds (1 = a single holdout of one fifth) and the fidelity's training fraction. */
export interface TrialRows {
  readonly folds: number;
  /** Fraction of each fit's training rows used (multi-fidelity search); 1 = every row. */
  readonly trainFraction: number;
}

const FULL_HOLDOUT: TrialRows = { folds: 1, trainFraction: 1 };

/**
 * What a dense pipeline adds to each fit's matrix (run-trial): constructed columns (fe_construct, written
 * into a new matrix beside the pipeline's buffer), and rows added per training row (augment: SMOTE's
 * synthetic rows, or regression's noisy copies, written with the originals into another new matrix).
 * Not counted before: pairs on 100,000 rows of 50 features wrote 40 MB beside a 20 MB buffer.
 */
export interface PipelineGrowth {
  readonly columns: number;
  readonly rowsPerRow: number;
  /** The share of the (constructed) columns that selection keeps for the model (fe_select_keep; 1 without it). */
  readonly keep: number;
}

export const NO_GROWTH: PipelineGrowth = { columns: 0, rowsPerRow: 0, keep: 1 };

/**
 * The growth a trial's pipeline options give its fits (none but for dense models). SMOTE's rows are
 * counted from the target's classes (`y`, class indices) when given: every class up to the largest,
 * at most SMOTE_MAX_NEW_PER_ROW per row (features/augment smote).
 */
export function pipelineGrowth(style: FeatureStyle, prep: Pick<PipelineOptions, 'construct' | 'augment' | 'select' | 'selectKeep'>, task: Task, y?: ArrayLike<number>): PipelineGrowth {
  if (style === 'pixels') return NO_GROWTH;
  const keep = prep.select !== 'none' ? prep.selectKeep : 1;
  if (style !== 'dense') return { ...NO_GROWTH, keep };
  const columns = prep.construct === 'pairs' ? MAX_CONSTRUCTED_TERMS : 0;
  const rowsPerRow = prep.augment === 'smote' && task !== 'regression' ? smoteRowsPerRow(y) : prep.augment === 'noise' && task === 'regression' ? 1 : 0;
  return { columns, rowsPerRow, keep };
}

/** Rows SMOTE adds per row of a target of class indices: up to the largest class, capped; the cap without a target. */
function smoteRowsPerRow(y: ArrayLike<number> | undefined): number {
  if (!y || y.length === 0) return SMOTE_MAX_NEW_PER_ROW;
  const counts = new Map<number, number>();
  for (let i = 0; i < y.length; i++) counts.set(y[i], (counts.get(y[i]) ?? 0) + 1);
  const largest = Math.max(...counts.values());
  let added = 0;
  for (const n of counts.values()) added += largest - n;
  return Math.min(SMOTE_MAX_NEW_PER_ROW, added / y.length);
}

/**
 * Rows of matrix a trial holds, and rows each of its fits sees. run-trial writes every fit's matrices
 * into one buffer in turn (a fold's training rows followed by its validation rows, then the refit's rows),
 * so the matrices are the larger of those two row counts, whatever the number of folds. A fold's model
 * sees its (subsampled) training rows, the refit's every row of the fraction.
 */
function rowCounts(rows: number, split: TrialRows): { matrixRows: number; foldFitRows: number; refitRows: number } {
  const k = split.folds === 1 ? 5 : Math.max(2, split.folds);
  const f = Math.min(1, Math.max(0, split.trainFraction));
  const foldTrain = (rows * (k - 1) * f) / k;
  const foldValid = rows / k;
  const refit = rows * f;
  return { matrixRows: Math.ceil(Math.max(refit, foldTrain + foldValid)), foldFitRows: Math.ceil(foldTrain), refitRows: Math.ceil(refit) };
}

/**
 * Bytes a trial holds beside the matrices, per dataset row: the prepared target and its row index (8),
 * the folds (4) and a fold's row lists and targets (12); per output column (one per class of a multiclass
 * task) OUTPUT_BYTES_PER_ROW more; the pipeline's sorting scratch, shared by every fit, comes on top (see
 * scratchBytesPerRow).
 */
const TRIAL_BYTES_PER_ROW = 8 + 4 + 12;
/**
 * Per row and output column: the out-of-fold outputs (Float32: 4) and a fold's predictions (one validation
 * row in five: 1). Counted as one column before: a 200-class trial on 100,000 rows held 64 MiB more than
 * its estimate.
 */
const OUTPUT_BYTES_PER_ROW = 4 + 1;
/**
 * Bytes a trial holds whatever its size: its JavaScript objects (pipeline state, feature names, metric
 * work lists, closures) and the code compiled the first time a family runs. Measured: a linear trial on
 * 30,000 x 20 holds 0.2 MiB beyond its typed arrays.
 */
const TRIAL_FIXED_BYTES = 512 * 1024;
/**
 * Per row and target-encoded column, what one fit of the encoder allocates (out-of-fold values, inner
 * folds and their shuffle: 16 bytes), counted for two fits, since a fold's may await collection.
 */
const TARGET_ENCODE_BYTES_PER_ROW = 2 * 16;

/** Feature matrices (Float32, `width` wide, see rowCounts) plus the trial's per-row bookkeeping. */
function featureBytes(rows: number, width: number, split: TrialRows, outputs: number, targetEncoded = 0, scratchPerRow = 8): number {
  const perRow = TRIAL_BYTES_PER_ROW + OUTPUT_BYTES_PER_ROW * outputs + scratchPerRow + targetEncoded * TARGET_ENCODE_BYTES_PER_ROW;
  return 4 * rowCounts(rows, split).matrixRows * width + perRow * rows + TRIAL_FIXED_BYTES;
}

/** Bytes a row of the pipeline's sorting scratch takes: Float32 when every numeric column is (features/pipeline). */
function scratchBytesPerRow(ds: Dataset): number {
  return ds.columns.every((c) => c.storage !== 'f64' || c.values instanceof Float32Array) ? 4 : 8;
}

/**
 * The dataset and feature matrices of a full trial on data of this shape, before any model, when only the
 * shape is known (model defaults sizing themselves): numeric columns taken as Float32 (as storage keeps
 * them, see data/numeric-precision) and no widening.
 */
export function trialInputBytes(shape: DataShape): number {
  return 4 * shape.rows * (shape.cols + 1) + featureBytes(shape.rows, shape.cols, FULL_HOLDOUT, outputWidth(shape.task, shape.nClasses));
}

/**
 * Peak bytes of one trial: the whole dataset, the feature matrices (see rowCounts) and the models' own
 * estimates, asked about the encoded width, which is what they store. Two fits count: the refit, and the
 * fold fitted before it, whose typed arrays are only freed when V8 next collects, which it schedules by
 * external-memory growth (tens of MiB), not when the fold ends; of a family that hands its work arrays
 * to the next fit (estimateResidueBytes), only what the fold leaves behind. `model` reports the refit's
 * estimate.
 */
export function trialMemoryBytes(ds: Dataset, model: ModelSpec, params: Params, shape: DataShape, exclude: ReadonlySet<string>, split: TrialRows = FULL_HOLDOUT, growth: PipelineGrowth = NO_GROWTH): TrialMemory {
  const { width, targetEncoded } = encodedLayout(ds, exclude, model.featureStyle, shape.nClasses);
  return layoutMemory({ dataset: datasetBytes(ds), width, targetEncoded, scratchPerRow: scratchBytesPerRow(ds) }, model, params, shape, split, growth);
}

/**
 * A trial's peak from the data's shape alone, for a family whose feature width the shape fixes: the
 * 'pixels' style writes one feature per pixel value of `shape.image` (or per column). Undefined for the
 * other styles, whose widths depend on values the shape does not hold (levels, missing values, constant
 * columns). A lower bound of trialMemoryBytes on the same data: the dataset counts as its feature columns
 * and target at Float32 (as storage keeps pixels), without ignored columns or level names.
 */
export function shapeTrialMemoryBytes(model: ModelSpec, params: Params, shape: DataShape, split: TrialRows = FULL_HOLDOUT): TrialMemory | undefined {
  if (!estimableFromShape(model)) return undefined;
  const width = Math.max(1, shape.image ? pixelCount(shape.image) : shape.cols);
  return layoutMemory({ dataset: 4 * shape.rows * (shape.cols + 1), width, targetEncoded: 0, scratchPerRow: 4 }, model, params, shape, split);
}

/** Whether a family's trial memory can be estimated from the data's shape alone (see shapeTrialMemoryBytes). */
export function estimableFromShape(model: ModelSpec): boolean {
  return model.featureStyle === 'pixels';
}

/** What a trial's memory depends on besides the model: the dataset's bytes and how the features encode it. */
interface FeatureLayout {
  readonly dataset: number;
  readonly width: number;
  readonly targetEncoded: number;
  readonly scratchPerRow: number;
}

function layoutMemory(layout: FeatureLayout, model: ModelSpec, params: Params, shape: DataShape, split: TrialRows, growth: PipelineGrowth = NO_GROWTH): TrialMemory {
  const { dataset } = layout;
  const counts = rowCounts(shape.rows, split);
  // Constructed columns: a matrix that wide beside the pipeline's buffer (two: the refit's, and a fold's
  // that may await collection, as two fits count). Selection then keeps a share of them for the model,
  // and augmented rows are the fit's new rows, then them and the originals together in another matrix
  // (counted at the refit's rows, the most).
  const constructedWidth = layout.width + growth.columns;
  const width = Math.max(1, Math.ceil(constructedWidth * growth.keep));
  const constructed = growth.columns > 0 ? 2 * 4 * counts.matrixRows * constructedWidth : 0;
  const added = Math.ceil(counts.refitRows * growth.rowsPerRow);
  const augmented = added > 0 ? 4 * (2 * added + counts.refitRows) * width : 0;
  const features = featureBytes(shape.rows, layout.width, split, outputWidth(shape.task, shape.nClasses), layout.targetEncoded, layout.scratchPerRow) + constructed + augmented;
  const grown = (rows: number) => Math.ceil(rows * (1 + growth.rowsPerRow));
  const foldShape = { ...shape, rows: grown(counts.foldFitRows), cols: width };
  // A family that hands its work arrays from fit to fit sizes a fold's for its training plus validation
  // rows (the matrix rows), which the refit then reuses: the refit is counted at that size, and the fold
  // only for what it leaves behind.
  const reuses = model.estimateResidueBytes !== undefined;
  const refit = model.estimateMemoryBytes(params, { ...shape, rows: grown(reuses ? counts.matrixRows : counts.refitRows), cols: width });
  const fold = reuses ? model.estimateResidueBytes!(params, foldShape) : model.estimateMemoryBytes(params, foldShape);
  return { dataset, features, model: refit, total: dataset + features + refit + fold + outOfBagBytes(model, params, shape, split) };
}

/**
 * What a trial that validates on out-of-bag rows (run-trial) holds beside its fits: per row a sum of
 * Float64 outputs, their Float32 means and a tree count. Counted whenever the family could (the pipeline's
 * options, which can rule it out, are not known here), on top of a fold's residue it then does not leave.
 */
function outOfBagBytes(model: ModelSpec, params: Params, shape: DataShape, split: TrialRows): number {
  if (split.folds === 1 || split.trainFraction !== 1 || !model.outOfBag?.(params, shape.task)) return 0;
  return shape.rows * (12 * outputWidth(shape.task, shape.nClasses) + 4);
}

/** A trial's model parameters as they fit its memory limit (see fitParamsToMemory). */
export type MemoryFit =
  | { readonly fits: true; readonly params: Params; readonly capped?: { readonly param: string; readonly value: number } }
  | { readonly fits: false; readonly reason: string };

/**
 * The trial's parameters if its estimated peak (trialMemoryBytes) is within `limit`; otherwise, for a
 * family that declares a memoryScale (a tree count, a CNN's batch size), the same parameters with the
 * largest value that fits, down to the family's floor. The search may propose a configuration whose worst
 * case does not fit (1,000 rounds of 7-class trees of 100 leaves, a wide CNN without pooling at batch
 * 256); a capped trial is a useful result where a refusal is none, and boosting's early stopping usually
 * ends well before the cap. The cap comes from a bisection on the estimate alone (it grows with the
 * value): deterministic, and a few milliseconds.
 */
export function fitParamsToMemory(ds: Dataset, model: ModelSpec, params: Params, shape: DataShape, exclude: ReadonlySet<string>, split: TrialRows, limit: number, growth: PipelineGrowth = NO_GROWTH): MemoryFit {
  return fitToLimit((p) => trialMemoryBytes(ds, model, p, shape, exclude, split, growth).total, model, params, shape, limit);
}

/**
 * Whether a trial of these parameters passes fitParamsToMemory by the shape's estimate
 * (shapeTrialMemoryBytes): within `limit` as proposed, or at its memoryScale floor. Undefined for a family
 * the shape cannot estimate. Being a lower bound, it refuses only what run-trial would refuse too.
 */
export function shapeFitsMemory(model: ModelSpec, params: Params, shape: DataShape, split: TrialRows, limit: number): boolean | undefined {
  if (!estimableFromShape(model)) return undefined;
  const need = (p: Params) => shapeTrialMemoryBytes(model, p, shape, split)!.total;
  if (need(params) <= limit) return true;
  const floor = scaleFloor(model, params, shape);
  return floor !== undefined && need(floor.params) <= limit;
}

/** The parameters at the family's memoryScale floor, when it declares one and they are above it. */
function scaleFloor(model: ModelSpec, params: Params, shape: DataShape): { params: Params; current: number } | undefined {
  const scale = model.memoryScale;
  const current = scale ? Number(params[scale.param] ?? model.defaults(shape)[scale.param]) : Number.NaN;
  if (!scale || !Number.isFinite(current) || current <= scale.min) return undefined;
  return { params: { ...params, [scale.param]: scale.min }, current };
}

function fitToLimit(need: (p: Params) => number, model: ModelSpec, params: Params, shape: DataShape, limit: number): MemoryFit {
  const full = need(params);
  if (full <= limit) return { fits: true, params };
  const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
  const refusal = `estimated peak memory ${mib(full)} MiB (data, features and model) exceeds the ${(limit / 2 ** 20).toFixed(0)} MiB trial limit`;
  const floorAt = scaleFloor(model, params, shape);
  if (!floorAt) return { fits: false, reason: refusal };
  const scale = model.memoryScale!;
  const at = (value: number) => ({ ...params, [scale.param]: value });
  const floor = need(floorAt.params);
  if (floor > limit) return { fits: false, reason: `${refusal}, even with ${scale.param} = ${scale.min} (${mib(floor)} MiB)` };
  // Invariant: `lo` fits, `hi` does not.
  let lo = scale.min;
  let hi = Math.floor(floorAt.current);
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (need(at(mid)) <= limit) lo = mid;
    else hi = mid;
  }
  return { fits: true, params: at(lo), capped: { param: scale.param, value: lo } };
}

/** Levels of a coded column that occur, and whether any value is missing. */
function levelsPresent(codes: Int32Array, levels: number): { present: number; missing: boolean } {
  const seen = new Uint8Array(levels);
  let present = 0;
  let missing = false;
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i];
    if (c < 0) missing = true;
    else if (c < levels && seen[c] === 0) {
      seen[c] = 1;
      present++;
    }
  }
  return { present, missing };
}

function hasMissing(values: NumericValues): boolean {
  for (let i = 0; i < values.length; i++) if (values[i] !== values[i]) return true;
  return false;
}
