/**
 * @module engine/data/csv
 * Reads CSV text (RFC 4180: header row, quoted fields, CRLF, LF or CR) into a header and rows of strings,
 * with papaparse doing the tokenising. Every refusal names the line where the file went wrong, so a
 * user can open the file and fix it; nothing is guessed or silently dropped: a row whose cells are all
 * empty (",,") is a row of missing values, and only lines holding nothing but spaces are skipped.
 *
 * Spreadsheet exports from locales that write decimal commas separate fields with semicolons, and some
 * tools write tabs. The separator is read from the header line (the most frequent of comma, semicolon
 * and tab outside quotes; comma on a tie) or from Excel's "sep=;" first line. In a semicolon file a
 * decimal-comma number ("3,14", "1.234,5") is read as the number it is ("3.14", "1234.5"), and in a file
 * that writes its decimals so, so is a whole number with dots between thousands ("120.000" is 120000:
 * data/decimal-comma). A tab file is read so when its cells show decimal commas ("0,125").
 *
 * Spreadsheets also export a separator at the end of every line, header included: an unnamed column with
 * no value in it is left out, and the table's warnings say so; an unnamed column holding a value is
 * refused at that line, as its values would have no name to be used by.
 */
import { EngineError } from '../core/errors';
import { type ColumnCap, columnCapText, columnCountAllowed } from './column-cap';
import { runSteps, runStepsYielding, type Steps } from '../core/steps';
import { csvRowsInPieces } from './csv-pieces';
import { DecimalMark, readsAsNumber, readSemicolonCell } from './decimal-comma';

export interface CsvTable {
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
  /**
   * The 1-based line of the file on which each data row starts (blank lines and quoted line breaks
   * counted), so a refusal found later (a cell of the wrong kind) names the line the user sees.
   */
  readonly lines?: readonly number[];
  /** What reading left out of the file (unnamed columns without a value), for the dataset's warnings. */
  readonly warnings?: readonly string[];
}

export interface CsvLimits extends ColumnCap {
  readonly maxRows: number;
  /** What maxRows is the most of, for the refusal: "one dataset" unless said ("one prediction request"). */
  readonly rowsOf?: string;
  /**
   * The most cells (rows x columns) the table may hold: an upload of many empty cells (",,,,") holds
   * far more cells than its bytes over two, and its Parquet twin is held to this too (data/parquet).
   */
  readonly maxCells?: number;
  /**
   * The separator the sender declared (a text/tab-separated-values body: tab), used instead of the guess
   * from the header line, which counts separators and takes a comma on a tie ("name<TAB>city, state"); a
   * "sep=X" first line in the file still says its own.
   */
  readonly delimiter?: CsvDelimiter;
}

/** Field separators a file may use. */
export type CsvDelimiter = ',' | ';' | '\t';

const DEFAULT_LIMITS: CsvLimits = { maxRows: 1_000_000, maxColumns: 2_000 };

/** Turns increasing character offsets into 1-based line numbers (LF, CRLF or a lone CR end a line), scanning once. */
function lineCounter(text: string, firstLine: number): (offset: number) => number {
  let line = firstLine;
  let scanned = 0;
  return (offset) => {
    for (; scanned < offset && scanned < text.length; scanned++) {
      const c = text.charCodeAt(scanned);
      if (c === 10 || (c === 13 && text.charCodeAt(scanned + 1) !== 10)) line++;
    }
    return line;
  };
}

/** The text after a BOM and an Excel "sep=X" line, the separator, and the line the rest starts on. */
export function csvLayout(input: string, declared?: CsvDelimiter): { text: string; delimiter: CsvDelimiter; firstLine: number } {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const sep = /^sep=(.)[ \t]*(\r\n|\n|\r)/i.exec(text);
  if (sep && (sep[1] === ',' || sep[1] === ';' || sep[1] === '\t')) return { text: text.slice(sep[0].length), delimiter: sep[1], firstLine: 2 };
  return { text, delimiter: declared ?? headerDelimiter(text), firstLine: 1 };
}

/**
 * The most frequent of comma, semicolon and tab on the first non-blank line, outside quotes; comma on a
 * tie. A first line with none of them (a title above the column names, or a file of one column) leaves
 * it to the next lines that hold one: a semicolon file under a title would otherwise read as one column
 * of "name;age" cells, where its semicolons now make the title a header of one field, refused naming it.
 */
function headerDelimiter(text: string): CsvDelimiter {
  let counts = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  let started = false;
  let linesSeen = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) {
      if (!started) continue;
      if (counts[','] + counts[';'] + counts['\t'] > 0 || ++linesSeen >= TITLE_LOOKAHEAD_LINES) break;
      counts = { ',': 0, ';': 0, '\t': 0 };
      started = false;
    } else if (!quoted && (ch === ',' || ch === ';' || ch === '\t')) counts[ch]++;
    if (ch.trim() !== '') started = true;
  }
  if (counts[';'] > counts[','] && counts[';'] >= counts['\t']) return ';';
  if (counts['\t'] > counts[',']) return '\t';
  return ',';
}

