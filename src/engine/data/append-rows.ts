/**
 * @module engine/data/append-rows
 * A dataset version plus appended rows, as the next version: the stored typed columns are turned back
 * into text cells, the new rows are put under them in the stored column order, and the whole table is
 * typed and profiled again as a fresh upload would be. So the new version reads exactly as if the user
 * had uploaded the longer file, and a column may change type when the new rows give it reason to (a
 * constant column that now varies).
 *
 * What the new rows must agree with is checked first, so a mistake is named instead of silently changing
 * the data: the same columns (in any order), and in a column that is numeric, boolean or a date, values
 * of that kind (an "abc" in a numeric column would otherwise turn it categorical for every later job, a
 * "maybe" in a boolean one would make it three categories). Dates
 * must be in the column's layout (data/date-layout: 03/15/2024 in a month-first column), or ISO-8601 (or,
 * in a column with any layout, year-first or with the month named); old and new dates are written in
 * that layout, so the longer table reads in it again. A column whose order upload had to guess (every
 * date read either way) takes the order the new day-month dates tell, as an upload of the longer file
 * would: 25/03/2024 makes it day first, old dates included. An appended 2024-03-25 tells nothing of the
 * order, so it is kept as written and a guessed order stays a guess: such rows are remembered as the
 * column's fixed rows (data/fixed-rows), which neither a later order nor a job's declared one moves. (An
 * upload mixing both kinds is no date column; an append may, as the column's layout is already settled
 * or shown as a guess: data/detect-date-order.)
 */
import { EngineError } from '../core/errors';
import { runSteps, runStepsYielding, type Steps } from '../core/steps';
import { isInfinityCell, isMissingCell, isMissingNumberCell, isoOffsetMinutes, parseBooleanCell, parseDateCell, parseNumberCell } from './column-types';
import type { CsvTable } from './csv';
import type { Column, Dataset } from './dataset';
import { type DateOrder, dayMonthParts, describeOrder, formatOrderedDate } from './date-layout';
import { whyNoRealDate } from './date-validity';
import { orderWasGuessed } from './datetime-override';
import { fixedRowMask } from './fixed-rows';
import { type ColumnProfile, inferColumnsSteps } from './infer-schema';
import { numericLabelOf } from './numeric-labels';
import { instantAtOffset, offsetsPerRow, wallClockText } from './utc-offsets';

/** How the new rows' positions are named in errors: CSV lines (header is line 1) or Parquet rows. */
export type RowNaming = 'line' | 'row';

export interface AppendResult {
  readonly dataset: Dataset;
  readonly profile: ColumnProfile[];
  /** Rows added (the new version has old rows + these). */
  readonly added: number;
}

/** The next version of `base` with `added`'s rows at the end; EngineError('invalid_dataset') naming what does not fit. */
export function appendRows(base: Dataset, added: CsvTable, naming: RowNaming, maxRows: number): AppendResult {
  return runSteps(appendSteps(base, added, naming, maxRows));
}

/**
 * appendRows handing the thread back (`yieldControl`) between columns' checks, every few tens of thousands
 * of cells written back as text, and within the typing (data/infer-schema): appending to a large dataset
 * takes seconds, which a Worker's other requests must not wait behind. The same result and refusals.
 */
export function appendRowsYielding(base: Dataset, added: CsvTable, naming: RowNaming, maxRows: number, yieldControl: () => Promise<void>): Promise<AppendResult> {
  return runStepsYielding(appendSteps(base, added, naming, maxRows), yieldControl);
}

/** Cells written back as text between two turns of the host (some tens of milliseconds' work). */
const CELLS_PER_STEP = 50_000;

function* appendSteps(base: Dataset, added: CsvTable, naming: RowNaming, maxRows: number): Steps<AppendResult> {
  const order = columnOrder(base, added);
  const total = base.rows + added.rows.length;
  if (total > maxRows) {
    throw new EngineError('invalid_dataset', `the dataset would have ${total} rows, more than the ${maxRows} one dataset may hold (it has ${base.rows})`, {
      rows: total,
      max_rows: maxRows,
    });
  }
  const dateOrders = base.columns.map((col, j) => appendedDateOrder(col, added, order[j]));
  for (let j = 0; j < base.columns.length; j++) {
    yield* checkKind(base.columns[j], dateOrders[j], added, order[j], naming);
    yield;
  }
  const oldCellsOf = base.columns.map((col, j) => cellText(col, keptOffset(col, added, order[j])));
  const newCellsOf = base.columns.map((col, j) => newCellText(col, dateOrders[j]));
  // Each column's text made when the typing comes to it, never the whole table as rows of text: 500,000
  // rows of arrays took 0.2-0.5 s to build and were held, with their copy as columns, through the typing.
  const cellsOf = function* (j: number): Steps<string[]> {
    const cells: string[] = [];
    const old = oldCellsOf[j];
    for (let i = 0; i < base.rows; i++) {
      cells.push(old(i));
      if (i % CELLS_PER_STEP === CELLS_PER_STEP - 1) yield;
    }
    const cell = newCellsOf[j];
    const k = order[j];
    for (let i = 0; i < added.rows.length; i++) {
      cells.push(cell(added.rows[i][k]));
      if (i % CELLS_PER_STEP === CELLS_PER_STEP - 1) yield;
    }
    return cells;
  };
  const appendedDates = new Set(base.columns.filter((c) => c.storage === 'f64' && (c.dateOrder === 'mdy' || c.dateOrder === 'dmy')).map((c) => c.name));
  const { dataset, profile } = yield* inferColumnsSteps({ header: base.columns.map((c) => c.name), rows: total, cellsOf }, Object.create(null), { appendedDates });
  return { dataset, profile, added: added.rows.length };
}

