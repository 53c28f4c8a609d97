/**
 * @module engine/data/images/png-colour-key
 * PNG colour-key transparency: a gray or RGB PNG without an alpha channel may name one colour that is
 * transparent (its tRNS chunk), as optimisers (oxipng, optipng, pngquant) write an icon whose background
 * was transparent. fast-png reports the colour and leaves the pixels as they are, so such a background
 * read black (its stored colour, usually 0) where the same icon saved as RGBA reads white: within one
 * dataset, or between training and predict, the backgrounds differed without a word. Here pixels of that
 * colour get alpha 0 (an alpha channel is added), and are then laid over the background as every
 * transparent pixel is.
 */

/** What of a decoded PNG this needs (fast-png's decode result). */
export interface KeyedPng {
  readonly width: number;
  readonly height: number;
  readonly depth: number;
  readonly channels: number;
  /** The samples as stored: one byte each at 8 bits, packed at 1, 2 and 4 bits, 16-bit words at 16. */
  readonly data: ArrayLike<number>;
  /** tRNS of a gray (one value) or RGB (three) image, in the image's bit depth. */
  readonly transparency?: ArrayLike<number>;
  readonly palette?: unknown;
}

/**
 * The 8-bit samples `data8` (one byte per sample, as decode-image's to8Bit made them from `png.data`)
 * with an alpha channel when the PNG names a transparent colour: 1 → 2 or 3 → 4 channels. Unchanged for
 * every other PNG (palette transparency is fast-png's own, alpha channels are the image's).
 */
export function withColourKey(png: KeyedPng, data8: Uint8Array): Uint8Array {
  const key = png.transparency;
  const channels = png.channels;
  if (!key || png.palette || (channels !== 1 && channels !== 3) || key.length !== channels) return data8;
  const pixels = png.width * png.height;
  const out = new Uint8Array(pixels * (channels + 1));
  // At 16 bits the stored words are compared (two words may round to one byte); at 8 bits and below the
  // key is scaled as to8Bit scaled the samples, which keeps distinct values distinct.
  const deep = png.depth === 16;
  const max = (1 << Math.min(png.depth, 8)) - 1;
  const key8 = Array.from(key, (v) => (png.depth === 8 ? v : Math.round((v * 255) / max)));
  const raw = png.data;
  for (let p = 0; p < pixels; p++) {
    let keyed = true;
    for (let c = 0; c < channels; c++) {
      const at = p * channels + c;
      out[p * (channels + 1) + c] = data8[at];
      if (deep ? raw[at] !== key[c] : data8[at] !== key8[c]) keyed = false;
    }
    out[p * (channels + 1) + channels] = keyed ? 0 : 255;
  }
  return out;
}
