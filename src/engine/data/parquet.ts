/**
 * @module engine/data/parquet
 * Reads a Parquet file into the same table of text cells the CSV reader gives, so typing, profiling and
 * training see one shape whatever the upload format. hyparquet decodes (pure JavaScript, so it runs in
 * a Worker). Codecs beyond its built-in snappy come from hyparquet-compressors' pure-JS decoders and
 * fzstd, imported one by one: the package's ready-made map also loads a wasm snappy, and a Worker may not
 * compile wasm at run time.
 *
 * Cells are written the way the file's types mean them: integers exactly (64-bit ones too), doubles in
 * JavaScript's shortest round-trip form, floats as their shortest Float32 text, decimals as numbers,
 * booleans as true/false, dates as YYYY-MM-DD and timestamps as ISO-8601 UTC, null as the empty (missing)
 * cell. Nested columns (lists, maps, structs) are refused by name: a table row has one value per column.
 */
// The decoders' types, for any program that compiles this module (the typed client's users too).
/// <reference path="./hyparquet-codecs.d.ts" />
import { parquetMetadata, parquetRead, parquetSchema } from 'hyparquet';
import { decompressBrotli } from 'hyparquet-compressors/src/brotli.js';
import { gunzip } from 'hyparquet-compressors/src/gzip.js';
import { decompressLz4, decompressLz4Raw } from 'hyparquet-compressors/src/lz4.js';
import { decompress as decompressZstd } from 'fzstd';
import { EngineError } from '../core/errors';
import type { CsvLimits, CsvTable } from './csv';
import type { CsvColumns } from './csv-columns';
import { float32Text } from './numeric-precision';

type Decompress = (input: Uint8Array, outputLength: number) => Uint8Array;

/** Decoders by codec name; SNAPPY is hyparquet's own. A page that decodes to nothing skips the decoder (LZ4_RAW fails on it). */
const COMPRESSORS: Record<string, Decompress> = Object.fromEntries(
  Object.entries<Decompress>({
    GZIP: (input, length) => gunzip(input, new Uint8Array(length)),
    BROTLI: decompressBrotli,
    ZSTD: (input) => decompressZstd(input),
    LZ4: decompressLz4,
    LZ4_RAW: decompressLz4Raw,
  }).map(([codec, decode]) => [codec, (input: Uint8Array, length: number) => (length === 0 ? new Uint8Array(0) : decode(input, length))]),
);

const MAGIC = 'PAR1';

/** True when the bytes start like a Parquet file (plain or with an encrypted footer). */
export function looksLikeParquet(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && (ascii(bytes, 0) === MAGIC || ascii(bytes, 0) === 'PARE');
}

function ascii(bytes: Uint8Array, at: number): string {
  return String.fromCharCode(bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]);
}

const invalid = (message: string, details: Record<string, unknown> = {}) => new EngineError('invalid_parquet', message, details);

interface LeafColumn {
  /** The name as the file spells it (hyparquet reports chunks by it). */
  readonly fileName: string;
  /** The name with surrounding spaces trimmed, as the CSV reader trims a header. */
  readonly name: string;
  readonly cell: (value: unknown, row: number) => string;
}

export interface ParquetLimits extends CsvLimits {
  /**
   * Most cells (rows x columns). Parquet compresses well, so a file under the upload's byte cap may hold
   * far more cells than a CSV of that size could; the caller sets the CSV's bound (a cell and its comma
   * take two bytes at least) so either format decodes to a table of the same size at most.
   */
  readonly maxCells: number;
}

/** The file's table of text cells, a row at a time (uploads); see readParquetColumns. */
export async function readParquetTable(bytes: Uint8Array, limits: Partial<ParquetLimits> = {}): Promise<CsvTable> {
  const { header, rows, columns } = await readParquetColumns(bytes, limits);
  const table: string[][] = new Array(rows);
  for (let i = 0; i < rows; i++) {
    const row = new Array<string>(columns.length);
    for (let j = 0; j < columns.length; j++) row[j] = columns[j][i];
    table[i] = row;
  }
  return { header, rows: table };
}

/**
 * The file's table of text cells, a column at a time as Parquet stores it (batch predictions read it so).
 * EngineError('invalid_parquet') naming the column (and row) on anything it cannot hold;
 * EngineError('payload_too_large') over maxCells, before any data is decoded.
 */