/** Lines read past a first line without separators for the file's separator. */
const TITLE_LOOKAHEAD_LINES = 5;

/**
 * Parses a whole CSV document. Throws EngineError('invalid_csv') naming the line on any structural
 * problem: no header, duplicate column names, a value in a column the header does not name, a row with
 * the wrong number of fields, an unterminated quote, or no data rows.
 */
export function parseCsv(input: string, limits: Partial<CsvLimits> = {}): CsvTable {
  return runSteps(readCsv(input, limits, Infinity));
}

/** Characters read between two turns of the host in parseCsvYielding (some tens of milliseconds). */
export const CSV_PIECE_CHARS = 256 * 1024;

/**
 * parseCsv that hands the thread back (`yieldControl`) after every `pieceChars` characters or so: the
 * same table, and the same refusals at the same lines, read without holding a Worker's thread for the
 * seconds a large upload takes.
 */
export function parseCsvYielding(input: string, limits: Partial<CsvLimits>, yieldControl: () => Promise<void>, pieceChars = CSV_PIECE_CHARS): Promise<CsvTable> {
  return runStepsYielding(readCsv(input, limits, pieceChars), yieldControl);
}

/** Rows rewritten or copied between two turns of the host, after the tokenising. */
const ROWS_PER_STEP = 20_000;

function* readCsv(input: string, limits: Partial<CsvLimits>, pieceChars: number): Steps<CsvTable> {
  const { maxRows, maxColumns, maxPixelColumns, rowsOf = 'one dataset', maxCells = Number.POSITIVE_INFINITY } = { ...DEFAULT_LIMITS, ...limits };
  const { text, delimiter, firstLine } = csvLayout(input, limits.delimiter);
  if (text.trim().length === 0) throw new EngineError('invalid_csv', 'the file is empty: send a header row and at least one data row', { line: firstLine });

  let header: string[] | undefined;
  let headerLine = firstLine;
  const rows: string[][] = [];
  const lines: number[] = [];
  let failure: EngineError | undefined;
  const lineAt = lineCounter(text, firstLine);
  // Columns the header gives no name, which must stay empty to be left out.
  let unnamed: number[] = [];
  // A semicolon file's commas are decimal marks; a tab file's may be either, and its cells say which.
  const mark = delimiter === ';' ? new DecimalMark() : delimiter === '\t' ? new DecimalMark(true) : undefined;

  // Each row, with the offset it starts at; false stops the reading at a refusal.
  yield* csvRowsInPieces(text, delimiter, pieceChars, (fields, errors, rowStart) => {
    const line = lineAt(rowStart);
    if (errors.length > 0) {
      const e = errors[0];
      const what = e.code === 'MissingQuotes' ? 'a quoted field is never closed' : e.message;
      failure = new EngineError('invalid_csv', `CSV parse error at line ${line}: ${what}`, { line });
      return false;
    }
    // A line of nothing but spaces is no row. A line of separators only (",,") is a row of missing values,
    // and so is a quoted empty field ("") on its own: a one-column file's missing value as Python's csv
    // and pandas write it, which skipped shifted every later answer of a batch onto the wrong row.
    if (fields.length === 1 && fields[0].trim() === '' && !startsQuoted(text, rowStart)) return true;
    if (header === undefined) {
      header = fields.map((f) => f.trim());
      headerLine = line;
      failure = checkHeader(header, { maxColumns, maxPixelColumns }, line);
      unnamed = unnamedColumns(header);
      return failure === undefined;
    }
    if (fields.length !== header.length) {
      failure = raggedRow(line, fields.length, header.length, headerLine, delimiter);
      return false;
    }
    if (rows.length >= maxRows) {
      failure = new EngineError('invalid_csv', `the file has more than ${maxRows} data rows, the most ${rowsOf} may hold`, { line, max_rows: maxRows });
      return false;
    }
    if ((rows.length + 1) * header.length > maxCells) {
      const most = Math.floor(maxCells / header.length);
      failure = new EngineError('payload_too_large', `the file holds more than ${maxCells} cells: line ${line} is data row ${rows.length + 1} of ${header.length} columns, and ${rowsOf} of that width may hold at most ${most} rows (${maxCells} cells)`, {
        line,
        columns: header.length,
        max_rows: most,
        limit: maxCells,
      });
      return false;
    }
    const named = unnamed.find((j) => fields[j].trim() !== '');
    if (named !== undefined) {
      failure = valueWithoutName(line, named, fields[named]);
      return false;
    }
    if (mark) for (const f of fields) mark.see(f);
    rows.push(fields);
    lines.push(line);
    return true;
  });

  if (failure) throw failure;
  if (header === undefined) throw new EngineError('invalid_csv', 'the file has no header row', { line: firstLine });
  if (rows.length === 0) throw new EngineError('invalid_csv', 'the file has a header but no data rows', { line: headerLine + 1 });
  if (mark?.commaIsDecimal) {
    // Read once the whole file has said how it writes decimals (data/decimal-comma), and only in the
    // columns whose every cell then reads as a number (or missing, or a word): text keeps what it says.
    const thousands = mark.dotsSeparateThousands;
    const asWritten = new Uint8Array(header.length);
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i];
      for (let j = 0; j < row.length; j++) if (!asWritten[j] && !readsAsNumber(readSemicolonCell(row[j], thousands))) asWritten[j] = 1;
      if (i % ROWS_PER_STEP === ROWS_PER_STEP - 1) yield;
    }
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i];
      for (let j = 0; j < row.length; j++) if (!asWritten[j]) row[j] = readSemicolonCell(row[j], thousands);
      if (i % ROWS_PER_STEP === ROWS_PER_STEP - 1) yield;
    }
  }
  if (unnamed.length === 0) return { header, rows, lines };
  return { ...(yield* withoutColumns(header, rows, unnamed)), lines, warnings: [emptyUnnamedWarning(unnamed)] };
}

