/**
 * @module cli/pixel-summary
 * The pixel columns of an image table, told apart from its other columns for the CLI's reports: a CSV
 * of pixels (64 columns for the 8x8 digits, 3,072 for 32x32 RGB) was printed one column per line, where
 * the server's profile of a zip already stands them in one `px_*` entry. Only `px_r…_c…` names that
 * cover a grid, whole or mostly (engine/data/pixel-grid), are summarised; any other keeps its lines, except
 * the inputs of an image model named otherwise (an image job given its shape reads `p0..p63` in file order
 * and nothing else), which are its pixels whatever their names.
 */
import type { ImageShape } from '../engine/core/image-shape';
import { isPixelColumnName } from '../engine/data/images/pixel-columns';
import { type PixelGrid, pixelGridName, pixelGridOf, PX_GRID_NAME } from '../engine/data/pixel-grid';

/** The summary line's name: `px_*`, or the first and last of a model's own pixel columns (`p0..p63`). */
export const pixelSummaryName = pixelGridName;

/** The name the summary line goes by, as the server's zip profile names its entry. */
export const PIXEL_SUMMARY_NAME = PX_GRID_NAME;

export interface PixelSplit<T> {
  /** The grid the pixel columns cover; undefined when they cover none (then `pixels` is empty). */
  readonly shape?: ImageShape;
  readonly pixels: T[];
  /** Every other entry, in its order. */
  readonly others: T[];
}

/**
 * Entries (columns, features) split into the pixel columns of one grid (engine/data/pixel-grid) and the rest.
 * @param image the model's image, when it is one: with no `px_*` grid among its inputs, every input is a
 *   pixel (the shape then names them, for pixelGridName)
 */
export function splitPixelColumns<T extends { readonly name: string }>(entries: readonly T[], image?: Omit<ImageShape, 'columnNames'>): PixelSplit<T> {
  const names = entries.map((e) => e.name);
  const grid = pixelGridOf(names) ?? (image && names.length > 1 ? everyInput(names, image) : undefined);
  if (!grid) return { pixels: [], others: [...entries] };
  return { shape: grid.shape, pixels: entries.filter((e) => grid.present.has(e.name)), others: entries.filter((e) => !grid.present.has(e.name)) };
}

/** "8x8x1", "32x32x3": width by height by channels, as the report of a zip writes its images' size. */
export const gridText = (shape: ImageShape): string => `${shape.width}x${shape.height}x${shape.channels}`;

/**
 * An image model's inputs as its grid: all of them when none is a `px_*` name (an image job given its shape
 * reads nothing else), named in its shape; or when all are (most of the grid absent, as constant). Inputs of
 * both kinds are a table model's on a CSV of pixels beside other columns: no grid to tell them apart by.
 */
function everyInput(names: readonly string[], image: Omit<ImageShape, 'columnNames'>): PixelGrid | undefined {
  const px = names.filter(isPixelColumnName).length;
  if (px !== 0 && px !== names.length) return undefined;
  return { shape: { height: image.height, width: image.width, channels: image.channels, ...(px === 0 ? { columnNames: names } : {}) }, present: new Set(names) };
}
