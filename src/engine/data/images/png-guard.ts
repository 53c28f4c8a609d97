/**
 * @module engine/data/images/png-guard
 * What a PNG costs to decode, checked before fast-png decodes it. The header's size alone does not bound
 * it: the pixel data is deflate-compressed (up to about 1,000:1), and fast-png keeps whatever it inflates,
 * so a 1x1 PNG of 200 KB inflating to 200 MB would take the isolate down (with every request in it)
 * instead of getting an error. So the chunks are walked first:
 * - the image data is inflated once in small slices, counting, and refused the moment it passes what the
 *   header's size, bit depth and interlacing allow (checkPngData);
 * - an embedded colour profile (iCCP, compressed too, and unused here) is taken out of the bytes handed
 *   to fast-png, which would inflate it whole;
 * - the peak memory of decoding (the inflated data held twice while joined, the unfiltered samples, the
 *   8-bit copy) is estimated from the header and refused over the budget JPEGs have (jpeg-memory), naming
 *   a size that fits, as a 16-bit RGBA PNG near the pixel cap needs several times that;
 * - an interlaced PNG of 1, 2 or 4 bits per sample is refused plainly: fast-png unpacks its passes per
 *   byte and returns scrambled or "damaged" data for those.
 */
import { Unzlib } from 'fflate';
import { EngineError } from '../../core/errors';
import { MAX_JPEG_DECODE_BYTES } from './jpeg-memory';

/** What the PNG header (IHDR) says. */
export interface PngLayout {
  readonly width: number;
  readonly height: number;
  readonly depth: number;
  readonly colourType: number;
  readonly interlaced: boolean;
}

/** Samples per pixel of each PNG colour type: gray, RGB, palette index, gray + alpha, RGBA. */
const SAMPLES: Readonly<Record<number, number>> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

/** The seven Adam7 passes: first column and row, column and row steps. */
const ADAM7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
] as const;

/** Input fed to the inflater at a time: one slice inflates to at most about 1 MB (deflate's ~1,032:1). */
const SLICE_BYTES = 1024;

/** Bytes of filtered image data (a filter byte per row) the header allows: the inflated size of the IDAT stream. */
export function pngDataBytes(layout: PngLayout): number {
  const bitsPerPixel = (SAMPLES[layout.colourType] ?? 4) * layout.depth;
  const rowBytes = (width: number) => 1 + Math.ceil((width * bitsPerPixel) / 8);
  if (!layout.interlaced) return layout.height * rowBytes(layout.width);
  let total = 0;
  for (const [x0, y0, dx, dy] of ADAM7) {
    const width = Math.ceil((layout.width - x0) / dx);
    const height = Math.ceil((layout.height - y0) / dy);
    if (width > 0 && height > 0) total += height * rowBytes(width);
  }
  return total;
}

/**
 * Estimated peak bytes of decoding: fast-png holds the inflated pieces and their joined copy while it
 * unfilters them into the samples (about as large again), and a result other than 8-bit samples (16-bit
 * rounded, low bits scaled, a palette expanded to RGBA) is one more copy.
 */
export function pngDecodeBytes(layout: PngLayout): number {
  const data = pngDataBytes(layout);
  const pixels = layout.width * layout.height;
  const copied = layout.depth !== 8 || layout.colourType === 3;
  const result = copied ? pixels * (layout.colourType === 3 ? 4 : (SAMPLES[layout.colourType] ?? 4)) : 0;
  return 3 * data + result;
}

/** The largest size of the same aspect ratio and layout whose decoding fits `budget` bytes. */
function largestPngWithin(layout: PngLayout, budget: number): { width: number; height: number } {
  const at = (s: number) => ({ ...layout, width: Math.max(1, Math.floor(layout.width * s)), height: Math.max(1, Math.floor(layout.height * s)) });
  let scale = Math.min(1, Math.sqrt(budget / pngDecodeBytes(layout)));
  while (scale > 0.01 && pngDecodeBytes(at(scale)) > budget) scale *= 0.995;
  const fit = at(scale);
  return { width: fit.width, height: fit.height };
}

const MB = 1024 * 1024;

function refuse(label: string, problem: string, extra: Record<string, unknown> = {}): EngineError {
  return new EngineError('invalid_input', `${label}: ${problem}`, { file: label, ...extra });
}

