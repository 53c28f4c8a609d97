/**
 * @module engine/features/pipeline
 * The feature pipeline: chooses an encoder for every usable input column according to the model family's
 * feature style, fits them on training rows only, and writes the feature matrix in one pass per column;
 * then replays the matrix steps fitted on the encoded training rows (pruning, construction, selection).
 * Its state (input schema + fitted encoders + steps) is saved inside the model artifact so that serving
 * encodes rows exactly as training did.
 */
import { assertNever, EngineError } from '../core/errors';
import { type Matrix, matrix } from '../core/matrix';
import type { Rng } from '../core/rng';
import type { Task } from '../core/task';
import { COLUMN_TYPES, type ColumnType, DROPPED_TYPES } from '../data/column-types';
import type { Column, Dataset } from '../data/dataset';
import { DATE_ORDERS, type DateOrder } from '../data/date-layout';
import type { FeatureStyle } from '../models/model';
import { type CodesState, codesEncoder, fitCodes } from './codes';
import { type DatetimeState, datetimeEncoder, fitDatetime } from './datetime';
import type { EncoderState, FeatureKind, FittedEncoder } from './encoder';
import { fitNumeric, type NumericState, numericEncoder } from './numeric';
import { fitOneHot, type OneHotState, oneHotEncoder } from './one-hot';
import { fitPixelScale, pixelColumns, pixelsEncoder, type PixelsState } from './pixels';
import { fitConstruct } from './construct';
import type { ConstructOption, SelectOption } from './pipeline-space';
import { type FeatureProvenance, featureProvenance } from './provenance';
import { fitPrune, fitSelect } from './select';
import { applyStep, type FeatureMeta, keepInPlace, type StepState, stepMeta } from './steps';
import { fitTargetEncoder, presentLevels, TARGET_ENCODE_MIN_LEVELS, type TargetEncodeState, targetEncoder } from './target-encode';
import { fitTextHash, type TextHashState, textHashEncoder } from './text-hash';

/** A raw input column as the pipeline expects it at predict time. */
export interface InputColumn {
  readonly name: string;
  readonly type: ColumnType;
  readonly storage: 'f64' | 'codes';
  /** Training levels of a coded column; predict-time values are coded against these. */
  readonly levels?: readonly string[];
  /**
   * A datetime column's layout of dates when training's were not ISO-8601 (data/date-layout): predict
   * reads day and month in this order, and ISO-8601 too. Absent (and in models saved before): ISO-8601 only.
   */
  readonly dateOrder?: DateOrder;
  /** A numeric column's words training read as missing (data/dataset NumericColumn.missingWords): predict reads them so too. */
  readonly missingWords?: readonly string[];
}

/** Version written by this code; version 1 states (no steps, no text or target encoders) still load. */
export const PIPELINE_VERSION = 2;

export interface PipelineState {
  readonly version: 1 | typeof PIPELINE_VERSION;
  readonly style: FeatureStyle;
  readonly inputs: readonly InputColumn[];
  readonly encoders: readonly EncoderState[];
  /** Matrix steps applied after encoding, in order (absent in version 1). */
  readonly steps?: readonly StepState[];
}

/** Column types that become features. */
/** Every column type but those models never see (identifiers, constants): the one rule, which job creation checks too. */
const FEATURE_TYPES: ReadonlySet<ColumnType> = new Set(COLUMN_TYPES.filter((t) => !DROPPED_TYPES.has(t)));

export class FeaturePipeline {
  readonly names: readonly string[];
  readonly kinds: readonly FeatureKind[];
  private readonly sources: readonly string[];
  /** Width of the encoders' output, before the steps. */
  private readonly encodedWidth: number;

  constructor(
    readonly state: PipelineState,
    private readonly encoders: readonly FittedEncoder[],
  ) {
    let meta: FeatureMeta = {
      names: encoders.flatMap((e) => e.names),
      kinds: encoders.flatMap((e) => e.kinds),
      sources: encoders.flatMap((e, k) => e.names.map(() => state.inputs[k].name)),
    };
    this.encodedWidth = meta.names.length;
    for (const step of state.steps ?? []) meta = stepMeta(step, meta);
    this.names = meta.names;
    this.kinds = meta.kinds;
    this.sources = meta.sources;
  }

  get width(): number {
    return this.names.length;
  }

