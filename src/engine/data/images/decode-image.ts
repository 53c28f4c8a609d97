/**
 * @module engine/data/images/decode-image
 * Bytes of a PNG or JPEG file to 8-bit pixels, told apart by their magic bytes (never by a file name or
 * a media type a client may get wrong). PNG goes through fast-png (every bit depth, palette, gray, alpha,
 * interlacing at 8 and 16 bits), after png-guard bounded what it may inflate and hold, JPEG through jpeg-js with typed arrays (no Buffer: this runs in workerd without
 * nodejs_compat). The header is read first, so an image too large to decode in an isolate (over the
 * pixel cap, or a JPEG whose decoding would take more memory than jpeg-memory allows) is refused before a
 * single pixel is allocated. A JPEG is turned as its EXIF orientation says (exif-orientation), as a photo
 * viewer shows it. Every failure is an EngineError naming the file (the `label`); a file too
 * large is said to be too large, one cut short to be truncated, never "corrupt" for a resource limit.
 */
import { convertIndexedToRgb, decode as decodePng } from 'fast-png';
import jpeg from 'jpeg-js';
import { EngineError } from '../../core/errors';
import { exifOrientation, orientImage, swapsSides } from './exif-orientation';
import { type JpegComponent, jpegDecodeBytes, largestJpegWithin, MAX_JPEG_DECODE_BYTES } from './jpeg-memory';
import { withColourKey } from './png-colour-key';
import { checkPngData } from './png-guard';

export { MAX_JPEG_DECODE_BYTES } from './jpeg-memory';

/** Decoded pixels: row-major, `channels` interleaved 8-bit values per pixel. */
export interface DecodedImage {
  readonly width: number;
  readonly height: number;
  /** 1 gray, 2 gray + alpha, 3 RGB, 4 RGBA. */
  readonly channels: 1 | 2 | 3 | 4;
  readonly data: Uint8Array;
}

/** What the first bytes of a file say, read without decoding the pixels. */
export interface ImageHeader {
  readonly format: 'png' | 'jpeg';
  readonly width: number;
  readonly height: number;
  /** Stored as grayscale: PNG colour type 0 or 4, or a one-component JPEG. */
  readonly gray: boolean;
  /** A JPEG's components with their sampling factors (what its decoding costs, jpeg-memory). */
  readonly components?: readonly JpegComponent[];
  /**
   * A JPEG's EXIF orientation when it is not 1 (exif-orientation): the decoded image is turned by it,
   * so with 5 to 8 it is `height` wide and `width` high (`width` and `height` are as stored).
   */
  readonly orientation?: number;
}

/**
 * Most pixels one source image may have (8 Mpx, e.g. 4096x2048). Decoding takes 3-8 bytes per pixel at
 * once (decoder buffers and the result), so this keeps one image well inside the isolate's 128 MB.
 */
export const MAX_SOURCE_PIXELS = 8 * 1024 * 1024;

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function invalid(label: string, problem: string, extra: Record<string, unknown> = {}): EngineError {
  return new EngineError('invalid_input', `${label}: ${problem}`, { file: label, ...extra });
}

/** Which of the two decoded formats the bytes start as (their signature), undefined for neither. */
export function imageFormatOf(bytes: Uint8Array): 'png' | 'jpeg' | undefined {
  if (bytes.length >= 8 && PNG_SIGNATURE.every((b, i) => bytes[i] === b)) return 'png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  return undefined;
}

/** Where a PNG's colour type sits (signature, IHDR's length and name, width, height, bit depth), and the indexed one. */
const PNG_COLOUR_TYPE_AT = 25;
const INDEXED_COLOUR = 3;

/** Reads the format, size and colour model from the header; throws naming `label` when it is neither format or is cut short. */
export function readImageHeader(bytes: Uint8Array, label: string): ImageHeader {
  const format = imageFormatOf(bytes);
  if (format === 'png') return readPngHeader(bytes, label);
  if (format === 'jpeg') return readJpegHeader(bytes, label);
  throw invalid(label, 'not a PNG or JPEG image');
}

