/**
 * @module engine/data/pixel-grid
 * The image grid a list of column names stands for, for reports that show pixel columns as one entry (the
 * CLI's dataset and model reports, the drift answer): the names of a whole grid (images/pixel-columns
 * inferImageShape), or of most of one. A model's inputs lack the pixels training found constant (a
 * digit's blank corners), and its 60 remaining columns of an 8x8 grid are still that image's pixels, not
 * 60 features to list one by one. At least half of the grid its largest indices span must be there.
 */
import type { ImageShape } from '../core/image-shape';
import { inferImageShape, missingPixelColumns, pixelColumnNames } from './images/pixel-columns';

export interface PixelGrid {
  readonly shape: ImageShape;
  /** The grid's column names present in the list. */
  readonly present: ReadonlySet<string>;
}

/** The grid `names` cover whole or at least half of, with the names of it they hold; undefined when none. */
export function pixelGridOf(names: readonly string[]): PixelGrid | undefined {
  const missing = missingPixelColumns(names);
  const shape = inferImageShape(missing.length === 0 ? names : [...names, ...missing]);
  if (!shape) return undefined;
  const grid = new Set(pixelColumnNames(shape));
  const present = new Set(names.filter((name) => grid.has(name)));
  return present.size >= Math.max(2, grid.size / 2) ? { shape, present } : undefined;
}