/**
 * Checks a PNG (signature already seen) before decoding, and returns the bytes to hand fast-png: `bytes`
 * itself, or a copy without its colour profile. Throws an EngineError naming `label` when the file would
 * cost too much, inflates past its header, or is an interlaced low-bit PNG.
 */
export function checkPngData(bytes: Uint8Array, label: string): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let layout: PngLayout | undefined;
  const idat: Uint8Array[] = [];
  const profiles: [number, number][] = [];
  // Chunks: length (4), type (4), data, CRC (4). A file cut short stops the walk; fast-png says the rest.
  for (let at = 8; at + 12 <= bytes.length; ) {
    const length = view.getUint32(at);
    const type = String.fromCharCode(bytes[at + 4], bytes[at + 5], bytes[at + 6], bytes[at + 7]);
    const end = at + 12 + length;
    if (end > bytes.length) break;
    if (type === 'IHDR' && length >= 13) layout = { width: view.getUint32(at + 8), height: view.getUint32(at + 12), depth: bytes[at + 16], colourType: bytes[at + 17], interlaced: bytes[at + 20] === 1 };
    else if (type === 'IDAT') idat.push(bytes.subarray(at + 8, at + 8 + length));
    else if (type === 'iCCP') profiles.push([at, end]);
    else if (type === 'IEND') break;
    at = end;
  }
  if (!layout) return bytes;
  if (layout.interlaced && layout.depth < 8) {
    throw refuse(label, `an interlaced PNG of ${layout.depth} bit${layout.depth === 1 ? '' : 's'} per sample, which cannot be read; save it again without interlacing (most editors' default)`, { reason: 'unsupported_png' });
  }
  const needed = pngDecodeBytes(layout);
  if (needed > MAX_JPEG_DECODE_BYTES) {
    const fit = largestPngWithin(layout, MAX_JPEG_DECODE_BYTES);
    throw refuse(
      label,
      `this ${layout.width}x${layout.height} PNG of ${layout.depth}-bit samples needs about ${Math.ceil(needed / MB)} MB to decode, more than the ${MAX_JPEG_DECODE_BYTES / MB} MB one image may use; scale it down to ${fit.width}x${fit.height} or smaller, or save it with 8-bit samples, before zipping or sending it`,
      { limit: MAX_JPEG_DECODE_BYTES, reason: 'image_too_large', suggested_size: `${fit.width}x${fit.height}` },
    );
  }
  checkInflatedSize(idat, pngDataBytes(layout), layout, label);
  return withoutChunks(bytes, profiles);
}

/** Inflates the image data slice by slice, refusing it as soon as it passes `allowed` bytes. */
function checkInflatedSize(idat: readonly Uint8Array[], allowed: number, layout: PngLayout, label: string): void {
  let inflated = 0;
  let over = false;
  const inflater = new Unzlib((chunk) => {
    inflated += chunk.length;
    if (inflated > allowed) over = true;
  });
  try {
    for (const data of idat) {
      for (let i = 0; i < data.length && !over; i += SLICE_BYTES) inflater.push(data.subarray(i, Math.min(data.length, i + SLICE_BYTES)));
      if (over) break;
    }
  } catch {
    // A damaged stream: fast-png decodes it next and names the damage (decode-image damagedPng).
    return;
  }
  if (over) {
    throw refuse(label, `the PNG's pixel data inflates to more than the ${allowed} bytes a ${layout.width}x${layout.height} image of its kind holds: the file is damaged or built to exhaust memory`, { reason: 'invalid_png' });
  }
}

/** `bytes` without the chunks spanning `ranges` ([start, end) each, in order); `bytes` itself when none. */
function withoutChunks(bytes: Uint8Array, ranges: readonly [number, number][]): Uint8Array {
  if (ranges.length === 0) return bytes;
  const removed = ranges.reduce((s, [a, b]) => s + (b - a), 0);
  const out = new Uint8Array(bytes.length - removed);
  let from = 0;
  let to = 0;
  for (const [a, b] of ranges) {
    out.set(bytes.subarray(from, a), to);
    to += a - from;
    from = b;
  }
  out.set(bytes.subarray(from), to);
  return out;
}
