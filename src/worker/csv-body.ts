/**
 * @module worker/csv-body
 * Parsing a CSV request body (read by worker/table-body), shared by uploads and batch predictions: strict
 * UTF-8, line endings unified, then the engine's CSV parser with row and column caps. Every failure is
 * the contract's 4xx naming what is wrong (and the line, from the parser); a Parquet file or a zip sent
 * under a CSV type (or application/octet-stream) is told apart by its magic bytes and named. A UTF-16 file
 * and a NUL byte are refused before they decode (without error) into names and cells full of NULs.
 */
import { type CsvTable, looksLikeParquet, parseCsv } from '../engine';
import { EngineError } from '../engine/core/errors';
import { runSteps, runStepsYielding, type Steps } from '../engine/core/steps';
import { invalidUtf8Position, UTF8_PIECE_BYTES, utf8DecodeStrictSteps } from '../engine/core/utf8';
import { nulBytePosition, utf16Order } from '../engine/core/text-sniff';
import { decodeWindows1252, WINDOWS_1252_LABELS } from '../engine/core/windows-1252';
import { parseCsvYielding } from '../engine/data/csv';
import { type CsvColumns, parseCsvColumns } from '../engine/data/csv-columns';
import { looksLikeZip, officeDocumentOfBytes } from '../engine/data/images/zip-entries';
import { LINE_ENDING_PIECE_CHARS, unifyLineEndingsSteps } from '../engine/data/line-endings';
import { ApiError } from './errors';

/** Media types read as CSV (spreadsheet exports and curl defaults included). */
export const CSV_TYPES = new Set(['text/csv', 'application/csv', 'text/tab-separated-values', 'text/plain', 'application/octet-stream']);

export const mediaTypeOf = (header: string | undefined) => (header ?? '').split(';')[0].trim().toLowerCase();

export interface CsvBodyLimits {
  readonly maxBytes: number;
  readonly maxRows: number;
  readonly maxColumns: number;
  /** The most columns of a table of an image's pixels as columns (engine data/column-cap); absent: maxColumns. */
  readonly maxPixelColumns?: number;
  /** What maxRows is the most of (engine CsvLimits.rowsOf). */
  readonly rowsOf?: string;
  /** The most cells an upload's table may hold (worker/table-body maxDatasetCells); none for predictions. */
  readonly maxCells?: number;
}

/** The column cap of a body's limits, in the engine's terms. */
export const columnCap = (limits: Pick<CsvBodyLimits, 'maxColumns' | 'maxPixelColumns'>) => ({ maxColumns: limits.maxColumns, ...(limits.maxPixelColumns !== undefined ? { maxPixelColumns: limits.maxPixelColumns } : {}) });

/**
 * A body's bytes parsed as a CSV table (uploads; worker/table-body reads the body). `contentType` is the
 * request's header, whose charset may name Windows-1252 (Excel's "CSV" on Windows) instead of UTF-8.
 */
export function parseCsvBytes(bytes: Uint8Array, limits: Omit<CsvBodyLimits, 'maxBytes'>, contentType?: string): CsvTable {
  return parseCsv(csvText(bytes, contentType), { maxRows: limits.maxRows, ...columnCap(limits), ...declaredDelimiter(contentType) });
}

/**
 * parseCsvBytes handing the thread back (`yieldControl`) while it decodes and parses, a large upload's
 * seconds of work in slices of tens of milliseconds: the same table and the same refusals. The decoded
 * pieces are joined in one go (a copy of the text, about 0.1 s for 45 MB).
 */
export async function parseCsvBytesYielding(bytes: Uint8Array, limits: Omit<CsvBodyLimits, 'maxBytes'>, contentType: string | undefined, yieldControl: () => Promise<void>): Promise<CsvTable> {
  await yieldControl();
  const text = await runStepsYielding(csvTextSteps(bytes, contentType, PIECES), yieldControl);
  await yieldControl();
  return parseCsvYielding(text, { maxRows: limits.maxRows, ...columnCap(limits), ...(limits.maxCells !== undefined ? { maxCells: limits.maxCells } : {}), ...declaredDelimiter(contentType) }, yieldControl);
}

