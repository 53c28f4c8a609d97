/**
 * @module worker/json-body
 * A JSON request body's text: read under the JSON size cap while it streams (a body sent without
 * Content-Length was read whole before its size was checked), decoded as strict UTF-8 (a Windows-1252
 * "Zürich" silently became "Z\uFFFDrich" and then an unseen category), and, when it is not JSON at all,
 * refused saying what it looks like instead: a CSV table, a PNG or JPEG image, a zip or Parquet file sent
 * without its media type (curl --data-binary sends application/x-www-form-urlencoded) was answered with
 * the parser's "Unexpected token" alone.
 */
import { looksLikeParquet } from '../engine';
import { invalidUtf8Position, utf8DecodeStrict } from '../engine/core/utf8';
import { imageFormatOf } from '../engine/data/images/decode-image';
import { looksLikeZip, officeDocumentOfBytes } from '../engine/data/images/zip-entries';
import { looksLikeGzip } from './csv-body';
import { ApiError } from './errors';
import { readBodyLimited } from './storage';

/** What a body that is not JSON looks like, for the refusal; undefined when it looks like nothing known. */
function binaryKind(bytes: Uint8Array): string | undefined {
  const image = imageFormatOf(bytes);
  if (image) return image === 'png' ? 'a PNG image' : 'a JPEG image';
  if (looksLikeZip(bytes)) return officeDocumentOfBytes(bytes) ?? 'a zip file';
  if (looksLikeGzip(bytes)) return 'a gzip file';
  if (looksLikeParquet(bytes)) return 'a Parquet file';
  return undefined;
}

/** Where a table may be sent instead of JSON, for the refusals; absent on routes that take JSON only. */
export interface JsonBodyOptions {
  /** The route also reads a CSV or Parquet body (predict): the refusal says which Content-Type to use. */
  readonly tables?: boolean;
  /** The route's image rows, when a raw image is a likely mistake: how to send one in JSON instead. */
  readonly imageHint?: string;
}

/** The body's text, or the contract's 413 (over `limit` bytes), 415 (a binary file) or 400 (not UTF-8). */
export async function jsonBodyText(req: Request, limit: number, options: JsonBodyOptions = {}): Promise<string> {
  const bytes = await readBodyLimited(req, limit, 'a JSON body');
  const kind = binaryKind(bytes);
  if (kind) {
    const instead = kind.endsWith('image')
      ? options.imageHint
      : !options.tables
        ? undefined
        : kind === 'a Parquet file'
          ? 'send it with Content-Type: application/vnd.apache.parquet'
          : kind.startsWith('an Excel')
            ? 'export the sheet as "CSV UTF-8" and send that with Content-Type: text/csv'
            : undefined;
    throw new ApiError(415, 'unsupported_media_type', `the body is ${kind}, not JSON${instead ? `; ${instead}` : ''}`, { field: 'content-type' });
  }
  const text = utf8DecodeStrict(bytes);
  if (text === undefined) {
    const { line, byte } = invalidUtf8Position(bytes) ?? { line: 1, byte: 1 };
    throw new ApiError(400, 'invalid_encoding', `the body is not valid UTF-8 at line ${line} (byte ${byte} of the body); JSON is read as UTF-8`, { line, byte });
  }
  return text;
}

/**
 * The refusal of a body JSON.parse rejected: the parser's message, and when the text's first line reads
 * like a CSV header (names and commas, no brace or bracket) on a route that takes tables, the media type
 * that sends it as one.
 */
export function notJson(text: string, reason: string, options: JsonBodyOptions = {}): ApiError {
  const first = text.trimStart().split(/\r?\n/, 1)[0] ?? '';
  const looksCsv = options.tables === true && first.includes(',') && !/^[[{"]/.test(first);
  const hint = looksCsv ? '; it looks like a CSV table: send it with Content-Type: text/csv' : '';
  return new ApiError(400, 'invalid_json', `the body is not valid JSON: ${reason.slice(0, 200)}${hint}`);
}
