/**
 * @module engine/drift/live-values
 * Reads one prediction cell (a JSON value, or a string from a CSV body) the way the model reads it
 * (features/rows-to-dataset): the same missing spellings and the same number parsing; categories match
 * through features/level-lookup, as predict's do (drift/binner). Drift counts must mean what the model
 * saw. Unlike the model, nothing here throws: a cell the model would refuse never reaches a sketch
 * (predict failed first), and if one did it would count as missing.
 */
import { isMissingCell, parseNumberCell } from '../data/column-types';

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
