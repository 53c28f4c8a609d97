/**
 * What a PNG or JPEG the decoder cannot take is called, in plain Node: a truncated PNG is said to be
 * truncated (not an empty decompressor message), and a colour JPEG too large for jpeg-js to decode inside
 * an isolate is refused from its frame header, naming its size and the largest size accepted, never as a
 * "corrupt" file. JPEGs are written by hand: baseline frames whose every block is flat gray, with the
 * chroma subsampling asked for (jpeg-js's encoder only writes 4:4:4).
 */
import { encode as encodePng } from 'fast-png';
import { zlibSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { engineError } from './helpers/assertions';
import { decodeImage, MAX_JPEG_DECODE_BYTES } from '../../src/engine/data/images/decode-image';
import { checkPngData, pngDecodeBytes } from '../../src/engine/data/images/png-guard';


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

/** A PNG chunk: length, type, data and a CRC left 0 (the decoder does not check CRCs). */
function chunk(type: string, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  new DataView(out.buffer).setUint32(0, data.length);
  out.set([...type].map((c) => c.charCodeAt(0)), 4);
  out.set(data, 8);
  return out;
}

function ihdr(width: number, height: number, depth: number, colourType: number, interlace = 0): Uint8Array {
  const data = new Uint8Array(13);
  const view = new DataView(data.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  data.set([depth, colourType, 0, 0, interlace], 8);
  return chunk('IHDR', data);
}

const joinBytes = (parts: readonly Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  parts.reduce((at, p) => (out.set(p, at), at + p.length), 0);
  return out;
};
const SIGNATURE = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const pngOf = (...chunks: Uint8Array[]) => joinBytes([SIGNATURE, ...chunks, chunk('IEND')]);

describe('PNGs that would cost more than they say', () => {
  it('refuses pixel data inflating past what its header allows (a 1x1 PNG of 24 MB), before holding it', () => {
    const bomb = pngOf(ihdr(1, 1, 8, 0), chunk('IDAT', zlibSync(new Uint8Array(24 * 1024 * 1024), { level: 9 })));
    expect(bomb.length).toBeLessThan(100_000);
    const err = engineError(() => decodeImage(bomb, 'tiny.png'));
    expect(err.message).toBe("tiny.png: the PNG's pixel data inflates to more than the 2 bytes a 1x1 image of its kind holds: the file is damaged or built to exhaust memory");
    expect(err.details).toMatchObject({ file: 'tiny.png', reason: 'invalid_png' });
  });

  it('refuses a 16-bit RGBA PNG near the pixel cap from its header, naming a size that fits', () => {
    const err = engineError(() => decodeImage(pngOf(ihdr(2896, 2896, 16, 6)), 'deep.png'));
    expect(err.message).toMatch(/^deep\.png: this 2896x2896 PNG of 16-bit samples needs about \d+ MB to decode, more than the 72 MB one image may use; scale it down to (\d+)x\1 or smaller/);
    expect(err.details).toMatchObject({ reason: 'image_too_large' });
    // The size it names decodes within the budget; an 8-bit gray PNG of the same size is no problem.
    const fit = Number(/scale it down to (\d+)x/.exec(err.message)![1]);
    expect(pngDecodeBytes({ width: fit, height: fit, depth: 16, colourType: 6, interlaced: false })).toBeLessThanOrEqual(MAX_JPEG_DECODE_BYTES);
    const over = Math.ceil(fit * 1.02);
    expect(pngDecodeBytes({ width: over, height: over, depth: 16, colourType: 6, interlaced: false })).toBeGreaterThan(MAX_JPEG_DECODE_BYTES);
    expect(pngDecodeBytes({ width: 2896, height: 2896, depth: 8, colourType: 0, interlaced: false })).toBeLessThan(MAX_JPEG_DECODE_BYTES);
  });

  it('refuses an interlaced PNG of 4 bits per sample plainly, and decodes an interlaced 8-bit one', () => {
    const err = engineError(() => decodeImage(pngOf(ihdr(16, 16, 4, 0, 1), chunk('IDAT', zlibSync(new Uint8Array(200)))), 'adam7.png'));
    expect(err.message).toBe("adam7.png: an interlaced PNG of 4 bits per sample, which cannot be read; save it again without interlacing (most editors' default)");
    // 8-bit gray 3x3 interlaced: each pass's rows, a filter byte (0) then its pixels; passes 1..7 of a 3x3 image.
    const passes = [[0, 1], [], [], [0, 2], [0, 3, 4], [0, 5, 0, 6], [0, 7, 8, 9]];
    const decoded = decodeImage(pngOf(ihdr(3, 3, 8, 0, 1), chunk('IDAT', zlibSync(Uint8Array.from(passes.flat())))), 'adam7-8bit.png');
    expect(decoded.data.length).toBe(9);
  });

  it('decodes a PNG whose colour profile inflates far past its size (the profile is never inflated)', () => {
    const data = Uint8Array.from({ length: 16 }, (_, i) => i * 16);
    const plain = encodePng({ width: 4, height: 4, channels: 1, depth: 8, data });
    const profile = joinBytes([Uint8Array.from([...'icc'].map((c) => c.charCodeAt(0))), Uint8Array.from([0, 0]), zlibSync(new Uint8Array(24 * 1024 * 1024), { level: 9 })]);
    // Inserted right after IHDR (8 + 25 bytes), where a colour profile goes.
    const withProfile = joinBytes([plain.subarray(0, 33), chunk('iCCP', profile), plain.subarray(33)]);
    expect(decodeImage(withProfile, 'profiled.png').data).toEqual(data);
    expect(checkPngData(withProfile, 'profiled.png')).toEqual(plain);
  });
});

describe('PNG colour-key transparency (tRNS on a gray or RGB image)', () => {
  /** `png` with a tRNS chunk of `words` (16-bit values) inserted after its header, where it belongs. */
  const keyed = (png: Uint8Array, words: number[]) => {
    const data = new Uint8Array(words.length * 2);
    words.forEach((w, i) => new DataView(data.buffer).setUint16(2 * i, w));
    return joinBytes([png.subarray(0, 33), chunk('tRNS', data), png.subarray(33)]);
  };

  it('makes the named gray value transparent (an alpha channel is added), which the resize lays over white', () => {
    const gray = encodePng({ width: 2, height: 2, channels: 1, depth: 8, data: Uint8Array.from([0, 100, 0, 200]) });
    const decoded = decodeImage(keyed(gray, [0]), 'icon.png');
    expect(decoded.channels).toBe(2);
    expect(Array.from(decoded.data)).toEqual([0, 0, 100, 255, 0, 0, 200, 255]);
    // Without the chunk the same pixels stay opaque gray.
    expect(decodeImage(gray, 'icon.png').channels).toBe(1);
  });

  it('compares 16-bit RGB samples as stored, so a colour rounding to the same byte stays opaque', () => {
    const words = Uint16Array.from([2570, 5140, 7710, 2571, 5140, 7710, 0, 0, 0, 2570, 5140, 7710]);
    const rgb = encodePng({ width: 2, height: 2, channels: 3, depth: 16, data: words });
    const decoded = decodeImage(keyed(rgb, [2570, 5140, 7710]), 'deep.png');
    expect(decoded.channels).toBe(4);
    expect([decoded.data[3], decoded.data[7], decoded.data[11], decoded.data[15]]).toEqual([0, 255, 255, 0]);
  });
});
