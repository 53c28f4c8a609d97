/**
 * @module engine/data/column-types
 * The kinds of column the engine knows, and how raw text cells are read: what counts as missing, what
 * parses as a number, a boolean or a date. Ingest and prediction share these rules so that a value means
 * the same thing at training time and at serving time.
 */
import { type DateOrder, parseOrderedDate } from './date-layout';
import { daysInMonth as calendarDaysInMonth } from './calendar';

export type ColumnType = 'numeric' | 'categorical' | 'boolean' | 'datetime' | 'text' | 'id' | 'constant';

export const COLUMN_TYPES: readonly ColumnType[] = ['numeric', 'categorical', 'boolean', 'datetime', 'text', 'id', 'constant'];

/** Column types that models never see (reported in the profile with the reason they were dropped). */
export const DROPPED_TYPES: ReadonlySet<ColumnType> = new Set(['id', 'constant']);

/** Cells that mean "no value". An empty field is the contract's missing value; the others are common spellings. */
const MISSING_TOKENS = new Set(['', 'na', 'n/a', 'nan', 'null', '?']);

export function isMissingCell(cell: string): boolean {
  return mayBeToken(cell, MISSING_FIRST) && MISSING_TOKENS.has(cell.trim().toLowerCase());
}

/**
 * Whether a cell may trim and lower-case to one of a set of tokens whose first characters (both cases)
 * are `first`: false only for a cell beginning with a printable ASCII character that none begins with
 * (no space trim would take off, no letter that lower-cases to another). Most cells end there, before
 * trim and toLowerCase: under workerd (not so under Node), those two on every cell were about half the
 * time of typing a 500,000-row append (2.1 s of 4.4 s) and of an upload alike.
 */
function mayBeToken(cell: string, first: ReadonlySet<number>): boolean {
  const c = cell.charCodeAt(0);
  return !(c > 32 && c < 127) || first.has(c);
}

/**
 * `cell.trim()`, without calling it when the cell begins and ends with a printable ASCII character (never
 * white space, so nothing to take off): most cells. Called on every cell of an upload, more than once.
 */
export function trimCell(cell: string): string {
  const last = cell.length - 1;
  if (last < 0) return cell;
  const a = cell.charCodeAt(0);
  const b = cell.charCodeAt(last);
  return a > 32 && a < 127 && b > 32 && b < 127 ? cell : cell.trim();
}

/** The first characters of the tokens, both cases, as char codes (the empty token needs none: an empty cell has no first character). */
const firstChars = (tokens: Iterable<string>) => new Set([...tokens].filter((t) => t.length > 0).flatMap((t) => [t.toLowerCase().charCodeAt(0), t.toUpperCase().charCodeAt(0)]));

/**
 * Placeholders that mean "no value" in a column of numbers or dates, and only there: among categories
 * they can be real levels ("none" in credit-g, "Unknown" in ames). Spreadsheet error cells count too.
 * Without this, one "-" among a thousand prices made the column categories (or an identifier).
 */
const NUMBER_PLACEHOLDERS = new Set(['-', '--', '\u2013', '\u2014', 'none', 'missing', 'unknown', 'nil', 'undefined', 'n.a.', '#n/a', '#na', '#value!', '#div/0!', '#ref!', '#num!', '#name?', '#null!']);

const MISSING_FIRST = firstChars(MISSING_TOKENS);
const MISSING_NUMBER_FIRST = firstChars([...MISSING_TOKENS, ...NUMBER_PLACEHOLDERS]);

/** Whether a cell of a numeric or date column is a missing value: a missing spelling or a placeholder. */
export function isMissingNumberCell(cell: string): boolean {
  if (!mayBeToken(cell, MISSING_NUMBER_FIRST)) return false;
  const t = cell.trim().toLowerCase();
  return MISSING_TOKENS.has(t) || NUMBER_PLACEHOLDERS.has(t);
}

/** Spellings of an infinite value (pandas writes inf, JavaScript and Parquet readers Infinity). */
const INFINITY_TOKENS = new Set(['inf', '+inf', '-inf', 'infinity', '+infinity', '-infinity']);
const INFINITY_FIRST = firstChars(INFINITY_TOKENS);

/**
 * Whether a cell spells an infinite value. Models take finite numbers only, so a column of numbers reads
 * one as a missing value however many there are (a ratio divided by zero in a third of the rows is still
 * a column of numbers), and its profile names where (data/stray-text).
 */
export function isInfinityCell(cell: string): boolean {
  return mayBeToken(cell, INFINITY_FIRST) && INFINITY_TOKENS.has(cell.trim().toLowerCase());
}

const NUMBER_RE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Numbers as spreadsheets display them: thousands separators in groups of three ("1,234,567.5"), a
 * currency sign before or after ("$1,200", "-$5", "12 €"), a percent sign after, accounting parentheses
 * for a negative ("(1,234.00)"). Exported that way, a price or a rate column became thousands of
 * categories. A first group of 0 groups nothing ("0,125" is a decimal comma, not 125: data/decimal-comma).
 * Groups: open parenthesis, sign, currency before, sign, digits, currency or % after, close.
 */
const FORMATTED_NUMBER_RE = /^(\(\s*)?([+-]?)\s*([$€£¥]?)\s*([+-]?)([1-9]\d{0,2}(?:,\d{3})+(?:\.\d*)?|\d+\.?\d*|\.\d+)\s*([$€£¥%]?)(\s*\))?$/;

/**
 * Parses a decimal number, plain or spreadsheet-formatted (see FORMATTED_NUMBER_RE); NaN when the cell is
 * neither, or not finite. A percentage reads as the number shown ("13.5%" is 13.5), the number a person
 * would also send in JSON for that column.
 */