  /**
   * Encodes the given dataset rows (all rows when null) into a row-major feature matrix, in the front of
   * `into` when it is large enough for the encoders' output (see encode). Keep steps work in place on the
   * freshly encoded matrix, so pruning costs no second matrix.
   */
  transform(ds: Dataset, rows: ArrayLike<number> | null = null, into?: Float32Array): Matrix {
    let out = this.encode(ds, rows, into);
    for (const step of this.state.steps ?? []) out = step.kind === 'keep' ? keepInPlace(step, out) : applyStep(step, out);
    return out;
  }

  /**
   * The encoders' output alone (no steps): what the steps are fitted on. Written into the front of `into`
   * when it is large enough (every cell is written, so old contents do not matter), else a new matrix.
   */
  encode(ds: Dataset, rows: ArrayLike<number> | null = null, into?: Float32Array): Matrix {
    const n = rows === null ? ds.rows : rows.length;
    const size = n * this.encodedWidth;
    const out = matrix(n, this.encodedWidth, into && into.length >= size ? into.subarray(0, size) : undefined);
    let offset = 0;
    this.state.inputs.forEach((input, k) => {
      const col = ds.columns.find((c) => c.name === input.name);
      if (!col) throw new EngineError('invalid_input', `column "${input.name}" is missing`, { column: input.name });
      this.encoders[k].write(col, rows, out.data, this.encodedWidth, offset);
      offset += this.encoders[k].names.length;
    });
    return out;
  }

  /** Which input column produced each feature (for importances reported per input column). */
  featureSources(): string[] {
    return [...this.sources];
  }

  /** Every input column each feature came from, with shares (constructed terms have two; see features/provenance). */
  provenance(): FeatureProvenance {
    return featureProvenance(
      this.state.inputs.map((i) => i.name),
      this.encoders.map((e) => e.names.length),
      this.state.steps ?? [],
    );
  }
}

/**
 * Fits a pipeline on the training rows of a dataset, leaving out `exclude` (the target, ignored columns).
 * Encoders only, no target-dependent steps: see fitFeatures for the full training-time pipeline.
 */
export function fitPipeline(ds: Dataset, rows: ArrayLike<number>, style: FeatureStyle, exclude: ReadonlySet<string>): FeaturePipeline {
  const { inputs, encoders } = fitEncoders(ds, rows, style, exclude);
  return new FeaturePipeline(stateOf(style, inputs, encoders, []), encoders);
}

/** Target-aware fitting options (all computed from the training rows only). */
export interface FeatureFit {
  /** Target of each training row, aligned with `rows`. */
  readonly y: Float32Array;
  readonly task: Task;
  readonly nClasses: number;
  /** Seeds the inner folds of target encoding and the quick model of importance selection. */
  readonly rng: Rng;
  readonly select?: SelectOption;
  /** Fraction of features kept by `select`. */
  readonly selectKeep?: number;
  readonly construct?: ConstructOption;
  /** Add squares of the constructed base features (polynomial terms for linear models). */
  readonly squares?: boolean;
  /**
   * A buffer the training matrix is written into when large enough, so a caller fitting several times
   * (run-trial: each fold, then the refit) reuses one matrix instead of leaving the last one as garbage.
   * The returned X may then be a view of it, valid until the buffer is written again.
   */
  readonly into?: Float32Array;
  /** Scratch the fit may use instead of allocating its own, for the same reason (see PipelineScratch). */
  readonly scratch?: PipelineScratch;
}

/**
 * Row-sized scratch a training-time fit needs: a buffer for sorting (numeric encoders, pruning), Float32
 * when every numeric column is (it then holds every value exactly, at half the bytes). Fitting allocates
 * its own when none (or a too short or too narrow one) is passed.
 */
export interface PipelineScratch {
  readonly sort: Float64Array | Float32Array;
}

/** Scratch for fits of up to `rows` training rows of `ds`. */
export function pipelineScratch(rows: number, ds: Dataset): PipelineScratch {
  const float32 = ds.columns.every((c) => c.storage !== 'f64' || c.values instanceof Float32Array);
  return { sort: float32 ? new Float32Array(rows) : new Float64Array(rows) };
}

/** A fitted pipeline and the training rows' feature matrix (out-of-fold where the encoding uses the target). */
export interface FittedFeatures {
  readonly pipeline: FeaturePipeline;
  readonly X: Matrix;
}

