/**
 * @module worker/image-rows
 * Predict rows for models that see images. Besides the usual object keyed by pixel column names, a row
 * may be `{"image": "<base64 PNG or JPEG>"}` (a data: URL too), decoded and resampled to the model's
 * shape exactly as uploads are (engine/data/images), then scaled from 0..255 to the training pixels'
 * range (ImageShape.maxValue), or `{"pixels": [...]}`: height*width*channels numbers, in the training
 * data's own range, flat in row-major order, or nested [h][w] (one channel) or [h][w][c]. Both become rows
 * keyed by the pixel columns, so the predictor validates and encodes them like any other row. A row with
 * no image, part of one, or pixels on another scale is refused (pixel-row-checks). Errors are 400s
 * naming the row and the field.
 */
import { EngineError, type ModelEnvelope } from '../engine';
import { IMAGE_FILE_MAX_VALUE, type ImageShape } from '../engine/core/image-shape';
import { decodeImage } from '../engine/data/images/decode-image';
import { inferImageShape, pixelColumnNames } from '../engine/data/images/pixel-columns';
import { resizeImage } from '../engine/data/images/resize';
import { numericCell } from '../engine/features/rows-to-dataset';
import { ApiError } from './errors';
import { checkPixelColumns, checkPixelRange } from './pixel-row-checks';

/** Shapes found per loaded envelope: reading thousands of column names once per model, not per request. */
const shapes = new WeakMap<object, ImageShape | null>();

/**
 * The image shape a model takes: the envelope's `image` (every model of an image job), else the shape its
 * pixel-named training columns describe (a table model trained on pixel columns), with the full intensity
 * its job read from them (pixel_max; a model stored before it was recorded reads image files as 0..255).
 */
export function imageShapeOf(envelope: ModelEnvelope): ImageShape | undefined {
  let shape = shapes.get(envelope);
  if (shape === undefined) {
    const inferred = envelope.image ? undefined : inferImageShape(envelope.columns);
    const range = envelope.pixel_max !== undefined ? { maxValue: envelope.pixel_max, ...(envelope.pixel_min !== undefined ? { minValue: envelope.pixel_min } : {}) } : {};
    shape = envelope.image ?? (inferred ? { ...inferred, ...range } : null);
    shapes.set(envelope, shape);
  }
  return shape ?? undefined;
}

const badRow = (row: number, field: string, problem: string) => new ApiError(400, 'invalid_request', `rows[${row}].${field}: ${problem}`, { row, field });

/**
 * Rows with `image` or `pixels` turned into rows keyed by `shape`'s pixel columns; other fields of these
 * rows pass through unchanged. A row of pixel columns passes through once pixel-row-checks finds every
 * column there (no image at all, or part of one, is refused). Pixel values, given either way, must lie
 * in the model's range. A model whose own columns are named `image` or `pixels` keeps those fields as
 * plain values.
 */
export function imageRowsToColumns(shape: ImageShape, columns: readonly string[], rows: readonly unknown[]): unknown[] {
  const names = pixelColumnNames(shape);
  const fields = imageFields(columns);
  return rows.map((row, i) => {
    const read = readImageRow(shape, names, fields, row, i);
    if (read.kind !== 'given') return row;
    const out = read.rest;
    for (let v = 0; v < names.length; v++) out[names[v]] = read.values[v];
    return out;
  });
}

/** A batch of an image model's rows with the pixels in arrays, one per pixel column (row i's value at [i]). */
export interface PixelBatch {
  /** Each row without its `image` or `pixels` (a row of pixel columns as it came). */
  readonly rows: unknown[];
  readonly pixels: Map<string, Float64Array>;
  /** Row i as imageRowsToColumns makes it (for the few rows drift samples). */
  rowAt(i: number): unknown;
}

/**
 * imageRowsToColumns' reading and refusals, with every row's pixels put in arrays rather than into the
 * row: as properties, a 64x64 RGB image's 12,288 pixels take about 0.8 MB (V8 keeps so wide an object as
 * a dictionary), so an 8-MiB request of small JPEGs held gigabytes. A row of pixel columns keeps them, its
 * cells read as numbers as the predictor reads them. Undefined when no row gives `image` or `pixels`: the
 * rows, as sent, are no bigger than the request.
 */
