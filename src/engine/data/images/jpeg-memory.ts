/**
 * @module engine/data/images/jpeg-memory
 * How much memory jpeg-js needs to decode a JPEG, estimated from its frame header, so an image too large
 * for an isolate is refused before decoding instead of failing inside the decoder (or taking the isolate
 * down). jpeg-js holds every 8x8 block of coefficients of the whole image at once, one Int32Array(64)
 * each, and then a full-size plane per component beside them; so what matters is the number of blocks,
 * which the chroma subsampling sets: a 4:4:4 colour JPEG has twice the blocks of a 4:2:0 one of the same
 * size, and three times those of a gray one.
 *
 * Measured in Node 20 (heap plus ArrayBuffers, after a forced GC at each of the decoder's allocations),
 * jpeg-js 0.4.4 peaks at: 3000x2000 4:2:0 70 MiB, 4:4:4 139 MiB; 3264x2448 4:2:0 93 MiB, 4:4:4 185 MiB,
 * gray 61 MiB; 2000x2000 4:4:4 93 MiB. Each block costs about 456 bytes live (256 of coefficients, the
 * rest the typed array's and its buffer's bookkeeping), which with one byte per component sample fits all
 * of these within 1%.
 */

/** One image component's sampling factors, as the frame header gives them. */
export interface JpegComponent {
  readonly h: number;
  readonly v: number;
}

/** Live bytes per 8x8 coefficient block in jpeg-js (see the module comment). */
const BLOCK_BYTES = 456;

/**
 * Most memory one JPEG's decoding may take: a little over half of an isolate's 128 MB, leaving the rest
 * to the request body, the table being built and the runtime. It admits a 6 Mpx camera JPEG (3000x2000,
 * 4:2:0) and any gray JPEG up to the 8 Mpx cap, but not an 8 Mpx colour one.
 */
export const MAX_JPEG_DECODE_BYTES = 72 * 1024 * 1024;

/** Estimated peak bytes jpeg-js holds while decoding a width x height JPEG with these components. */
export function jpegDecodeBytes(width: number, height: number, components: readonly JpegComponent[]): number {
  const maxH = Math.max(1, ...components.map((c) => c.h));
  const maxV = Math.max(1, ...components.map((c) => c.v));
  // As jpeg-js lays them out: whole MCUs of blocks, and one plane per component at its own sampling.
  const mcusPerLine = Math.ceil(width / 8 / maxH);
  const mcusPerColumn = Math.ceil(height / 8 / maxV);
  let blocks = 0;
  let samples = 0;
  for (const c of components) {
    blocks += mcusPerLine * c.h * mcusPerColumn * c.v;
    samples += Math.ceil((Math.ceil(width / 8) * c.h) / maxH) * 8 * Math.ceil((Math.ceil(height / 8) * c.v) / maxV) * 8;
  }
  // Blocks and planes together while the planes are built; then planes, the interleaved pixels and our copy.
  return Math.max(blocks * BLOCK_BYTES + samples, samples + width * height * (components.length + 3));
}

/** The largest size of the same aspect ratio (and layout) whose decoding fits `budget` bytes. */
export function largestJpegWithin(width: number, height: number, components: readonly JpegComponent[], budget: number): { width: number; height: number } {
  let scale = Math.min(1, Math.sqrt(budget / jpegDecodeBytes(width, height, components)));
  const at = (s: number) => ({ width: Math.max(1, Math.floor(width * s)), height: Math.max(1, Math.floor(height * s)) });
  while (scale > 0.01 && jpegDecodeBytes(at(scale).width, at(scale).height, components) > budget) scale *= 0.995;
  return at(scale);
}
