/**
 * @module engine/data/images/exif-orientation
 * A JPEG's EXIF Orientation tag, and the image turned the way it says. Phones and cameras store a photo
 * as the sensor read it and record in this tag how to turn it for display; jpeg-js decodes the stored
 * pixels and does not read the tag (it hands back the raw EXIF block at most), so a portrait photo came
 * out lying on its side, in training and at predict alike. Only the one tag is read: the APP1 segment's
 * TIFF header (byte order, first directory) and that directory's entries, bounds-checked at every step;
 * anything unexpected reads as "no orientation" (1), never as an error, since the pixels are fine.
 */
import type { DecodedImage } from './decode-image';

const ORIENTATION_TAG = 0x0112;
const SHORT = 3;

/**
 * The Orientation (1..8) of an APP1 segment's payload (the bytes after its length), or 1 when the
 * segment is not EXIF or holds no valid orientation.
 * @example exifOrientation(app1) // 6: turn 90° clockwise to display
 */
export function exifOrientation(payload: Uint8Array): number {
  // "Exif\0\0", then a TIFF header: "II" (little-endian) or "MM" (big-endian), 42, the first directory's offset.
  if (payload.length < 14 || String.fromCharCode(...payload.subarray(0, 4)) !== 'Exif' || payload[4] !== 0 || payload[5] !== 0) return 1;
  const tiff = payload.subarray(6);
  const little = tiff[0] === 0x49 && tiff[1] === 0x49;
  if (!little && !(tiff[0] === 0x4d && tiff[1] === 0x4d)) return 1;
  const u16 = (at: number) => (little ? tiff[at] | (tiff[at + 1] << 8) : (tiff[at] << 8) | tiff[at + 1]);
  const u32 = (at: number) => (little ? u16(at) + u16(at + 2) * 65536 : u16(at) * 65536 + u16(at + 2));
  if (u16(2) !== 42) return 1;
  const directory = u32(4);
  if (directory + 2 > tiff.length) return 1;
  const entries = u16(directory);
  for (let k = 0; k < entries; k++) {
    const at = directory + 2 + 12 * k;
    if (at + 12 > tiff.length) return 1;
    if (u16(at) !== ORIENTATION_TAG) continue;
    const value = u16(at + 8);
    return u16(at + 2) === SHORT && value >= 1 && value <= 8 ? value : 1;
  }
  return 1;
}

/** Whether the orientation swaps width and height (5 to 8: a quarter turn, with or without a mirror). */
export const swapsSides = (orientation: number) => orientation >= 5 && orientation <= 8;

/**
 * The image as it is meant to be shown: orientation 1 is unchanged, 2 mirrored left-right, 3 turned
 * 180°, 4 mirrored top-bottom, 5 transposed, 6 turned 90° clockwise, 7 transversed, 8 turned 90°
 * counter-clockwise (the TIFF/EXIF definitions).
 */
export function orientImage(image: DecodedImage, orientation: number): DecodedImage {
  if (orientation < 2 || orientation > 8) return image;
  const { width: w, height: h, channels } = image;
  const swap = swapsSides(orientation);
  const width = swap ? h : w;
  const height = swap ? w : h;
  // The stored pixel each shown pixel (u, v) comes from: x = ax*u + bx*v + cx, y = ay*u + by*v + cy.
  const [ax, bx, cx, ay, by, cy] = [
    [1, 0, 0, 0, 1, 0],
    [-1, 0, w - 1, 0, 1, 0],
    [-1, 0, w - 1, 0, -1, h - 1],
    [1, 0, 0, 0, -1, h - 1],
    [0, 1, 0, 1, 0, 0],
    [0, 1, 0, -1, 0, h - 1],
    [0, -1, w - 1, -1, 0, h - 1],
    [0, -1, w - 1, 1, 0, 0],
  ][orientation - 1];
  const data = new Uint8Array(image.data.length);
  for (let v = 0; v < height; v++) {
    for (let u = 0; u < width; u++) {
      const from = ((ay * u + by * v + cy) * w + (ax * u + bx * v + cx)) * channels;
      const to = (v * width + u) * channels;
      for (let c = 0; c < channels; c++) data[to + c] = image.data[from + c];
    }
  }
  return { width, height, channels, data };
}