export function imageRowsToArrays(shape: ImageShape, columns: readonly string[], rows: readonly unknown[]): PixelBatch | undefined {
  const names = pixelColumnNames(shape);
  const fields = imageFields(columns);
  const givesImage = (row: unknown) =>
    row !== null && typeof row === 'object' && !Array.isArray(row) && ((fields.image && Object.hasOwn(row, 'image')) || (fields.pixels && Object.hasOwn(row, 'pixels')));
  if (!rows.some(givesImage)) return undefined;
  const n = rows.length;
  const arrays = names.map(() => new Float64Array(n));
  const rest: unknown[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const row = rows[i];
    const read = readImageRow(shape, names, fields, row, i);
    rest[i] = read.kind === 'given' ? read.rest : row;
    if (read.kind === 'given') for (let k = 0; k < names.length; k++) arrays[k][i] = read.values[k];
    else if (read.kind === 'columns') for (let k = 0; k < names.length; k++) arrays[k][i] = numericCell((row as Record<string, unknown>)[names[k]], names[k], i);
  }
  const pixels = new Map(names.map((name, k) => [name, arrays[k]]));
  const rowAt = (i: number) => {
    const row = rest[i];
    if (row === null || typeof row !== 'object' || Array.isArray(row)) return row;
    const out: Record<string, unknown> = Object.assign(Object.create(null), row);
    for (let k = 0; k < names.length; k++) out[names[k]] = arrays[k][i];
    return out;
  };
  return { rows: rest, pixels, rowAt };
}

/** Whether a file's `header` has an `image` or `pixels` column the model reads as an image. */
export function headerGivesImages(columns: readonly string[], header: readonly string[]): boolean {
  const fields = imageFields(columns);
  return (fields.image && header.includes('image')) || (fields.pixels && header.includes('pixels'));
}

/**
 * Refuses as imageRowsToColumns does a batch of rows given as pixel columns (a file whose header has no
 * image or pixels column), reading one row object at a time from `rowAt`.
 */
export function checkPixelRows(shape: ImageShape, columns: readonly string[], n: number, rowAt: (i: number) => unknown): void {
  const names = pixelColumnNames(shape);
  const fields = imageFields(columns);
  for (let i = 0; i < n; i++) readImageRow(shape, names, fields, rowAt(i), i);
}

/** Which of `image` and `pixels` a model reads as an image (not when its own columns are so named). */
const imageFields = (columns: readonly string[]) => ({ image: !columns.includes('image'), pixels: !columns.includes('pixels') });

/** A row as read: not an object (left to the predictor to refuse), pixel columns, or an image or pixels given. */
type ImageRow = { kind: 'other' } | { kind: 'columns' } | { kind: 'given'; values: ArrayLike<number>; rest: Record<string, unknown> };

function readImageRow(shape: ImageShape, names: readonly string[], reads: { image: boolean; pixels: boolean }, row: unknown, i: number): ImageRow {
  if (row === null || typeof row !== 'object' || Array.isArray(row)) return { kind: 'other' };
  const fields = row as Record<string, unknown>;
  const image = reads.image && Object.hasOwn(fields, 'image');
  const pixels = reads.pixels && Object.hasOwn(fields, 'pixels');
  if (!image && !pixels) {
    checkPixelRange(shape, checkPixelColumns(names, fields, i), i, undefined, (k) => names[k]);
    return { kind: 'columns' };
  }
  if (image && pixels) throw badRow(i, 'image', 'give either image or pixels, not both');
  // A decoded file is in range by construction; given pixels are checked, each named as it was given.
  const values = image ? imagePixels(shape, fields.image, i) : flattenPixels(shape, fields.pixels, i);
  if (pixels) checkPixelRange(shape, values, i, 'pixels', (k) => pixelPath(shape, fields.pixels as unknown[], k));
  // Prototype-less, as parsed JSON rows are looked up by column name.
  const rest: Record<string, unknown> = Object.create(null);
  for (const [key, value] of Object.entries(fields)) if (!(image && key === 'image') && !(pixels && key === 'pixels')) rest[key] = value;
  return { kind: 'given', values, rest };
}

const DATA_URL_RE = /^data:[^,]*;base64,/i;