/**
 * Fits the full training-time pipeline: encoders (target encoding of high-cardinality categoricals for
 * dense models), then pruning of constant and duplicate features, optional construction (dense only) and
 * optional selection, each fitted on the training rows only. The training matrix returned carries the
 * out-of-fold target encodings, so no training row's feature was computed from its own target.
 */
export async function fitFeatures(ds: Dataset, rows: ArrayLike<number>, style: FeatureStyle, exclude: ReadonlySet<string>, fit: FeatureFit): Promise<FittedFeatures> {
  const { inputs, encoders, oof } = fitEncoders(ds, rows, style, exclude, fit);
  const base = new FeaturePipeline(stateOf(style, inputs, encoders, []), encoders);
  let X = base.encode(ds, rows, fit.into);
  let offset = 0;
  encoders.forEach((e, k) => {
    const values = oof.get(k);
    const w = e.names.length;
    if (values) for (let i = 0; i < X.rows; i++) X.data.set(values.subarray(i * w, (i + 1) * w), i * X.cols + offset);
    offset += w;
  });
  // Pixels stay exactly as the image lays them out: no pruning (an always-blank border pixel is still a
  // position of the image), no construction, no selection.
  if (style === 'pixels') return { pipeline: base, X };
  let kinds = base.kinds;
  const steps: StepState[] = [];
  const add = (step: StepState | undefined) => {
    if (!step) return;
    steps.push(step);
    // X is this fit's own matrix (fresh or the caller's buffer): dropping columns can happen in place.
    X = step.kind === 'keep' ? keepInPlace(step, X) : applyStep(step, X);
    kinds = stepMeta(step, { names: kinds.map(String), kinds, sources: kinds.map(String) }).kinds;
  };
  add(fitPrune(X, fit.scratch?.sort));
  if (style === 'dense' && fit.construct === 'pairs') add(fitConstruct(X, fit.y, fit.task, fit.nClasses, kinds, fit.squares ?? false));
  if (fit.select && fit.select !== 'none') {
    add(await fitSelect(X, fit.select, fit.selectKeep ?? 1, { y: fit.y, task: fit.task, nClasses: fit.nClasses, kinds, rng: fit.rng.fork(2) }));
  }
  return { pipeline: new FeaturePipeline(stateOf(style, inputs, encoders, steps), encoders), X };
}

function stateOf(style: FeatureStyle, inputs: InputColumn[], encoders: FittedEncoder[], steps: StepState[]): PipelineState {
  return { version: PIPELINE_VERSION, style, inputs, encoders: encoders.map((e) => e.toJSON()), steps };
}

interface FittedEncoders {
  readonly inputs: InputColumn[];
  readonly encoders: FittedEncoder[];
  /** Out-of-fold training values by encoder index (target encoders only). */
  readonly oof: Map<number, Float32Array>;
}

function fitEncoders(ds: Dataset, rows: ArrayLike<number>, style: FeatureStyle, exclude: ReadonlySet<string>, fit?: FeatureFit): FittedEncoders {
  if (style === 'pixels') return fitPixelEncoders(ds, rows, exclude);
  const inputs: InputColumn[] = [];
  const encoders: FittedEncoder[] = [];
  const oof = new Map<number, Float32Array>();
  // One sorting buffer shared by every numeric column, rather than a fresh array (and its garbage) per column.
  const scratch = fit?.scratch && fit.scratch.sort.length >= rows.length ? fit.scratch.sort : new Float64Array(rows.length);
  for (const col of ds.columns) {
    if (exclude.has(col.name) || !FEATURE_TYPES.has(col.type)) continue;
    inputs.push(inputOf(col));
    // High-cardinality categoricals would one-hot into dozens of sparse columns; a dense model gets
    // their target statistics instead (trees keep native codes, which handle many levels well).
    if (fit && style === 'dense' && col.type === 'categorical' && presentLevels(col, rows) > TARGET_ENCODE_MIN_LEVELS) {
      const te = fitTargetEncoder(col, rows, fit.y, fit.task, fit.nClasses, fit.rng.fork(1 + encoders.length));
      oof.set(encoders.length, te.oof);
      encoders.push(te.encoder);
    } else encoders.push(fitEncoder(col, rows, style, scratch));
  }
  if (inputs.length === 0) {
    throw new EngineError('invalid_dataset', 'no usable feature columns: every column is the target, ignored, an identifier or constant', {
      columns: ds.columns.map((c) => `${c.name} (${c.type})`),
    });
  }
  return { inputs, encoders, oof };
}

