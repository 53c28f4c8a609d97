/**
 * @module worker/table-body
 * Reading a table upload's body, CSV or Parquet, into the engine's table of text cells: the size cap
 * while streaming, then the parser the media type names. A Parquet file sent as
 * application/octet-stream is recognised by its magic bytes (curl and many HTTP clients default to
 * that type for a binary file); one sent as text/csv is refused saying which type to use (csv-body).
 * Every cell is then held to the field-size limit, named by line (CSV) or row (Parquet).
 */
import { type CsvTable, looksLikeParquet, readParquetTable } from '../engine';
import { CSV_TYPES, parseCsvBytes } from './csv-body';
import { enforceFieldSize, type Limits } from './limits';
import { readBodyLimited } from './storage';

/** Media types read as Parquet. */
export const PARQUET_TYPES = new Set(['application/vnd.apache.parquet', 'application/x-parquet', 'application/parquet']);

export type TableFormat = 'csv' | 'parquet';

/** Whether a media type names a table body (CSV, Parquet, or octet-stream to be sniffed). */
export const isTableType = (mediaType: string) => CSV_TYPES.has(mediaType) || PARQUET_TYPES.has(mediaType);

/** The body's bytes (stored as uploaded), its format and its table; 4xx naming what is wrong otherwise. */
export async function readTableBody(req: Request, mediaType: string, limits: Limits): Promise<{ bytes: Uint8Array; format: TableFormat; table: CsvTable }> {
  const bytes = await readBodyLimited(req, limits.maxUploadBytes);
  const format: TableFormat = PARQUET_TYPES.has(mediaType) || (mediaType === 'application/octet-stream' && looksLikeParquet(bytes)) ? 'parquet' : 'csv';
  const shape = { maxRows: limits.maxRows, maxColumns: limits.maxColumns };
  // A Parquet table may decode to no more cells than the largest CSV upload could hold (two bytes a cell).
  const table = format === 'parquet' ? await readParquetTable(bytes, { ...shape, maxCells: Math.floor(limits.maxUploadBytes / 2) }) : parseCsvBytes(bytes, shape);
  enforceFieldSize(table, limits.maxFieldBytes, format);
  return { bytes, format, table };
}
