/**
 * @module engine/data/date-layout
 * Dates the way spreadsheets export them, beside ISO-8601: 03/15/2024 (month first, US), 15/03/2024 or
 * 15.03.2024 (day first), 2024/03/15 (year first), with `/`, `.` or `-` between the parts and an optional
 * time (14:30, 14:30:05, 2:30 PM); and with the month named (15-Mar-2024, March 15, 2024:
 * data/month-name-date). Which of day and month comes first is decided once per column
 * (data/detect-date-order) and stored with it, never per cell: 04/05/2024 must be the same day in every
 * row, at training and at serving. Dates without a zone are UTC, as ISO-8601 ones are. Two-digit years
 * are not read: 03/04/05 has three readings and no century, and a spreadsheet's pivot (Excel's 1930-2029)
 * is a guess the data would carry silently into every date feature.
 */
import { TIME, timeOfDay, utcTime } from './calendar';
import { MONTH_ABBREVIATIONS, monthNameDate } from './month-name-date';

/**
 * A column's layout of dates beyond ISO-8601: month-day-year, day-month-year, year-month-day, or the
 * month named ('named': 15-Mar-2024, Mar 15, 2024). Every layout reads the cells that cannot be misread
 * (ISO-8601, year-first, named months) at serving time too; a day-month order also reads its own
 * 03/15/2024 cells. A column without a layout (ISO-8601 dates, or stored before layouts) reads ISO-8601
 * only, as it always has.
 */
export type DateOrder = 'mdy' | 'dmy' | 'ymd' | 'named';

/** The orders a user may declare for a column (year-first and named-month dates need none: they read either way). */
export type DayMonthOrder = 'mdy' | 'dmy';

export const DATE_ORDERS: readonly DateOrder[] = ['mdy', 'dmy', 'ymd', 'named'];

const DESCRIPTIONS: Readonly<Record<DateOrder, string>> = {
  mdy: 'MM/DD/YYYY (month first)',
  dmy: 'DD/MM/YYYY (day first)',
  ymd: 'YYYY/MM/DD (year first)',
  named: 'DD-Mon-YYYY or Mon DD, YYYY (month by name)',
};

/** The order as people write it, for messages: "MM/DD/YYYY (month first)". */
export function describeOrder(order: DateOrder): string {
  return DESCRIPTIONS[order];
}

// Date parts, then an optional time (data/calendar). The backreference keeps one separator per date
// ("03/15.2024" is no date).
const DAY_MONTH_RE = new RegExp(String.raw`^(\d{1,2})([/.-])(\d{1,2})\2(\d{4})${TIME}$`);
const YEAR_FIRST_RE = new RegExp(String.raw`^(\d{4})([/.-])(\d{1,2})\2(\d{1,2})${TIME}$`);

/** A day-month cell's parts as written: `first` and `second` are the day and the month in some order. */
export interface DayMonthParts {
  readonly first: number;
  readonly second: number;
  readonly year: number;
  readonly msOfDay: number;
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
 * ISO-8601 cells are), or NaN. Year-first and named-month cells read in any layout; day-month cells only
 * in a day-month order, and only real dates (02/30/2024 is none). ISO-8601 is the caller's (data/column-types).
 */
export function parseOrderedDate(cell: string, order: DateOrder): number {
  if (order === 'mdy' || order === 'dmy') {
    const parts = dayMonthParts(cell);
    if (parts) return readParts(parts, order);
  }
  const ymd = yearFirst(cell);
  return Number.isNaN(ymd) ? monthNameDate(cell) : ymd;
}

/**
 * A date as a column of `order` writes it (the form appended versions write stored dates back in, so the
 * longer table reads in the same layout): the time only when there is one, to the millisecond when needed.
 */
export function formatOrderedDate(ms: number, order: DateOrder): string {
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, '0');
  const [year, month, day] = [String(d.getUTCFullYear()).padStart(4, '0'), two(d.getUTCMonth() + 1), two(d.getUTCDate())];
  // A named month is written as Oracle's DD-MON-YYYY, with the name as Excel writes it (15-Mar-2024).
  const date =
    order === 'mdy' ? `${month}/${day}/${year}` : order === 'dmy' ? `${day}/${month}/${year}` : order === 'ymd' ? `${year}/${month}/${day}` : `${day}-${MONTH_ABBREVIATIONS[d.getUTCMonth()]}-${year}`;
  if (d.getUTCHours() === 0 && d.getUTCMinutes() === 0 && d.getUTCSeconds() === 0 && d.getUTCMilliseconds() === 0) return date;
  const seconds = d.getUTCSeconds() === 0 && d.getUTCMilliseconds() === 0 ? '' : `:${two(d.getUTCSeconds())}${d.getUTCMilliseconds() === 0 ? '' : `.${String(d.getUTCMilliseconds()).padStart(3, '0')}`}`;
  return `${date} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}${seconds}`;
}