function readPngHeader(bytes: Uint8Array, label: string): ImageHeader {
  // The IHDR chunk must come first: length (4), "IHDR", width (4), height (4), depth, colour type.
  if (bytes.length < 26 || String.fromCharCode(bytes[12], bytes[13], bytes[14], bytes[15]) !== 'IHDR') throw invalid(label, 'a corrupt PNG (no image header)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const colourType = bytes[PNG_COLOUR_TYPE_AT];
  return { format: 'png', width: view.getUint32(16), height: view.getUint32(20), gray: colourType === 0 || colourType === 4 };
}

/** Start-of-frame markers (C0-CF except DHT C4, JPG C8 and DAC CC) carry the size and component count. */
const isStartOfFrame = (marker: number) => marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;

function readJpegHeader(bytes: Uint8Array, label: string): ImageHeader {
  let i = 2;
  let orientation = 1;
  while (i + 4 <= bytes.length) {
    if (bytes[i] !== 0xff) throw invalid(label, 'a corrupt JPEG (bad segment marker)');
    const marker = bytes[i + 1];
    // Fill bytes and markers without a length segment.
    if (marker === 0xff) {
      i++;
      continue;
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) {
      i += 2;
      continue;
    }
    const length = (bytes[i + 2] << 8) | bytes[i + 3];
    if (isStartOfFrame(marker)) {
      if (i + 10 > bytes.length) break;
      const height = (bytes[i + 5] << 8) | bytes[i + 6];
      const width = (bytes[i + 7] << 8) | bytes[i + 8];
      const count = bytes[i + 9];
      // Each component: id, sampling factors (h in the high nibble, v in the low), quantisation table.
      const components = i + 10 + 3 * count <= bytes.length ? Array.from({ length: count }, (_, k) => ({ h: bytes[i + 11 + 3 * k] >> 4, v: bytes[i + 11 + 3 * k] & 15 })) : undefined;
      return { format: 'jpeg', width, height, gray: count === 1, ...(components ? { components } : {}), ...(orientation !== 1 ? { orientation } : {}) };
    }
    // Start of scan or end of image before any frame header: no size to read.
    if (marker === 0xda || marker === 0xd9 || length < 2) break;
    // APP1: EXIF, whose orientation says how to turn the stored pixels (the first EXIF segment counts).
    if (marker === 0xe1 && orientation === 1) orientation = exifOrientation(bytes.subarray(i + 4, Math.min(bytes.length, i + 2 + length)));
    i += 2 + length;
  }
  throw invalid(label, 'a corrupt JPEG (no frame header)');
}

/**
 * Decodes a PNG or JPEG to 8-bit pixels. 16-bit samples are rounded to 8 bits, palettes expanded to RGB
 * (RGBA when the palette has transparency), 1/2/4-bit gray scaled to 0..255, and a gray JPEG kept as one
 * channel. PNG colour-key transparency (tRNS on gray or RGB images) becomes an alpha channel (png-colour-key).
 * @param label what to call the file in errors (its path in a zip, or `rows[3].image`)
 */
export function decodeImage(bytes: Uint8Array, label: string, maxPixels = MAX_SOURCE_PIXELS): DecodedImage {
  const header = readImageHeader(bytes, label);
  if (header.width < 1 || header.height < 1) throw invalid(label, `a ${header.format.toUpperCase()} with no pixels (${header.width}x${header.height})`);
  if (header.width * header.height > maxPixels) {
    throw invalid(label, `the image is ${header.width}x${header.height}, more than the ${maxPixels} pixels an image may have; scale it down first`, { limit: maxPixels });
  }
  if (header.format === 'jpeg' && header.components) checkJpegMemory(header.width, header.height, header.components, label);
  return header.format === 'png' ? decodePngPixels(bytes, label) : decodeJpegPixels(bytes, label, header, maxPixels);
}

const MB = 1024 * 1024;

/** Refuses a JPEG whose decoding would take more than MAX_JPEG_DECODE_BYTES, saying how far to scale it down. */
function checkJpegMemory(width: number, height: number, components: readonly JpegComponent[], label: string): void {
  const needed = jpegDecodeBytes(width, height, components);
  if (needed <= MAX_JPEG_DECODE_BYTES) return;
  const fit = largestJpegWithin(width, height, components, MAX_JPEG_DECODE_BYTES);
  const kind = components.length === 1 ? 'gray' : 'colour';
  throw invalid(
    label,
    `this ${width}x${height} ${kind} JPEG needs about ${Math.ceil(needed / MB)} MB to decode, more than the ${MAX_JPEG_DECODE_BYTES / MB} MB one image may use; scale it down to ${fit.width}x${fit.height} or smaller (about ${((fit.width * fit.height) / 1e6).toFixed(1)} Mpx for a JPEG stored like this one) before zipping or sending it`,
    { limit: MAX_JPEG_DECODE_BYTES, reason: 'image_too_large', suggested_size: `${fit.width}x${fit.height}` },
  );
}

function decodePngPixels(bytes: Uint8Array, label: string): DecodedImage {
  // Refuses what would exhaust memory or decode wrongly, and leaves out what fast-png need not inflate.
  const checked = checkPngData(bytes, label);
  let png: ReturnType<typeof decodePng>;
  let data: Uint8Array;
  try {
    png = decodePng(checked);
    // Only an indexed PNG (colour type 3) reads its samples through the palette: a true-colour one may
    // carry a suggested palette too (PLTE), which fast-png returns all the same.
    data = png.palette && bytes[PNG_COLOUR_TYPE_AT] === INDEXED_COLOUR ? convertIndexedToRgb(png) : withColourKey(png, to8Bit(png.data, png.depth, png.width, png.height, png.channels));
  } catch (err) {
    throw invalid(label, damagedPng(bytes, (err as Error).message));
  }
  const channels = data.length / (png.width * png.height);
  if (channels !== 1 && channels !== 2 && channels !== 3 && channels !== 4) throw invalid(label, 'a corrupt PNG (pixel data does not match its size)');
  return { width: png.width, height: png.height, channels, data };
}

/** The IEND chunk every complete PNG ends with: length 0, "IEND", its CRC. */
const IEND = [0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82];

/**
 * What to call a PNG that does not decode. The decompressor's own messages say little (fast-png's
 * "Error while decompressing the data:" often ends there); a file without its IEND chunk was cut short.
 */
function damagedPng(bytes: Uint8Array, message: string): string {
  const ended = bytes.length >= IEND.length && IEND.every((b, i) => bytes[bytes.length - IEND.length + i] === b);
  if (!ended) return 'a truncated or damaged PNG (the file stops before its end chunk: it was probably cut off while being copied or downloaded)';
  const reason = message.replace(/[\s:]+$/, '');
  return `a truncated or damaged PNG${reason ? ` (${reason})` : ''}`;
}

/** Samples of any PNG bit depth as one byte each, full scale 0..255. */
function to8Bit(src: Uint8Array | Uint8ClampedArray | Uint16Array, depth: number, width: number, height: number, channels: number): Uint8Array {
  if (depth === 8) return src instanceof Uint8Array ? src : new Uint8Array(src.buffer, src.byteOffset, src.length);
  const out = new Uint8Array(width * height * channels);
  if (depth === 16) {
    for (let i = 0; i < out.length; i++) out[i] = Math.round(src[i] / 257);
    return out;
  }
  // 1, 2 or 4 bits per sample (gray only), packed most significant bits first, each row byte-aligned.
  const perRow = width * channels;
  const rowBytes = Math.ceil((perRow * depth) / 8);
  const max = (1 << depth) - 1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < perRow; x++) {
      const bit = x * depth;
      const byte = src[y * rowBytes + (bit >> 3)];
      const value = (byte >> (8 - depth - (bit & 7))) & max;
      out[y * perRow + x] = Math.round((value * 255) / max);
    }
  }
  return out;
}

