/**
 * @module engine/features/rows-to-dataset
 * Turns prediction requests (JSON objects, one per row) into a Dataset coded exactly like the training
 * data: numbers parsed, dates read (from text only) in the training column's layout, categories coded
 * against the training levels (unseen ones get UNSEEN_CODE), missing or null features become missing
 * values. Refuses wrong types and unknown columns, naming the row and the column.
 */
import { EngineError } from '../core/errors';
import { isInfinityCell, isMissingCell, isMissingNumberCell, parseBooleanCell, parseDateCell, parseNumberCell } from '../data/column-types';
import { type Column, type Dataset, MISSING_CODE, UNSEEN_CODE } from '../data/dataset';
import { describeOrder } from '../data/date-layout';
import { whyNoRealDate } from '../data/date-validity';
import { categoryCode } from './level-lookup';
import type { InputColumn } from './pipeline';

function bad(row: number, column: string, message: string): EngineError {
  const name = clip(column, SHOWN_NAME_CHARS);
  return new EngineError('invalid_input', `row ${row}, column "${name}": ${message}`, { row, column: name });
}

/**
 * Most characters of a sent value, and of a column name, a refusal repeats: a 7 MB cell or key is named,
 * not echoed whole. Names get more room: real headers can be whole questions.
 */
const SHOWN_VALUE_CHARS = 64;
const SHOWN_NAME_CHARS = 256;

const clip = (text: string, most: number) => (text.length > most ? `${text.slice(0, most)}…` : text);

/** A sent value as a refusal shows it: its JSON, at most SHOWN_VALUE_CHARS characters of it. */
const shown = (v: unknown) => clip(JSON.stringify(v) ?? String(v), SHOWN_VALUE_CHARS);

function isMissing(v: unknown): boolean {
  return v === null || v === undefined || (typeof v === 'string' && isMissingCell(v));
}

/**
 * @param known every column name the training data had (features, target and dropped columns alike):
 *   sending any of them is fine; anything else is an unknown column.
 */
export function rowsToDataset(inputs: readonly InputColumn[], known: ReadonlySet<string>, rows: readonly unknown[]): Dataset {
  const n = rows.length;
  for (let i = 0; i < n; i++) {
    const r = rows[i];
    if (r === null || typeof r !== 'object' || Array.isArray(r)) throw new EngineError('invalid_input', `row ${i} must be a JSON object of column to value`, { row: i });
    for (const key in r) if (Object.hasOwn(r, key) && !known.has(key)) throw bad(i, key, 'unknown column; the model was trained without it');
  }
  // Plain loops and no closures: this runs for every prediction request, and bundlers that keep function
  // names wrap each closure created here in a defineProperty call, which cost more than the decoding.
  const columns: Column[] = [];
  // Counted where the cells are read, so naming the columns rows left out costs no second pass.
  let absentRows: Record<string, number> | undefined;
  for (const input of inputs) {
    let absent = 0;
    if (input.storage === 'f64') {
      const values = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const row = rows[i] as Record<string, unknown>;
        if (Object.hasOwn(row, input.name)) values[i] = readNumber(row[input.name], input, i);
        else {
          values[i] = readNumber(undefined, input, i);
          absent++;
        }
      }
      columns.push({ name: input.name, type: input.type, storage: 'f64', values });
    } else if (input.type === 'text') {
      columns.push(textColumn(input, rows));
      for (let i = 0; i < n; i++) if (!Object.hasOwn(rows[i] as object, input.name)) absent++;
    } else {
      const index = levelIndexOf(input);
      const codes = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        const row = rows[i] as Record<string, unknown>;
        if (Object.hasOwn(row, input.name)) codes[i] = readCode(row[input.name], input, index, i);
        else {
          codes[i] = readCode(undefined, input, index, i);
          absent++;
        }
      }
      columns.push({ name: input.name, type: input.type, storage: 'codes', codes, levels: input.levels ?? [] });
    }
    if (absent > 0) (absentRows ??= {})[input.name] = absent;
  }
  return { rows: n, columns, ...(absentRows ? { absentRows } : {}) };
}

