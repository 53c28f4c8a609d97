/**
 * @module engine/data/month-name-date
 * Dates with the month written as a word, as Excel, Google Sheets, SQL Server and Oracle (DD-MON-YYYY)
 * export them: 15-Mar-2024, 15 March 2024, Mar 15, 2024, March 15 2024, 2024-Mar-15, with an optional
 * time (15-Mar-2024 14:30, Mar 15 2024 2:30PM) and weekday (Fri, 15 Mar 2024; Friday, March 15, 2024),
 * and a month alone (Mar-2024, March 2024), read as its 1st day as ISO-8601 reads 2024-03. English names,
 * in full or in three letters (and Sept), in any case. A named month cannot be taken for a day, so these
 * dates need no order of day and month and read alike in every column layout (data/date-layout). As for
 * the numeric layouts, years have four digits (15-Mar-24 is not read), and a date must exist: 31-Feb-2024
 * is none, nor is a weekday the date does not fall on (Thu, 15 Mar 2024), since one of the two is wrong.
 */
import { TIME, timeOfDay, utcTime } from './calendar';

/** Three-letter month names, January first: how a column of named months writes dates back (formatOrderedDate). */
export const MONTH_ABBREVIATIONS: readonly string[] = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const MONTH_NAMES = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const WEEKDAY_NAMES = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

/** Lower-case spelling → number: full names, their first three letters, and the common longer abbreviations. */
function spellings(names: readonly string[], extra: readonly (readonly [string, number])[], base: number): ReadonlyMap<string, number> {
  return new Map([...names.map((n, i): [string, number] => [n, i + base]), ...names.map((n, i): [string, number] => [n.slice(0, 3), i + base]), ...extra]);
}

const MONTHS = spellings(MONTH_NAMES, [['sept', 9]], 1);
/** Weekdays as Date.getUTCDay numbers them, Sunday 0. */
const WEEKDAYS = spellings(WEEKDAY_NAMES, [['tues', 2], ['thur', 4], ['thurs', 4]], 0);

// A month's or weekday's name, an abbreviation's dot allowed ("Sept. 15, 2024"). Runs of spaces are one
// space before matching (SQL Server pads days: "Mar  5 2024"), so the patterns spell a single one.
const MONTH = String.raw`(?<month>[A-Za-z]{3,9})\.?`;
const WEEKDAY = String.raw`(?:(?<weekday>[A-Za-z]{3,9})\.?,? )?`;

/** The shapes of a named-month date; TIME comes last, so its five groups are a match's last five. */
const SHAPES: readonly RegExp[] = [
  // 15-Mar-2024, 15 March 2024, 15/Mar/2024, Fri, 15 Mar 2024
  new RegExp(String.raw`^${WEEKDAY}(?<day>\d{1,2})(?<sep>[-/ ])${MONTH}\k<sep>(?<year>\d{4})${TIME}$`),
  // Mar 15, 2024, March 15 2024, Friday, March 15, 2024
  new RegExp(String.raw`^${WEEKDAY}${MONTH} (?<day>\d{1,2}),? (?<year>\d{4})${TIME}$`),
  // 2024-Mar-15, 2024 Mar 15
  new RegExp(String.raw`^(?<year>\d{4})(?<sep>[-/ ])${MONTH}\k<sep>(?<day>\d{1,2})${TIME}$`),
];
/** A month alone: Mar-2024, March 2024, Mar/2024 (no time: a month has no time of day). */
const MONTH_YEAR = new RegExp(String.raw`^${MONTH}[-/ ](?<year>\d{4})$`);

/**
 * A cell with a named month (see the module comment) as epoch milliseconds, UTC as every date without a
 * zone is; NaN for any other cell or a date that does not exist.
 */
export function monthNameDate(cell: string): number {
  // Every shape holds a letter; most cells that reach here (numbers, numeric dates) have none.
  if (!/[A-Za-z]/.test(cell)) return NaN;
  const t = cell.trim().replace(/\s+/g, ' ');
  const alone = MONTH_YEAR.exec(t);
  if (alone?.groups) {
    const month = MONTHS.get(alone.groups.month.toLowerCase());
    return month === undefined ? NaN : utcTime(Number(alone.groups.year), month, 1, 0);
  }
  for (const shape of SHAPES) {
    const m = shape.exec(t);
    if (!m?.groups) continue;
    const { month: name, day, year, weekday } = m.groups;
    const month = MONTHS.get(name.toLowerCase());
    if (month === undefined) continue;
    const ms = utcTime(Number(year), month, Number(day), timeOfDay(m, m.length - 5));
    if (weekday !== undefined && WEEKDAYS.get(weekday.toLowerCase()) !== new Date(ms).getUTCDay()) return NaN;
    return ms;
  }
  return NaN;
}