export async function readParquetColumns(bytes: Uint8Array, limits: Partial<ParquetLimits> = {}): Promise<CsvColumns> {
  const { maxRows = 1_000_000, maxColumns = 2_000, maxCells = Number.POSITIVE_INFINITY, rowsOf = 'one dataset' } = limits;
  if (bytes.length < 12 || ascii(bytes, 0) !== MAGIC || ascii(bytes, bytes.length - 4) !== MAGIC) {
    if (bytes.length >= 8 && ascii(bytes, bytes.length - 4) === 'PARE') throw invalid('the Parquet file is encrypted; write it without encryption');
    throw invalid('the file is not a Parquet file (it must begin and end with "PAR1"); send CSV as text/csv');
  }
  // The bytes' own buffer when they fill it (the usual request body), else a copy of just them.
  const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
  const file = (whole ? bytes.buffer : bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)) as ArrayBuffer;
  let metadata: ReturnType<typeof parquetMetadata>;
  try {
    metadata = parquetMetadata(file);
  } catch (err) {
    throw invalid(`the Parquet file's footer could not be read: ${messageOf(err)}`);
  }
  const columns = leafColumns(parquetSchema(metadata).children, maxColumns);
  const rows = Number(metadata.num_rows);
  if (rows > maxRows) throw invalid(`the file has ${rows} rows, more than the ${maxRows} ${rowsOf} may hold`, { rows, max_rows: maxRows });
  if (rows === 0) throw invalid('the Parquet file has no rows', { rows: 0 });
  const cellCount = rows * columns.length;
  if (cellCount > maxCells) {
    throw new EngineError('payload_too_large', `the Parquet file holds ${cellCount} cells (${rows} rows x ${columns.length} columns); a dataset may hold at most ${maxCells}`, {
      cells: cellCount,
      limit: maxCells,
    });
  }

  const cells = columns.map(() => new Array<string>(rows));
  const position = new Map(columns.map((c, j) => [c.fileName, j]));
  try {
    await parquetRead({
      file,
      compressors: COMPRESSORS,
      onChunk: ({ columnName, columnData, rowStart }) => {
        const j = position.get(columnName);
        if (j === undefined) return;
        const { cell } = columns[j];
        const out = cells[j];
        for (let i = 0; i < columnData.length; i++) out[rowStart + i] = cell(columnData[i], rowStart + i);
      },
    });
  } catch (err) {
    if (err instanceof EngineError) throw err;
    throw invalid(`the Parquet file's data could not be read: ${messageOf(err)}`);
  }
  // A row the file left out of every chunk of a column (never seen from pyarrow) is a missing cell.
  for (const column of cells) for (let i = 0; i < rows; i++) column[i] ??= '';
  return { header: columns.map((c) => c.name), rows, columns: cells };
}

type SchemaNode = ReturnType<typeof parquetSchema>;

/** The top-level columns with a cell writer each; nested, unnamed and duplicate columns are refused. */
function leafColumns(nodes: readonly SchemaNode[], maxColumns: number): LeafColumn[] {
  if (nodes.length === 0) throw invalid('the Parquet file has no columns');
  if (nodes.length > maxColumns) throw invalid(`the file has ${nodes.length} columns; at most ${maxColumns} are allowed`, { columns: nodes.length });
  const seen = new Set<string>();
  return nodes.map((node, index) => {
    const { element } = node;
    const name = element.name.trim();
    if (name === '') throw invalid(`column ${index + 1} has no name`, { column_index: index + 1 });
    if (seen.has(name)) throw invalid(`column name "${name}" appears twice`, { column: name });
    seen.add(name);
    if (node.children.length > 0 || element.repetition_type === 'REPEATED') {
      throw invalid(`column "${name}" is nested (a list, map or struct); flatten it into plain columns before uploading`, { column: name });
    }
    return { fileName: element.name, name, cell: cellWriter(name, element.type === 'FLOAT', element.converted_type === 'DATE' || element.logical_type?.type === 'DATE') };
  });
}

function cellWriter(column: string, float32: boolean, dateOnly: boolean): (value: unknown, row: number) => string {
  return (value, row) => {
    if (value === null || value === undefined) return '';
    switch (typeof value) {
      case 'string':
        return value;
      case 'number':
        if (Number.isNaN(value)) return '';
        return float32 ? float32Text(value) : String(value);
      case 'bigint':
      case 'boolean':
        return String(value);
    }
    if (value instanceof Date) {
      const ms = value.getTime();
      if (Number.isNaN(ms)) throw invalid(`row ${row + 1} of the Parquet file, column "${column}": the time is outside the range dates can hold`, { row: row + 1, column });
      const iso = value.toISOString();
      return dateOnly ? iso.slice(0, 10) : iso;
    }
    if (value instanceof Uint8Array) {
      throw invalid(`column "${column}" holds binary values; store text as UTF-8 strings`, { column, row: row + 1 });
    }
    // JSON, variant and geometry values: their JSON text, a text column like any other.
    return JSON.stringify(value, (_key, v) => (typeof v === 'bigint' ? String(v) : v));
  };
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
