/**
 * @module engine/data/unread-dates
 * Why a column of dates that a job needs as dates (a forecast's time column) was not read as dates, and
 * the way to read it, for the job's refusal. Upload types a column that a few cells keep from being dates
 * of one layout by the usual rules (id, categorical, text) and its profile entry says why
 * (data/near-dates); a forecast job that then said only "the dataset has no datetime column", or that its
 * time column "must hold ISO 8601 dates", sent users looking for a column they had. The refusal names
 * the cells that are no dates as a declared "datetime" does (data/datetime-override: the same words), or
 * the ways the dates are written, and advises a declaration only when one reads every cell.
 */
import type { Column } from './dataset';
import { readLevelDates } from './datetime-override';
import { dateLayoutsText, nearDatesWarning } from './near-dates';

const dataRow = (i: number) => `data row ${i + 1}`;

/**
 * Why `col`, nearly all of whose cells are dates (as its profile's near-dates warning finds), is not
 * dates, with what to do ("it holds "??" (data row 151), which is no date; correct ..." or "its dates are
 * written two ways: ...; create the job with ..."); undefined for any other column, and for one that a
 * plain "datetime" declaration reads (the job's own "columns" typed it otherwise).
 */
export function unreadDates(col: Column): string | undefined {
  if (col.storage !== 'codes') return undefined;
  const cells = Array.from(col.codes, (c) => (c < 0 ? '' : col.levels[c]));
  if (nearDatesWarning(col.name, cells, col.type, dataRow) === undefined) return undefined;
  const plain = readLevelDates(col);
  if (!('why' in plain)) return undefined;
  const ways = dateLayoutsText(cells, dataRow);
  // Only a declaration that reads every cell is advised: one that does not is refused too.
  const orders = (['mdy', 'dmy'] as const).filter((o) => !('why' in readLevelDates(col, o)));
  if (orders.length > 0) {
    const declare = `"columns": {${JSON.stringify(col.name)}: {"type": "datetime", "date_order": "${orders[0]}"}}`;
    return `its dates are ${ways ?? 'not all written one way'}; create the job with ${declare} to read them all${orders.length > 1 ? ' (or "dmy" if they are day first)' : ''}`;
  }
  if (plain.noDates) return `${plain.why}; correct the cells that are no dates (a time column needs a date on every row) and upload the dataset again`;
  return `its dates are ${ways ?? 'not all written one way'}; correct the cells written the other way round (a column's dates are all month first or all day first) and upload the dataset again`;
}
