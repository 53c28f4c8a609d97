/**
 * @module engine/features/rows-to-dataset
 * Turns prediction requests (JSON objects, one per row) into a Dataset coded exactly like the training
 * data: numbers parsed, categories coded against the training levels (unseen ones get UNSEEN_CODE),
 * missing or null features become missing values. Refuses wrong types and unknown columns, naming the
 * row and the column.
 */
import { EngineError } from '../core/errors';
import { isMissingCell, parseBooleanCell, parseDateCell, parseNumberCell } from '../data/column-types';
import { type Column, type Dataset, MISSING_CODE, UNSEEN_CODE } from '../data/dataset';
import type { InputColumn } from './pipeline';

function bad(row: number, column: string, message: string): EngineError {
  return new EngineError('invalid_input', `row ${row}, column "${column}": ${message}`, { row, column });
}

function isMissing(v: unknown): boolean {
  return v === null || v === undefined || (typeof v === 'string' && isMissingCell(v));
}

/**
 * @param known every column name the training data had (features, target and dropped columns alike):
 *   sending any of them is fine; anything else is an unknown column.
 */
export function rowsToDataset(inputs: readonly InputColumn[], known: ReadonlySet<string>, rows: readonly unknown[]): Dataset {
  const n = rows.length;
  rows.forEach((r, i) => {
    if (r === null || typeof r !== 'object' || Array.isArray(r)) throw new EngineError('invalid_input', `row ${i} must be a JSON object of column to value`, { row: i });
    for (const key of Object.keys(r)) if (!known.has(key)) throw bad(i, key, 'unknown column; the model was trained without it');
  });
  const columns: Column[] = inputs.map((input) => {
    const cell = (i: number) => {
      const row = rows[i] as Record<string, unknown>;
      return Object.hasOwn(row, input.name) ? row[input.name] : undefined;
    };
    if (input.storage === 'f64') {
      const values = new Float64Array(n);
      for (let i = 0; i < n; i++) values[i] = readNumber(cell(i), input, i);
      return { name: input.name, type: input.type, storage: 'f64', values };
    }
    if (input.type === 'text') return textColumn(input, n, cell);
    const levels = input.levels ?? [];
    const index = new Map(levels.map((l, k) => [l, k]));
    const codes = new Int32Array(n);
    for (let i = 0; i < n; i++) codes[i] = readCode(cell(i), input, index, i);
    return { name: input.name, type: input.type, storage: 'codes', codes, levels };
  });
  return { rows: n, columns };
}

function readNumber(v: unknown, input: InputColumn, row: number): number {
  if (isMissing(v)) return NaN;
  if (input.type === 'datetime') {
    if (typeof v === 'number' && Number.isFinite(v)) return v;
    const ms = typeof v === 'string' ? parseDateCell(v) : NaN;
    if (Number.isNaN(ms)) throw bad(row, input.name, `expected an ISO-8601 date, got ${JSON.stringify(v)}`);
    return ms;
  }
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw bad(row, input.name, 'expected a finite number');
    return v;
  }
  if (typeof v === 'string') {
    const x = parseNumberCell(v);
    if (!Number.isNaN(x)) return x;
  }
  throw bad(row, input.name, `expected a number, got ${JSON.stringify(v)}`);
}

function readCode(v: unknown, input: InputColumn, index: Map<string, number>, row: number): number {
  if (isMissing(v)) return MISSING_CODE;
  if (typeof v === 'boolean') {
    // Booleans match whichever training spelling means the same truth value ("yes", "true", "1"...).
    for (const [level, k] of index) if (parseBooleanCell(level) === v || (level === '1') === v && /^[01]$/.test(level)) return k;
    return UNSEEN_CODE;
  }
  if (typeof v !== 'string' && typeof v !== 'number') throw bad(row, input.name, `expected a category (string or number), got ${JSON.stringify(v)}`);
  const key = String(v).trim();
  return index.get(key) ?? UNSEEN_CODE;
}

/**
 * Free text is coded against the request's own distinct strings, not training levels: the text encoder
 * hashes the string itself, so a text never seen in training is as usable as a known one.
 */
function textColumn(input: InputColumn, n: number, cell: (i: number) => unknown): Column {
  const levels: string[] = [];
  const index = new Map<string, number>();
  const codes = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const v = cell(i);
    if (isMissing(v)) {
      codes[i] = MISSING_CODE;
      continue;
    }
    if (typeof v !== 'string' && typeof v !== 'number') throw bad(i, input.name, `expected text, got ${JSON.stringify(v)}`);
    const key = String(v).trim();
    let code = index.get(key);
    if (code === undefined) index.set(key, (code = levels.push(key) - 1));
    codes[i] = code;
  }
  return { name: input.name, type: input.type, storage: 'codes', codes, levels };
}
