/**
 * @module cli/pixel-summary
 * The pixel columns of an image table, told apart from its other columns for the CLI's reports: a CSV
 * of pixels (64 columns for the 8x8 digits, 3,072 for 32x32 RGB) was printed one column per line, where
 * the server's profile of a zip already stands them in one `px_*` entry. Only `px_r…_c…` names that
 * cover a grid, whole or mostly (engine/data/pixel-grid), are summarised; any other keeps its lines.
 */
import type { ImageShape } from '../engine/core/image-shape';
import { pixelGridOf } from '../engine/data/pixel-grid';

/** The name the summary line goes by, as the server's zip profile names its entry. */
export const PIXEL_SUMMARY_NAME = 'px_*';

export interface PixelSplit<T> {
  /** The grid the pixel columns cover; undefined when they cover none (then `pixels` is empty). */
  readonly shape?: ImageShape;
  readonly pixels: T[];
  /** Every other entry, in its order. */
  readonly others: T[];
}

/** Entries (columns, features) split into the pixel columns of one grid (engine/data/pixel-grid) and the rest. */
export function splitPixelColumns<T extends { readonly name: string }>(entries: readonly T[]): PixelSplit<T> {
  const grid = pixelGridOf(entries.map((e) => e.name));
  if (!grid) return { pixels: [], others: [...entries] };
  return { shape: grid.shape, pixels: entries.filter((e) => grid.present.has(e.name)), others: entries.filter((e) => !grid.present.has(e.name)) };
}

/** "8x8x1", "32x32x3": width by height by channels, as the report of a zip writes its images' size. */
export const gridText = (shape: ImageShape): string => `${shape.width}x${shape.height}x${shape.channels}`;
