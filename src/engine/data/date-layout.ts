/**
 * @module engine/data/date-layout
 * Dates the way spreadsheets export them, beside ISO-8601: 03/15/2024 (month first, US), 15/03/2024 or
 * 15.03.2024 (day first), 2024/03/15 (year first), with `/`, `.` or `-` between the parts and an optional
 * time (14:30, 14:30:05, 2:30 PM). Which of day and month comes first is decided once per column
 * (data/detect-date-order) and stored with it, never per cell: 04/05/2024 must be the same day in every
 * row, at training and at serving. Dates without a zone are UTC, as ISO-8601 ones are. Two-digit years
 * are not read: 03/04/05 has three readings and no century, and a spreadsheet's pivot (Excel's 1930-2029)
 * is a guess the data would carry silently into every date feature.
 */

/**
 * A column's layout of dates beyond ISO-8601: month-day-year, day-month-year, or year-month-day. A column
 * with a day-month order also reads year-first and ISO-8601 cells (both unambiguous) at serving time.
 */
export type DateOrder = 'mdy' | 'dmy' | 'ymd';

/** The orders a user may declare for a column (year-first dates need none: they read either way). */
export type DayMonthOrder = Exclude<DateOrder, 'ymd'>;

export const DATE_ORDERS: readonly DateOrder[] = ['mdy', 'dmy', 'ymd'];

/** The order as people write it, for messages: "MM/DD/YYYY (month first)". */
export function describeOrder(order: DateOrder): string {
  return order === 'mdy' ? 'MM/DD/YYYY (month first)' : order === 'dmy' ? 'DD/MM/YYYY (day first)' : 'YYYY/MM/DD (year first)';
}

// Date parts, then an optional time: hours, minutes, seconds, a fraction, AM/PM. The backreference keeps
// one separator per date ("03/15.2024" is no date).
const TIME = String.raw`(?:(?:\s+|T)(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(?:\s*([AaPp])\.?[Mm]\.?)?)?`;
const DAY_MONTH_RE = new RegExp(String.raw`^(\d{1,2})([/.-])(\d{1,2})\2(\d{4})${TIME}$`);
const YEAR_FIRST_RE = new RegExp(String.raw`^(\d{4})([/.-])(\d{1,2})\2(\d{1,2})${TIME}$`);

/** A day-month cell's parts as written: `first` and `second` are the day and the month in some order. */
export interface DayMonthParts {
  readonly first: number;
  readonly second: number;
  readonly year: number;
  readonly msOfDay: number;
}

/** Milliseconds into the day of a matched time (groups from `at`), 0 without one, NaN when no real time. */
function timeOfDay(m: RegExpExecArray, at: number): number {
  if (m[at] === undefined) return 0;
  let hour = Number(m[at]);
  const [minute, second] = [Number(m[at + 1]), Number(m[at + 2] ?? 0)];
  const meridiem = m[at + 4]?.toLowerCase();
  if (meridiem !== undefined) {
    // 12 AM is midnight and 12 PM noon; "0:30 PM" or "13:00 PM" are not times.
    if (hour < 1 || hour > 12) return NaN;
    hour = (hour % 12) + (meridiem === 'p' ? 12 : 0);
  } else if (hour > 23) return NaN;
  if (minute > 59 || second > 59) return NaN;
  // Milliseconds, as Date.parse keeps them from an ISO-8601 time: the first three digits of the fraction.
  const ms = m[at + 3] === undefined ? 0 : Number(m[at + 3].slice(0, 3).padEnd(3, '0'));
  return ((hour * 60 + minute) * 60 + second) * 1000 + ms;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Epoch milliseconds (UTC) of a calendar date and time, NaN when the month or day does not exist. */
function utcTime(year: number, month: number, day: number, msOfDay: number): number {
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || Number.isNaN(msOfDay)) return NaN;
  const d = new Date(0);
  // setUTCFullYear, unlike Date.UTC, keeps years 0-99 as written.
  d.setUTCFullYear(year, month - 1, day);
  return d.getTime() + msOfDay;
}

/** The parts of a day-month cell (a real time of day, the date not yet checked), undefined for any other cell. */
export function dayMonthParts(cell: string): DayMonthParts | undefined {
  const m = DAY_MONTH_RE.exec(cell);
  if (!m) return undefined;
  const msOfDay = timeOfDay(m, 5);
  return Number.isNaN(msOfDay) ? undefined : { first: Number(m[1]), second: Number(m[3]), year: Number(m[4]), msOfDay };
}

/** A year-first cell (2024/03/15, 2024.3.15 14:30) as epoch milliseconds, NaN for any other cell or no real date. */
export function yearFirst(cell: string): number {
  const m = YEAR_FIRST_RE.exec(cell);
  return m ? utcTime(Number(m[1]), Number(m[3]), Number(m[4]), timeOfDay(m, 5)) : NaN;
}

/** The date of day-month parts read in `order`, NaN when that is no real date. */
export function readParts(p: DayMonthParts, order: DayMonthOrder): number {
  return order === 'mdy' ? utcTime(p.year, p.first, p.second, p.msOfDay) : utcTime(p.year, p.second, p.first, p.msOfDay);
}

/**
 * A trimmed cell in a column of layout `order`, as epoch milliseconds (a date without a zone is UTC, as
 * ISO-8601 cells are), or NaN. Year-first cells read in any order; day-month cells only in a day-month
 * order, and only real dates (02/30/2024 is none). ISO-8601 is the caller's (data/column-types).
 */
export function parseOrderedDate(cell: string, order: DateOrder): number {
  const ymd = yearFirst(cell);
  if (!Number.isNaN(ymd) || order === 'ymd') return ymd;
  const parts = dayMonthParts(cell);
  return parts ? readParts(parts, order) : NaN;
}

/**
 * A date as a column of `order` writes it (the form appended versions write stored dates back in, so the
 * longer table reads in the same layout): the time only when there is one, to the millisecond when needed.
 */
export function formatOrderedDate(ms: number, order: DateOrder): string {
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, '0');
  const [year, month, day] = [String(d.getUTCFullYear()).padStart(4, '0'), two(d.getUTCMonth() + 1), two(d.getUTCDate())];
  const date = order === 'mdy' ? `${month}/${day}/${year}` : order === 'dmy' ? `${day}/${month}/${year}` : `${year}/${month}/${day}`;
  if (d.getUTCHours() === 0 && d.getUTCMinutes() === 0 && d.getUTCSeconds() === 0 && d.getUTCMilliseconds() === 0) return date;
  const seconds = d.getUTCSeconds() === 0 && d.getUTCMilliseconds() === 0 ? '' : `:${two(d.getUTCSeconds())}${d.getUTCMilliseconds() === 0 ? '' : `.${String(d.getUTCMilliseconds()).padStart(3, '0')}`}`;
  return `${date} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}${seconds}`;
}

