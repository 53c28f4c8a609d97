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
import { type ColumnCap, columnCapText, columnCountAllowed } from './column-cap';
import type { CsvLimits, CsvTable } from './csv';
import type { CsvColumns } from './csv-columns';
import { float32Text } from './numeric-precision';
import { type ParquetGroupSize, parquetPieces } from './parquet-pieces';

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

/** No turn to give: the pieces of a decode run back to back (the CLI, and callers that do not share a thread). */
const NO_TURN = async (): Promise<void> => undefined;

/** Cells turned from columns into rows between two turns of the host (a few milliseconds). */
const ROW_CELLS_PER_TURN = 250_000;

/** The file's table of text cells, a row at a time (uploads); see readParquetColumns. */
export async function readParquetTable(bytes: Uint8Array, limits: Partial<ParquetLimits> = {}, yieldControl: () => Promise<void> = NO_TURN): Promise<CsvTable> {
  const { header, rows, columns, warnings } = await readParquetColumns(bytes, limits, yieldControl);
  const table: string[][] = new Array(rows);
  let cells = 0;
  for (let i = 0; i < rows; i++) {
    const row = new Array<string>(columns.length);
    for (let j = 0; j < columns.length; j++) row[j] = columns[j][i];
    table[i] = row;
    cells += columns.length;
    if (cells >= ROW_CELLS_PER_TURN) {
      cells = 0;
      await yieldControl();
    }
  }
  return { header, rows: table, ...(warnings ? { warnings } : {}) };
}

/**
 * The row index pandas writes beside the data when it is not a plain 0..n-1 range (a filtered or sorted
 * frame's `to_parquet`), named `__index_level_0__` and so on. It is the frame's row order, not a value of
 * the data: read as a feature it leaks the order into training and is never sent to predict.
 */
const PANDAS_INDEX_RE = /^__index_level_\d+__$/;

function pandasIndexWarning(names: readonly string[]): string {
  return `column${names.length === 1 ? '' : 's'} ${names.map((n) => `"${n}"`).join(', ')} ${names.length === 1 ? 'is' : 'are'} the row index pandas wrote beside the data (the frame's row order, not a value of it) and ${names.length === 1 ? 'was' : 'were'} left out; to keep an index as a column, name it (df.index.name) or reset it (df.reset_index())`;
}

/**
 * The file's table of text cells, a column at a time as Parquet stores it (batch predictions read it so).
 * EngineError('invalid_parquet') naming the column (and row) on anything it cannot hold;
 * EngineError('payload_too_large') over maxCells, before any data is decoded.
 * The data is decoded in pieces of a few tens of milliseconds (engine/data/parquet-pieces), awaiting
 * `yieldControl` after each: under workerd a large upload's seconds of decoding would otherwise keep
 * every other request to the isolate waiting. The cells are the same however the host takes its turns.
 */
export async function readParquetColumns(bytes: Uint8Array, limits: Partial<ParquetLimits> = {}, yieldControl: () => Promise<void> = NO_TURN): Promise<CsvColumns> {
  const { maxRows = 1_000_000, maxColumns = 2_000, maxPixelColumns, maxCells = Number.POSITIVE_INFINITY, rowsOf = 'one dataset' } = limits;
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
  const leaves = leafColumns(parquetSchema(metadata).children, { maxColumns, maxPixelColumns });
  const columns = leaves.filter((c) => !PANDAS_INDEX_RE.test(c.name));
  const index = leaves.filter((c) => PANDAS_INDEX_RE.test(c.name)).map((c) => c.name);
  if (columns.length === 0) throw invalid('the Parquet file has no columns but the row index pandas wrote', { columns: leaves.length });
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
  // Each column's cells are written up to here: a range of rows is read in whole pages, so it may give rows
  // past its end, which the column's next range then need not read again.
  const reach = new Array<number>(columns.length).fill(0);
  let covered = 0;
  for (const piece of parquetPieces(groupSizes(metadata, position, columns.length), columns.length)) {
    const rowStart = Math.max(piece.rowStart, Math.min(...piece.columns.map((j) => reach[j])));
    covered = Math.max(covered, piece.rowEnd);
    if (rowStart >= piece.rowEnd) continue;
    // Past the piece's start, rowStart is where the column's last page ended. hyparquet skips a page only
    // when the range starts after its last row, so asking from there would decode that page again; from
    // the row after, it decodes the next page whole, rowStart included (each chunk says where it begins).
    const askFrom = rowStart > piece.rowStart && rowStart + 1 < piece.rowEnd ? rowStart + 1 : rowStart;
    const read = (from: number) => readChunks(file, metadata, piece.columns.map((j) => columns[j].fileName), position, from, piece.rowEnd);
    let chunks = await read(askFrom);
    // A page of one row at rowStart would be skipped from the row after: then read from rowStart itself.
    if (askFrom !== rowStart && piece.columns.some((j) => reach[j] <= rowStart && !chunks.some((c) => c.column === j && c.rowStart <= rowStart && rowStart < c.rowStart + c.values.length))) chunks = await read(rowStart);
    writeCells(chunks, columns, cells, rowStart, piece.rowEnd, rows, piece.columns, reach);
    await yieldControl();
  }
  // Rows past the file's row groups (its row count says more; never seen from pyarrow) are missing cells.
  for (const column of cells) for (let i = covered; i < rows; i++) column[i] = '';
  return { header: columns.map((c) => c.name), rows, columns: cells, ...(index.length > 0 ? { warnings: [pandasIndexWarning(index)] } : {}) };
}