/**
 * rowsToDataset for rows whose `given` numeric columns arrive as arrays (row i's value at [i]; an image
 * batch's pixels) and whose other fields are in `rows`: the same Dataset as rowsToDataset on the rows with
 * those columns put in, without an object of thousands of properties per row. Undefined when the inputs
 * read one of the given columns other than as a number (the caller builds the rows then).
 */
export function rowsWithColumnsToDataset(inputs: readonly InputColumn[], known: ReadonlySet<string>, rows: readonly unknown[], given: ReadonlyMap<string, Float64Array>): Dataset | undefined {
  const rest: InputColumn[] = [];
  for (const input of inputs) {
    if (!given.has(input.name)) rest.push(input);
    else if (input.storage !== 'f64' || input.type === 'datetime') return undefined;
  }
  const decoded = rowsToDataset(rest, known, rows);
  const columns: Column[] = [];
  let next = 0;
  for (const input of inputs) {
    const values = given.get(input.name);
    columns.push(values ? { name: input.name, type: input.type, storage: 'f64', values } : decoded.columns[next++]);
  }
  return { rows: rows.length, columns, ...(decoded.absentRows ? { absentRows: decoded.absentRows } : {}) };
}

/** A numeric feature's cell `v` of row `row` as rowsToDataset reads it: its number, NaN when missing; refused naming row and column. */
export function numericCell(v: unknown, column: string, row: number): number {
  return readNumber(v, { name: column, type: 'numeric', storage: 'f64' }, row);
}

/** The value of `column` in row i; undefined when the row does not have it as its own property. */
function cellOf(rows: readonly unknown[], i: number, column: string): unknown {
  const row = rows[i] as Record<string, unknown>;
  return Object.hasOwn(row, column) ? row[column] : undefined;
}

/**
 * Level → code maps, built once per loaded model's input column rather than on every request: for a
 * single-row prediction, building them was most of the cost of decoding the row.
 */
const levelIndexes = new WeakMap<InputColumn, Map<string, number>>();

export function levelIndexOf(input: InputColumn): Map<string, number> {
  let index = levelIndexes.get(input);
  if (!index) levelIndexes.set(input, (index = new Map((input.levels ?? []).map((l, k) => [l, k]))));
  return index;
}

function readNumber(v: unknown, input: InputColumn, row: number): number {
  if (v === null || v === undefined || (typeof v === 'string' && isMissingNumberCell(v))) return NaN;
  if (input.type === 'datetime') {
    // A number is refused, as upload and CSV predict refuse one: epoch seconds, epoch milliseconds and
    // spreadsheet serial days cannot be told apart, and reading 45366 as milliseconds made it 1970.
    if (typeof v === 'number') {
      const layout = input.dateOrder === undefined ? '' : ` or ${describeOrder(input.dateOrder)} as in training`;
      throw bad(row, input.name, `got the number ${shown(v)}; send the date as text, ISO-8601 ("2024-03-15")${layout}: a number is not read as a date (seconds, milliseconds or days since some epoch cannot be told apart)`);
    }
    const ms = typeof v === 'string' ? parseDateCell(v, input.dateOrder) : NaN;
    if (!Number.isNaN(ms)) return ms;
    const why = typeof v === 'string' ? whyNoRealDate(v, input.dateOrder) : undefined;
    throw bad(row, input.name, why ? `${shown(v)} is not a real date (${why})` : `expected ${expectedDate(input)}, got ${shown(v)}`);
  }
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw bad(row, input.name, 'expected a finite number');
    return v;
  }
  if (typeof v === 'string') {
    const x = parseNumberCell(v);
    if (!Number.isNaN(x)) return x;
    // Upload reads "inf" and "Infinity" in a column of numbers as missing (data/column-types), so the
    // rows a model was trained from predict too. A JSON number that overflowed (1e999) is refused above.
    if (isInfinityCell(v)) return NaN;
    // A word training read as missing among the column's numbers ("unknown"): missing here too.
    if (input.missingWords !== undefined && isMissingWord(v, input.missingWords)) return NaN;
  }
  throw bad(row, input.name, `expected a number, got ${shown(v)}`);
}

