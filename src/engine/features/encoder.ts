/**
 * @module engine/features/encoder
 * The interface every column encoder implements. An encoder is fitted on one raw column over the training
 * rows only, then writes its features for any rows straight into a row-major Float32 matrix (no per-row
 * objects). Fitted encoders serialise to plain JSON and are rebuilt by features/pipeline.
 */
import type { Column } from '../data/dataset';

export type FeatureKind = 'numeric' | 'categorical';

export interface FittedEncoder {
  /** Names of the features written, in order. */
  readonly names: readonly string[];
  /** Kind of each feature: categorical ones hold integer codes for native tree splits. */
  readonly kinds: readonly FeatureKind[];
  /**
   * Writes this encoder's features for the given rows (dataset row indices, or every row when null)
   * into `out`, a row-major matrix with `stride` columns, starting at column `offset`.
   */
  write(col: Column, rows: ArrayLike<number> | null, out: Float32Array, stride: number, offset: number): void;
  toJSON(): EncoderState;
}

/** Serialised encoder: a kind tag plus its fitted statistics. */
export interface EncoderState {
  readonly kind: 'numeric' | 'codes' | 'one_hot' | 'datetime' | 'target' | 'text_hash' | 'pixels';
  readonly column: string;
  readonly [key: string]: unknown;
}

/** Iterates the dataset row index for position i of `rows` (or i itself when rows is null). */
export const rowAt = (rows: ArrayLike<number> | null, i: number): number => (rows === null ? i : rows[i]);
export const rowCount = (col: Column, rows: ArrayLike<number> | null): number =>
  rows === null ? (col.storage === 'f64' ? col.values.length : col.codes.length) : rows.length;
