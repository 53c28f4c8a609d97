/**
 * @module engine/features/pixels
 * The 'pixels' feature style for models that see images (the CNN): every pixel column, in the image's order,
 * multiplied by one scale shared by all of them (1 / the largest absolute value on the training rows),
 * missing → 0. Nothing is dropped or standardised per column: a convolution needs each pixel at its place
 * (the `px_*` columns are put in the image's order, whatever the file's) and one common intensity scale
 * (a pixel that is always 0 in training is still a pixel). The
 * pixel columns are those named `px_*`; a table with none of them (a CSV of `p0..p63`, whose image job
 * was given its height and width: worker/job-inputs checks their count and types) has every feature
 * column as a pixel, in file order.
 */
import { EngineError } from '../core/errors';
import type { Column, Dataset } from '../data/dataset';
import { type EncoderState, type FittedEncoder, rowAt, rowCount } from './encoder';
import { numericValue } from './numeric';

/** Names of pixel columns: `px_r{row}_c{col}` or `px_r{row}_c{col}_{channel}` (see core/image-shape). */
export const PIXEL_COLUMN = /^px_r\d+_c\d+(_\d+)?$/;

export interface PixelsState extends EncoderState {
  readonly kind: 'pixels';
  /** Multiplier applied to every value (shared by all pixel columns of the image). */
  readonly scale: number;
}

/**
 * The pixel columns of a dataset, leaving out `exclude`: the `px_*` ones in the image's row-major,
 * channel-last order (the order the CNN reshapes them in), whatever their order in the file; or every
 * column left, in file order, when none is so named (possibly none; pixelColumns refuses that). A file's
 * header sorted as text (px_r0_c0, px_r0_c1, px_r0_c10, ...) or written channel by channel would
 * otherwise train and answer on scrambled images without a word.
 */
export function pixelFeatureColumns(ds: Dataset, exclude: ReadonlySet<string>): Column[] {
  const features = ds.columns.filter((c) => !exclude.has(c.name));
  const named = features.filter((c) => PIXEL_COLUMN.test(c.name));
  if (named.length === 0) return features;
  const place = new Map(named.map((c) => [c.name, pixelPlace(c.name)]));
  return named.sort((a, b) => comparePlaces(place.get(a.name)!, place.get(b.name)!));
}

/** Row, column and channel of a `px_r{row}_c{col}[_{channel}]` name. */
function pixelPlace(name: string): [number, number, number] {
  const [r, c, k] = name.slice(3).split('_');
  return [Number(r.slice(1)), Number(c.slice(1)), k === undefined ? 0 : Number(k)];
}

function comparePlaces(a: readonly number[], b: readonly number[]): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

/** The pixel columns of a dataset (pixelFeatureColumns); refuses none, or a column named otherwise that holds no numbers. */
export function pixelColumns(ds: Dataset, exclude: ReadonlySet<string>): Column[] {
  const cols = pixelFeatureColumns(ds, exclude);
  if (cols.length === 0) {
    throw new EngineError('invalid_dataset', 'an image model needs pixel columns named px_r{row}_c{col} (or px_r{row}_c{col}_{channel}); this dataset has none', {
      columns: ds.columns.slice(0, 8).map((c) => c.name),
    });
  }
  // A category's codes would pass for intensities; the px_* columns of an upload are numeric by construction.
  const notNumeric = cols.find((c) => !PIXEL_COLUMN.test(c.name) && c.storage !== 'f64');
  if (notNumeric) {
    throw new EngineError('invalid_dataset', `an image model reads columns not named px_r{row}_c{col} as pixels only when every one holds numbers; "${notNumeric.name}" is ${notNumeric.type}`, {
      column: notNumeric.name,
    });
  }
  return cols;
}

/**
 * The shared scale: 1 / max |value| over the training rows of every pixel column (1 when all are 0 or
 * missing), so 8-bit images land in [0, 1] and the digits' 0..16 too.
 */
export function fitPixelScale(cols: readonly Column[], rows: ArrayLike<number>): number {
  let max = 0;
  for (const col of cols) {
    for (let i = 0; i < rows.length; i++) {
      const v = Math.abs(numericValue(col, rows[i]));
      if (v > max) max = v; // NaN compares false: missing values are skipped
    }
  }
  return max > 0 && Number.isFinite(max) ? 1 / max : 1;
}

export function pixelsEncoder(s: PixelsState): FittedEncoder {
  if (!(Number.isFinite(s.scale) && s.scale > 0)) throw new EngineError('bad_artifact', `pixel encoder for "${s.column}" has an invalid scale ${String(s.scale)}`);
  return {
    names: [s.column],
    kinds: ['numeric'],
    write(col, rows, out, stride, offset) {
      const n = rowCount(col, rows);
      const scale = s.scale;
      if (col.storage === 'f64' && rows === null) {
        const values = col.values;
        for (let i = 0; i < n; i++) {
          const v = values[i];
          out[i * stride + offset] = v === v ? v * scale : 0;
        }
        return;
      }
      for (let i = 0; i < n; i++) {
        const v = numericValue(col, rowAt(rows, i));
        out[i * stride + offset] = v === v ? v * scale : 0;
      }
    },
    toJSON: () => s,
  };
}
