/**
 * @module engine/data/images/pixel-range
 * The full-intensity value of an image table's pixels (ImageShape.maxValue), read from the training rows
 * when the job does not give it. Uploaded image files are 0..255; a CSV of pixels may use any range (the
 * 8x8 digits are 0..16, normalised data 0..1). Predict scales a PNG or JPEG to this range, so the rule
 * must find the range's top, not merely the brightest pixel seen: 8-bit data whose brightest pixel is 250
 * is still 0..255.
 */
import type { NumericColumn } from '../dataset';
import { IMAGE_FILE_MAX_VALUE } from '../../core/image-shape';

/**
 * The largest pixel value on the training rows, taken as the range's top, except that data within 0..1 is
 * taken as 0..1 and data whose largest value lies in (128, 255] as 8-bit (0..255). Returns 255 when every
 * pixel is missing or no value is positive (nothing to scale by).
 *
 * `championMax`, the range of the model a challenger or retraining job would replace, is kept when the
 * brightest pixel lies in its upper half (digits 0..16 whose newest rows reach 15 stay 0..16, so image
 * files sent to predict scale as before); pixels on another scale (0..1 rows against a champion of
 * image files, 0..255) are read by themselves.
 * @example pixelMaxValue(digitsColumns) // 16
 */
export function pixelMaxValue(columns: readonly NumericColumn[], championMax?: number): number {
  let max = 0;
  for (const col of columns) {
    const values = col.values;
    for (let i = 0; i < values.length; i++) if (values[i] > max) max = values[i];
  }
  if (championMax !== undefined && max > championMax / 2 && max <= championMax) return championMax;
  if (!(max > 0) || !Number.isFinite(max)) return IMAGE_FILE_MAX_VALUE;
  if (max <= 1) return 1;
  if (max > 128 && max <= IMAGE_FILE_MAX_VALUE) return IMAGE_FILE_MAX_VALUE;
  return max;
}

/**
 * The value standing for black when the training pixels go below 0 (ImageShape.minValue): -1 for data
 * within -1..1, else the lowest value (standardised pixels, whose black is the background's value);
 * undefined when no pixel is negative (black is 0). A PNG sent to predict is mapped onto min..max: mapped
 * onto 0..max, a black pixel of -1..1 data read as mid-gray.
 * @example pixelMinValue(columnsOf([-1, -0.5, 1])) // -1
 */
export function pixelMinValue(columns: readonly NumericColumn[]): number | undefined {
  let min = 0;
  let max = -Infinity;
  for (const col of columns) {
    const values = col.values;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  if (!(min < 0) || !Number.isFinite(min)) return undefined;
  return min >= -1 && max <= 1 ? -1 : min;
}
