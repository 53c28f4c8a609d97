/**
 * @module engine/features/pipeline
 * The feature pipeline: chooses an encoder for every usable input column according to the model family's
 * feature style, fits them on training rows only, and writes the feature matrix in one pass per column.
 * Its state (input schema + fitted encoders) is saved inside the model artifact so that serving encodes
 * rows exactly as training did.
 */
import { assertNever, EngineError } from '../core/errors';
import { type Matrix, matrix } from '../core/matrix';
import type { ColumnType } from '../data/column-types';
import type { Column, Dataset } from '../data/dataset';
import type { FeatureStyle } from '../models/model';
import { type CodesState, codesEncoder, fitCodes } from './codes';
import { type DatetimeState, datetimeEncoder, fitDatetime } from './datetime';
import type { EncoderState, FeatureKind, FittedEncoder } from './encoder';
import { fitNumeric, type NumericState, numericEncoder } from './numeric';
import { fitOneHot, type OneHotState, oneHotEncoder } from './one-hot';

/** A raw input column as the pipeline expects it at predict time. */
export interface InputColumn {
  readonly name: string;
  readonly type: ColumnType;
  readonly storage: 'f64' | 'codes';
  /** Training levels of a coded column; predict-time values are coded against these. */
  readonly levels?: readonly string[];
}

export interface PipelineState {
  readonly version: 1;
  readonly style: FeatureStyle;
  readonly inputs: readonly InputColumn[];
  readonly encoders: readonly EncoderState[];
}

/** Column types that become features (text joins when the text encoder lands). */
const FEATURE_TYPES: ReadonlySet<ColumnType> = new Set(['numeric', 'categorical', 'boolean', 'datetime']);

export class FeaturePipeline {
  readonly names: readonly string[];
  readonly kinds: readonly FeatureKind[];

  constructor(
    readonly state: PipelineState,
    private readonly encoders: readonly FittedEncoder[],
  ) {
    this.names = encoders.flatMap((e) => e.names);
    this.kinds = encoders.flatMap((e) => e.kinds);
  }

  get width(): number {
    return this.names.length;
  }

  /** Encodes the given dataset rows (all rows when null) into a row-major feature matrix. */
  transform(ds: Dataset, rows: ArrayLike<number> | null = null): Matrix {
    const n = rows === null ? ds.rows : rows.length;
    const out = matrix(n, this.width);
    let offset = 0;
    this.state.inputs.forEach((input, k) => {
      const col = ds.columns.find((c) => c.name === input.name);
      if (!col) throw new EngineError('invalid_input', `column "${input.name}" is missing`, { column: input.name });
      this.encoders[k].write(col, rows, out.data, this.width, offset);
      offset += this.encoders[k].names.length;
    });
    return out;
  }

  /** Which input column produced each feature (for importances reported per input column). */
  featureSources(): string[] {
    return this.encoders.flatMap((e, k) => e.names.map(() => this.state.inputs[k].name));
  }
}

/** Fits a pipeline on the training rows of a dataset, leaving out `exclude` (the target, ignored columns). */
export function fitPipeline(ds: Dataset, rows: ArrayLike<number>, style: FeatureStyle, exclude: ReadonlySet<string>): FeaturePipeline {
  const inputs: InputColumn[] = [];
  const encoders: FittedEncoder[] = [];
  for (const col of ds.columns) {
    if (exclude.has(col.name) || !FEATURE_TYPES.has(col.type)) continue;
    inputs.push(inputOf(col));
    encoders.push(fitEncoder(col, rows, style));
  }
  if (inputs.length === 0) {
    throw new EngineError('invalid_dataset', 'no usable feature columns: every column is the target, ignored, an identifier or constant', {
      columns: ds.columns.map((c) => `${c.name} (${c.type})`),
    });
  }
  return new FeaturePipeline({ version: 1, style, inputs, encoders: encoders.map((e) => e.toJSON()) }, encoders);
}

function inputOf(col: Column): InputColumn {
  return col.storage === 'codes' ? { name: col.name, type: col.type, storage: 'codes', levels: col.levels } : { name: col.name, type: col.type, storage: 'f64' };
}

function fitEncoder(col: Column, rows: ArrayLike<number>, style: FeatureStyle): FittedEncoder {
  const dense = style === 'dense';
  if (col.type === 'datetime') return fitDatetime(col, rows, dense);
  if (col.storage === 'f64') return fitNumeric(col, rows, dense);
  return dense ? fitOneHot(col, rows) : fitCodes(col.name, col.levels.length);
}

/** Rebuilds a fitted pipeline from its saved state. */
export function loadPipeline(state: PipelineState): FeaturePipeline {
  if (state.version !== 1) throw new EngineError('bad_artifact', `unknown pipeline version ${String(state.version)}`);
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
      default:
        return assertNever(e.kind, 'encoder kind');
    }
  });
  return new FeaturePipeline(state, encoders);
}