/** For each stored column, its position among the new rows' columns; refuses missing or unknown columns by name. */
function columnOrder(base: Dataset, added: CsvTable): number[] {
  const position = new Map(added.header.map((name, k) => [name, k]));
  const missing = base.columns.map((c) => c.name).filter((name) => !position.has(name));
  const known = new Set(base.columns.map((c) => c.name));
  const unknown = added.header.filter((name) => !known.has(name));
  if (missing.length > 0 || unknown.length > 0) {
    const parts = [
      ...(missing.length > 0 ? [`missing ${quoteList(missing)}`] : []),
      ...(unknown.length > 0 ? [`not in the dataset: ${quoteList(unknown)}`] : []),
    ];
    throw new EngineError('invalid_dataset', `the new rows must have the dataset's columns (in any order); ${parts.join('; ')}`, { missing, unknown });
  }
  return base.columns.map((c) => position.get(c.name) as number);
}

const quoteList = (names: readonly string[]) => names.slice(0, 10).map((n) => `"${n}"`).join(', ') + (names.length > 10 ? ` and ${names.length - 10} more` : '');

/**
 * The layout a date column's new cells are read in: the column's, or day first when upload guessed month
 * first and some new date reads day first only (25/03/2024). Undefined for ISO-8601 and other columns.
 */
function appendedDateOrder(col: Column, added: CsvTable, k: number): DateOrder | undefined {
  if (col.storage !== 'f64' || col.type !== 'datetime') return undefined;
  if (!orderWasGuessed(col)) return col.dateOrder;
  const dayFirst = added.rows.some((row) => Number.isNaN(parseDateCell(row[k], 'mdy')) && !Number.isNaN(parseDateCell(row[k], 'dmy')));
  return dayFirst ? 'dmy' : 'mdy';
}

/**
 * A numeric, boolean or date column's new cells must be numbers, truth values or dates (or missing); dates
 * in `dateOrder` or ISO-8601. A cell written so that is still no date (02/30/2024) is refused saying why,
 * not as a layout mistake. Yields every CELLS_PER_STEP cells: 400,000 new dates took 0.1-0.2 s to read at once.
 */
function* checkKind(col: Column, dateOrder: DateOrder | undefined, added: CsvTable, k: number, naming: RowNaming): Steps<void> {
  if (col.type === 'boolean' && col.storage === 'codes') return yield* checkBooleans(col.name, col.levels, added, k, naming);
  if (col.type !== 'numeric' && col.type !== 'datetime') return;
  const parse = col.type === 'numeric' ? parseNumberCell : (cell: string) => parseDateCell(cell, dateOrder);
  const kind = col.type === 'numeric' ? 'a number' : dateOrder ? `a date as ${describeOrder(dateOrder)} or ISO-8601` : 'an ISO-8601 date';
  for (let i = 0; i < added.rows.length; i++) {
    if (i % CELLS_PER_STEP === CELLS_PER_STEP - 1) yield;
    const cell = added.rows[i][k];
    // A number (or date) first: the placeholder test lower-cases a copy of the cell, which most need not.
    // An infinity is a missing number, as an upload of the longer file reads it (column-types).
    if (!Number.isNaN(parse(cell)) || isMissingNumberCell(cell) || (col.type === 'numeric' && isInfinityCell(cell))) continue;
    const at = placeOf(added, i, naming);
    const why = col.type === 'datetime' ? whyNoRealDate(cell, dateOrder) : undefined;
    const what = why ? `is not a real date (${why})` : `is not ${kind}, as the column's values are`;
    throw new EngineError('invalid_dataset', `${naming} ${at}, column "${col.name}": "${cell.slice(0, 64)}" ${what}`, { [naming]: at, column: col.name });
  }
}

/** The line of the file (header line 1) or the 1-based Parquet row the new row `i` is on. */
export const placeOf = (added: CsvTable, i: number, naming: RowNaming) => (naming === 'line' ? (added.lines?.[i] ?? i + 2) : i + 1);

/**
 * A boolean column's new cells must be truth values in any spelling ("yes", "TRUE", "f") or missing:
 * upload reads only a column of truth values as boolean, so another word would make it categories.
 */
