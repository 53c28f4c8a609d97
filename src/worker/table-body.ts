/**
 * @module worker/table-body
 * Reading a table body, CSV or Parquet, into the engine's text cells (rows for uploads, columns for
 * batch predictions): the size cap while streaming, then the parser the media type names. A Parquet
 * file sent as application/octet-stream is recognised by its magic bytes (curl and many HTTP clients
 * default to that type for a binary file); one sent as text/csv is refused saying which type to use
 * (csv-body).
 * An upload's cells are then held to the field-size limit, named by line (CSV) or row (Parquet).
 * A batch prediction's refused cell is named the same way (worker/row-refusals).
 */
import { type CsvTable, looksLikeParquet, readParquetColumns, readParquetTable } from '../engine';
import type { CsvColumns } from '../engine/data/csv-columns';
import { MAX_PIXEL_TABLE_COLUMNS } from '../engine/data/images/image-table';
import { columnCap, CSV_TYPES, type CsvBodyLimits, parseCsvBytesYielding, parseCsvColumnsBytes } from './csv-body';
import { giveTurn } from './give-turn';
import { enforceFieldSizeYielding, type Limits } from './limits';
import { readBodyLimited } from './storage';

/** Media types read as Parquet. */
export const PARQUET_TYPES = new Set(['application/vnd.apache.parquet', 'application/x-parquet', 'application/parquet']);

export type TableFormat = 'csv' | 'parquet';

/** Whether a media type names a table body (CSV, Parquet, or octet-stream to be sniffed). */
export const isTableType = (mediaType: string) => CSV_TYPES.has(mediaType) || PARQUET_TYPES.has(mediaType);

const formatOf = (mediaType: string, bytes: Uint8Array): TableFormat =>
  PARQUET_TYPES.has(mediaType) || (mediaType === 'application/octet-stream' && looksLikeParquet(bytes)) ? 'parquet' : 'csv';

/**
 * The most cells a dataset may hold: what the largest CSV body of filled cells could (two bytes a cell, a
 * cell and its comma), whatever its format (an upload of empty cells is held to it too).
 */
export const maxDatasetCells = (maxBytes: number) => Math.floor(maxBytes / 2);

/** A Parquet table may decode to no more cells than the largest CSV body could hold. */
const parquetLimits = (limits: CsvBodyLimits) => ({ maxRows: limits.maxRows, ...columnCap(limits), maxCells: maxDatasetCells(limits.maxBytes), rowsOf: limits.rowsOf });

/**
 * An upload's bytes (stored as uploaded), its format and its table; 4xx naming what is wrong otherwise.
 * A CSV is decoded and parsed, a Parquet file decoded, and their cells' sizes checked, giving the thread's turn away every few tens of milliseconds (worker/give-turn):
 * a 50 MB file takes seconds, which requests sharing the isolate must not wait for.
 */
export async function readTableBody(req: Request, mediaType: string, limits: Limits): Promise<{ bytes: Uint8Array; format: TableFormat; table: CsvTable }> {
  const bytes = await readBodyLimited(req, limits.maxUploadBytes);
  const format = formatOf(mediaType, bytes);
  const shape = { maxBytes: limits.maxUploadBytes, maxRows: limits.maxRows, maxColumns: limits.maxColumns, maxPixelColumns: Math.max(limits.maxColumns, MAX_PIXEL_TABLE_COLUMNS) };
  // A CSV of empty cells holds more cells than its bytes over two: held to the Parquet bound as it parses.
  const table = format === 'parquet' ? await readParquetTable(bytes, parquetLimits(shape), giveTurn) : await parseCsvBytesYielding(bytes, { ...shape, maxCells: maxDatasetCells(shape.maxBytes) }, req.headers.get('content-type') ?? undefined, giveTurn);
  await enforceFieldSizeYielding(table, limits.maxFieldBytes, format, giveTurn);
  return { bytes, format, table };
}

/** A batch prediction's table and the format it came in (which says how its rows are named in refusals). */
export interface TableColumnsBody {
  readonly format: TableFormat;
  readonly table: CsvColumns;
}

/** A batch prediction's body as columns of cells, CSV or Parquet; the same refusals as an upload's reading. */
export async function readTableColumnsBody(req: Request, mediaType: string, limits: CsvBodyLimits): Promise<TableColumnsBody> {
  const bytes = await readBodyLimited(req, limits.maxBytes, 'a prediction request\'s CSV or Parquet body');
  if (formatOf(mediaType, bytes) === 'parquet') return { format: 'parquet', table: await readParquetColumns(bytes, parquetLimits(limits)) };
  return { format: 'csv', table: parseCsvColumnsBytes(bytes, limits, req.headers.get('content-type') ?? undefined) };
}
