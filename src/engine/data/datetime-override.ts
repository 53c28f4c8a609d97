/**
 * @module engine/data/datetime-override
 * A column declared a datetime by a job (`"columns": {"d": "datetime"}`, or with the order of day and
 * month, `{"d": {"type": "datetime", "date_order": "dmy"}}`). Upload decided a layout from the cells
 * (data/detect-date-order) and stored the dates as times, so a declared order that differs is applied to
 * those times: swapping day and month is exact while every day is 12 or less, which is the only case in
 * which upload could have guessed wrong. Appended dates no order misreads (2024-03-25: the column's fixed
 * rows, data/fixed-rows) are neither swapped nor read for the order. Categories (dates upload could not
 * read as one layout, such as day-month dates among ISO-8601 ones) are read from their levels in the
 * declared order; a refusal names the cells that are no date and their data rows.
 */
import { EngineError } from '../core/errors';
import { isMissingNumberCell, parseDateCell } from './column-types';
import type { CodedColumn, Column, Dataset, NumericColumn } from './dataset';
import { DATE_ORDERS, type DateOrder, type DayMonthOrder, describeOrder, formatOrderedDate } from './date-layout';
import { whyNoRealDate, whyNoRealDateEitherOrder } from './date-validity';
import { detectDateOrder } from './detect-date-order';
import { fixedRowMask } from './fixed-rows';

/** A datetime column with the order of day and month said by the user, not guessed from the cells. */
export interface DatetimeOverride {
  readonly type: 'datetime';
  readonly date_order: DayMonthOrder;
}

const refuse = (col: Column, why: string) => new EngineError('invalid_params', `columns: "${col.name}" cannot be read as datetime: ${why}`, { field: 'columns', column: col.name });

/** `col` read as dates, in `order` when the user gave one; EngineError('invalid_params') naming what cannot be. */
export function asDatetime(col: Column, order?: DayMonthOrder): Column {
  if (col.storage === 'codes') return levelsAsDates(col, order);
  // Numbers are no dates: seconds, milliseconds or days since some epoch cannot be told apart.
  if (col.type !== 'datetime') throw refuse(col, 'it holds numbers; send its dates as ISO-8601 text (2024-01-31 or 2024-01-31T10:20:00Z)');
  const from = col.dateOrder;
  if (order === undefined || order === from) return col;
  // ISO-8601, year-first or named-month cells read alike in any order: the order only says how later
  // day-month cells read.
  if (from === undefined || from === 'ymd' || from === 'named') return { ...col, dateOrder: order };
  return swapDayMonth(col, from, order);
}

/**
 * Day and month of every time swapped (the time of day kept), refused when some day cannot be a month.
 * Fixed rows keep their dates: 2024-03-25 was written so, in no order of day and month.
 */
function swapDayMonth(col: NumericColumn, from: DayMonthOrder, to: DayMonthOrder): NumericColumn {
  const values = new Float64Array(col.values.length);
  const fixed = fixedRowMask(col.fixedRows, values.length);
  for (let i = 0; i < values.length; i++) {
    const v = col.values[i];
    if (Number.isNaN(v) || fixed?.[i]) {
      values[i] = v;
      continue;
    }
    const d = new Date(v);
    const [day, month] = [d.getUTCDate(), d.getUTCMonth() + 1];
    if (day > 12) throw refuse(col, `its dates are ${describeOrder(from)}, as ${formatOrderedDate(v, from)} shows (${day} is no month), not ${describeOrder(to)}`);
    const swapped = new Date(v);
    swapped.setUTCFullYear(d.getUTCFullYear(), day - 1, month);
    values[i] = swapped.getTime();
  }
  return { ...col, values, dateOrder: to };
}

/** Categories read as dates: each level in `order`, or in the one layout all levels share when none is given. */
function levelsAsDates(col: CodedColumn, order?: DayMonthOrder): NumericColumn {
  const read = readLevelDates(col, order);
  if ('why' in read) throw refuse(col, read.why);
  return read.column;
}

/**
 * A coded column's levels read as dates (as a declared "datetime" reads them, in `order` when given), or
 * why they cannot be: `noDates` when the reason names cells that are no dates (by value and data row),
 * else the dates are not all written one way. A forecast job refusing the column as its time column says
 * the same (engine/data/unread-dates).
 */