/** The chunks of `columnNames` hyparquet hands over for rows [from, to) (whole pages, so often more). */
async function readChunks(file: ArrayBuffer, metadata: ReturnType<typeof parquetMetadata>, columnNames: string[], position: ReadonlyMap<string, number>, from: number, to: number): Promise<Chunk[]> {
  const chunks: Chunk[] = [];
  try {
    await parquetRead({
      file,
      metadata,
      compressors: COMPRESSORS,
      columns: columnNames,
      rowStart: from,
      rowEnd: to,
      // Only kept here: hyparquet calls this in a promise of its own, where a throw would go unseen.
      onChunk: ({ columnName, columnData, rowStart }) => {
        const j = position.get(columnName);
        if (j !== undefined) chunks.push({ column: j, values: columnData, rowStart });
      },
    });
  } catch (err) {
    if (err instanceof EngineError) throw err;
    throw invalid(`the Parquet file's data could not be read: ${messageOf(err)}`);
  }
  return chunks;
}

/** Values of one column as hyparquet hands them over, the first at row `rowStart` of the file. */
interface Chunk {
  readonly column: number;
  readonly values: ArrayLike<unknown>;
  readonly rowStart: number;
}

/**
 * A piece's cells from row `from` of its columns, of the `rows` the file has: a chunk may begin before
 * `from` (pages are read whole; those rows are written already) and run past `to` (those rows are
 * written now, and `reach` says so). A row in [from, to) the file left out of every chunk of a column
 * (never seen from pyarrow) is a missing cell.
 */
function writeCells(chunks: readonly Chunk[], columns: readonly LeafColumn[], cells: string[][], from: number, to: number, rows: number, pieceColumns: readonly number[], reach: number[]): void {
  for (const { column, values, rowStart } of chunks) {
    const { cell } = columns[column];
    const out = cells[column];
    const end = Math.min(rows, rowStart + values.length);
    for (let row = Math.max(from, rowStart, reach[column]); row < end; row++) out[row] = cell(values[row - rowStart], row);
    reach[column] = Math.max(reach[column], end);
  }
  for (const j of pieceColumns) {
    const out = cells[j];
    for (let row = from; row < Math.min(to, rows); row++) out[row] ??= '';
    reach[j] = Math.max(reach[j], to);
  }
}

/** Each row group's rows and its columns' uncompressed bytes, which say how its decode is cut into pieces. */
function groupSizes(metadata: ReturnType<typeof parquetMetadata>, position: ReadonlyMap<string, number>, columnCount: number): ParquetGroupSize[] {
  return metadata.row_groups.map((group) => {
    const bytes = new Array<number>(columnCount).fill(0);
    for (const chunk of group.columns) {
      const j = chunk.meta_data ? position.get(chunk.meta_data.path_in_schema[0]) : undefined;
      if (j !== undefined && chunk.meta_data) bytes[j] += Number(chunk.meta_data.total_uncompressed_size);
    }
    return { rows: Number(group.num_rows), bytes };
  });
}

type SchemaNode = ReturnType<typeof parquetSchema>;

/** The top-level columns with a cell writer each; nested, unnamed and duplicate columns are refused. */
function leafColumns(nodes: readonly SchemaNode[], cap: ColumnCap): LeafColumn[] {
  if (nodes.length === 0) throw invalid('the Parquet file has no columns');
  if (!columnCountAllowed(nodes.map((n) => n.element.name), cap)) throw invalid(`the file has ${nodes.length} columns; ${columnCapText(cap)}`, { columns: nodes.length });
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
