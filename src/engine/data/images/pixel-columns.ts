/**
 * @module engine/data/images/pixel-columns
 * The naming scheme that makes a table an image dataset: one numeric column per pixel value, named
 * `px_r{row}_c{col}` when there is one channel and `px_r{row}_c{col}_{channel}` when there are several,
 * in row-major order with the channel varying fastest (height x width x channels). Both directions live
 * here: the names for a shape, and the shape read back from a table's header.
 */
import type { ImageShape } from '../../core/image-shape';

/**
 * Names of the pixel columns of `shape`, in row-major order (row, then column, then channel): its own
 * `columnNames` when it has them (a table named otherwise), else the `px_*` names.
 */
export function pixelColumnNames(shape: ImageShape): string[] {
  if (shape.columnNames) return [...shape.columnNames];
  const names: string[] = [];
  for (let r = 0; r < shape.height; r++) {
    for (let c = 0; c < shape.width; c++) {
      if (shape.channels === 1) names.push(`px_r${r}_c${c}`);
      else for (let k = 0; k < shape.channels; k++) names.push(`px_r${r}_c${c}_${k}`);
    }
  }
  return names;
}

/** Indices written without leading zeros, so a recognised name is exactly the one pixelColumnNames writes. */
const PIXEL_RE = /^px_r(0|[1-9]\d*)_c(0|[1-9]\d*)(?:_(0|[1-9]\d*))?$/;

/** Whether `name` is one that pixelColumnNames writes (`px_r3_c4`, `px_r3_c4_2`). */
export const isPixelColumnName = (name: string): boolean => PIXEL_RE.test(name);

/** The px_* form with any digits, leading zeros too (`px_r00_c07`, which the scheme never writes). */
const PIXEL_FORM_RE = /^px_r\d+_c\d+(?:_\d+)?$/;

/**
 * Whether `name` has the px_* form, leading zeros allowed: what tells a table's pixel columns from its
 * others (a label, an id) where the exact scheme (isPixelColumnName) is not asked for.
 */
export const hasPixelForm = (name: string): boolean => PIXEL_FORM_RE.test(name);

/** Largest side or channel count believed; a header naming px_r99999_c0 is not an image. */
const MAX_INDEX = 4096;

/**
 * The image shape a table's header describes, or undefined when it does not describe exactly one.
 * Columns that do not look like pixels (the label, ids) are ignored. The pixel columns must all use the
 * same form (with or without a channel suffix) and cover every (row, col[, channel]) of the grid their
 * largest indices span exactly once: a header with a gap or a duplicate is not read as an image, since
 * reshaping it would put values in the wrong place.
 * @example inferImageShape(['px_r0_c0', 'px_r0_c1', 'px_r1_c0', 'px_r1_c1', 'digit']) // {height: 2, width: 2, channels: 1}
 */
export function inferImageShape(columnNames: readonly string[]): ImageShape | undefined {
  let count = 0;
  let withChannel = 0;
  let height = 0;
  let width = 0;
  let channels = 0;
  const seen = new Set<string>();
  for (const name of columnNames) {
    const m = PIXEL_RE.exec(name);
    if (!m) continue;
    if (seen.has(name)) return undefined;
    seen.add(name);
    count++;
    const r = Number(m[1]);
    const c = Number(m[2]);
    const k = m[3] === undefined ? 0 : Number(m[3]);
    if (m[3] !== undefined) withChannel++;
    if (r >= MAX_INDEX || c >= MAX_INDEX || k >= MAX_INDEX) return undefined;
    height = Math.max(height, r + 1);
    width = Math.max(width, c + 1);
    channels = Math.max(channels, k + 1);
  }
  if (count === 0) return undefined;
  if (withChannel !== 0 && withChannel !== count) return undefined;
  // Distinct names inside the grid: complete exactly when their number is the grid's size.
  if (count !== height * width * channels) return undefined;
  // One channel written with a suffix (px_r0_c0_0) is not what pixelColumnNames writes: not recognised.
  if (withChannel > 0 && channels === 1) return undefined;
  return { height, width, channels };
}

/** Largest grid missingPixelColumns walks; a header spanning more is not a gap to list name by name. */
const MAX_GRID_VALUES = 1 << 20;

/**
 * The pixel columns a header lacks for the grid its largest indices span, in row-major order: what to
 * name when inferImageShape finds no complete grid. Empty when nothing is missing, or when the header
 * fails for another reason (mixed forms, indices out of range).
 * @example missingPixelColumns(['px_r0_c0', 'px_r1_c0', 'px_r1_c1']) // ['px_r0_c1']
 */
export function missingPixelColumns(columnNames: readonly string[]): string[] {
  const present = new Set<string>();
  let withChannel = 0;
  let height = 0;
  let width = 0;
  let channels = 0;
  for (const name of columnNames) {
    const m = PIXEL_RE.exec(name);
    if (!m) continue;
    const [r, c, k] = [Number(m[1]), Number(m[2]), m[3] === undefined ? 0 : Number(m[3])];
    if (r >= MAX_INDEX || c >= MAX_INDEX || k >= MAX_INDEX) return [];
    if (m[3] !== undefined) withChannel++;
    present.add(name);
    height = Math.max(height, r + 1);
    width = Math.max(width, c + 1);
    channels = Math.max(channels, k + 1);
  }
  if (present.size === 0 || (withChannel !== 0 && withChannel !== present.size)) return [];
  if (height * width * channels > MAX_GRID_VALUES) return [];
  return pixelColumnNames({ height, width, channels: withChannel > 0 ? channels : 1 }).filter((n) => !present.has(n));
}
