/**
 * @module engine/data/csv
 * Reads CSV text (RFC 4180: header row, quoted fields, CRLF or LF) into a header and rows of strings,
 * with papaparse doing the tokenising. Every refusal names the line where the file went wrong, so a
 * user can open the file and fix it; nothing is guessed or silently dropped.
 */
import Papa from 'papaparse';
import { EngineError } from '../core/errors';

export interface CsvTable {
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

export interface CsvLimits {
  readonly maxRows: number;
  readonly maxColumns: number;
}

const DEFAULT_LIMITS: CsvLimits = { maxRows: 1_000_000, maxColumns: 2_000 };

/** Turns character offsets into 1-based line numbers, scanning the text once in total. */
function lineCounter(text: string): (offset: number) => number {
  let line = 1;
  let scanned = 0;
  return (offset) => {
    for (; scanned < offset && scanned < text.length; scanned++) if (text.charCodeAt(scanned) === 10) line++;
    return line;
  };
}

/**
 * Parses a whole CSV document. Throws EngineError('invalid_csv') naming the line on any structural
 * problem: no header, empty or duplicate column names, a row with the wrong number of fields, an
 * unterminated quote, or no data rows.
 */
export function parseCsv(input: string, limits: Partial<CsvLimits> = {}): CsvTable {
  const { maxRows, maxColumns } = { ...DEFAULT_LIMITS, ...limits };
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  if (text.trim().length === 0) throw new EngineError('invalid_csv', 'the file is empty: send a header row and at least one data row', { line: 1 });

  let header: string[] | undefined;
  const rows: string[][] = [];
  let failure: EngineError | undefined;
  let rowStart = 0;
  const lineAt = lineCounter(text);

  Papa.parse<string[]>(text, {
    delimiter: ',',
    skipEmptyLines: 'greedy',
    step: (result, parser) => {
      const fields = result.data;
      const line = lineAt(rowStart);
      rowStart = result.meta.cursor;
      if (result.errors.length > 0) {
        const e = result.errors[0];
        const what = e.code === 'MissingQuotes' ? 'a quoted field is never closed' : e.message;
        failure = new EngineError('invalid_csv', `CSV parse error at line ${line}: ${what}`, { line });
        parser.abort();
        return;
      }
      if (header === undefined) {
        header = fields.map((f) => f.trim());
        const problem = checkHeader(header, maxColumns);
        if (problem) {
          failure = problem;
          parser.abort();
        }
        return;
      }
      if (fields.length !== header.length) {
        failure = new EngineError('invalid_csv', `line ${line} has ${fields.length} fields but the header has ${header.length}`, {
          line,
          fields: fields.length,
          expected: header.length,
        });
        parser.abort();
        return;
      }
      if (rows.length >= maxRows) {
        failure = new EngineError('invalid_csv', `the file has more than ${maxRows} data rows, the most one dataset may hold`, { line, max_rows: maxRows });
        parser.abort();
        return;
      }
      rows.push(fields);
    },
  });

  if (failure) throw failure;
  if (header === undefined) throw new EngineError('invalid_csv', 'the file has no header row', { line: 1 });
  if (rows.length === 0) throw new EngineError('invalid_csv', 'the file has a header but no data rows', { line: 2 });
  return { header, rows };
}

function checkHeader(header: string[], maxColumns: number): EngineError | undefined {
  if (header.length > maxColumns) {
    return new EngineError('invalid_csv', `the header has ${header.length} columns; at most ${maxColumns} are allowed`, { line: 1, columns: header.length });
  }
  const seen = new Map<string, number>();
  for (let i = 0; i < header.length; i++) {
    const name = header[i];
    if (name === '') return new EngineError('invalid_csv', `column ${i + 1} of the header has no name`, { line: 1, column_index: i + 1 });
    const earlier = seen.get(name);
    if (earlier !== undefined) {
      return new EngineError('invalid_csv', `column name "${name}" appears twice in the header (columns ${earlier + 1} and ${i + 1})`, {
        line: 1,
        column: name,
      });
    }
    seen.set(name, i);
  }
  return undefined;
}
