/**
 * @module worker/integer-param
 * A whole number from the request (`?version=2`, `?hours=24`, the `{version}` of a path), read strictly:
 * plain decimal digits, no sign, no leading zero. Number() alone took "0x10", "1e1", " 2" and "2.0",
 * so a typo answered about another version instead of naming the field.
 */
import { ApiError } from './errors';

/** Decimal digits of a positive integer within Number.MAX_SAFE_INTEGER's 16 digits. */
const POSITIVE_INTEGER = /^[1-9]\d{0,15}$/;

/**
 * `raw` as a positive integer up to `max` (default: any safe integer), undefined when absent; otherwise the
 * contract's 400 naming `field`.
 */
export function positiveIntegerParam(raw: string | undefined, field: string, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (raw === undefined) return undefined;
  const value = POSITIVE_INTEGER.test(raw) ? Number(raw) : Number.NaN;
  if (Number.isSafeInteger(value) && value <= max) return value;
  const expected = max === Number.MAX_SAFE_INTEGER ? 'a positive integer' : `an integer from 1 to ${max}`;
  throw new ApiError(400, 'invalid_request', `${field}: expected ${expected}, got "${raw.slice(0, 40)}"`, { field });
}