/**
 * jpeg-js's own memory guard, in its accounting (which adds up what it allocates without subtracting what
 * it frees): above what any JPEG within MAX_JPEG_DECODE_BYTES reaches, so it only stops a file whose
 * header we did not read as jpeg-js does.
 */
const JPEG_JS_MEMORY_MB = 96;

/** jpeg-js's messages for its resource limits, which are not faults of the file. */
const JPEG_LIMIT_RE = /maxMemoryUsageInMB|maxResolutionInMP|Could not allocate/;

function decodeJpegPixels(bytes: Uint8Array, label: string, header: ImageHeader, maxPixels: number): DecodedImage {
  let image: { width: number; height: number; data: Uint8Array };
  try {
    image = jpeg.decode(bytes, {
      useTArray: true,
      formatAsRGBA: false,
      maxResolutionInMP: maxPixels / 1_000_000,
      maxMemoryUsageInMB: JPEG_JS_MEMORY_MB,
    });
  } catch (err) {
    const message = (err as Error).message;
    if (JPEG_LIMIT_RE.test(message)) {
      throw invalid(label, `this ${header.width}x${header.height} JPEG is too large to decode here (${message}); scale it down first`, { reason: 'image_too_large' });
    }
    throw invalid(label, `a corrupt JPEG (${message})`);
  }
  // Turning copies the pixels once more, after the decoder's coefficient blocks are garbage: well inside
  // the peak jpeg-memory budgets for the blocks.
  const orientation = header.orientation ?? 1;
  if (!header.gray) return orientImage({ width: image.width, height: image.height, channels: 3, data: image.data }, orientation);
  // jpeg-js replicates a gray component into R, G and B: keep one.
  const n = image.width * image.height;
  const data = new Uint8Array(n);
  for (let i = 0; i < n; i++) data[i] = image.data[i * 3];
  return orientImage({ width: image.width, height: image.height, channels: 1, data }, orientation);
}

/** The size an image is shown at: its stored size, turned by its EXIF orientation. */
export function shownSize(header: ImageHeader): { width: number; height: number } {
  return swapsSides(header.orientation ?? 1) ? { width: header.height, height: header.width } : { width: header.width, height: header.height };
}
