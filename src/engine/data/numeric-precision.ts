/**
 * @module engine/data/numeric-precision
 * When a numeric column may be stored as Float32 instead of Float64, and how a Float32 value reads back
 * as text. Float32 halves the decoded dataset a trial holds (a 100,000 x 50 table: 36 to 19 MiB), and the
 * learners lose nothing by it: every feature matrix is Float32 already, so trees see the very same values
 * and dense encoders move by a rounding far below one standard deviation. What Float32 would break is
 * identity, not arithmetic: integers past 2^24 (epoch seconds, large counts, numeric keys) stop being
 * distinct, and a value whose rounding is not small against the column's own range (a few digits varying
 * behind a large offset) loses the digits that vary. Those columns stay Float64, as do dates (epoch
 * milliseconds) and every column type other than 'numeric'.
 */
import type { ColumnType } from './column-types';

/** Float32 keeps every integer up to this magnitude exactly. */
const FLOAT32_EXACT_INTEGER = 2 ** 24;
/** Float32 rounds a value by at most this fraction of its magnitude. */
const FLOAT32_RELATIVE_ROUNDING = 2 ** -24;
/** Largest rounding allowed, as a fraction of the column's range (max - min of its present values). */
const MAX_ROUNDING_OF_RANGE = 1e-6;

/**
 * True when a column of this type and these values can be stored as Float32 without changing what it
 * means: only 'numeric' columns; integer columns when every value is within 2^24 (exact); other columns
 * when Float32's rounding of the largest magnitude is at most a millionth of the range.
 */
export function float32Keeps(type: ColumnType, values: ArrayLike<number>): boolean {
  if (type !== 'numeric') return false;
  let min = Infinity;
  let max = -Infinity;
  let integers = true;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== v) continue;
    if (v < min) min = v;
    if (v > max) max = v;
    if (integers && !Number.isInteger(v)) integers = false;
  }
  if (min > max) return true; // every value missing
  const magnitude = Math.max(Math.abs(min), Math.abs(max));
  if (integers) return magnitude <= FLOAT32_EXACT_INTEGER;
  if (!Number.isFinite(magnitude)) return false;
  return magnitude * FLOAT32_RELATIVE_ROUNDING <= MAX_ROUNDING_OF_RANGE * (max - min);
}

/**
 * The shortest decimal text that reads back as the same Float32 value ("0.1" rather than
 * "0.10000000149011612"), so a narrowed number turned into a category label still matches what a user
 * types at prediction time.
 */
export function float32Text(v: number): string {
  if (!Number.isFinite(v) || Number.isInteger(v)) return String(v);
  for (let digits = 1; digits < 9; digits++) {
    const shorter = Number(v.toPrecision(digits));
    if (Math.fround(shorter) === v) return String(shorter);
  }
  return String(Number(v.toPrecision(9)));
}

/**
 * The decimals a Float32 column was read from, as Float64 (51.64, not 51.63999938964844): for values that
 * are shown back to a person as numbers, such as a forecast's history and the forecasts made from it.
 */
export function widenFloat32(values: Float32Array): Float64Array {
  return Float64Array.from(values, (v) => (Number.isNaN(v) ? v : Number(float32Text(v))));
}
