/**
 * @module cli/date-order
 * `train --date-order d=dmy[,e=mdy]`: the order of day and month of date columns written as 03/04/2024,
 * sent as the job's column overrides (`{"d": {"type": "datetime", "date_order": "dmy"}}`). Upload reads
 * such a column month first when no date has a day above 12, and its warning (upload, job) gives that
 * JSON as the way out; `dateOrderHint` says the same as this flag, for a person at the command line.
 */
import { UsageError } from './errors';
import { shellWord } from './invocation';

/** The orders a job may declare: month first or day first (year-first and ISO-8601 dates need none). */
export type DayMonthOrder = 'mdy' | 'dmy';

const OPTION = '--date-order';

/**
 * Reads `d=dmy,e=mdy` (case of the order ignored) into column → order, merged with what an earlier
 * --date-order gave (commander passes it as `previous`), so the flag may be repeated. A column given
 * two different orders is refused rather than one of them silently winning. (A column whose name holds
 * a comma cannot be named here; the API's `columns` takes it.)
 */
export function dateOrderList(value: string, previous: Readonly<Record<string, DayMonthOrder>> = {}): Record<string, DayMonthOrder> {
  // No prototype: a column may be called "__proto__" or "constructor".
  const orders: Record<string, DayMonthOrder> = Object.assign(Object.create(null), previous);
  const items = value.split(',').map((s) => s.trim()).filter(Boolean);
  if (items.length === 0) throw new UsageError(`expected COLUMN=mdy or COLUMN=dmy, got "${value}"`, OPTION);
  for (const item of items) {
    // The last "=": a column name may hold one, an order never does.
    const cut = item.lastIndexOf('=');
    if (cut < 0) throw new UsageError(`expected COLUMN=mdy or COLUMN=dmy, got "${item}"`, OPTION);
    const column = item.slice(0, cut).trim();
    const order = item.slice(cut + 1).trim().toLowerCase();
    if (!column) throw new UsageError(`expected a column name before "=", got "${item}"`, OPTION);
    if (order !== 'mdy' && order !== 'dmy') {
      throw new UsageError(`"${item.slice(cut + 1).trim()}" is no order of day and month for "${column}"; use mdy (03/04/2024 is March 4) or dmy (it is April 3)`, OPTION);
    }
    const before = orders[column];
    if (before !== undefined && before !== order) throw new UsageError(`"${column}" is given two orders, ${before} and ${order}`, OPTION);
    orders[column] = order;
  }
  return orders;
}

/** The advice of a server warning that tells the user to declare a column's order as job JSON. */
const JSON_ADVICE = /"columns": \{("(?:[^"\\]|\\.)*"): \{"type": "datetime", "date_order": "(mdy|dmy)"\}\}/;

/**
 * The `hint:` text for a warning whose advice is `"columns": {"d": {"type": "datetime", "date_order":
 * "dmy"}}` (the server's wording, for any API client): the flag that sends it, after `cli` (the context's
 * command, cli/invocation). Undefined for any other warning.
 */
export function dateOrderHint(warning: string, cli: string): string | undefined {
  const flag = dateOrderCommand(warning, cli);
  return flag && `if the dates of "${flag.column}" are ${flag.order === 'dmy' ? 'day' : 'month'} first: \`${flag.command}\``;
}

/**
 * The `train` command line that sends the declaration a server message advises as job JSON (`"columns":
 * {"d": {"type": "datetime", "date_order": "dmy"}}`), with its column and order; undefined for any other
 * message, or a column the flag cannot name (a comma in it).
 */
export function dateOrderCommand(text: string, cli: string): { column: string; order: DayMonthOrder; command: string } | undefined {
  const match = JSON_ADVICE.exec(text);
  if (!match) return undefined;
  let column: string;
  try {
    column = JSON.parse(match[1]) as string;
  } catch {
    return undefined;
  }
  // The flag splits at commas: for such a name the warning's own JSON advice stands alone.
  if (column.includes(',')) return undefined;
  const order = match[2] as DayMonthOrder;
  return { column, order, command: `${cli} train … ${OPTION} ${shellWord(`${column}=${order}`)}` };
}
