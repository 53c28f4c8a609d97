/**
 * @module engine/data/stray-text
 * A column of numbers with a few words among them. One "abc" typed into a column of 120 incomes made it an
 * identifier that every job dropped, and two "unknown-age" made ages 52 categories, without a word. When
 * the cells that are no numbers are few (at most 2% of the present cells, and at most 20) and each is text
 * without a digit (a word, a note: not "12 kg" or "2024-01-05", which are values written another way and
 * still keep the column from being numbers), upload types the column numeric, reads those cells as
 * missing, and its profile entry names them with their lines. A job that declares a column numeric reads
 * every cell that is no number as missing the same way, and says which, unless they are as many as the
 * numbers: then the declaration is refused, naming the first.
 */
import { isPixelColumnName } from './images/pixel-columns';

/** At most this share of a column's present cells may be stray text in a column read as numbers... */
const STRAY_SHARE = 0.02;
/** ...and at most this many: past it, so many words are data, not slips. */
const STRAY_MOST = 20;

/** How many stray text cells a column with `present` present cells may hold and still be read as numbers. */
export function strayAllowance(present: number): number {
  return Math.min(STRAY_MOST, Math.floor(STRAY_SHARE * present));
}

/** Whether a cell that is neither a number nor a placeholder is a stray word (no digit in it). */
export function isStrayText(cell: string): boolean {
  return !/\d/.test(cell);
}

/** Cells read as missing because they are no numbers, each distinct value with the rows holding it (in row order). */
export interface StrayCells {
  /** Present values of the column (numbers and stray cells; missing cells and placeholders not counted). */
  readonly present: number;
  readonly cells: readonly { readonly value: string; readonly rows: readonly number[] }[];
  /** Stray cells in all (the rows of every value). */
  readonly count: number;
}

/**
 * The rows of a column (`rows` long, `numbers` of them numbers) for which `isStray(i)` holds, grouped by
 * their trimmed cell `cellOf(i)` in the order each first appears; undefined when there is none.
 */
export function strayCells(rows: number, numbers: number, isStray: (row: number) => boolean, cellOf: (row: number) => string): StrayCells | undefined {
  const byValue = new Map<string, number[]>();
  let count = 0;
  for (let i = 0; i < rows; i++) {
    if (!isStray(i)) continue;
    const value = cellOf(i).trim();
    const at = byValue.get(value);
    if (at) at.push(i);
    else byValue.set(value, [i]);
    count++;
  }
  if (count === 0) return undefined;
  return { present: numbers + count, count, cells: [...byValue].map(([value, at]) => ({ value, rows: at })) };
}

const VALUES_SHOWN = 5;
const ROWS_SHOWN = 3;

/**
 * 'line 5 and line 52 hold "unknown-age"; line 9 holds "abc"': where the stray cells are, by `where`
 * ("line 7" in a CSV file, "data row 6" otherwise), five values and three rows of each at most.
 */
export function strayPlaces(stray: StrayCells, where: (row: number) => string): string {
  const shown = stray.cells.slice(0, VALUES_SHOWN).map(({ value, rows }) => {
    const places = rows.slice(0, ROWS_SHOWN).map(where);
    const more = rows.length > ROWS_SHOWN ? ` and ${rows.length - ROWS_SHOWN} more` : '';
    const list = more ? `${places.join(', ')}${more}` : joinAnd(places);
    return `${list} ${rows.length === 1 ? 'holds' : 'hold'} ${JSON.stringify(value.slice(0, 64))}`;
  });
  const hidden = stray.cells.slice(VALUES_SHOWN).reduce((n, c) => n + c.rows.length, 0);
  return [...shown, ...(hidden > 0 ? [`${hidden} more ${hidden === 1 ? 'cell holds' : 'cells hold'} other words`] : [])].join('; ');
}

const joinAnd = (parts: readonly string[]) => (parts.length <= 1 ? parts.join('') : `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`);

/**
 * The profile's warning for a column typed numeric whose cells include stray text, now missing values:
 * '118 of 120 values are numbers, but line 5 and line 52 hold "unknown-age": ...'. A pixel column
 * (`px_r2_c4`) is not offered categories: an image job refuses a pixel that is no number.
 */
export function strayTextWarning(name: string, stray: StrayCells, where: (row: number) => string): string {
  const one = stray.count === 1;
  const advice = isPixelColumnName(name)
    ? `correct ${one ? 'it' : 'them'} in the file, or leave ${one ? 'it' : 'them'} to be read as ${one ? 'a missing pixel' : 'missing pixels'}`
    : // Not "declare the column categorical": the stored column keeps numbers only, so the words would be lost
      // there too, and every number would become a category of its own.
      `correct ${one ? 'it' : 'them'} and upload the file again if ${one ? 'it stands' : 'they stand'} for numbers, or leave ${one ? 'it' : 'them'} to be read as ${one ? 'a missing value' : 'missing values'}`;
  return `${stray.present - stray.count} of ${stray.present} values are numbers, but ${strayPlaces(stray, where)}: the column is read as numeric, with ${one ? 'that cell' : 'these cells'} missing; ${advice}`;
}
