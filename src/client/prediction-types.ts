/**
 * @module client/prediction-types
 * What `models.predict` and `models.explain` send and answer: the request body (the Worker's own
 * zod-inferred type), its rows (table rows, or image rows as a file or pixels), and the predictions with
 * their probabilities and explanations.
 */
import type { PredictBody } from '../worker/schemas';

export type { PredictBody };

/** One cell of a row: missing columns, null and undefined are missing values. */
export type Cell = string | number | boolean | null | undefined;
/** One row for prediction: column name to value (missing columns and null are missing values). */
export type Row = Record<string, Cell>;
/**
 * An image's pixel values, in the training pixels' range: height*width*channels numbers flat in row-major
 * order, or nested `[h][w]` (one channel) or `[h][w][c]`. Plain arrays: a typed array is not one in JSON.
 */
export type Pixels = readonly number[] | readonly (readonly number[])[] | readonly (readonly (readonly number[])[])[];
/**
 * A predict row of a model that takes images: `image`, a base64 PNG or JPEG file (standard or URL-safe,
 * a `data:` URL too), or `pixels`, not both; other fields pass through as columns.
 */
export type ImageRow = { image: string; pixels?: never; [column: string]: Cell } | { pixels: Pixels; image?: never; [column: string]: Cell | Pixels };
/** What `models.predict` and `models.explain` take: table rows, or image rows for a model that takes images. */
export type PredictRow = Row | ImageRow;

export interface RowExplanation {
  output: number | Record<string, number>;
  base: number | Record<string, number>;
  contributions: Record<string, number> | Record<string, Record<string, number>>;
}

/** `POST /v1/models/{name}/predict`. */
export interface Prediction {
  model: { name: string; version: number };
  /** Class labels (classification) or values (regression), one per row. */
  predictions: (string | number)[];
  /** Classification only: one object of class → probability per row. */
  probabilities?: Record<string, number>[];
  /** With `explain: true`. */
  explanation_space?: 'margin' | 'probability' | 'value';
  explained_class?: string;
  explanations?: RowExplanation[];
  /** Category cells the model never saw in training, read as missing (the first 100; absent when none). */
  unseen?: { row: number; column: string; value: string }[];
  /** How many there were, when more than the 100 listed. */
  unseen_total?: number;
  /** Columns the model reads that rows did not send, read as missing, with how many rows lacked each (the first 100; absent when none). */
  absent_columns?: { column: string; rows: number }[];
  /** How many columns were absent, when more than the 100 listed. */
  absent_columns_total?: number;
}