export function parseNumberCell(cell: string): number {
  const t = trimCell(cell);
  if (!NUMBER_RE.test(t)) return parseFormattedNumber(t);
  const v = Number(t);
  return Number.isFinite(v) ? v : NaN;
}

function parseFormattedNumber(t: string): number {
  const m = FORMATTED_NUMBER_RE.exec(t);
  if (!m) return NaN;
  const [, open, signBefore, currencyBefore, signAfter, digits, after, close] = m;
  if ((open === undefined) !== (close === undefined)) return NaN;
  // One sign at most, none inside accounting parentheses, one symbol at most.
  if ((signBefore && signAfter) || (open !== undefined && (signBefore || signAfter)) || (currencyBefore && after)) return NaN;
  const v = Number(digits.replaceAll(',', ''));
  if (!Number.isFinite(v)) return NaN;
  return open !== undefined || signBefore === '-' || signAfter === '-' ? -v : v;
}

// 1 and 0 are the commonest spellings of all among the words (a "Yes, TRUE, 1" column); a column of them
// alone is numbers, though (isTruthDigit): data/infer-schema reads a column as boolean only with a word in it.
const TRUE_TOKENS = new Set(['true', 't', 'yes', 'y', '1']);
const FALSE_TOKENS = new Set(['false', 'f', 'no', 'n', '0']);

/** Whether a truth spelling is the digit 1 or 0, which alone says numbers rather than a boolean column. */
export function isTruthDigit(cell: string): boolean {
  const t = cell.trim();
  return t === '1' || t === '0';
}

/** True/false spelling of a boolean cell (a word, or 1 or 0), or undefined when it is not one. */
export function parseBooleanCell(cell: string): boolean | undefined {
  const t = cell.trim().toLowerCase();
  if (TRUE_TOKENS.has(t)) return true;
  if (FALSE_TOKENS.has(t)) return false;
  return undefined;
}

/**
 * The days of a month (1-12) of a year, as `new Date(Date.UTC(year, month, 0)).getUTCDate()` counts them:
 * calendar's count, with years 0-99 read as 1900-1999 as Date.UTC reads them ("0000-02-29" stays refused).
 * That Date, made for every cell of a date column, was up to a third of parseDateCell's time in a workerd
 * profile of a 400,000-row upload.
 */
export function daysInMonth(year: number, month: number): number {
  return calendarDaysInMonth(year >= 0 && year <= 99 ? 1900 + year : year, month);
}

// The zone may be hours alone (PostgreSQL writes timestamptz as "2024-03-15 10:00:00+00").
const DATE_RE = /^(\d{4})-(\d{2})(-(\d{2})([T ](\d{2}):(\d{2})(:(\d{2})(\.\d+)?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?)?$/;

/** Whether the parts of a matched date exist: month 1-12, a day the month has, a time of day. */
function realDate(m: RegExpExecArray): boolean {
  const month = Number(m[2]);
  if (month < 1 || month > 12) return false;
  if (m[4] === undefined) return true;
  const day = Number(m[4]);
  if (day < 1 || day > daysInMonth(Number(m[1]), month)) return false;
  if (m[6] === undefined) return true;
  return Number(m[6]) <= 23 && Number(m[7]) <= 59 && (m[9] === undefined || Number(m[9]) <= 59);
}

/**
 * Milliseconds since the epoch (UTC unless the cell says otherwise), or NaN when not a date or not a real
 * one: "2024-02-30" is refused, not rolled over into March. ISO-8601 always reads; a column with a stored
 * layout (data/date-layout: 03/15/2024, 15.03.2024, 2024/03/15, 15-Mar-2024) also reads its cells in that
 * layout, and year-first and named-month cells in any. No layout (columns typed before layouts existed, or
 * ISO-8601 ones) reads ISO-8601 only.
 */
export function parseDateCell(cell: string, order?: DateOrder): number {
  const t = trimCell(cell);
  const m = DATE_RE.exec(t);
  if (!m || !realDate(m)) return order === undefined ? NaN : parseOrderedDate(t, order);
  // A date without a zone is read as UTC so that results never depend on the machine's time zone.
  const iso = t.length <= 7 ? `${t}-01T00:00:00Z` : t.length === 10 ? `${t}T00:00:00Z` : m[11] !== undefined ? withFullZone(t.replace(' ', 'T'), m[11]) : `${t.replace(' ', 'T')}Z`;
  return Date.parse(iso);
}

/** The cell with an hours-only zone written out as hours and minutes, which Date.parse needs ("+05" is NaN to it). */
function withFullZone(t: string, zone: string): string {
  return zone.length === 3 ? `${t}:00` : t;
}

/** The zone an ISO-8601 date-time ends with, after a time of day (a date alone, 2024-03-15, ends with no zone). */
const ZONE_RE = /\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}(?::?\d{2})?)$/;

/**
 * The UTC offset, in minutes east of UTC, a date-time cell that parses as a date (parseDateCell) is
 * written with (`Z` is 0, `+01:00` 60, `-0530` -330); undefined for a cell without one. Only ISO-8601
 * cells carry a zone, so the end of the cell tells, without reading the whole date again.
 */
export function isoOffsetMinutes(cell: string): number | undefined {
  const zone = ZONE_RE.exec(cell.trim())?.[1];
  if (zone === undefined) return undefined;
  if (zone === 'Z') return 0;
  const digits = zone.replace(':', '');
  const minutes = Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5) || 0);
  return zone[0] === '-' ? -minutes : minutes;
}

/** A date-time cell without the UTC offset it ends with (`Z`, `+01:00`, `-0530`, `+00`): its wall-clock reading. */
export function withoutIsoOffset(cell: string): string {
  const t = cell.trim();
  const zone = ZONE_RE.exec(t)?.[1];
  return zone === undefined ? t : t.slice(0, t.length - zone.length);
}
