/**
 * @module cli/file-magic
 * What a file is by its first bytes, for the files the CLI is given without a telling extension (a
 * camera's image, a zip saved as "images", a download named "data"): the formats it sends (PNG, JPEG,
 * zip, Parquet) and the image formats people have that the server does not decode (GIF, BMP, WebP, TIFF,
 * HEIC, AVIF), so each can be named rather than sent as a CSV and refused as unreadable text.
 */

export type FileKind = 'png' | 'jpeg' | 'zip' | 'parquet' | 'gif' | 'bmp' | 'webp' | 'tiff' | 'heic' | 'avif';

/** How many first bytes sniffFile reads: enough for every signature below. */
export const SNIFF_BYTES = 12;

const ascii = (text: string) => Array.from(text, (ch) => ch.charCodeAt(0));
const at = (bytes: Uint8Array, offset: number, signature: readonly number[]) =>
  bytes.length >= offset + signature.length && signature.every((b, i) => bytes[offset + i] === b);

const SIGNATURES: readonly { kind: FileKind; offset: number; bytes: readonly number[] }[] = [
  { kind: 'png', offset: 0, bytes: [0x89, 0x50, 0x4e, 0x47] },
  { kind: 'jpeg', offset: 0, bytes: [0xff, 0xd8, 0xff] },
  // A local file header; an empty zip starts with the end-of-directory record instead.
  { kind: 'zip', offset: 0, bytes: [0x50, 0x4b, 0x03, 0x04] },
  { kind: 'zip', offset: 0, bytes: [0x50, 0x4b, 0x05, 0x06] },
  { kind: 'parquet', offset: 0, bytes: ascii('PAR1') },
  { kind: 'gif', offset: 0, bytes: ascii('GIF8') },
  { kind: 'tiff', offset: 0, bytes: [0x49, 0x49, 0x2a, 0x00] },
  { kind: 'tiff', offset: 0, bytes: [0x4d, 0x4d, 0x00, 0x2a] },
];

/** ISO media brands of still images (HEIF from phones, AVIF), after the "ftyp" box name at byte 4. */
const FTYP_BRANDS: Record<string, FileKind> = { heic: 'heic', heix: 'heic', mif1: 'heic', msf1: 'heic', avif: 'avif' };

/** The kind of file `bytes` (its first SNIFF_BYTES or more) starts as; undefined for anything else (text, most likely). */
export function sniffFile(bytes: Uint8Array): FileKind | undefined {
  const known = SIGNATURES.find((s) => at(bytes, s.offset, s.bytes));
  if (known) return known.kind;
  // "BM" alone would match a CSV whose header starts with BMI; a bitmap's reserved bytes 6..9 are zero.
  if (at(bytes, 0, ascii('BM')) && at(bytes, 6, [0, 0, 0, 0])) return 'bmp';
  if (at(bytes, 0, ascii('RIFF')) && at(bytes, 8, ascii('WEBP'))) return 'webp';
  if (at(bytes, 4, ascii('ftyp'))) return FTYP_BRANDS[String.fromCharCode(...bytes.subarray(8, 12))];
  return undefined;
}
