/**
 * Image ingestion in the engine: PNG/JPEG decoding (test images are written with fast-png's and
 * jpeg-js's encoders, never with the decoder under test), resampling on patterns whose result is known
 * by hand, zip of class folders to a pixel table, the pixel-column naming scheme (the shared digits
 * header must read as 8x8x1) and the pixels' full-intensity value (the shared digits are 0..16).
 */
import { readFileSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import { encode as encodePng } from 'fast-png';
import { zipSync } from 'fflate';
import jpeg from 'jpeg-js';
import { describe, expect, it } from 'vitest';
import { engineError } from './helpers/assertions';
import { inferDataset, parseCsv } from '../../src/engine';
import type { CodedColumn, NumericColumn } from '../../src/engine/data/dataset';
import { decodeImage, type DecodedImage } from '../../src/engine/data/images/decode-image';
import { imageTableFromZip } from '../../src/engine/data/images/image-table';
import { inferImageShape, pixelColumnNames } from '../../src/engine/data/images/pixel-columns';
import { pixelMaxValue } from '../../src/engine/data/images/pixel-range';
import { resizeImage } from '../../src/engine/data/images/resize';

const SHARED = new URL('../../../shared/data/', import.meta.url);

const png = (width: number, height: number, channels: number, data: number[] | Uint8Array | Uint16Array, depth: 8 | 16 | 4 = 8) =>
  encodePng({ width, height, channels, depth, data: depth === 16 ? Uint16Array.from(data) : Uint8Array.from(data) });

/** A solid gray PNG of the given size. */
const grayPng = (size: number, value: number) => png(size, size, 1, new Array(size * size).fill(value));

function rgbJpeg(width: number, height: number, rgb: [number, number, number]): Uint8Array {
  const data = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) data.set([...rgb, 255], i * 4);
  return new Uint8Array(jpeg.encode({ width, height, data }, 100).data);
}


const image = (width: number, height: number, channels: 1 | 2 | 3 | 4, data: number[]): DecodedImage => ({ width, height, channels, data: Uint8Array.from(data) });

