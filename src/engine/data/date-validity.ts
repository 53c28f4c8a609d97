/**
 * @module engine/data/date-validity
 * Why a cell written as a column writes its dates is still no date: 02/30/2024 or 2024-02-30 (February
 * has no 30th), 13/13/2024 (no 13th month), 03/15/2024 25:00 (no such time). A refusal that only said
 * "expected a date as DD/MM/YYYY" of 30/02/2024, a cell written exactly so, sent users looking for a
 * layout problem that was not there. Refusals (append, predict, job overrides) and the profile's
 * warnings (data/near-dates) say this instead.
 */
import { daysInMonth, TIME, timeOfDay } from './calendar';
import type { DateOrder } from './date-layout';

// The shapes of numeric dates, with whatever follows the date (a time, checked against TIME).
const DAY_MONTH_SHAPE = /^(\d{1,2})([/.-])(\d{1,2})\2(\d{4})(.*)$/;
const YEAR_FIRST_SHAPE = /^(\d{4})([/.-])(\d{1,2})\2(\d{1,2})(.*)$/;
const TIME_SHAPE = new RegExp(String.raw`^${TIME}$`);

const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/**
 * Why `cell`, which a column of layout `order` failed to read, is no real date although written as one
 * ("February 2024 has no day 30", "13 is no month", "\"25:00\" is no time of day"); undefined when it is
 * not written in a form the column reads (03/15/2024 in an ISO-8601 column), or is a real date in the
 * other order of day and month (16/03/2024 in a month-first column: a layout mistake, not a bad date).
 */
export function whyNoRealDate(cell: string, order?: DateOrder): string | undefined {
  const t = cell.trim();
  const ymd = YEAR_FIRST_SHAPE.exec(t);
  // ISO-8601 (dashes) reads in every column; other year-first dates in a column with a layout.
  if (ymd && (ymd[2] === '-' || order !== undefined)) return why(Number(ymd[1]), Number(ymd[3]), Number(ymd[4]), ymd[5]);
  const dm = DAY_MONTH_SHAPE.exec(t);
  if (!dm || (order !== 'mdy' && order !== 'dmy')) return undefined;
  const [first, second, year] = [Number(dm[1]), Number(dm[3]), Number(dm[4])];
  const [month, day] = order === 'mdy' ? [first, second] : [second, first];
  // A date that exists only the other way round (16/03/2024 in a month-first column) is a date in the
  // other layout: the caller's "expected a date as MM/DD/YYYY" says what is wrong.
  if (!realDay(year, month, day) && realDay(year, day, month)) return undefined;
  return why(year, month, day, dm[5]);
}

/** The first thing wrong with a date's parts, else with the time after it; undefined when neither is. */
function why(year: number, month: number, day: number, after: string): string | undefined {
  if (month < 1 || month > 12) return `${month} is no month`;
  if (!realDay(year, month, day)) return `${MONTH_NAMES[month - 1]} ${year} has no day ${day}`;
  // Only a time written as the layouts write one (14:30, 2:30 PM) and out of range (25:00, 13:00 PM).
  const time = TIME_SHAPE.exec(after);
  return time && Number.isNaN(timeOfDay(time, 1)) ? `${JSON.stringify(after.replace(/^(\s+|T)/, '').slice(0, 32))} is no time of day` : undefined;
}

function realDay(year: number, month: number, day: number): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

/**
 * whyNoRealDate for a cell whose column has no order of day and month to read it in: in the order that
 * comes nearer to a date, so 30/02/2024 says "February 2024 has no day 30", not "30 is no month".
 */
export function whyNoRealDateEitherOrder(cell: string): string | undefined {
  const [mdy, dmy] = [whyNoRealDate(cell, 'mdy'), whyNoRealDate(cell, 'dmy')];
  return mdy?.endsWith(' is no month') && dmy !== undefined ? dmy : (mdy ?? dmy);
}
