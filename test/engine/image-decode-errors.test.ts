/**
 * What a PNG or JPEG the decoder cannot take is called, in plain Node: a truncated PNG is said to be
 * truncated (not an empty decompressor message), and a colour JPEG too large for jpeg-js to decode inside
 * an isolate is refused from its frame header, naming its size and the largest size accepted, never as a
 * "corrupt" file. JPEGs are written by hand: baseline frames whose every block is flat gray, with the
 * chroma subsampling asked for (jpeg-js's encoder only writes 4:4:4).
 */
import { encode as encodePng } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { engineError } from './helpers/assertions';
import { decodeImage, MAX_JPEG_DECODE_BYTES } from '../../src/engine/data/images/decode-image';


const word = (n: number) => [n >> 8, n & 0xff];

/**
 * A baseline JPEG of flat gray (every coefficient 0): one quantisation table, Huffman tables with a single
 * one-bit code (DC difference 0, AC end of block), so each 8x8 block is two zero bits. `sampling` is the
 * luma's h and v factors (2, 2 for 4:2:0; 1, 1 for 4:4:4); chroma is 1x1. `components` 1 makes it gray.
 */
function flatJpeg(width: number, height: number, sampling: [number, number] = [2, 2], components: 1 | 3 = 3): Uint8Array {
  const [h, v] = components === 1 ? [1, 1] : sampling;
  const comps = components === 1 ? [[1, 0x11]] : [[1, (h << 4) | v], [2, 0x11], [3, 0x11]];
  const mcus = Math.ceil(width / 8 / h) * Math.ceil(height / 8 / v);
  const blocksPerMcu = components === 1 ? 1 : h * v + 2;
  const scanBytes = Math.ceil((mcus * blocksPerMcu * 2) / 8);
  const header = [
    0xff, 0xd8,
    0xff, 0xdb, ...word(67), 0, ...new Array(64).fill(1),
    0xff, 0xc0, ...word(8 + 3 * comps.length), 8, ...word(height), ...word(width), comps.length, ...comps.flatMap(([id, hv]) => [id, hv, 0]),
    0xff, 0xc4, ...word(2 + 2 * 18), 0x00, 1, ...new Array(15).fill(0), 0, 0x10, 1, ...new Array(15).fill(0), 0,
    0xff, 0xda, ...word(6 + 2 * comps.length), comps.length, ...comps.flatMap(([id]) => [id, 0]), 0, 63, 0,
  ];
  const out = new Uint8Array(header.length + scanBytes + 2);
  out.set(header);
  // All-zero bits; the last byte's unused bits are padded with ones, as the standard asks.
  const used = (mcus * blocksPerMcu * 2) % 8;
  if (used !== 0) out[header.length + scanBytes - 1] = 0xff >> used;
  out.set([0xff, 0xd9], header.length + scanBytes);
  return out;
}

describe('JPEGs too large to decode in an isolate', () => {
  it('decodes a flat test JPEG (the fixture is sound)', () => {
    const small = decodeImage(flatJpeg(40, 24), 'flat.jpg');
    expect({ width: small.width, height: small.height, channels: small.channels }).toEqual({ width: 40, height: 24, channels: 3 });
    expect(small.data.every((x) => x === 128)).toBe(true);
  });

  it('decodes a 3000x2000 colour JPEG with 4:2:0 chroma, the common camera layout', () => {
    const photo = decodeImage(flatJpeg(3000, 2000, [2, 2]), 'camera.jpg');
    expect({ width: photo.width, height: photo.height, channels: photo.channels }).toEqual({ width: 3000, height: 2000, channels: 3 });
  });

  it('decodes an 8 Mpx gray JPEG', () => {
    const gray = decodeImage(flatJpeg(3264, 2448, [1, 1], 1), 'gray.jpg');
    expect({ width: gray.width, height: gray.height, channels: gray.channels }).toEqual({ width: 3264, height: 2448, channels: 1 });
  });

  it('refuses a 3264x2448 4:2:0 and a 3000x2000 4:4:4 colour JPEG from the header, naming the size and the largest accepted', () => {
    for (const [w, h, sampling] of [[3264, 2448, [2, 2]], [3000, 2000, [1, 1]]] as const) {
      // Only the header: the refusal must come before any pixel is decoded.
      const headerOnly = flatJpeg(w, h, [...sampling]).slice(0, 200);
      const err = engineError(() => decodeImage(headerOnly, 'photo.jpg'));
      expect(err.message).not.toMatch(/corrupt/);
      expect(err.message).toMatch(new RegExp(`^photo\\.jpg: this ${w}x${h} colour JPEG needs about \\d+ MB to decode, more than the ${MAX_JPEG_DECODE_BYTES / 1048576} MB`));
      expect(err.message).toMatch(/scale it down to \d+x\d+ or smaller/);
      expect(err.details).toMatchObject({ file: 'photo.jpg', reason: 'image_too_large' });
    }
  });
});

describe('truncated PNGs', () => {
  it('says the file is truncated instead of an empty decompressor message', () => {
    const data = Uint8Array.from({ length: 64 * 64 }, (_, i) => (i * 37) % 251);
    const whole = encodePng({ width: 64, height: 64, channels: 1, depth: 8, data });
    for (const cut of [60, Math.floor(whole.length / 2), whole.length - 20]) {
      const err = engineError(() => decodeImage(whole.slice(0, cut), 'cut.png'));
      expect(err.message).toMatch(/^cut\.png: a truncated or damaged PNG/);
      expect(err.message).not.toMatch(/\(\s*[^)]*:\s*\)/);
    }
  });
});
