/**
 * @module engine/data/column-types
 * The kinds of column the engine knows, and how raw text cells are read: what counts as missing, what
 * parses as a number, a boolean or a date. Ingest and prediction share these rules so that a value means
 * the same thing at training time and at serving time.
 */

export type ColumnType = 'numeric' | 'categorical' | 'boolean' | 'datetime' | 'text' | 'id' | 'constant';

export const COLUMN_TYPES: readonly ColumnType[] = ['numeric', 'categorical', 'boolean', 'datetime', 'text', 'id', 'constant'];

/** Column types that models never see (reported in the profile with the reason they were dropped). */
export const DROPPED_TYPES: ReadonlySet<ColumnType> = new Set(['id', 'constant']);

/** Cells that mean "no value". An empty field is the contract's missing value; the others are common spellings. */
const MISSING_TOKENS = new Set(['', 'na', 'n/a', 'nan', 'null', '?']);

export function isMissingCell(cell: string): boolean {
  return MISSING_TOKENS.has(cell.trim().toLowerCase());
}

const NUMBER_RE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Parses a decimal number; NaN when the cell is not a plain finite number. */
export function parseNumberCell(cell: string): number {
  const t = cell.trim();
  if (!NUMBER_RE.test(t)) return NaN;
  const v = Number(t);
  return Number.isFinite(v) ? v : NaN;
}

const TRUE_TOKENS = new Set(['true', 't', 'yes', 'y']);
const FALSE_TOKENS = new Set(['false', 'f', 'no', 'n']);

/** True/false spelling of a boolean cell, or undefined when it is not one. */
export function parseBooleanCell(cell: string): boolean | undefined {
  const t = cell.trim().toLowerCase();
  if (TRUE_TOKENS.has(t)) return true;
  if (FALSE_TOKENS.has(t)) return false;
  return undefined;
}

const DATE_RE = /^\d{4}-\d{2}(-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?)?$/;

/** Milliseconds since the epoch (UTC unless the cell says otherwise), or NaN when not an ISO-8601 date. */
export function parseDateCell(cell: string): number {
  const t = cell.trim();
  if (!DATE_RE.test(t)) return NaN;
  // A date without a zone is read as UTC so that results never depend on the machine's time zone.
  const iso = t.length <= 7 ? `${t}-01T00:00:00Z` : t.length === 10 ? `${t}T00:00:00Z` : /Z|[+-]\d{2}:?\d{2}$/.test(t) ? t.replace(' ', 'T') : `${t.replace(' ', 'T')}Z`;
  return Date.parse(iso);
}
