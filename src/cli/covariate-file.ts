/**
 * @module cli/covariate-file
 * The file `forecast --covariates FILE` reads: the known-future covariates of each step ahead, as a CSV
 * (header = covariate names, one row per step) or a JSON array of objects (`.json`). JSON is sent as it
 * is; CSV cells are text, so the cells of numeric covariates become numbers here, read as the server
 * reads a number cell, and the rest stay strings (a categorical covariate's level). Every refusal names
 * the file, and for a CSV cell its line and column, before any forecast is asked for. A CSV that also holds
 * the series' time and group columns is cut to one series first (cli/covariate-rows).
 */
import { readFile } from 'node:fs/promises';
import type { ForecastBody, ForecastCovariate } from '../client';
import { EngineError } from '../engine/core/errors';
import { invalidUtf8Position, utf8DecodeStrict } from '../engine/core/utf8';
import { type CsvTable, parseCsv } from '../engine/data/csv';
import { parseNumberCell } from '../engine/data/column-types';
import { UsageError } from './errors';

export type CovariateSteps = NonNullable<ForecastBody['covariates']>;

/** A covariates file as read: JSON steps ready to send, or a CSV table still needing the model's covariate kinds. */
export type CovariateFile = { readonly format: 'json'; readonly steps: CovariateSteps } | { readonly format: 'csv'; readonly table: CsvTable };

const JSON_FILE = /\.json$/i;

export async function readCovariateFile(file: string): Promise<CovariateFile> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (err) {
    const code = (err as { code?: string }).code;
    throw new UsageError(code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory, not a file' : (err as Error).message, file);
  }
  const text = utf8DecodeStrict(bytes);
  if (text === undefined) throw new UsageError(`line ${invalidUtf8Position(bytes)?.line ?? 1} is not valid UTF-8; save the file as UTF-8`, file);
  return JSON_FILE.test(file) ? { format: 'json', steps: jsonSteps(text, file) } : { format: 'csv', table: csvTable(text, file) };
}

/** A JSON array of objects, one per step; the server checks the names and values (naming covariates[i].name). */
function jsonSteps(text: string, file: string): CovariateSteps {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`not valid JSON (${(err as Error).message})`, file);
  }
  const example = 'e.g. [{"promo": 1, "weather": "rainy"}, {"promo": 0, "weather": "sunny"}]';
  if (!Array.isArray(value)) throw new UsageError(`expected a JSON array with one object per step ahead, ${example}; got ${describe(value)}`, file);
  value.forEach((step, i) => {
    if (step === null || typeof step !== 'object' || Array.isArray(step)) throw new UsageError(`step ${i + 1} (item ${i} of the array) is ${describe(step)}; each step is an object naming every covariate, ${example}`, file);
  });
  return value as CovariateSteps;
}

const describe = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'object' ? 'an object' : `${typeof v} ${JSON.stringify(v)}`);

function csvTable(text: string, file: string): CsvTable {
  try {
    return parseCsv(text, { maxRows: Number.MAX_SAFE_INTEGER, maxColumns: Number.MAX_SAFE_INTEGER });
  } catch (err) {
    if (err instanceof EngineError) throw new UsageError(err.message, typeof err.details.line === 'number' ? `${file}:${err.details.line}` : file);
    throw err;
  }
}

/**
 * The CSV's rows as steps: a numeric covariate's cell as a number, any other cell as its text. Columns
 * the model does not list are kept as text, so the server names them (it knows every version's covariates;
 * the view only the champion's). An empty cell is refused: every step needs every covariate.
 */
export function csvSteps(table: CsvTable, covariates: readonly ForecastCovariate[], file: string): CovariateSteps {
  const numeric = new Set(covariates.filter((c) => c.kind === 'numeric').map((c) => c.name));
  return table.rows.map((cells, i) => {
    const where = `${file}:${table.lines?.[i] ?? i + 2}`;
    return Object.fromEntries(
      table.header.map((name, j) => {
        const cell = cells[j] ?? '';
        if (cell.trim() === '') throw new UsageError(`column "${name}" is empty; every step ahead needs a value of each covariate`, where);
        if (!numeric.has(name)) return [name, cell];
        const n = parseNumberCell(cell);
        if (Number.isNaN(n)) throw new UsageError(`column "${name}" holds ${JSON.stringify(cell)}, not a number; the model reads "${name}" as numbers`, where);
        return [name, n];
      }),
    );
  });
}
