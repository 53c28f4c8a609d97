/**
 * @module engine/data/csv-columns
 * Reads CSV text into columns of cells (one string array per header column) for batch predictions,
 * which decode column by column and never need a row at a time. Files without any double quote (the
 * usual machine-written batch) are split directly, which is several times faster than the general
 * tokenizer; anything else, and any file the fast split would refuse, goes through parseCsv, so the
 * table read and every refusal (with its line number) are exactly those of parseCsv.
 */
import { type CsvLimits, parseCsv } from './csv';

export interface CsvColumns {
  readonly header: readonly string[];
  /** Number of data rows. */
  readonly rows: number;
  /** columns[j][i]: the cell of header column j in data row i, as text ('' for an empty cell). */
  readonly columns: readonly (readonly string[])[];
}

const DEFAULT_LIMITS: CsvLimits = { maxRows: 1_000_000, maxColumns: 2_000 };

/** Same table as parseCsv(input, limits), transposed; throws the same EngineError('invalid_csv') as parseCsv. */
export function parseCsvColumns(input: string, limits: Partial<CsvLimits> = {}): CsvColumns {
  return splitPlainCsv(input, { ...DEFAULT_LIMITS, ...limits }) ?? transpose(parseCsv(input, limits));
}

function transpose(table: { header: readonly string[]; rows: readonly (readonly string[])[] }): CsvColumns {
  const n = table.rows.length;
  const columns = table.header.map((_, j) => {
    const cells = new Array<string>(n);
    for (let i = 0; i < n; i++) cells[i] = table.rows[i][j];
    return cells;
  });
  return { header: table.header, rows: n, columns };
}

/**
 * The fast split, for text with no double quote and one line ending throughout (LF, or CRLF on every
 * line): then every field is the text between commas, exactly as the tokenizer reads it. Lines whose
 * fields are all blank are skipped, as parseCsv does. Returns undefined whenever the text is not of that
 * kind or would be refused, leaving both the general reading and the error to parseCsv.
 */
function splitPlainCsv(input: string, limits: CsvLimits): CsvColumns | undefined {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  if (text.indexOf('"') >= 0) return undefined;
  const crlf = text.indexOf('\r') >= 0;
  if (crlf && !everyLineEndsInCrlf(text)) return undefined;
  const ending = crlf ? 2 : 1;
  let header: string[] | undefined;
  let columns: string[][] = [];
  let rows = 0;
  // One scan, each cell sliced straight into its column: no array per line (this runs on every batch).
  for (let start = 0; start < text.length; ) {
    const newline = text.indexOf('\n', start);
    const lineEnd = newline < 0 ? text.length : newline + 1 - ending;
    const next = newline < 0 ? text.length : newline + 1;
    if (blankFields(text, start, lineEnd)) {
      start = next;
      continue;
    }
    if (header === undefined) {
      header = text.slice(start, lineEnd).split(',').map((f) => f.trim());
      if (!plainHeader(header, limits.maxColumns)) return undefined;
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
    start = next;
  }
  if (header === undefined || rows === 0) return undefined;
  return { header, rows, columns };
}

/**
 * Whether the line's fields are all blank (the fields joined trim to nothing), which the tokenizer's
 * greedy mode skips: ",,", "  ". A printable ASCII character other than a comma settles it at once.
 */
function blankFields(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 44) continue;
    if (c > 32 && c < 127) return false;
    return text.slice(start, end).split(',').join('').trim() === '';
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
function plainHeader(header: readonly string[], maxColumns: number): boolean {
  if (header.length > maxColumns) return false;
  const names = new Set<string>();
  for (const name of header) {
    if (name === '' || names.has(name)) return false;
    names.add(name);
  }
  return true;
}
