/**
 * @module engine/data/detect-date-order
 * Decides a column's date layout (data/date-layout) from all of its cells at once, so that day and month
 * are told apart by the column, never by one cell: 04/05/2024 is read as the rest of the column says.
 * The cells of a date column share one layout; ISO-8601 among day-month cells, or day-month cells of both
 * orders, make it no date column (it stays categorical, as before such dates were read). Cells that no
 * column can misread (ISO-8601, year-first, a named month: 15-Mar-2024) may mix with one another, and
 * with the day-month cells of a column whose layout its upload already decided (appended rows).
 */
import { runSteps, type Steps } from '../core/steps';
import { isMissingNumberCell, parseDateCell } from './column-types';
import { type DateOrder, type DayMonthOrder, type DayMonthParts, dayMonthParts, readParts, yearFirst } from './date-layout';
import { monthNameDate } from './month-name-date';

/**
 * A column's layout as detection found it: `order` is absent for ISO-8601 cells only (read as before
 * layouts existed); `ambiguous` when no value told day from month, so the order is the default.
 */
export interface DateDetection {
  readonly order?: DateOrder;
  readonly ambiguous: boolean;
}

/**
 * The one layout every cell of a column (trimmed, missing spellings left out) is written in, or undefined
 * when it holds other values. Placeholders ("-", "#N/A") may sit among the dates, but some cell must be a
 * date. Day first when some first part is over 12, month first when some second part is; both, and the
 * column holds no dates. When every cell reads either way (both parts 12 or less) the order is month
 * first, the default of US spreadsheet exports, and the detection says it is ambiguous so the profile can
 * tell the user how to choose the other. Year-first and named-month cells (15-Mar-2024, Mar 15, 2024) may
 * sit among ISO-8601 ones and each other: none is ambiguous. Named months make the layout 'named' (the
 * form appended dates are written back in), else year-first cells make it 'ymd'. Day-month cells stay
 * alone, as they always have: no other cell says anything of their order (but see DetectOptions.appended).
 */
export function detectDateOrder(cells: readonly string[], opts: DetectOptions = {}): DateDetection | undefined {
  return runSteps(detectDateOrderSteps(cells, opts, Infinity));
}

/**
 * detectDateOrder as steps (engine/core/steps), yielding after every `pieceLength` cells of each pass: a
 * date column of 400,000 cells takes about 0.3 s to read, which requests sharing a Worker must not wait for.
 */
export function* detectDateOrderSteps(cells: readonly string[], opts: DetectOptions, pieceLength: number): Steps<DateDetection | undefined> {
  const dayMonth: DayMonthParts[] = [];
  let iso = 0;
  let ymd = 0;
  let named = 0;
  let firstOver12 = false;
  let secondOver12 = false;
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i];
    if (i % pieceLength === pieceLength - 1) yield;
    if (!Number.isNaN(parseDateCell(cell))) iso++;
    else {
      const parts = dayMonthParts(cell);
      if (parts) {
        firstOver12 ||= parts.first > 12;
        secondOver12 ||= parts.second > 12;
        if (firstOver12 && secondOver12) return undefined;
        dayMonth.push(parts);
      } else if (!Number.isNaN(yearFirst(cell))) ymd++;
      else if (!Number.isNaN(monthNameDate(cell))) named++;
      else if (!isMissingNumberCell(cell)) return undefined;
    }
    // One layout per column: day-month cells among any others leave the order to guess.
    if (dayMonth.length > 0 && iso + ymd + named > 0 && !opts.appended) return undefined;
  }
  if (dayMonth.length === 0) return unambiguous(iso, ymd, named);
  const order: DayMonthOrder = firstOver12 ? 'dmy' : 'mdy';
  // Every cell must be a real date in the order the column chose: 02/30/2024 is no date, nor 31/04/2024.
  for (let i = 0; i < dayMonth.length; i++) {
    if (Number.isNaN(readParts(dayMonth[i], order))) return undefined;
    if (i % pieceLength === pieceLength - 1) yield;
  }
  return { order, ambiguous: !firstOver12 && !secondOver12 };
}

/** How to detect: as an upload does, or in a version made by appending rows to a column of day-month dates. */
export interface DetectOptions {
  /**
   * The column had day-month dates, and ISO-8601, year-first and named-month cells among them are
   * appended dates (data/append-rows), as the README lets appended rows and predictions write them. The
   * order is decided by the day-month cells alone: the others say nothing of it. An upload holding both
   * kinds is still no date column (when nearly all its cells are dates its profile says why and how to
   * read it, data/near-dates): such a mix is most often cells written by two programs, and before any
   * layout was shown to the user nothing says the day-month ones follow the order they think.
   */
  readonly appended?: boolean;
}

/** The layout of a column of ISO-8601, year-first and named-month cells (these counts), undefined with none. */
function unambiguous(iso: number, ymd: number, named: number): DateDetection | undefined {
  if (iso + ymd + named === 0) return undefined;
  const order: DateOrder | undefined = named > 0 ? 'named' : ymd > 0 ? 'ymd' : undefined;
  return order ? { order, ambiguous: false } : { ambiguous: false };
}
