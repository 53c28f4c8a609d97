/**
 * @module worker/names
 * Validation of user-chosen names (datasets, models, tenants), exactly the contract's pattern. Object-
 * storage keys are only ever built from names that passed this check, so no request can reach outside
 * its tenant's prefix: no name holds a "/", and none starts with "." (so none is "." or ".."). A ".."
 * inside a name ("v1..2") is an ordinary name: R2 keys are flat strings with no path resolution.
 */
import { ApiError } from './errors';

const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

export function validName(value: string, field: string): string {
  if (!NAME_RE.test(value)) {
    throw new ApiError(400, 'invalid_name', `${field} "${value.slice(0, 140)}" is not a valid name: use letters, digits, "_", "." and "-", starting with a letter or digit, at most 128 characters`, {
      field,
    });
  }
  return value;
}

export const isValidName = (value: string): boolean => NAME_RE.test(value);
