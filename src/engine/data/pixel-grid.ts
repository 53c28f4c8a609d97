/**
 * @module engine/data/pixel-grid
 * The image grid a list of column names stands for, for reports that show pixel columns as one entry (the
 * CLI's dataset and model reports, the drift answer): the names of a whole grid (images/pixel-columns
 * inferImageShape), or of most of one. A model's inputs lack the pixels training found constant (a
 * digit's blank corners), and its 60 remaining columns of an 8x8 grid are still that image's pixels, not
 * 60 features to list one by one. At least half of the grid its largest indices span must be there.
 * Pixel columns not named `px_*` (an image job given its height and width read `p0..p63` in file order)
 * say nothing by their names: the model's own shape, which keeps them (ImageShape.columnNames), does.
 */
import type { ImageShape } from '../core/image-shape';
import { inferImageShape, missingPixelColumns, pixelColumnNames } from './images/pixel-columns';

export interface PixelGrid {
  readonly shape: ImageShape;
  /** The grid's column names present in the list. */
  readonly present: ReadonlySet<string>;
}

/** The name the one entry of `px_*` pixel columns goes by, as the dataset profile of a zip names it. */
export const PX_GRID_NAME = 'px_*';

/**
 * The grid `names` cover whole or at least half of, with the names of it they hold; undefined when none.
 * @param named the model's image shape: when it names its pixel columns (not `px_*`), the grid is those.
 */
export function pixelGridOf(names: readonly string[], named?: ImageShape): PixelGrid | undefined {
  const missing = missingPixelColumns(names);
  const shape = named?.columnNames ? named : inferImageShape(missing.length === 0 ? names : [...names, ...missing]);
  if (!shape) return undefined;
  const grid = new Set(pixelColumnNames(shape));
  const present = new Set(names.filter((name) => grid.has(name)));
  return present.size >= Math.max(2, grid.size / 2) ? { shape, present } : undefined;
}

/**
 * What the one entry standing for a grid's pixel columns is called: `px_*` for the `px_r{row}_c{col}`
 * names, else the first and last of the model's own (`p0..p63`), which no glob would cover without
 * catching other columns (`p*` takes `price` too).
 */
export function pixelGridName(shape: ImageShape): string {
  const names = shape.columnNames;
  if (!names || names.length === 0) return PX_GRID_NAME;
  return names.length === 1 ? names[0] : `${names[0]}..${names[names.length - 1]}`;
}