export function readLevelDates(col: CodedColumn, order?: DayMonthOrder): { column: NumericColumn } | { why: string; noDates: boolean } {
  const levels = col.levels.filter((l) => !isMissingNumberCell(l));
  let layout: DateOrder | undefined = order;
  if (order === undefined && levels.length > 0) {
    const found = detectDateOrder(levels);
    if (!found) return whyNoLayout(col);
    layout = found.order;
  }
  const asTimes = col.levels.map((l) => (isMissingNumberCell(l) ? NaN : parseDateCell(l, layout)));
  const bad = badLevels(col, (k) => Number.isNaN(asTimes[k]));
  if (bad.length > 0) return { why: `${holds(col, bad, layout)}, which ${bad.length > 1 ? 'are no dates' : 'is no date'} as ${layout ? `${describeOrder(layout)} or ` : ''}ISO-8601`, noDates: true };
  const values = Float64Array.from(col.codes, (c) => (c < 0 ? NaN : asTimes[c]));
  return { column: { name: col.name, type: 'datetime', storage: 'f64', values, ...(layout ? { dateOrder: layout } : {}) } };
}

/** Why levels have no one layout: levels that are no date in any, else a mix of layouts the user must settle. */
function whyNoLayout(col: CodedColumn): { why: string; noDates: boolean } {
  const bad = badLevels(col, (k) => DATE_ORDERS.every((o) => Number.isNaN(parseDateCell(col.levels[k], o))));
  if (bad.length > 0) return { why: `${holds(col, bad)}, which ${bad.length > 1 ? 'are no dates' : 'is no date'}`, noDates: true };
  return { why: 'its dates are not all written one way (day first and month first, or ISO-8601 or named months among dates such as 01/31/2024); say how to read them: {"type": "datetime", "date_order": "mdy" or "dmy"}', noDates: false };
}

/** The present levels for which `bad` holds, in the order of the first row holding each. */
function badLevels(col: CodedColumn, bad: (level: number) => boolean): { level: number; row: number }[] {
  const firstRow = new Array<number>(col.levels.length).fill(-1);
  for (let i = 0; i < col.codes.length; i++) if (col.codes[i] >= 0 && firstRow[col.codes[i]] < 0) firstRow[col.codes[i]] = i;
  return firstRow
    .map((row, level) => ({ level, row }))
    .filter(({ level, row }) => row >= 0 && !isMissingNumberCell(col.levels[level]) && bad(level))
    .sort((a, b) => a.row - b.row);
}

const SHOWN = 5;

/**
 * 'it holds "02/30/2024" (data row 6: February 2024 has no day 30), "13/13/2024" (data row 9) and 3 more':
 * the cells a refusal is about, each with the first data row (from 1) holding it, and why it is no real
 * date when it is written as one.
 */
function holds(col: CodedColumn, bad: readonly { level: number; row: number }[], layout?: DateOrder): string {
  const shown = bad.slice(0, SHOWN).map(({ level, row }) => {
    const cell = col.levels[level];
    const why = layout === 'mdy' || layout === 'dmy' ? whyNoRealDate(cell, layout) : whyNoRealDateEitherOrder(cell);
    return `"${cell.slice(0, 64)}" (data row ${row + 1}${why ? `: ${why}` : ''})`;
  });
  return `it holds ${shown.join(', ')}${bad.length > SHOWN ? ` and ${bad.length - SHOWN} more` : ''}`;
}

/**
 * The datetime columns of `ds` whose order of day and month was guessed (every date reads either way, as
 * 03/04/2024 does) and that `declared` (the columns the job gave an order) does not settle.
 */
export function guessedDateOrders(ds: Dataset, declared: ReadonlySet<string>): string[] {
  return ds.columns.filter((c) => c.storage === 'f64' && !declared.has(c.name) && orderWasGuessed(c)).map((c) => c.name);
}

/**
 * Whether a column's order of day and month was upload's default rather than read from the dates: a
 * month-first date column whose every day-month date (its fixed rows aside: 2024-03-25 tells nothing of
 * how 03/04/2024 reads) has a day of 12 or less, so no cell told day from month.
 */
export function orderWasGuessed(col: NumericColumn): boolean {
  if (col.type !== 'datetime' || col.dateOrder !== 'mdy') return false;
  const fixed = fixedRowMask(col.fixedRows, col.values.length);
  for (let i = 0; i < col.values.length; i++) {
    const v = col.values[i];
    if (!Number.isNaN(v) && !fixed?.[i] && new Date(v).getUTCDate() > 12) return false;
  }
  return true;
}

/** How a column whose every day-month date reads either way was read, and how to say otherwise (profile and job warnings). */
export function guessedOrderWarning(name: string): string {
  return (
    `every date of "${name}" reads either way (day and month both 12 or less, as in 03/04/2024), so they were read ${describeOrder('mdy')}; ` +
    `if they are day first, create the job with "columns": {${JSON.stringify(name)}: {"type": "datetime", "date_order": "dmy"}}`
  );
}