/**
 * The 'pixels' style: every pixel column (whatever type schema inference gave it: an always-0 border pixel
 * reads as 'constant'), one shared scale. Inputs are declared numeric so serving parses any pixel value.
 */
function fitPixelEncoders(ds: Dataset, rows: ArrayLike<number>, exclude: ReadonlySet<string>): FittedEncoders {
  const cols = pixelColumns(ds, exclude);
  const scale = fitPixelScale(cols, rows);
  return {
    inputs: cols.map((c): InputColumn => ({ name: c.name, type: 'numeric', storage: 'f64' })),
    encoders: cols.map((c) => pixelsEncoder({ kind: 'pixels', column: c.name, scale })),
    oof: new Map(),
  };
}

function inputOf(col: Column): InputColumn {
  // Text levels are every distinct training text: useless at serving time (text is hashed), so not stored.
  if (col.type === 'text') return { name: col.name, type: col.type, storage: 'codes' };
  if (col.storage === 'codes') return { name: col.name, type: col.type, storage: 'codes', levels: col.levels };
  return {
    name: col.name,
    type: col.type,
    storage: 'f64',
    ...(col.type === 'datetime' && col.dateOrder ? { dateOrder: col.dateOrder } : {}),
    ...(col.type === 'numeric' && col.missingWords ? { missingWords: col.missingWords } : {}),
  };
}

function fitEncoder(col: Column, rows: ArrayLike<number>, style: FeatureStyle, scratch: Float64Array | Float32Array): FittedEncoder {
  const dense = style === 'dense';
  if (col.type === 'datetime') return fitDatetime(col, rows, dense);
  if (col.type === 'text') return fitTextHash(col, rows, dense);
  if (col.storage === 'f64') return fitNumeric(col, rows, dense, scratch);
  return dense ? fitOneHot(col, rows) : fitCodes(col, rows);
}

/** Rebuilds a fitted pipeline from its saved state. */
export function loadPipeline(state: PipelineState): FeaturePipeline {
  if (state.version !== 1 && state.version !== PIPELINE_VERSION) throw new EngineError('bad_artifact', `unknown pipeline version ${String(state.version)}`);
  if (state.version === 1 && state.steps !== undefined) throw new EngineError('bad_artifact', 'a version 1 pipeline has no steps');
  const isList = (v: unknown): boolean => Array.isArray(v);
  if (state.steps !== undefined && !isList(state.steps)) throw new EngineError('bad_artifact', 'pipeline steps must be a list');
  if (!isList(state.inputs) || !isList(state.encoders) || state.inputs.length !== state.encoders.length) {
    throw new EngineError('bad_artifact', 'pipeline inputs and encoders do not match');
  }
  // A layout this code does not know would read dates some other way than training did.
  const odd = state.inputs.find((i) => i.dateOrder !== undefined && !DATE_ORDERS.includes(i.dateOrder));
  if (odd) throw new EngineError('bad_artifact', `unknown date order "${String(odd.dateOrder)}" of input column "${odd.name}"`);
  const wordless = state.inputs.find((i) => i.missingWords !== undefined && !(Array.isArray(i.missingWords) && i.missingWords.every((w) => typeof w === 'string')));
  if (wordless) throw new EngineError('bad_artifact', `the missing words of input column "${wordless.name}" are not a list of text`);
  const encoders = state.encoders.map((e): FittedEncoder => {
    switch (e.kind) {
      case 'numeric':
        return numericEncoder(e as NumericState);
      case 'codes':
        return codesEncoder(e as CodesState);
      case 'one_hot':
        return oneHotEncoder(e as OneHotState);
      case 'datetime':
        return datetimeEncoder(e as DatetimeState);
      case 'target':
        return targetEncoder(e as TargetEncodeState);
      case 'text_hash':
        return textHashEncoder(e as TextHashState);
      case 'pixels':
        return pixelsEncoder(e as PixelsState);
      default:
        return assertNever(e.kind, 'encoder kind');
    }
  });
  return new FeaturePipeline(state, encoders);
}