describe('decodeImage', () => {
  it('reads 8-bit gray, RGB and RGBA PNGs exactly', () => {
    expect(decodeImage(png(3, 2, 1, [0, 10, 20, 30, 40, 255]), 'g.png')).toEqual(image(3, 2, 1, [0, 10, 20, 30, 40, 255]));
    const rgb = [255, 0, 0, 0, 255, 0];
    expect(decodeImage(png(2, 1, 3, rgb), 'c.png')).toEqual(image(2, 1, 3, rgb));
    const rgba = [1, 2, 3, 4, 5, 6, 7, 8];
    expect(decodeImage(png(2, 1, 4, rgba), 'a.png')).toEqual(image(2, 1, 4, rgba));
  });

  it('rounds 16-bit samples to 8 bits and scales 4-bit gray to 0..255', () => {
    // 257 * v is v in 16 bits; 300 is just above 1 * 257 and rounds back to 1.
    expect(decodeImage(png(4, 1, 1, [0, 257 * 128, 65535, 300], 16), 'deep.png').data).toEqual(Uint8Array.from([0, 128, 255, 1]));
    // Two pixels per byte, most significant first: 0x0f 0xa5 → 0, 15, 10, 5 → x17.
    expect(decodeImage(png(4, 1, 1, [0x0f, 0xa5], 4), 'nibbles.png').data).toEqual(Uint8Array.from([0, 255, 170, 85]));
  });

  it('expands a palette PNG to RGB', () => {
    const bytes = encodePng({ width: 3, height: 1, channels: 1, depth: 8, data: Uint8Array.from([1, 0, 1]), palette: [[10, 20, 30], [200, 100, 50]] });
    expect(decodeImage(bytes, 'pal.png')).toEqual(image(3, 1, 3, [200, 100, 50, 10, 20, 30, 200, 100, 50]));
  });

  it('reads an RGB or RGBA PNG carrying a suggested palette (a PLTE chunk it does not index) by its own samples', () => {
    // PLTE after IHDR, as some encoders write one beside true-colour data for displays of few colours.
    const withPalette = (bytes: Uint8Array) => {
      const plte = Uint8Array.from([10, 20, 30, 200, 100, 50]);
      const chunk = new Uint8Array(12 + plte.length);
      const view = new DataView(chunk.buffer);
      view.setUint32(0, plte.length);
      chunk.set(new TextEncoder().encode('PLTE'), 4);
      chunk.set(plte, 8);
      view.setUint32(8 + plte.length, crc32(chunk.subarray(4, 8 + plte.length)));
      const afterIhdr = 8 + 25;
      return Uint8Array.from([...bytes.subarray(0, afterIhdr), ...chunk, ...bytes.subarray(afterIhdr)]);
    };
    const rgb = [255, 0, 0, 0, 255, 0, 1, 1, 1];
    expect(decodeImage(withPalette(png(3, 1, 3, rgb)), 'rgb-plte.png')).toEqual(image(3, 1, 3, rgb));
    const rgba = [1, 2, 3, 4, 5, 6, 7, 8];
    expect(decodeImage(withPalette(png(2, 1, 4, rgba)), 'rgba-plte.png')).toEqual(image(2, 1, 4, rgba));
  });

  it('decodes an RGB JPEG within lossy tolerance', () => {
    const out = decodeImage(rgbJpeg(16, 8, [200, 40, 90]), 'photo.jpg');
    expect({ width: out.width, height: out.height, channels: out.channels }).toEqual({ width: 16, height: 8, channels: 3 });
    for (let i = 0; i < out.data.length; i += 3) {
      expect(Math.abs(out.data[i] - 200)).toBeLessThanOrEqual(6);
      expect(Math.abs(out.data[i + 1] - 40)).toBeLessThanOrEqual(6);
      expect(Math.abs(out.data[i + 2] - 90)).toBeLessThanOrEqual(6);
    }
  });

  it('names the file when it is neither format, corrupt or too large', () => {
    expect(engineError(() => decodeImage(new TextEncoder().encode('GIF89a......'), 'x/anim.gif')).message).toBe('x/anim.gif: not a PNG or JPEG image');
    const cut = png(8, 8, 1, new Array(64).fill(7)).slice(0, 40);
    expect(engineError(() => decodeImage(cut, 'cut.png')).message).toMatch(/^cut\.png: a truncated or damaged PNG/);
    const junk = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 0x12, 0x34]);
    expect(engineError(() => decodeImage(junk, 'junk.jpg')).message).toMatch(/^junk\.jpg: a corrupt JPEG/);
    // The header says 5000x5000: refused from the header, before any pixel is decoded.
    const huge = png(1, 1, 1, [0]);
    new DataView(huge.buffer).setUint32(16, 5000);
    new DataView(huge.buffer).setUint32(20, 5000);
    const err = engineError(() => decodeImage(huge, 'huge.png'));
    expect(err.message).toMatch(/^huge\.png: the image is 5000x5000, more than the 8388608 pixels/);
  });
});

