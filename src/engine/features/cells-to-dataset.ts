/**
 * @module engine/features/cells-to-dataset
 * The batch fast path of prediction decoding: CSV cells, already in columns (data/csv-columns), straight
 * into the coded Dataset, with no object per row. It reads each cell exactly as rowsToDataset reads the
 * row object the CSV route would build (an empty cell is null, every other cell a string), so predictions
 * are the same bit for bit. It never words a refusal itself: on the first cell or column it would refuse,
 * it hands the whole table to rowsToDataset, whose error (row, column, message) is then the one thrown.
 */
import { isInfinityCell, isMissingCell, isMissingNumberCell, parseDateCell, parseNumberCell } from '../data/column-types';
import type { CsvColumns } from '../data/csv-columns';
import { type Column, type Dataset, MISSING_CODE } from '../data/dataset';
import { categoryCode } from './level-lookup';
import type { InputColumn } from './pipeline';
import { booleanCode, isMissingWord, levelIndexOf, rowsToDataset } from './rows-to-dataset';

/** The row objects the CSV route has always built: header name → cell, null for an empty cell. */
export function csvRowObjects(table: CsvColumns): Record<string, string | null>[] {
  const rows = new Array<Record<string, string | null>>(table.rows);
  for (let i = 0; i < rows.length; i++) rows[i] = csvRowObject(table, i);
  return rows;
}

/** Row i of the table as the CSV route's row object. */
export function csvRowObject(table: CsvColumns, i: number): Record<string, string | null> {
  const { header, columns } = table;
  const row: Record<string, string | null> = Object.create(null);
  for (let j = 0; j < header.length; j++) row[header[j]] = columns[j][i] === '' ? null : columns[j][i];
  return row;
}

/** Same Dataset as rowsToDataset(inputs, known, csvRowObjects(table)), and the same errors. */
export function cellsToDataset(inputs: readonly InputColumn[], known: ReadonlySet<string>, table: CsvColumns): Dataset {
  return decodeCellColumns(inputs, known, table) ?? rowsToDataset(inputs, known, csvRowObjects(table));
}

/** The Dataset, or undefined when rowsToDataset would refuse the table (exported for tests: the fast path ran). */
export function decodeCellColumns(inputs: readonly InputColumn[], known: ReadonlySet<string>, table: CsvColumns): Dataset | undefined {
  const n = table.rows;
  if (n === 0) return undefined;
  for (const name of table.header) if (!known.has(name)) return undefined;
  const columns: Column[] = [];
  for (const input of inputs) {
    const at = table.header.indexOf(input.name);
    const cells = at < 0 ? undefined : table.columns[at];
    let column: Column | undefined;
    if (input.storage === 'f64') column = numericColumn(input, cells, n);
    else if (input.type === 'text') column = textColumn(input, cells, n);
    else column = codedColumn(input, cells, n);
    if (!column) return undefined;
    columns.push(column);
  }
  return { rows: n, columns };
}

/** Whether a CSV cell is a missing value as rowsToDataset sees it (null for '' or a missing spelling). */
const missing = (cell: string) => cell === '' || isMissingCell(cell);
/** The same for a numeric or date column, where placeholders ("-", "#N/A") are missing too. */
const missingNumber = (cell: string) => cell === '' || isMissingNumberCell(cell);

function numericColumn(input: InputColumn, cells: readonly string[] | undefined, n: number): Column | undefined {
  const values = new Float64Array(n);
  if (!cells) values.fill(NaN);
  else if (input.type === 'datetime') {
    // Dates repeat (days, months) and parsing one is dear: each distinct cell is read once.
    const seen = new Map<string, number>();
    for (let i = 0; i < n; i++) {
      const cell = cells[i];
      let ms = seen.get(cell);
      if (ms === undefined) {
        ms = missingNumber(cell) ? NaN : parseDateCell(cell, input.dateOrder);
        if (Number.isNaN(ms) && !missingNumber(cell)) return undefined;
        seen.set(cell, ms);
      }
      values[i] = ms;
    }
  } else {
    for (let i = 0; i < n; i++) {
      const cell = cells[i];
      // No missing spelling parses as a number, so trying the number first changes no reading.
      const x = cell === '' ? NaN : plainInteger(cell) ?? parseNumberCell(cell);
      if (Number.isNaN(x) && !missingNumber(cell) && !isInfinityCell(cell) && !(input.missingWords !== undefined && isMissingWord(cell, input.missingWords))) return undefined;
      values[i] = x;
    }
  }
  return { name: input.name, type: input.type, storage: 'f64', values };
}

/**
 * The value of a cell of 1 to 15 ASCII digits, optionally after a minus sign: exactly what parseNumberCell
 * reads (an integer below 2^53 is summed exactly), without its trim and pattern test. Undefined for any
 * other cell, which parseNumberCell then reads.
 */
function plainInteger(cell: string): number | undefined {
  const negative = cell.charCodeAt(0) === 45;
  const from = negative ? 1 : 0;
  if (cell.length <= from || cell.length - from > 15) return undefined;
  let v = 0;
  for (let i = from; i < cell.length; i++) {
    const d = cell.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return undefined;
    v = v * 10 + d;
  }
  return negative ? -v : v;
}

/** Distinct cells of a column compared as strings before any hashing: a categorical column has few. */
const RECENT_CELLS = 16;

function codedColumn(input: InputColumn, cells: readonly string[] | undefined, n: number): Column | undefined {
  const codes = new Int32Array(n);
  if (!cells) codes.fill(MISSING_CODE);
  else {
    const index = levelIndexOf(input);
    const seen = new Map<string, number>();
    // The first distinct cells and their codes: comparing a cell with a few strings is cheaper than hashing
    // it. A column with many distinct cells stops comparing, as hashing alone is then cheaper.
    const recent: string[] = [];
    const recentCodes: number[] = [];
    let compare = true;
    for (let i = 0; i < n; i++) {
      const cell = cells[i];
      if (compare) {
        let q = 0;
        while (q < recent.length && recent[q] !== cell) q++;
        if (q < recent.length) {
          codes[i] = recentCodes[q];
          continue;
        }
      }
      let code = seen.get(cell);
      if (code === undefined) {
        // A boolean column reads other spellings of true and false; a cell that spells neither is refused (by rowsToDataset).
        code = missing(cell) ? MISSING_CODE : input.type === 'boolean' ? booleanCode(cell, index) : categoryCode(input, index, cell);
        if (code === undefined) return undefined;
        seen.set(cell, code);
        if (recent.length < RECENT_CELLS) {
          recent.push(cell);
          recentCodes.push(code);
        } else if (seen.size > 4 * RECENT_CELLS) compare = false;
      }
      codes[i] = code;
    }
  }
  return { name: input.name, type: input.type, storage: 'codes', codes, levels: input.levels ?? [] };
}

/** Text is coded against the request's own distinct strings, in order of first appearance (as rowsToDataset does). */
function textColumn(input: InputColumn, cells: readonly string[] | undefined, n: number): Column {
  const codes = new Int32Array(n);
  const levels: string[] = [];
  if (!cells) codes.fill(MISSING_CODE);
  else {
    const index = new Map<string, number>();
    for (let i = 0; i < n; i++) {
      const cell = cells[i];
      if (missing(cell)) {
        codes[i] = MISSING_CODE;
        continue;
      }
      const key = cell.trim();
      let code = index.get(key);
      if (code === undefined) index.set(key, (code = levels.push(key) - 1));
      codes[i] = code;
    }
  }
  return { name: input.name, type: input.type, storage: 'codes', codes, levels };
}
