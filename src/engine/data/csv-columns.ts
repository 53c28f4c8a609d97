/**
 * @module engine/data/csv-columns
 * Reads CSV text into columns of cells (one string array per header column) for batch predictions,
 * which decode column by column and never need a row at a time. Files without any double quote (the
 * usual machine-written batch) are split directly, which is several times faster than the general
 * tokenizer; anything else, and any file the fast split would refuse, goes through parseCsv, so the
 * table read and every refusal (with its line number) are exactly those of parseCsv.
 */
import { type ColumnCap, columnCountAllowed } from './column-cap';
import { type CsvLimits, type CsvTable, csvLayout, parseCsv } from './csv';

export interface CsvColumns {
  readonly header: readonly string[];
  /** Number of data rows. */
  readonly rows: number;
  /** columns[j][i]: the cell of header column j in data row i, as text ('' for an empty cell). */
  readonly columns: readonly (readonly string[])[];
  /** The 1-based line of the file on which each data row starts (see CsvTable.lines). */
  readonly lines?: readonly number[];
  /** What reading left out of the file (see CsvTable.warnings). */
  readonly warnings?: readonly string[];
}

const DEFAULT_LIMITS: CsvLimits = { maxRows: 1_000_000, maxColumns: 2_000 };

/** Same table as parseCsv(input, limits), transposed; throws the same EngineError('invalid_csv') as parseCsv. */
export function parseCsvColumns(input: string, limits: Partial<CsvLimits> = {}): CsvColumns {
  return splitPlainCsv(input, { ...DEFAULT_LIMITS, ...limits }) ?? transpose(parseCsv(input, limits));
}

function transpose(table: CsvTable): CsvColumns {
  const n = table.rows.length;
  const columns = table.header.map((_, j) => {
    const cells = new Array<string>(n);
    for (let i = 0; i < n; i++) cells[i] = table.rows[i][j];
    return cells;
  });
  return { header: table.header, rows: n, columns, lines: table.lines };
}

/**
 * The fast split, for comma-separated text with no double quote and one line ending throughout (LF, or
 * CRLF on every line): then every field is the text between commas, exactly as the tokenizer reads it.
 * Lines of nothing but spaces are skipped, as parseCsv does. Returns undefined whenever the text is not
 * of that kind or would be refused, leaving both the general reading and the error to parseCsv.
 */
function splitPlainCsv(input: string, limits: CsvLimits): CsvColumns | undefined {
  const { text, delimiter, firstLine } = csvLayout(input, limits.delimiter);
  if (delimiter !== ',' || firstLine !== 1 || text.indexOf('"') >= 0) return undefined;
  const crlf = text.indexOf('\r') >= 0;
  if (crlf && !everyLineEndsInCrlf(text)) return undefined;
  const ending = crlf ? 2 : 1;
  let header: string[] | undefined;
  let columns: string[][] = [];
  let rows = 0;
  const lines: number[] = [];
  // One scan, each cell sliced straight into its column: no array per line (this runs on every batch).
  for (let start = 0, line = 1; start < text.length; line++) {
    const newline = text.indexOf('\n', start);
    const lineEnd = newline < 0 ? text.length : newline + 1 - ending;
    const next = newline < 0 ? text.length : newline + 1;
    if (blankLine(text, start, lineEnd)) {
      start = next;
      continue;
    }
    if (header === undefined) {
      header = text.slice(start, lineEnd).split(',').map((f) => f.trim());
      if (!plainHeader(header, limits)) return undefined;
      columns = header.map(() => []);
      start = next;
      continue;
    }
    if (rows >= limits.maxRows) return undefined;
    const width = header.length;
    let j = 0;
    for (let from = start; ; j++) {
      if (j >= width) return undefined;
      const comma = text.indexOf(',', from);
      if (comma < 0 || comma >= lineEnd) {
        columns[j].push(text.slice(from, lineEnd));
        break;
      }
      columns[j].push(text.slice(from, comma));
      from = comma + 1;
    }
    if (j !== width - 1) return undefined;
    rows++;
    lines.push(line);
    start = next;
  }
  if (header === undefined || rows === 0) return undefined;
  return { header, rows, columns, lines };
}

/** Whether the line holds nothing but spaces (",," is a row of missing values, not a blank line). */
function blankLine(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c > 32 && c < 127) return false;
    return text.slice(start, end).trim() === '';
  }
  return true;
}

/** Whether every CR starts a CRLF and every LF ends one. */
function everyLineEndsInCrlf(text: string): boolean {
  for (let at = text.indexOf('\r'); at >= 0; at = text.indexOf('\r', at + 1)) if (text.charCodeAt(at + 1) !== 10) return false;
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) if (text.charCodeAt(at - 1) !== 13) return false;
  return true;
}

/** A header parseCsv accepts: within the column cap, every name present and distinct. */
function plainHeader(header: readonly string[], cap: ColumnCap): boolean {
  if (!columnCountAllowed(header, cap)) return false;
  const names = new Set<string>();
  for (const name of header) {
    if (name === '' || names.has(name)) return false;
    names.add(name);
  }
  return true;
}