function* checkBooleans(name: string, levels: readonly string[], added: CsvTable, k: number, naming: RowNaming): Steps<void> {
  for (let i = 0; i < added.rows.length; i++) {
    if (i % CELLS_PER_STEP === CELLS_PER_STEP - 1) yield;
    const cell = added.rows[i][k];
    if (isMissingCell(cell) || parseBooleanCell(cell) !== undefined) continue;
    const at = placeOf(added, i, naming);
    // The column's own spellings say what it holds ("no" and "yes"), sorted false first.
    const spellings = [...levels].sort((a, b) => Number(parseBooleanCell(a)) - Number(parseBooleanCell(b))).map((l) => `"${l}"`);
    throw new EngineError('invalid_dataset', `${naming} ${at}, column "${name}": "${cell.slice(0, 64)}" is not a truth value (${spellings.join(' or ')}), as the column's values are`, {
      [naming]: at,
      column: name,
    });
  }
}

/**
 * A stored column's cells as the text a fresh upload would have had: numbers in shortest form, dates in
 * the column's layout, or ISO-8601 UTC when it has none (and in its fixed rows, which were written so),
 * at their own UTC offsets when it kept them, or at its one offset when `oneOffset` says so (keptOffset).
 */
function cellText(col: Column, oneOffset?: number): (row: number) => string {
  if (col.storage === 'codes') return (i) => (col.codes[i] < 0 ? '' : col.levels[col.codes[i]]);
  const { values, dateOrder } = col;
  const fixed = fixedRowMask(col.fixedRows, values.length);
  if (col.type === 'datetime' && dateOrder && fixed) return (i) => (Number.isNaN(values[i]) ? '' : fixed[i] ? new Date(values[i]).toISOString() : formatOrderedDate(values[i], dateOrder));
  if (col.type === 'datetime' && dateOrder) return (i) => (Number.isNaN(values[i]) ? '' : formatOrderedDate(values[i], dateOrder));
  if (col.type === 'datetime' && col.utcOffsets) {
    // Written back at their own offsets, so the longer table keeps them (data/utc-offsets).
    const offsets = offsetsPerRow(col.utcOffsets, values.length);
    return (i) => (Number.isNaN(values[i]) ? '' : wallClockText(values[i] + offsets[i] * 60_000, offsets[i]));
  }
  if (col.type === 'datetime' && oneOffset !== undefined) return (i) => (Number.isNaN(values[i]) ? '' : instantAtOffset(values[i], oneOffset));
  // Written without an offset as they were (NumericColumn.naiveTimes): a Z would make them instants.
  if (col.type === 'datetime' && col.naiveTimes) return (i) => (Number.isNaN(values[i]) ? '' : wallClockText(values[i]));
  if (col.type === 'datetime') return (i) => (Number.isNaN(values[i]) ? '' : new Date(values[i]).toISOString());
  // As the file wrote them where upload recorded it ("1.0" stays "1.0", so class labels keep their names).
  const text = numericLabelOf(col);
  return (i) => (Number.isNaN(values[i]) ? '' : text(values[i]));
}

/**
 * The one UTC offset a column was written at (NumericColumn.fixedUtcOffset) when every new date cell is
 * written at it too: the stored rows are written back at it, and the longer column stays at one offset
 * (written in UTC beside new rows at the offset, they would read as offsets that change). Undefined otherwise: the
 * stored rows are written in UTC, as before the offset was kept, so new rows in UTC read as they did.
 */
function keptOffset(col: Column, added: CsvTable, k: number): number | undefined {
  if (col.storage !== 'f64' || col.type !== 'datetime' || col.fixedUtcOffset === undefined) return undefined;
  const offset = col.fixedUtcOffset;
  return added.rows.every((row) => isMissingNumberCell(row[k] ?? '') || isoOffsetMinutes(row[k] ?? '') === offset) ? offset : undefined;
}

/**
 * A new row's cell as the longer table holds it: a date of a column with a layout rewritten in it, a truth
 * value of a boolean column in the column's own spelling of it, every other cell as sent. In a day-month
 * column a date no order misreads (2024-03-25) stays as written: in the layout (03/25/2024) it would tell
 * the order, which it does not know. A boolean column spells each truth value as most of its cells do, so
 * rows sent as TRUE/false (a pandas export) beside stored Yes/No would otherwise rename the stored rows'
 * classes when they outnumber them (a binary model's "Yes" became "TRUE").
 */
function newCellText(col: Column, order: DateOrder | undefined): (cell: string) => string {
  if (col.type === 'boolean' && col.storage === 'codes') {
    const spelling = new Map(col.levels.map((level) => [parseBooleanCell(level), level]));
    // A truth value the column has never held keeps the spelling it was sent in.
    return (cell) => (isMissingCell(cell) ? cell : (spelling.get(parseBooleanCell(cell)) ?? cell));
  }
  if (col.type !== 'datetime' || order === undefined) return (cell) => cell;
  const dayMonth = order === 'mdy' || order === 'dmy';
  return (cell) => (isMissingNumberCell(cell) || (dayMonth && dayMonthParts(cell.trim()) === undefined) ? cell : formatOrderedDate(parseDateCell(cell, order), order));
}
