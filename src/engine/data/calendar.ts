/**
 * @module engine/data/calendar
 * The calendar arithmetic every written date layout shares (numeric ones in data/date-layout, month names
 * in data/month-name-date): an optional time of day after the date, and a calendar date to epoch
 * milliseconds that refuses days a month does not have instead of rolling them into the next.
 */

/**
 * An optional time after a date: hours, minutes, seconds, a fraction, AM/PM; exactly five capture groups,
 * read by timeOfDay. Written last in a pattern, so its groups are the match's last five.
 */
export const TIME = String.raw`(?:(?:\s+|T)(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(?:\s*([AaPp])\.?[Mm]\.?)?)?`;

/** Milliseconds into the day of a matched TIME (its groups from `at`), 0 without one, NaN when no real time. */
export function timeOfDay(m: RegExpExecArray, at: number): number {
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

/** The days month `month` (1-12) of `year` has. */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Epoch milliseconds (UTC) of a calendar date and time, NaN when the month or day does not exist. */
export function utcTime(year: number, month: number, day: number, msOfDay: number): number {
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || Number.isNaN(msOfDay)) return NaN;
  const d = new Date(0);
  // setUTCFullYear, unlike Date.UTC, keeps years 0-99 as written.
  d.setUTCFullYear(year, month - 1, day);
  return d.getTime() + msOfDay;
}
