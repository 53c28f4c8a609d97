/**
 * @module cli/image-size
 * Reading `train --image-size 8x8` (or `32x32x3`): the height, width and, when given, channels of an image
 * job's images, which a table whose pixel columns are not named `px_*` (a CSV of `p0..p63`) needs, since
 * nothing in its column names tells the shape. Sizes outside what the API takes (sides of 1 to 512, 1 to 4
 * channels) are refused here, in the flag's words rather than the job's JSON fields.
 */
import { UsageError } from './errors';

/** The image shape the flag gives: the API's `image.height`, `image.width` and `image.channels`. */
export interface ImageSize {
  readonly height: number;
  readonly width: number;
  readonly channels?: number;
}

/** The largest side and channel count the API takes (its createJobSchema `image`). */
const MAX_SIDE = 512;
const MAX_CHANNELS = 4;

/** "HEIGHTxWIDTH" or "HEIGHTxWIDTHxCHANNELS", whole numbers; x, X or × between them. */
const SIZE = /^(\d+)\s*[xX×]\s*(\d+)(?:\s*[xX×]\s*(\d+))?$/;

/**
 * A parser for commander: "8x8" → {height: 8, width: 8}; "32x32x3" → {height: 32, width: 32, channels: 3}.
 * @param option the flag's name, which every refusal starts with
 */
export function imageSize(option: string) {
  return (value: string): ImageSize => {
    const m = SIZE.exec(value.trim());
    if (!m) throw new UsageError(`expected HEIGHTxWIDTH or HEIGHTxWIDTHxCHANNELS in pixels, such as 8x8 or 32x32x3, got "${value}"`, option);
    const [height, width] = [Number(m[1]), Number(m[2])];
    const channels = m[3] === undefined ? undefined : Number(m[3]);
    if ([height, width].some((side) => side < 1 || side > MAX_SIDE)) throw new UsageError(`height and width must be 1 to ${MAX_SIDE} pixels, got "${value}"`, option);
    if (channels !== undefined && (channels < 1 || channels > MAX_CHANNELS)) throw new UsageError(`channels must be 1 to ${MAX_CHANNELS} (1 gray, 3 RGB), got "${value}"`, option);
    return { height, width, ...(channels !== undefined ? { channels } : {}) };
  };
}