/** The 0-based positions of the header's unnamed columns. */
function unnamedColumns(header: readonly string[]): number[] {
  const unnamed: number[] = [];
  for (let j = 0; j < header.length; j++) if (header[j] === '') unnamed.push(j);
  return unnamed;
}

/** The table without the columns at `drop` (sorted positions). */
function* withoutColumns(header: string[], rows: string[][], drop: readonly number[]): Steps<{ header: string[]; rows: string[][] }> {
  const skip = new Set(drop);
  const keep = header.map((_, j) => j).filter((j) => !skip.has(j));
  const kept: string[][] = [];
  for (let i = 0; i < rows.length; i++) {
    kept.push(keep.map((j) => rows[i][j]));
    if (i % ROWS_PER_STEP === ROWS_PER_STEP - 1) yield;
  }
  return { header: keep.map((j) => header[j]), rows: kept };
}

const ordinalList = (columns: readonly number[]) => {
  const names = columns.map((j) => String(j + 1));
  return names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
};

/** "column 6 of the header has no name and no value on any line (...): it was left out". */
function emptyUnnamedWarning(columns: readonly number[]): string {
  const one = columns.length === 1;
  return (
    `${one ? 'column' : 'columns'} ${ordinalList(columns)} of the header ${one ? 'has' : 'have'} no name and no value on any line ` +
    `(as when every line ends with a separator): ${one ? 'it was' : 'they were'} left out`
  );
}

/** A value in a column the header does not name: refused, as no job or prediction could name it. */
function valueWithoutName(line: number, column: number, cell: string): EngineError {
  return new EngineError(
    'invalid_csv',
    `line ${line} has the value "${cell.trim().slice(0, 64)}" in column ${column + 1}, which the header gives no name; name the column in the header (or remove its values)`,
    { line, column_index: column + 1 },
  );
}

/** Whether the line at `start` begins, past spaces, with a double quote (its one field was quoted). */
function startsQuoted(text: string, start: number): boolean {
  let i = start;
  while (text.charCodeAt(i) === 32) i++;
  return text.charCodeAt(i) === 34;
}

/** A row with the wrong number of fields; a one-field header is most often a title line or another separator. */
function raggedRow(line: number, fields: number, expected: number, headerLine: number, delimiter: CsvDelimiter): EngineError {
  const named = { ',': 'commas', ';': 'semicolons', '\t': 'tabs' }[delimiter];
  const hint = expected === 1 ? `; the header (line ${headerLine}) has no ${named}: if it is a title above the column names, remove it` : '';
  return new EngineError('invalid_csv', `line ${line} has ${fields} fields but the header has ${expected}${hint}`, { line, fields, expected });
}

function checkHeader(header: string[], cap: ColumnCap, line: number): EngineError | undefined {
  if (!columnCountAllowed(header, cap)) {
    return new EngineError('invalid_csv', `the header has ${header.length} columns; ${columnCapText(cap)}`, { line, columns: header.length });
  }
  // Unnamed columns are read on (an empty one is left out, one with a value refused there), unless none has a name.
  if (header.every((name) => name === '')) return new EngineError('invalid_csv', 'the header has no column names', { line, column_index: 1 });
  const seen = new Map<string, number>();
  for (let i = 0; i < header.length; i++) {
    const name = header[i];
    if (name === '') continue;
    const earlier = seen.get(name);
    if (earlier !== undefined) {
      return new EngineError('invalid_csv', `column name "${name}" appears twice in the header (columns ${earlier + 1} and ${i + 1})`, {
        line,
        column: name,
      });
    }
    seen.set(name, i);
  }
  return undefined;
}