describe('resizeImage', () => {
  it('averages the covered blocks when shrinking (area resampling)', () => {
    // 4x4 gray: each 2x2 block has a known mean.
    const src = image(4, 4, 1, [0, 10, 100, 110, 20, 30, 120, 130, 200, 200, 0, 0, 200, 200, 0, 4]);
    expect(resizeImage(src, { height: 2, width: 2, channels: 1 })).toEqual(Uint8Array.from([15, 115, 200, 1]));
    // Three pixels to two: [0, 1.5) and [1.5, 3) of [0, 30, 60] → (0 + 15) / 1.5 and (15 + 60) / 1.5.
    expect(resizeImage(image(3, 1, 1, [0, 30, 60]), { height: 1, width: 2, channels: 1 })).toEqual(Uint8Array.from([10, 50]));
  });

  it('interpolates between pixel centres when growing (bilinear) and copies at the same size', () => {
    expect(resizeImage(image(2, 1, 1, [0, 100]), { height: 1, width: 4, channels: 1 })).toEqual(Uint8Array.from([0, 25, 75, 100]));
    const same = image(2, 2, 3, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(resizeImage(same, { height: 2, width: 2, channels: 3 })).toEqual(same.data);
  });

  it('converts channels by luma, replication, and composites alpha over white or black', () => {
    expect(resizeImage(image(1, 1, 3, [255, 0, 0]), { height: 1, width: 1, channels: 1 })).toEqual(Uint8Array.from([76]));
    expect(resizeImage(image(1, 1, 1, [42]), { height: 1, width: 1, channels: 3 })).toEqual(Uint8Array.from([42, 42, 42]));
    // Transparent black over white is white; half-opaque black over white is half gray; over black, black.
    expect(resizeImage(image(2, 1, 2, [0, 0, 0, 255]), { height: 1, width: 2, channels: 1 })).toEqual(Uint8Array.from([255, 0]));
    expect(resizeImage(image(1, 1, 4, [0, 0, 0, 51]), { height: 1, width: 1, channels: 3 })).toEqual(Uint8Array.from([204, 204, 204]));
    expect(resizeImage(image(1, 1, 4, [255, 255, 255, 51]), { height: 1, width: 1, channels: 1 }, 'black')).toEqual(Uint8Array.from([51]));
    // Premultiplied: an opaque red pixel next to a transparent one averages to pink over white, not dark red.
    expect(resizeImage(image(2, 1, 4, [255, 0, 0, 255, 0, 0, 0, 0]), { height: 1, width: 1, channels: 3 })).toEqual(Uint8Array.from([255, 128, 128]));
  });
});

describe('imageTableFromZip', () => {
  const twoClasses = (prefix = '') => ({
    [`${prefix}cats/a.png`]: grayPng(4, 0),
    [`${prefix}cats/b.PNG`]: grayPng(4, 0),
    [`${prefix}dogs/c.png`]: grayPng(4, 255),
    [`${prefix}dogs/big/d.png`]: grayPng(8, 255),
    [`${prefix}dogs/notes.txt`]: new TextEncoder().encode('not an image'),
    [`__MACOSX/${prefix}cats/._a.png`]: Uint8Array.from([0, 1, 2]),
    [`${prefix}dogs/.DS_Store`]: Uint8Array.from([0, 1, 2]),
  });

  function expectTable(zip: Uint8Array) {
    const { dataset, shape, classCounts } = imageTableFromZip(zip);
    expect(shape).toEqual({ height: 4, width: 4, channels: 1 });
    expect(dataset.rows).toBe(4);
    expect(dataset.columns.map((c) => c.name)).toEqual([...pixelColumnNames(shape), 'label']);
    const label = dataset.columns[16] as CodedColumn;
    expect(label.levels).toEqual(['cats', 'dogs']);
    expect(Array.from(label.codes)).toEqual([0, 0, 1, 1]);
    expect(classCounts).toEqual({ cats: 2, dogs: 2 });
    for (const col of dataset.columns.slice(0, 16) as NumericColumn[]) expect(Array.from(col.values)).toEqual([0, 0, 255, 255]);
  }

  it('makes one row per image, labelled by its top-level folder, at the most common size', () => {
    expectTable(zipSync(twoClasses()));
  });

  it('resizes images of sizes all over the place to their median size, not to a thumbnail, and says so', () => {
    const sized = (w: number, h: number, v: number) => encodePng({ width: w, height: h, channels: 1, depth: 8, data: new Uint8Array(w * h).fill(v) });
    const files = { 'a/1.png': sized(8, 6, 10), 'a/2.png': sized(20, 16, 20), 'a/3.png': sized(24, 18, 30), 'b/4.png': sized(28, 20, 200), 'b/5.png': sized(40, 30, 210) };
    const table = imageTableFromZip(zipSync(files));
    expect(table.shape).toEqual({ height: 18, width: 24, channels: 1 });
    expect(table.warnings.join(' ')).toContain('the images come in 5 sizes, none shared by half of them (the most common, 8x6, by 1 of 5): every image was resized to their median size, 24x18');
    // Half of them at one size: that size, as before, and nothing to say.
    const half = imageTableFromZip(zipSync({ ...files, 'a/6.png': sized(8, 6, 12), 'b/7.png': sized(8, 6, 220), 'b/8.png': sized(8, 6, 230) }));
    expect(half.shape).toEqual({ height: 6, width: 8, channels: 1 });
    expect(half.warnings.join(' ')).not.toContain('sizes');
  });

  it('looks through a single wrapping folder', () => {
    expectTable(zipSync(twoClasses('pets/')));
  });

  it('uses the size and channels asked for, and 3 channels when any image is in colour', () => {
    const asked = imageTableFromZip(zipSync(twoClasses()), { size: { height: 2, width: 3 }, channels: 3 });
    expect(asked.shape).toEqual({ height: 2, width: 3, channels: 3 });
    expect(asked.dataset.columns.slice(0, 3).map((c) => c.name)).toEqual(['px_r0_c0_0', 'px_r0_c0_1', 'px_r0_c0_2']);
    expect(asked.dataset.columns).toHaveLength(2 * 3 * 3 + 1);
    const mixed = imageTableFromZip(zipSync({ 'a/1.png': grayPng(4, 0), 'b/2.jpeg': rgbJpeg(4, 4, [250, 250, 250]) }));
    expect(mixed.shape).toEqual({ height: 4, width: 4, channels: 3 });
    expect((mixed.dataset.columns[0] as NumericColumn).values[0]).toBe(0);
    expect((mixed.dataset.columns[0] as NumericColumn).values[1]).toBeGreaterThan(240);
  });

  it('refuses what is not a class dataset, naming the file or folder', () => {
    const message = (files: Record<string, Uint8Array>, options = {}) => engineError(() => imageTableFromZip(zipSync(files), options)).message;
    expect(message({})).toBe('the zip is empty');
    expect(message({ 'cats/a.png': grayPng(4, 0), 'cats/b.png': grayPng(4, 1) })).toMatch(/only one class folder \("cats"\)/);
    // A file named .png holding no PNG is left out (image-zip-classes), here leaving one class; a damaged PNG is refused by name.
    expect(message({ 'cats/a.png': grayPng(4, 0), 'dogs/bad.png': new TextEncoder().encode('hello') })).toBe('once the files holding no PNG or JPEG are left out (dogs/bad.png (no PNG or JPEG)), only class "cats" has images; image classification needs at least two');
    expect(message({ 'cats/a.png': grayPng(4, 0), 'dogs/cut.png': grayPng(4, 1).subarray(0, 40) })).toMatch(/^dogs\/cut\.png: a truncated or damaged PNG/);
    // A folder without images no longer refuses the zip (it is left out with a warning, image-zip-classes),
    // unless fewer than two classes are left.
    expect(message({ 'cats/a.png': grayPng(4, 0), 'birds/readme.txt': Uint8Array.of(1) })).toMatch(/^the zip has only one class folder \("cats"\) \(left out for holding no PNG or JPEG images: "birds"\)/);
    expect(message({ 'cats/a.png': grayPng(4, 0), 'dogs/b.png': grayPng(4, 1), 'loose.png': grayPng(4, 1) })).toMatch(/^loose\.png: this image is not inside a class folder/);
    expect(message({ 'a/1.png': grayPng(4, 0), 'b/2.png': grayPng(4, 1), 'b/3.png': grayPng(4, 1) }, { maxImages: 2 })).toMatch(/holds 3 images, more than the 2/);
    expect(message({ 'a/1.png': grayPng(4, 0), 'b/2.png': grayPng(4, 1) }, { size: { height: 100, width: 100 }, channels: 3 })).toMatch(/100x100x3 = 30000 values each, more than the 12288/);
    expect(message({ 'a/1.png': grayPng(4, 0), 'b/2.png': grayPng(4, 1) }, { maxTableValues: 20 })).toMatch(/make 32 pixel values, more than the 20/);
    expect(engineError(() => imageTableFromZip(new TextEncoder().encode('not a zip'))).message).toMatch(/^the upload is not a readable zip file/);
  });

  it('names the largest size of the same shape at which too many values would fit', () => {
    // 3 images of 8x4 gray (32 values each) against a cap of 50 values: 16 values per image fit, and at
    // the same 2:1 aspect that is floor(8 * sqrt(1/2)) x floor(4 * sqrt(1/2)) = 5x2.
    const wide = (value: number) => png(8, 4, 1, new Array(32).fill(value));
    const err = engineError(() => imageTableFromZip(zipSync({ 'a/1.png': wide(0), 'a/2.png': wide(9), 'b/3.png': wide(250) }), { maxTableValues: 50 }));
    expect(err.message).toBe(
      '3 images of 8x4x1 make 96 pixel values, more than the 50 a dataset may hold; ask for a smaller size with ?size=WxH on the upload (--size WxH from the command line), at most 5x2 for 3 images, or upload fewer images',
    );
    expect(err.details).toMatchObject({ reason: 'too_many_values', suggested_size: '5x2' });
    // The size named does fit.
    expect(imageTableFromZip(zipSync({ 'a/1.png': wide(0), 'a/2.png': wide(9), 'b/3.png': wide(250) }), { maxTableValues: 50, size: { width: 5, height: 2 } }).dataset.rows).toBe(3);
  });

  it('refuses a zip that decompresses past the caps before inflating it', () => {
    // 40 MB of zeros compresses to a few tens of kilobytes: a small zip bomb.
    const bomb = zipSync({ 'a/1.png': grayPng(4, 0), 'b/huge.png': new Uint8Array(40 * 1024 * 1024) });
    expect(bomb.length).toBeLessThan(1_000_000);
    const err = engineError(() => imageTableFromZip(bomb));
    expect(err.message).toMatch(/^b\/huge\.png: 41943040 bytes decompressed, more than the 33554432/);
    expect(err.details.reason).toBe('too_large');
    const total = engineError(() => imageTableFromZip(zipSync({ 'a/1.png': grayPng(4, 0), 'b/2.png': grayPng(4, 1) }), { maxUncompressedBytes: 100 }));
    expect(total.details.reason).toBe('too_large');
  });
});

describe('pixel columns', () => {
  it('reads the shared digits header as an 8x8 gray image', () => {
    const header = readFileSync(new URL('digits.train.csv', SHARED), 'utf8').split('\n', 1)[0].split(',');
    expect(inferImageShape(header)).toEqual({ height: 8, width: 8, channels: 1 });
  });

  it('round-trips names and refuses incomplete or mixed schemes', () => {
    const names = pixelColumnNames({ height: 2, width: 3, channels: 3 });
    expect(names.slice(0, 4)).toEqual(['px_r0_c0_0', 'px_r0_c0_1', 'px_r0_c0_2', 'px_r0_c1_0']);
    expect(inferImageShape([...names].reverse().concat('label'))).toEqual({ height: 2, width: 3, channels: 3 });
    expect(inferImageShape(names.slice(1))).toBeUndefined();
    expect(inferImageShape(['px_r0_c0', 'px_r0_c1_1'])).toBeUndefined();
    expect(inferImageShape(['px_r0_c0', 'px_r0_c0'])).toBeUndefined();
    expect(inferImageShape(['px_r00_c0'])).toBeUndefined();
    expect(inferImageShape(['age', 'income'])).toBeUndefined();
  });
});

describe('pixel range', () => {
  const column = (...values: number[]): NumericColumn => ({ name: 'px_r0_c0', type: 'numeric', storage: 'f64', values: Float64Array.from(values) });

  it('reads the shared digits as 0..16', () => {
    const { dataset } = inferDataset(parseCsv(readFileSync(new URL('digits.train.csv', SHARED), 'utf8')));
    const pixels = dataset.columns.filter((c): c is NumericColumn => c.name.startsWith('px_') && c.storage === 'f64');
    expect(pixels).toHaveLength(64);
    expect(pixelMaxValue(pixels)).toBe(16);
  });

  it('takes 8-bit data as 0..255 and normalised data as 0..1, whatever its brightest pixel', () => {
    expect(pixelMaxValue([column(0, 12, 250), column(3, 90)])).toBe(255);
    expect(pixelMaxValue([column(129)])).toBe(255);
    expect(pixelMaxValue([column(0, 0.25), column(0.8, NaN)])).toBe(1);
    expect(pixelMaxValue([column(0, 100)])).toBe(100);
    expect(pixelMaxValue([column(0, 4095)])).toBe(4095);
  });

  it('falls back to 255 when no pixel is positive', () => {
    expect(pixelMaxValue([column(NaN, NaN)])).toBe(255);
    expect(pixelMaxValue([column(0, -3)])).toBe(255);
    expect(pixelMaxValue([])).toBe(255);
  });
});
