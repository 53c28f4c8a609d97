/**
 * JPEG EXIF orientation, in plain Node: the tag is read from an APP1 segment in either byte order
 * (anything malformed reads as 1), each of the eight orientations turns a hand-made image as the
 * TIFF/EXIF definitions say, and a JPEG stored sideways with orientation 6 (as phones write portrait
 * photos) decodes upright, in the zip table's size vote too. Test JPEGs are written by jpeg-js's encoder
 * with an EXIF segment spliced in after the start-of-image marker.
 */
import { zipSync } from 'fflate';
import jpeg from 'jpeg-js';
import { describe, expect, it } from 'vitest';
import { type DecodedImage, decodeImage, readImageHeader } from '../../src/engine/data/images/decode-image';
import { exifOrientation, orientImage } from '../../src/engine/data/images/exif-orientation';
import { imageTableFromZip } from '../../src/engine/data/images/image-table';

/** An APP1 payload: "Exif\0\0", a TIFF header in the byte order asked for, one directory of `entries` (tag, type, value). */
function exifPayload(entries: [number, number, number][], little = true): Uint8Array {
  const tiff = new Uint8Array(8 + 2 + 12 * entries.length + 4);
  const view = new DataView(tiff.buffer);
  tiff.set(little ? [0x49, 0x49] : [0x4d, 0x4d]);
  view.setUint16(2, 42, little);
  view.setUint32(4, 8, little);
  view.setUint16(8, entries.length, little);
  entries.forEach(([tag, type, value], k) => {
    const at = 10 + 12 * k;
    view.setUint16(at, tag, little);
    view.setUint16(at + 2, type, little);
    view.setUint32(at + 4, 1, little);
    view.setUint16(at + 8, value, little);
  });
  return Uint8Array.from([...new TextEncoder().encode('Exif'), 0, 0, ...tiff]);
}

/** A JPEG `width` x `height` whose left half is black and right half white, with an EXIF orientation. */
function sidewaysJpeg(width: number, height: number, orientation: number): Uint8Array {
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set(x < width / 2 ? [0, 0, 0, 255] : [255, 255, 255, 255], (y * width + x) * 4);
  const plain = new Uint8Array(jpeg.encode({ width, height, data }, 95).data);
  const payload = exifPayload([[0x010f, 2, 0], [0x0112, 3, orientation]]);
  const segment = Uint8Array.from([0xff, 0xe1, (payload.length + 2) >> 8, (payload.length + 2) & 0xff, ...payload]);
  return Uint8Array.from([...plain.subarray(0, 2), ...segment, ...plain.subarray(2)]);
}

describe('exifOrientation', () => {
  it('reads the tag in either byte order, past other tags', () => {
    expect(exifOrientation(exifPayload([[0x0112, 3, 6]]))).toBe(6);
    expect(exifOrientation(exifPayload([[0x010f, 2, 0], [0x0112, 3, 8]], false))).toBe(8);
  });

  it('reads anything unexpected as 1', () => {
    expect(exifOrientation(exifPayload([[0x010f, 2, 0]]))).toBe(1);
    expect(exifOrientation(exifPayload([[0x0112, 3, 9]]))).toBe(1);
    expect(exifOrientation(exifPayload([[0x0112, 4, 6]]))).toBe(1);
    expect(exifOrientation(exifPayload([[0x0112, 3, 6]]).subarray(0, 20))).toBe(1);
    expect(exifOrientation(new TextEncoder().encode('http://ns.adobe.com/xap/1.0/\0<x:xmpmeta/>'))).toBe(1);
  });
});

describe('orientImage', () => {
  const image: DecodedImage = { width: 3, height: 2, channels: 1, data: Uint8Array.from([1, 2, 3, 4, 5, 6]) };
  const turned = (o: number) => {
    const out = orientImage(image, o);
    return { width: out.width, height: out.height, data: Array.from(out.data) };
  };

  it('turns a 3x2 image as each of the eight orientations says', () => {
    expect(turned(1)).toEqual({ width: 3, height: 2, data: [1, 2, 3, 4, 5, 6] });
    expect(turned(2)).toEqual({ width: 3, height: 2, data: [3, 2, 1, 6, 5, 4] });
    expect(turned(3)).toEqual({ width: 3, height: 2, data: [6, 5, 4, 3, 2, 1] });
    expect(turned(4)).toEqual({ width: 3, height: 2, data: [4, 5, 6, 1, 2, 3] });
    expect(turned(5)).toEqual({ width: 2, height: 3, data: [1, 4, 2, 5, 3, 6] });
    expect(turned(6)).toEqual({ width: 2, height: 3, data: [4, 1, 5, 2, 6, 3] });
    expect(turned(7)).toEqual({ width: 2, height: 3, data: [6, 3, 5, 2, 4, 1] });
    expect(turned(8)).toEqual({ width: 2, height: 3, data: [3, 6, 2, 5, 1, 4] });
  });

  it('keeps the channels of a pixel together', () => {
    const rgb: DecodedImage = { width: 2, height: 1, channels: 3, data: Uint8Array.from([1, 2, 3, 4, 5, 6]) };
    expect(Array.from(orientImage(rgb, 6).data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(Array.from(orientImage(rgb, 2).data)).toEqual([4, 5, 6, 1, 2, 3]);
  });
});

describe('decoding a JPEG with an EXIF orientation', () => {
  /** Mean of the first channel over the rows [from, to) of a decoded image. */
  const rowsMean = (img: DecodedImage, from: number, to: number) => {
    let sum = 0;
    for (let y = from; y < to; y++) for (let x = 0; x < img.width; x++) sum += img.data[(y * img.width + x) * img.channels];
    return sum / ((to - from) * img.width);
  };

  it('turns a sideways photo upright: orientation 6 puts the stored left edge on top', () => {
    const bytes = sidewaysJpeg(32, 16, 6);
    expect(readImageHeader(bytes, 'p.jpg')).toMatchObject({ width: 32, height: 16, orientation: 6 });
    const img = decodeImage(bytes, 'p.jpg');
    expect({ width: img.width, height: img.height }).toEqual({ width: 16, height: 32 });
    expect(rowsMean(img, 0, 14)).toBeLessThan(20);
    expect(rowsMean(img, 18, 32)).toBeGreaterThan(235);
    // Orientation 8 is the other quarter turn: the stored left edge at the bottom.
    const other = decodeImage(sidewaysJpeg(32, 16, 8), 'q.jpg');
    expect(rowsMean(other, 18, 32)).toBeLessThan(20);
  });

  it('sizes a zip table by the images as shown', () => {
    const files: Record<string, Uint8Array> = {};
    for (let i = 0; i < 3; i++) {
      files[`portrait/${i}.jpg`] = sidewaysJpeg(32, 16, 6);
      files[`other/${i}.jpg`] = sidewaysJpeg(32, 16, 6);
    }
    expect(imageTableFromZip(zipSync(files)).shape).toEqual({ height: 32, width: 16, channels: 3 });
  });
});
