/**
 * @module worker/pixel-row-checks
 * What a predict row must hold before an image model reads it. A table model reads an absent feature as
 * a missing value, and for an image model that meant a row with no image at all (`{}`, which is what
 * `JSON.stringify({image: undefined})` sends; a CSV of labels only; one pixel column of 3,072) was
 * answered with made-up but confident probabilities, every pixel imputed. And pixel values on another
 * scale (9999, or 0..1 values sent to a 0..255 model) were taken as given. Each refusal is a 400 naming
 * the row (`rows[i]`, renamed per body format by row-refusals) and the cell or what is missing.
 */
import { IMAGE_FILE_MAX_VALUE, type ImageShape } from '../engine/core/image-shape';
import { isMissingNumberCell } from '../engine/data/column-types';
import { ApiError, listSome } from './errors';

/** Missing pixel columns named in a refusal before "and N more". */
const SHOWN = 5;

/**
 * How far outside the model's range a value may lie: 2% of it, for rounding and for resamplers that
 * overshoot a little at edges; a value on another scale (9999 for 0..255, 255 for 0..1) is far beyond.
 */
const RANGE_TOLERANCE = 0.02;

/**
 * A model whose range top is at least this many times 1 reads a row of values all within 0..1 as a
 * nearly black image (a tenth of full intensity at most): far likelier scaled to 0..1 by mistake.
 */
const SCALED_DOWN_FACTOR = 10;

const refusal = (row: number, field: string | undefined, problem: string, extra: Record<string, unknown> = {}) =>
  new ApiError(400, 'invalid_request', `rows[${row}]${field === undefined ? '' : `.${field}`}: ${problem}`, { row, ...(field === undefined ? {} : { field }), ...extra });

/** What an image model takes instead, for refusals. */
const ways = (names: readonly string[]) => `"image" (a base64 PNG or JPEG), "pixels" (${names.length} numbers) or its ${names.length} pixel columns (${names[0]} … ${names[names.length - 1]})`;

/** An empty cell: absent, null, blank or a missing-value word, as the predictor reads numbers. */
const isEmptyCell = (cell: unknown) => cell === null || cell === undefined || (typeof cell === 'string' && (cell.trim() === '' || isMissingNumberCell(cell)));

/** A cell as a number when it plainly is one (JSON numbers, CSV text); undefined for empty cells and anything the predictor will refuse itself. */
function cellNumber(cell: unknown): number | undefined {
  if (typeof cell === 'number') return Number.isFinite(cell) ? cell : undefined;
  if (typeof cell !== 'string' || isEmptyCell(cell)) return undefined;
  const x = Number(cell);
  return Number.isFinite(x) ? x : undefined;
}

/**
 * Refuses a row given as pixel columns that lacks any of them, or whose pixel cells are all empty. The
 * rule: a pixel column absent from the row is refused, however few, because it means the client sent
 * another shape (a dropped key, a CSV of another image size or of labels only), and imputing the rest
 * would invent an image; an empty cell in a complete row is a value not known, which training data may
 * hold too and the model imputes as for any table feature, unless every pixel is empty: then there is
 * no image. Returns the row's pixel values (NaN where empty or not a plain number), for checkPixelRange.
 */
