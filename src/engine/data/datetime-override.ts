/**
 * @module engine/data/datetime-override
 * A column declared a datetime by a job (`"columns": {"d": "datetime"}`, or with the order of day and
 * month, `{"d": {"type": "datetime", "date_order": "dmy"}}`). Upload decided a layout from the cells
 * (data/detect-date-order) and stored the dates as times, so a declared order that differs is applied to
 * those times: swapping day and month is exact while every day is 12 or less, which is the only case in
 * which upload could have guessed wrong. Categories (dates upload could not read as one layout, such as
 * day-month dates among ISO-8601 ones) are read from their levels in the declared order.
 */
import { EngineError } from '../core/errors';
import { isMissingNumberCell, parseDateCell } from './column-types';
import type { CodedColumn, Column, Dataset, NumericColumn } from './dataset';
import { DATE_ORDERS, type DateOrder, type DayMonthOrder, describeOrder, formatOrderedDate } from './date-layout';
import { detectDateOrder } from './detect-date-order';

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

/** Day and month of every time swapped (the time of day kept), refused when some day cannot be a month. */
function swapDayMonth(col: NumericColumn, from: DayMonthOrder, to: DayMonthOrder): NumericColumn {
  const values = new Float64Array(col.values.length);
  for (let i = 0; i < values.length; i++) {
    const v = col.values[i];
    if (Number.isNaN(v)) {
      values[i] = NaN;
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
  const levels = col.levels.filter((l) => !isMissingNumberCell(l));
  let layout: DateOrder | undefined = order;
  if (order === undefined && levels.length > 0) {
    const found = detectDateOrder(levels);
    if (!found) throw refuse(col, whyNoLayout(levels));
    layout = found.order;
  }
  const asTimes = col.levels.map((l) => (isMissingNumberCell(l) ? NaN : parseDateCell(l, layout)));
  const bad = col.levels.find((l, k) => Number.isNaN(asTimes[k]) && !isMissingNumberCell(l));
  if (bad !== undefined) throw refuse(col, `it holds "${bad.slice(0, 64)}", which is no date as ${layout ? `${describeOrder(layout)} or ` : ''}ISO-8601`);
  const values = Float64Array.from(col.codes, (c) => (c < 0 ? NaN : asTimes[c]));
  return { name: col.name, type: 'datetime', storage: 'f64', values, ...(layout ? { dateOrder: layout } : {}) };
}

/** Why levels have no one layout: a level that is no date in any, else a mix of layouts the user must settle. */
function whyNoLayout(levels: readonly string[]): string {
  const bad = levels.find((l) => DATE_ORDERS.every((o) => Number.isNaN(parseDateCell(l, o))));
  if (bad !== undefined) return `it holds "${bad.slice(0, 64)}", which is no date`;
  return 'its dates are not all written one way (day first and month first, or ISO-8601 or named months among dates such as 01/31/2024); say how to read them: {"type": "datetime", "date_order": "mdy" or "dmy"}';
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
 * month-first date column (of day-month cells only, data/detect-date-order) whose every day is 12 or
 * less, so no cell told day from month.
 */
export function orderWasGuessed(col: NumericColumn): boolean {
  if (col.type !== 'datetime' || col.dateOrder !== 'mdy') return false;
  for (const v of col.values) if (!Number.isNaN(v) && new Date(v).getUTCDate() > 12) return false;
  return true;
}

/** How a column whose every day-month date reads either way was read, and how to say otherwise (profile and job warnings). */
export function guessedOrderWarning(name: string): string {
  return (
    `every date of "${name}" reads either way (day and month both 12 or less, as in 03/04/2024), so they were read ${describeOrder('mdy')}; ` +
    `if they are day first, create the job with "columns": {${JSON.stringify(name)}: {"type": "datetime", "date_order": "dmy"}}`
  );
}
