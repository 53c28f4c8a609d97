/**
 * @module cli/table-rows
 * A CSV or Parquet file read into JSON rows for requests that need them (predictions with explanations):
 * the header names the columns, an empty cell (a Parquet null) is a missing value, as the server reads
 * table bodies. A malformed file is refused naming the file (and line).
 */
import type { Row } from '../client';
import { EngineError } from '../engine/core/errors';
import { type CsvDelimiter, parseCsv } from '../engine/data/csv';
import { readParquetTable } from '../engine/data/parquet';
import { UsageError } from './errors';

/** Parquet rows with the server's own reading of the file's cells (engine/data/parquet). */
export async function parquetToRows(bytes: Uint8Array, file: string): Promise<Row[]> {
  try {
    const { header, rows } = await readParquetTable(bytes);
    return rows.map((cells) => Object.fromEntries(header.map((column, j) => [column, cells[j] === '' ? null : cells[j]])));
  } catch (err) {
    if (err instanceof EngineError) throw new UsageError(err.message, file);
    throw err;
  }
}

/** CSV rows with the server's own reading of the text (engine/data/csv: separators, blank and all-empty lines, lines named). */
export function csvToRows(text: string, file: string): Row[] {
  return csvToLinedRows(text, file).rows;
}

/** csvToRows with the line of the file each row starts on, to name a refused row as the server names a CSV body's. */
export function csvToLinedRows(text: string, file: string, delimiter?: CsvDelimiter): { rows: Row[]; lines: readonly number[] } {
  try {
    const { header, rows, lines } = parseCsv(text, { maxRows: Number.MAX_SAFE_INTEGER, maxColumns: Number.MAX_SAFE_INTEGER, ...(delimiter ? { delimiter } : {}) });
    return { rows: rows.map((cells) => Object.fromEntries(header.map((column, j) => [column, cells[j] === '' ? null : cells[j]]))), lines: lines ?? rows.map((_, i) => i + 2) };
  } catch (err) {
    if (err instanceof EngineError) throw new UsageError(err.message, typeof err.details.line === 'number' ? `${file}:${err.details.line}` : file);
    throw err;
  }
}
