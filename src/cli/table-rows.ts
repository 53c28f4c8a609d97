/**
 * @module cli/table-rows
 * A CSV or Parquet file read into JSON rows for requests that need them (predictions with explanations):
 * the header names the columns, an empty cell (a Parquet null) is a missing value, as the server reads
 * table bodies. A malformed file is refused naming the file (and line).
 */
import Papa from 'papaparse';
import type { Row } from '../client';
import { EngineError } from '../engine/core/errors';
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

export function csvToRows(text: string, file: string): Row[] {
  const parsed = Papa.parse<Record<string, string>>(text, { header: true, skipEmptyLines: true });
  const problem = parsed.errors[0];
  // Delimiter guessing is noise for one-column files; anything else is a broken file.
  if (problem && problem.code !== 'UndetectableDelimiter') {
    const line = problem.row !== undefined ? `:${problem.row + 2}` : '';
    throw new UsageError(`not a valid CSV file: ${problem.message}`, `${file}${line}`);
  }
  if (parsed.meta.fields === undefined || parsed.meta.fields.length === 0) throw new UsageError('the file has no header row', file);
  return parsed.data.map((record) => {
    const row: Row = {};
    for (const [column, cell] of Object.entries(record)) row[column] = cell === '' ? null : cell;
    return row;
  });
}
