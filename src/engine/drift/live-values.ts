/**
 * @module engine/drift/live-values
 * Reads one prediction cell (a JSON value, or a string from a CSV body) the way the model reads it
 * (features/rows-to-dataset): the same missing spellings, the same number parsing, the same trimmed
 * category keys and the same matching of JSON booleans to a training spelling. Drift counts must mean
 * what the model saw. Unlike the model, nothing here throws: a cell the model would refuse never
 * reaches a sketch (predict failed first), and if one did it would count as missing.
 */
import { isMissingCell, parseBooleanCell, parseNumberCell } from '../data/column-types';

export function isMissingValue(v: unknown): boolean {
  return v === null || v === undefined || (typeof v === 'string' && isMissingCell(v));
}

/** A number cell; NaN when missing or unreadable. */
export function liveNumber(v: unknown): number {
  if (typeof v === 'number') return Number.isFinite(v) ? v : NaN;
  if (typeof v === 'string' && !isMissingCell(v)) return parseNumberCell(v);
  return NaN;
}

/** Length in characters of a text cell (trimmed, as the model keys it); NaN when missing. */
export function liveTextLength(v: unknown): number {
  if (typeof v === 'string') return isMissingCell(v) ? NaN : v.trim().length;
  if (typeof v === 'number') return Number.isFinite(v) ? String(v).length : NaN;
  return NaN;
}

/** The category key of a coded cell (undefined when missing or not a category). */
export function liveCategory(v: unknown): string | undefined {
  if (typeof v === 'string') return isMissingCell(v) ? undefined : v.trim();
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : undefined;
  return undefined;
}

/** Does a training level spell the truth value `v`? ("yes", "true", "1"... for true.) */
export function levelMeans(level: string, v: boolean): boolean {
  return parseBooleanCell(level) === v || (/^[01]$/.test(level) && (level === '1') === v);
}