/**
 * A body's bytes as columns of cells (batch predictions): the same table and refusals as parseCsvBytes,
 * transposed. A refused body that reads as JSON was sent under a CSV type (text/plain is one), so its
 * refusal says which type to use: the parser's own words ("a header but no data rows") would not.
 */
export function parseCsvColumnsBytes(bytes: Uint8Array, limits: Omit<CsvBodyLimits, 'maxBytes'>, contentType?: string): CsvColumns {
  const text = csvText(bytes, contentType);
  try {
    return parseCsvColumns(text, { maxRows: limits.maxRows, ...columnCap(limits), rowsOf: limits.rowsOf, ...declaredDelimiter(contentType) });
  } catch (err) {
    if (err instanceof EngineError && err.code === 'invalid_csv' && looksLikeJson(text)) {
      throw new EngineError(err.code, `${err.message}; the body looks like JSON: send it with Content-Type: application/json`, err.details, { cause: err });
    }
    throw err;
  }
}

/** Whether a text starts as a JSON object or array does (after any byte-order mark and white space). */
const looksLikeJson = (text: string) => /^\uFEFF?\s*[[{]/.test(text.slice(0, 1024));

/** Whether the bytes start as a gzip file does (1f 8b): a compressed body sent as it is. */
export const looksLikeGzip = (bytes: Uint8Array): boolean => bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;

/** A tab-separated body says so by its media type: its tabs separate fields whatever the header's commas. */
const declaredDelimiter = (contentType: string | undefined): { delimiter?: '\t' } => (mediaTypeOf(contentType) === 'text/tab-separated-values' ? { delimiter: '\t' } : {});

/** The charset parameter of a Content-Type header, lower case; undefined when there is none. */
function charsetOf(contentType: string | undefined): string | undefined {
  const match = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType ?? '');
  return match?.[1].toLowerCase();
}

/**
 * The text of the body in its declared charset (UTF-8 unless it names Windows-1252 or Latin-1, and always
 * UTF-8 after a UTF-8 byte-order mark), line endings unified.
 */
function csvText(bytes: Uint8Array, contentType?: string): string {
  return runSteps(csvTextSteps(bytes, contentType, AT_ONCE));
}

/** How much is decoded (bytes) and unified (characters) between two turns of the host. */
interface TextPieces {
  readonly bytes: number;
  readonly chars: number;
}

const AT_ONCE: TextPieces = { bytes: Infinity, chars: Infinity };
const PIECES: TextPieces = { bytes: UTF8_PIECE_BYTES, chars: LINE_ENDING_PIECE_CHARS };

/** csvText as steps, decoding and unifying line endings in pieces (engine/core/steps). */
function* csvTextSteps(bytes: Uint8Array, contentType: string | undefined, pieces: TextPieces): Steps<string> {
  const charset = charsetOf(contentType);
  // A gzip file's bytes would be refused as "not valid UTF-8", and re-saving it as the advice says would not help.
  if (looksLikeGzip(bytes)) {
    throw new ApiError(415, 'unsupported_media_type', 'the body is gzip-compressed; send the CSV uncompressed (gunzip it first), or as Parquet (application/vnd.apache.parquet), which compresses inside the file', { field: 'content-type' });
  }
  // Before any decoding: UTF-16 decodes without error as UTF-8 (no mark) or Windows-1252, into NULs.
  refuseUtf16(bytes);
  // Checked before decoding, whatever the charset: a zip of stored text files may even be valid UTF-8, but no CSV starts with PK\x03\x04.
  const office = officeDocumentOfBytes(bytes);
  if (office) {
    throw new ApiError(415, 'unsupported_media_type', `the body is ${office}, not CSV; export the sheet as "CSV UTF-8" and send that (or a Parquet file as application/vnd.apache.parquet)`, { field: 'content-type' });
  }
  if (looksLikeZip(bytes)) {
    throw new ApiError(415, 'unsupported_media_type', 'the body is a zip file sent as a table; send a zip of class folders of images to PUT /v1/datasets/{name} with Content-Type: application/zip', { field: 'content-type' });
  }
  // A UTF-8 byte-order mark settles the encoding whatever the charset says: Excel's "CSV UTF-8" sent by a
  // client whose text types default to ISO-8859-1 would read as "ï»¿id" and "ZÃ¼rich" in Windows-1252.
  const utf8Marked = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  if (!utf8Marked && charset !== undefined && WINDOWS_1252_LABELS.has(charset)) {
    if (looksLikeParquet(bytes)) throw parquetAsCsv();
    refuseNulByte(bytes);
    return yield* unifyLineEndingsSteps(yield* windows1252Steps(bytes, pieces.bytes), pieces.chars);
  }
  if (!utf8Marked && charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
    throw new ApiError(415, 'unsupported_media_type', `charset "${charset}" is not supported; send UTF-8 (or declare charset=windows-1252 for a Windows spreadsheet export)`, { field: 'content-type' });
  }
  const text = yield* utf8DecodeStrictSteps(bytes, pieces.bytes);
  if (text === undefined && looksLikeParquet(bytes)) throw parquetAsCsv();
  if (text === undefined) {
    const { line, byte } = invalidUtf8Position(bytes) ?? { line: 1, byte: 1 };
    throw new ApiError(400, 'invalid_encoding', `line ${line} is not valid UTF-8 (byte ${byte} of the file); re-save the file as UTF-8 CSV, or send it with Content-Type: text/csv; charset=windows-1252 if a Windows spreadsheet wrote it`, { line, byte });
  }
  // After the Parquet check: a Parquet file holds NULs too, and is better named as what it is.
  refuseNulByte(bytes);
  return yield* unifyLineEndingsSteps(text, pieces.chars);
}

const parquetAsCsv = () => new ApiError(415, 'unsupported_media_type', 'the body is a Parquet file sent as CSV; send it with Content-Type: application/vnd.apache.parquet', { field: 'content-type' });

/**
 * UTF-16 is refused rather than decoded: the contract reads UTF-8 (or a declared Windows-1252), the
 * refusals name UTF-8 byte positions, and a file without a byte-order mark is known only by a guess.
 */
function refuseUtf16(bytes: Uint8Array): void {
  const order = utf16Order(bytes);
  // A zip or Parquet file is named as what it is below, however many NULs its first bytes hold.
  if (order === undefined || looksLikeZip(bytes) || looksLikeParquet(bytes)) return;
  const marked = (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff);
  const how = marked ? 'its byte-order mark says so' : 'every other byte is a NUL';
  throw new ApiError(400, 'invalid_encoding', `the file is UTF-16 (${order === 'utf-16le' ? 'little' : 'big'}-endian; ${how}), as Excel's "Unicode Text" saves it; re-save it as "CSV UTF-8" and send that`, { line: 1, byte: 1 });
}

/** A NUL byte is refused naming its line: it would end up inside a column name or a category no client can type. */
function refuseNulByte(bytes: Uint8Array): void {
  const at = nulBytePosition(bytes);
  if (at === undefined) return;
  throw new ApiError(400, 'invalid_encoding', `line ${at.line} holds a NUL byte (byte ${at.byte} of the file), which no CSV cell may hold; remove it, or re-save the file as "CSV UTF-8"`, at);
}

/** Windows-1252 bytes decoded `pieceBytes` at a time: one character a byte, so the pieces join to the whole. */
function* windows1252Steps(bytes: Uint8Array, pieceBytes: number): Steps<string> {
  if (bytes.length <= pieceBytes) return decodeWindows1252(bytes);
  const parts: string[] = [];
  for (let start = 0; start < bytes.length; start += pieceBytes) {
    parts.push(decodeWindows1252(bytes.subarray(start, start + pieceBytes)));
    yield;
  }
  return parts.join('');
}
