/**
 * @module cli/predict-inputs
 * The files `predict` is given, judged before anything is sent and named when the server refuses one:
 * an image in a format the server does not decode (GIF, BMP, WebP, TIFF, HEIC) or a zip is refused here
 * with what predict reads, instead of being sent as a CSV and refused as text that is not UTF-8; and the
 * server's refusal of a table body names the file it came from (with more than one file on the command
 * line, "the file has a header but no data rows" did not say which).
 */
import { extname } from 'node:path';
import { ApiClientError } from '../client';
import { HintedApiError, UsageError } from './errors';
import { sniffFile } from './file-magic';
import { unsupportedImageFormat } from './image-files';

/** What a predict command takes, for refusals of anything else. */
export const PREDICT_INPUTS = 'predict reads one CSV (with a header row) or Parquet table, or PNG/JPEG image files';

/** Refusals of the server's table readers: the file's contents, not a row's values. */
const TABLE_REFUSALS: ReadonlySet<string> = new Set(['invalid_csv', 'invalid_parquet', 'unsupported_media_type']);
/** Extensions that say a file is a table: a refusal of one is about its contents, not its kind. */
const TABLE_NAME = /^\.(csv|tsv|parquet|pq)$/i;

/** Throws naming the first file predict cannot send: an image it does not decode, or a zip. */
export function refuseUnsendable(files: readonly { path: string; bytes: Uint8Array }[]): void {
  for (const { path, bytes } of files) {
    const format = unsupportedImageFormat(path, bytes);
    if (format) throw new UsageError(`${format} images are not read; convert it to PNG or JPEG (${PREDICT_INPUTS})`, path);
    if (sniffFile(bytes) === 'zip') throw new UsageError(`a zip file is not read; give its images as files (${PREDICT_INPUTS})`, path);
  }
}

/**
 * The server's refusal of a table file's body as one naming the file, with what predict reads when the
 * file's name does not say it is a table (notes.txt, data); any other error unchanged.
 */
export function nameTableFile(err: unknown, file: string): unknown {
  if (!(err instanceof ApiClientError) || !TABLE_REFUSALS.has(err.code) || err instanceof HintedApiError) return err;
  const message = `${file}: ${err.message}`;
  if (TABLE_NAME.test(extname(file))) return new ApiClientError(err.status, err.code, message, { ...err.details, file }, err.request);
  return new HintedApiError(new ApiClientError(err.status, err.code, message, { ...err.details, file }, err.request), PREDICT_INPUTS);
}