/** Whether a cell is one of a numeric input's words training read as missing (stored trimmed and lower-cased). */
export function isMissingWord(cell: string, words: readonly string[]): boolean {
  return words.includes(cell.trim().toLowerCase());
}

/** The dates a datetime input reads, for refusals: its training layout (data/date-layout) and ISO-8601. */
function expectedDate(input: InputColumn): string {
  return input.dateOrder === undefined ? 'an ISO-8601 date' : `a date as ${describeOrder(input.dateOrder)}, as in training, or ISO-8601`;
}

function readCode(v: unknown, input: InputColumn, index: Map<string, number>, row: number): number {
  if (isMissing(v)) return MISSING_CODE;
  if (input.type === 'boolean') {
    const code = typeof v === 'boolean' || typeof v === 'string' || typeof v === 'number' ? booleanCode(v, index) : undefined;
    if (code === undefined) throw bad(row, input.name, `expected a boolean (true or false, or a spelling of one such as ${[...index.keys()].join(' or ')}), got ${shown(v)}`);
    return code;
  }
  if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') throw bad(row, input.name, `expected a category (string or number), got ${shown(v)}`);
  return categoryCode(input, index, v);
}

/**
 * The truth value a level or a sent value spells ("yes", "True", "f", 1, "0"...), undefined when none: the
 * upload's boolean spellings (data/column-types) and 1/0. A forecast's boolean covariates read values so too.
 */
export function truthOf(v: string | number | boolean): boolean | undefined {
  if (typeof v === 'boolean') return v;
  const text = String(v).trim();
  const spelled = parseBooleanCell(text);
  if (spelled !== undefined) return spelled;
  // 1 and 0 however written: a column of 1.0 and 0.0 declared boolean reads true and 1 as its "1.0".
  const number = parseNumberCell(text);
  return number === 1 ? true : number === 0 ? false : undefined;
}

/**
 * The code of a boolean value: its own level when training spelled it so, else the level that means the
 * same truth value (a request may say true where training said "yes"), UNSEEN_CODE when training held only
 * the other value, undefined when the value spells no truth value at all (the caller refuses it).
 */
export function booleanCode(v: string | number | boolean, index: Map<string, number>): number | undefined {
  if (typeof v !== 'boolean') {
    const own = index.get(String(v).trim());
    if (own !== undefined) return own;
  }
  const truth = truthOf(v);
  if (truth === undefined) return undefined;
  for (const [level, k] of index) if (truthOf(level) === truth) return k;
  return UNSEEN_CODE;
}

/**
 * Free text is coded against the request's own distinct strings, not training levels: the text encoder
 * hashes the string itself, so a text never seen in training is as usable as a known one.
 */
function textColumn(input: InputColumn, rows: readonly unknown[]): Column {
  const n = rows.length;
  const levels: string[] = [];
  const index = new Map<string, number>();
  const codes = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const v = cellOf(rows, i, input.name);
    if (isMissing(v)) {
      codes[i] = MISSING_CODE;
      continue;
    }
    if (typeof v !== 'string' && typeof v !== 'number') throw bad(i, input.name, `expected text, got ${shown(v)}`);
    const key = String(v).trim();
    let code = index.get(key);
    if (code === undefined) index.set(key, (code = levels.push(key) - 1));
    codes[i] = code;
  }
  return { name: input.name, type: input.type, storage: 'codes', codes, levels };
}