function imagePixels(shape: ImageShape, value: unknown, row: number): ArrayLike<number> {
  if (typeof value !== 'string') throw badRow(row, 'image', 'expected a base64 string of a PNG or JPEG file');
  if (shape.channels !== 1 && shape.channels !== 3) throw badRow(row, 'image', `this model takes ${shape.channels}-channel pixels; send them as pixels`);
  let bytes: Uint8Array;
  try {
    // URL-safe base64 (- and _, padding often dropped), as browsers' and many libraries' encoders write it, reads the same.
    const text = value.replace(/\s+/g, '').replace(DATA_URL_RE, '').replace(/-/g, '+').replace(/_/g, '/');
    const binary = atob(text.padEnd(Math.ceil(text.length / 4) * 4, '='));
    bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  } catch {
    throw badRow(row, 'image', 'not valid base64 (standard or URL-safe) of a PNG or JPEG file');
  }
  try {
    const pixels = resizeImage(decodeImage(bytes, `rows[${row}].image`), { height: shape.height, width: shape.width, channels: shape.channels });
    return toTrainingRange(pixels, shape.minValue ?? 0, shape.maxValue ?? IMAGE_FILE_MAX_VALUE);
  } catch (err) {
    // The engine's message already starts with the label it was given (rows[i].image).
    if (err instanceof EngineError) throw new ApiError(400, 'invalid_request', err.message, { row, field: 'image' });
    throw err;
  }
}

/**
 * A decoded image's 0..255 values mapped onto the range the model was trained on (ImageShape.minValue to
 * maxValue): a model trained on the 0..16 digits CSV would read a PNG's 255 as sixteen times its
 * brightest ink, and one trained on -1..1 pixels a black pixel as mid-gray.
 */
function toTrainingRange(pixels: Uint8Array, minValue: number, maxValue: number): ArrayLike<number> {
  if (minValue === 0 && maxValue === IMAGE_FILE_MAX_VALUE) return pixels;
  const factor = (maxValue - minValue) / IMAGE_FILE_MAX_VALUE;
  return Float64Array.from(pixels, (v) => minValue + v * factor);
}

/** The path of value k of a `pixels` array as given: `pixels[k]` when flat, `pixels[y][x]` or `pixels[y][x][c]` when nested. */
function pixelPath(shape: ImageShape, given: readonly unknown[], k: number): string {
  if (!Array.isArray(given[0])) return `pixels[${k}]`;
  const c = k % shape.channels;
  const at = (k - c) / shape.channels;
  const [y, x] = [Math.floor(at / shape.width), at % shape.width];
  return shape.channels === 1 ? `pixels[${y}][${x}]` : `pixels[${y}][${x}][${c}]`;
}

/** A flat or nested pixel array as height*width*channels numbers in row-major order. */
function flattenPixels(shape: ImageShape, value: unknown, row: number): Float64Array {
  const { height, width, channels } = shape;
  const expected = `${height * width * channels} numbers (${height}x${width}x${channels}) as a flat array or nested [${height}][${width}]${channels > 1 ? `[${channels}]` : ''}`;
  if (!Array.isArray(value)) throw badRow(row, 'pixels', `expected ${expected}`);
  const out = new Float64Array(height * width * channels);
  const put = (at: number, v: unknown, where: string) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw badRow(row, `pixels${where}`, `expected a number, got ${JSON.stringify(v) ?? typeof v}`);
    out[at] = v;
  };
  // A flat array (its first element a number, not a row) is judged by its length alone: one that happens
  // to be `height` long is not a nested array with a bad first row.
  if (value.length > 0 && !Array.isArray(value[0])) {
    if (value.length !== out.length) throw badRow(row, 'pixels', `expected ${expected}, got a flat array of ${value.length} numbers`);
    for (let k = 0; k < out.length; k++) put(k, value[k], `[${k}]`);
    return out;
  }
  if (value.length !== height) throw badRow(row, 'pixels', `expected ${expected}, got an array of ${value.length}`);
  for (let y = 0; y < height; y++) {
    const line = value[y];
    if (!Array.isArray(line) || line.length !== width) throw badRow(row, `pixels[${y}]`, `expected ${width} pixels`);
    for (let x = 0; x < width; x++) {
      const cell = line[x];
      const at = (y * width + x) * channels;
      if (channels === 1 && !Array.isArray(cell)) put(at, cell, `[${y}][${x}]`);
      else if (Array.isArray(cell) && cell.length === channels) for (let c = 0; c < channels; c++) put(at + c, cell[c], `[${y}][${x}][${c}]`);
      else throw badRow(row, `pixels[${y}][${x}]`, `expected ${channels === 1 ? 'a number' : `${channels} channel values`}`);
    }
  }
  return out;
}