export function checkPixelColumns(names: readonly string[], row: Readonly<Record<string, unknown>>, index: number): Float64Array {
  const missing: string[] = [];
  const values = new Float64Array(names.length);
  let given = 0;
  for (let k = 0; k < names.length; k++) {
    if (!Object.hasOwn(row, names[k])) {
      missing.push(names[k]);
      values[k] = NaN;
      continue;
    }
    const cell = row[names[k]];
    values[k] = cellNumber(cell) ?? NaN;
    if (!isEmptyCell(cell)) given++;
  }
  if (missing.length === names.length) {
    const others = Object.keys(row);
    const holds = others.length === 0 ? 'the row is empty' : `the row holds only ${listSome(others.map((k) => `"${k}"`), SHOWN)}`;
    throw refusal(index, undefined, `an image model needs ${ways(names)}; none given (${holds})`, { reason: 'no_image' });
  }
  if (missing.length > 0) {
    throw refusal(index, undefined, `${missing.length} of this image model's ${names.length} pixel columns ${missing.length === 1 ? 'is' : 'are'} missing (${listSome(missing, SHOWN)}); a row needs every pixel: send all ${names.length} columns, or the image as "image" or "pixels"`, {
      reason: 'missing_pixels',
      missing: missing.slice(0, SHOWN),
      missing_count: missing.length,
    });
  }
  if (given === 0) throw refusal(index, undefined, `every pixel value is empty, so the row holds no image; an image model needs ${ways(names)}`, { reason: 'no_image' });
  return values;
}

/**
 * Refuses pixel values outside the range the model was trained on (its shape's maxValue, recorded by
 * image jobs and table jobs on pixel columns; a shape without one, from a model that predates it, has no
 * range to check). Values within 0..1 sent to a model of a much larger range, and 0..255 values sent to
 * a 0..1 model, are said to be on the wrong scale. The low end is checked for 8-bit (0..255) models, and
 * for models whose training pixels went below 0 (their recorded minValue); for other ranges 0 is not
 * known to be the bottom.
 * @param cell the field naming value k (`pixels[3][4][1]`, `px_r3_c4_1`)
 */
export function checkPixelRange(shape: ImageShape, values: ArrayLike<number>, index: number, field: string | undefined, cell: (k: number) => string): void {
  const top = shape.maxValue;
  if (top === undefined || !(top > 0)) return;
  let min = Infinity;
  let max = -Infinity;
  for (let k = 0; k < values.length; k++) {
    const v = values[k];
    if (Number.isNaN(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (max === -Infinity) return;
  const what = field === 'pixels' ? 'the values' : 'the pixel values';
  if (top >= SCALED_DOWN_FACTOR && min >= 0 && max > 0 && max <= 1) {
    throw refusal(index, field, `${what} look scaled to 0..1 (the largest is ${max}); this model reads 0..${top}, the range of its training pixels: multiply them by ${top}, or send the image file as "image"`, { reason: 'pixel_scale' });
  }
  // Pixels that went below 0 in training have a recorded black (minValue): below it is out of range too.
  const bottom = shape.minValue;
  // 2% of the range (of 0..top when the bottom is not known).
  const slack = RANGE_TOLERANCE * (top - Math.min(0, bottom ?? 0));
  if (top <= 1 && max > 1 + slack && max <= IMAGE_FILE_MAX_VALUE + slack && min >= -slack) {
    // A model of -1..1 reads v / 255 · (top - bottom) + bottom: a plain v / 255 would pass the range check
    // and silently read black as mid-gray.
    const low = bottom ?? 0;
    const fix = low === 0 ? `divide them by 255${top === 1 ? '' : ` and multiply by ${top}`}` : `map each value v to v / 255 × ${top - low} ${low < 0 ? '−' : '+'} ${Math.abs(low)}`;
    throw refusal(index, field, `${what} look like 0..255 (the largest is ${max}); this model reads ${low}..${top}, the range of its training pixels: ${fix}, or send the image file as "image"`, { reason: 'pixel_scale' });
  }
  const eightBit = top === IMAGE_FILE_MAX_VALUE;
  for (let k = 0; k < values.length; k++) {
    const v = values[k];
    if (v > top + slack || (eightBit && v < -slack) || (bottom !== undefined && v < bottom - slack)) {
      const range = bottom !== undefined ? `outside this model's pixel range ${bottom}..${top}` : eightBit ? `outside this model's pixel range 0..${top}` : `more than ${top}, the top of this model's pixel range`;
      throw refusal(index, cell(k), `${v} is ${range} (the range of its training pixels)`, { reason: 'pixel_range', max: top, ...(bottom !== undefined ? { min: bottom } : {}) });
    }
  }
}
