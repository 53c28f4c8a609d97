/**
 * @module engine/core/image-shape
 * The shape of an image input. An image dataset is a table with one numeric column per pixel value, named
 * `px_r{row}_c{col}` (one channel, as the 8x8 digits in ../shared/data) or `px_r{row}_c{col}_{channel}`
 * (several channels), in row-major order; models that see images (the CNN) reshape a row of those columns
 * into height x width x channels.
 */

export interface ImageShape {
  readonly height: number;
  readonly width: number;
  /** 1 for grayscale, 3 for RGB. */
  readonly channels: number;
  /** True when a horizontal flip keeps the label (photos of objects; not digits or text). */
  readonly flipInvariant?: boolean;
}

/** Values per image (the number of pixel columns). */
export function pixelCount(shape: ImageShape): number {
  return shape.height * shape.width * shape.channels;
}
