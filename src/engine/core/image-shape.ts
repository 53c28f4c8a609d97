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
  /**
   * The pixel value that stands for full intensity in the training data: 255 for uploaded image files,
   * 16 for the 8x8 digits CSV. A PNG or JPEG sent to predict (0..255) is scaled to it, so a model trained
   * on a CSV of another range reads an image file as it read its training rows. Absent: 255.
   */
  readonly maxValue?: number;
  /**
   * The pixel value that stands for black when the training pixels go below 0: -1 for data normalised to
   * -1..1, else the lowest value (standardised pixels). An image file's 0..255 is mapped onto
   * minValue..maxValue. Absent: 0.
   */
  readonly minValue?: number;
  /**
   * The pixel columns' own names in row-major order, channel fastest, for a table whose columns are not
   * named `px_*` (an image job given its height and width reads them in their file order, see
   * worker/job-inputs). Absent: the `px_r{row}_c{col}[_{channel}]` names (images/pixel-columns).
   */
  readonly columnNames?: readonly string[];
}

/** Full intensity of a decoded PNG or JPEG channel, and of an image whose shape records no maxValue. */
export const IMAGE_FILE_MAX_VALUE = 255;

/** Values per image (the number of pixel columns). */
export function pixelCount(shape: ImageShape): number {
  return shape.height * shape.width * shape.channels;
}
