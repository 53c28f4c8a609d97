/**
 * @module cli/csv-encoding
 * The character encoding of a CSV file the CLI sends (upload) or reads (predict): UTF-8 unless
 * `--encoding` names Windows-1252, the encoding Excel on Windows saves "CSV (Comma delimited)" in, or one
 * of the labels the server reads as it. Without the option a file that is not UTF-8 is refused naming its
 * line, rather than sent with its accented letters turned into replacement characters that match no
 * category the model knows; a UTF-16 file is refused with or without it.
 */
import { utf16Order } from '../engine/core/text-sniff';
import { invalidUtf8Position, utf8DecodeStrict } from '../engine/core/utf8';
import { decodeWindows1252, WINDOWS_1252_LABELS } from '../engine/core/windows-1252';
import { UsageError } from './errors';

export const ENCODING_HELP = 'the CSV file\'s character encoding: utf-8 (default) or windows-1252 (Excel on Windows; also latin1, iso-8859-1)';

/** The --encoding value, checked and lower-cased; undefined means UTF-8. */
export function encodingOption(value: string): string {
  const label = value.trim().toLowerCase();
  if (label === 'utf-8' || label === 'utf8' || WINDOWS_1252_LABELS.has(label)) return label;
  throw new UsageError(`"${value}" is not an encoding the server reads; use utf-8 or windows-1252 (also latin1, iso-8859-1)`, '--encoding');
}

const isUtf8 = (encoding: string | undefined) => encoding === undefined || encoding === 'utf-8' || encoding === 'utf8';

/** The Content-Type a CSV (or, by `mediaType`, a TSV) is sent with: the charset named when it is not UTF-8. */
export const csvContentType = (encoding: string | undefined, mediaType = 'text/csv'): string => (isUtf8(encoding) ? mediaType : `${mediaType}; charset=${encoding}`);

/** A CSV file's text in its encoding; a UTF-8 file with invalid bytes is refused, naming the line. */
export function decodeCsvFile(bytes: Uint8Array, file: string, encoding: string | undefined): string {
  // Whatever --encoding says: UTF-16 reads as either without error, into NULs (the server refuses it too).
  if (utf16Order(bytes) !== undefined) throw new UsageError('the file is UTF-16, as Excel\'s "Unicode Text" saves it; re-save it as "CSV UTF-8"', file);
  if (!isUtf8(encoding)) return decodeWindows1252(bytes);
  const text = utf8DecodeStrict(bytes);
  if (text !== undefined) return text;
  const bad = invalidUtf8Position(bytes);
  // Valid UTF-8 that did not decode is a text longer than Node holds in one string (about 512 MiB).
  if (bad === undefined) throw new UsageError(`the file (${bytes.length} bytes) is too large to read as one text; split it into files of a few hundred megabytes and predict each`, file);
  const { line, byte } = bad;
  throw new UsageError(`line ${line} is not valid UTF-8 (byte ${byte}); if a Windows spreadsheet saved the file, add --encoding windows-1252, or re-save it as UTF-8 CSV`, file);
}
