/**
 * @module engine/data/column-cap
 * How many columns a table may have: `maxColumns`, or, for a table of an image's pixels as columns
 * named px_r{row}_c{col} (or px_r{row}_c{col}_{channel}), up to `maxPixelColumns` when all but a few of
 * its columns are. A 32x32 RGB image is 3,072 columns, past the usual cap of 1,000, which refused such a
 * CSV at upload although a zip of the same images was read. Only the pixel naming opens the wider cap:
 * the operator's cap (MAX_COLUMNS) holds for every other table. The cells a table may hold bound its
 * memory either way (maxCells).
 */
import { hasPixelForm } from './images/pixel-columns';

/** Columns a wide table of pixels may have beside its pixel columns (a label, an id, a few more). */
export const OTHER_COLUMNS_BESIDE_PIXELS = 64;


export interface ColumnCap {
  readonly maxColumns: number;
  /** The most columns of a table whose columns are all pixels but OTHER_COLUMNS_BESIDE_PIXELS; absent: maxColumns for every table. */
  readonly maxPixelColumns?: number;
}

/** Whether a table with these column names is within the cap. */
export function columnCountAllowed(names: readonly string[], cap: ColumnCap): boolean {
  if (names.length <= cap.maxColumns) return true;
  if (cap.maxPixelColumns === undefined || names.length > cap.maxPixelColumns) return false;
  let others = 0;
  // Leading zeros too (px_r00_c07), which an image job reads in file order (worker/job-inputs).
  for (const name of names) if (!hasPixelForm(name.trim()) && ++others > OTHER_COLUMNS_BESIDE_PIXELS) return false;
  return true;
}

/** '…at most 1000 are allowed (12352 for …)': the refusal's limit, with the wider cap when there is one. */
export function columnCapText(cap: ColumnCap): string {
  const pixels =
    cap.maxPixelColumns !== undefined && cap.maxPixelColumns > cap.maxColumns
      ? ` (${cap.maxPixelColumns} for an image's pixels as columns: all but ${OTHER_COLUMNS_BESIDE_PIXELS} of them named px_r{row}_c{col} or px_r{row}_c{col}_{channel})`
      : '';
  return `at most ${cap.maxColumns} are allowed${pixels}`;
}
