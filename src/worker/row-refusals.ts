/**
 * @module worker/row-refusals
 * How a refusal of one row of a predict request names that row, so a client finds it without guessing
 * where the counting starts. The engine (features/rows-to-dataset: `row 3, column "x": …`) and image-rows
 * (`rows[3].image: …`) name a row by its index in the batch, from 0; here that becomes the body's own naming:
 * - JSON: the element of `rows`, as a field path names it: `rows[3], column "x": …`;
 * - CSV: the line of the file the row starts on (the header is line 1): `line 5, column "x": …`;
 * - Parquet: the file's row from 1: `row 4 of the Parquet file, column "x": …`.
 * `details` keep what they have always meant (`row`: the index into `rows` for JSON, the file's row from 1
 * for Parquet; a CSV's `line` in place of `row`) and gain `index`: the row's position in the batch from 0,
 * which is also its prediction's index, the one field that means the same for every body format.
 */
import { EngineError } from '../engine';
import type { CsvColumns } from '../engine/data/csv-columns';
import { ApiError } from './errors';

/** The format a predict body came in; `json` for `{"rows": [...]}`. */
export type RowsFormat = 'json' | 'csv' | 'parquet';

/** A batch as far as naming its rows goes: its format, and for CSV the line each row starts on. */
export interface NamedRows {
  readonly format?: RowsFormat;
  readonly table?: Pick<CsvColumns, 'lines'>;
}

/**
 * Runs a decoding (or prediction) of a batch, renaming a refusal of one of its rows as the body names
 * it (see the module comment). Any other error passes unchanged.
 */
export function namingRefusedRow<T>(body: NamedRows, decode: () => T): T {
  try {
    return decode();
  } catch (err) {
    throw renamed(err, body) ?? err;
  }
}

/** The refusal naming the row as `body` does; undefined when `err` names no row of the batch. */
function renamed(err: unknown, body: NamedRows): Error | undefined {
  if (!(err instanceof EngineError) && !(err instanceof ApiError)) return undefined;
  const index = err.details.row;
  if (typeof index !== 'number') return undefined;
  // The engine's form ("row 3, column …", "row 3 must be …") or image-rows' path ("rows[3].image: …").
  const enginePrefix = `row ${index}`;
  const pathPrefix = `rows[${index}]`;
  const path = err.message.startsWith(pathPrefix);
  if (!path && !(err.message.startsWith(enginePrefix) && !/^\d/.test(err.message.slice(enginePrefix.length)))) return undefined;
  let rest = err.message.slice(path ? pathPrefix.length : enginePrefix.length);
  const { row: _, ...others } = err.details;
  if (body.format !== 'csv' && body.format !== 'parquet') {
    return rebuilt(err, `${pathPrefix}${rest}`, { row: index, ...others, index });
  }
  // In a file, a row's field is a column: "rows[3].image: …" reads "line 5, column "image": …" there.
  const field = typeof others.field === 'string' ? others.field : undefined;
  if (path && field !== undefined && rest.startsWith(`.${field}`)) rest = `, column "${field}"${rest.slice(field.length + 1)}`;
  if (body.format === 'parquet') return rebuilt(err, `row ${index + 1} of the Parquet file${rest}`, { row: index + 1, ...others, index });
  const line = body.table?.lines?.[index];
  return line === undefined ? undefined : rebuilt(err, `line ${line}${rest}`, { line, ...others, index });
}

/** The same refusal (class, code, status) with another message and details. */
function rebuilt(err: EngineError | ApiError, message: string, details: Record<string, unknown>): Error {
  return err instanceof EngineError ? new EngineError(err.code, message, details, { cause: err }) : new ApiError(err.status, err.code, message, details);
}
