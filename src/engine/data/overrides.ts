/**
 * @module engine/data/overrides
 * Applies a user's per-column decisions to a Dataset: "ignore" leaves a column out, a type forces how it
 * is read (a numeric code column read as categories, categories that are really numbers read as numbers,
 * an inferred id kept as a category, dates in a declared order of day and month: data/datetime-override).
 * Refuses overrides that cannot hold, naming the column. Categories declared numeric read their words as
 * missing values, and the result's warnings name them, unless they are as many as the numbers (data/stray-text).
 */
import { EngineError } from '../core/errors';
import { nearNamesDetail, nearNamesHint } from '../core/near-names';
import { type ColumnType, DROPPED_TYPES, isMissingNumberCell, parseNumberCell } from './column-types';
import { type CodedColumn, type Column, type Dataset, MISSING_CODE, type NumericColumn } from './dataset';
import type { DateOrder } from './date-layout';
import { asDatetime, type DatetimeOverride } from './datetime-override';
import { numericLabelOf } from './numeric-labels';
import { strayCells, strayPlaces } from './stray-text';

export type { DatetimeOverride } from './datetime-override';

/** A column's forced type, "ignore", or a datetime with its order of day and month ({type, date_order}). */
export type ColumnOverride = ColumnType | 'ignore' | DatetimeOverride;

/**
 * The overrides that read a stored dataset's columns as a model's inputs read them: each input's type,
 * a date with the order of day and month it was read in (a type alone keeps a column inferred as dates
 * in the order upload guessed, which the job may have declared otherwise: every day and month swapped).
 */
export function inputOverrides(inputs: readonly { readonly name: string; readonly type: ColumnType; readonly dateOrder?: DateOrder }[]): Record<string, ColumnOverride> {
  const overrides: Record<string, ColumnOverride> = Object.create(null);
  for (const input of inputs) {
    const order = input.dateOrder;
    overrides[input.name] = input.type === 'datetime' && (order === 'mdy' || order === 'dmy') ? { type: 'datetime', date_order: order } : input.type;
  }
  return overrides;
}

/** The columns whose order of day and month the overrides declare. */
export function declaredDateOrders(overrides: Readonly<Record<string, ColumnOverride>>): Set<string> {
  return new Set(Object.keys(overrides).filter((name) => typeof overrides[name] === 'object'));
}

/**
 * `ds` with the user's overrides applied, the columns to leave out, and what to know about how the
 * declared types read (words read as missing in a column declared numeric), for the job's warnings.
 */
export function applyOverrides(ds: Dataset, overrides: Readonly<Record<string, ColumnOverride>>): { dataset: Dataset; ignore: string[]; warnings: string[] } {
  const ignore: string[] = [];
  const warnings: string[] = [];
  for (const name of Object.keys(overrides)) {
    if (!ds.columns.some((c) => c.name === name)) {
      const names = ds.columns.map((c) => c.name);
      throw new EngineError('invalid_params', `columns: "${name}" is not a column of the dataset${nearNamesHint(name, names)}`, {
        field: 'columns',
        column: name,
        ...nearNamesDetail(name, names),
        columns: names,
      });
    }
  }
  const columns = ds.columns.map((col): Column => {
    // Own properties only: a column named "constructor" must not pick up Object.prototype members.
    const want = Object.hasOwn(overrides, col.name) ? overrides[col.name] : undefined;
    if (want === undefined || want === col.type) return col;
    if (want === 'ignore') {
      ignore.push(col.name);
      return col;
    }
    if (typeof want === 'object') return asDatetime(col, want.date_order);
    return retype(col, want, warnings);
  });
  return { dataset: { rows: ds.rows, columns }, ignore, warnings };
}

function retype(col: Column, type: ColumnType, warnings: string[]): Column {
  if (type === 'datetime') return asDatetime(col);
  if (col.type === 'datetime' && !DROPPED_TYPES.has(type)) refuseDatesAs(col.name, type);
  if (type === 'numeric') {
    if (col.storage === 'f64') return { name: col.name, type, storage: 'f64', values: col.values, ...(col.spellings ? { spellings: col.spellings } : {}), ...(type === 'numeric' && col.missingWords ? { missingWords: col.missingWords } : {}) };
    return levelsAsNumbers(col, warnings);
  }
  if (type === 'boolean') refuseManyValued(col);
  if (col.storage === 'codes') return { ...col, type };
  // A number column read as categories: each distinct number becomes a level, sorted numerically.
  const distinct = [...new Set(Array.from(col.values).filter((v) => !Number.isNaN(v)))].sort((a, b) => a - b);
  const index = new Map(distinct.map((v, k) => [v, k]));
  const codes = Int32Array.from(col.values, (v) => (Number.isNaN(v) ? MISSING_CODE : (index.get(v) as number)));
  // Labelled as the file wrote the number ("1.0"), else its shortest text at the stored precision ("0.1").
  return { name: col.name, type, storage: 'codes', codes, levels: distinct.map(numericLabelOf(col)) };
}

/**
 * A date column declared numeric, categorical, boolean or text: upload keeps its dates as times
 * (milliseconds since 1970), not as the file wrote them, so the model would learn those numbers or their
 * text while predict reads the dates a caller sends: a number refused, a category unseen, a text hashed
 * otherwise (predict audit: "2024-02" declared categorical predicted the class of none of its rows).
 */
function refuseDatesAs(name: string, type: ColumnType): never {
  throw new EngineError(
    'invalid_params',
    `columns: "${name}" holds dates, which are stored as times, so it cannot be read as ${type}: declare it "datetime" (the model then learns its year, month, day of week and the like), or leave it out with "ignore"`,
    { field: 'columns', column: name },
  );
}

/**
 * A column declared boolean must hold two values at most (in any spelling): else each of its values would
 * become a "truth spelling" of its own, and a model would read 33 durations as yes or no.
 */
function refuseManyValued(col: Column): void {
  let shown: string[];
  if (col.storage === 'codes') {
    const used = new Set<number>();
    for (const c of col.codes) if (c >= 0) used.add(c);
    shown = [...used].map((c) => `"${col.levels[c].slice(0, 64)}"`).sort();
  } else {
    const label = numericLabelOf(col);
    shown = [...new Set(Array.from(col.values).filter((v) => !Number.isNaN(v)))].sort((a, b) => a - b).map(label);
  }
  if (shown.length <= 2) return;
  const first = shown.slice(0, 4);
  throw new EngineError(
    'invalid_params',
    `columns: "${col.name}" cannot be boolean: it holds ${shown.length} distinct values (${first.join(', ')}${shown.length > first.length ? ', …' : ''}), while a boolean holds two`,
    { field: 'columns', column: col.name, distinct: shown.length },
  );
}

/** Data rows counted from 1, as the other refusals of a job's columns name them (data/datetime-override). */
const dataRow = (i: number) => `data row ${i + 1}`;

/**
 * Categories read as numbers. Placeholders such as "-" or "#N/A" among the levels are missing numbers
 * (data/column-types), and so are words, which `warnings` names; a column of more words than numbers is
 * refused, naming the first.
 */
function levelsAsNumbers(col: CodedColumn, warnings: string[]): NumericColumn {
  const asNumbers = col.levels.map((l) => (isMissingNumberCell(l) ? NaN : parseNumberCell(l)));
  const word = col.levels.map((l, k) => Number.isNaN(asNumbers[k]) && !isMissingNumberCell(l));
  const values = Float64Array.from(col.codes, (c) => (c < 0 ? NaN : asNumbers[c]));
  let numbers = 0;
  for (const v of values) if (!Number.isNaN(v)) numbers++;
  const words = strayCells(values.length, numbers, (i) => col.codes[i] >= 0 && word[col.codes[i]], (i) => col.levels[col.codes[i]]);
  if (words && words.count >= numbers) {
    const { value, rows } = words.cells[0];
    throw new EngineError(
      'invalid_params',
      `columns: "${col.name}" cannot be numeric: it holds "${value.slice(0, 64)}" (${dataRow(rows[0])}), and ${words.count} of its ${words.present} values are not numbers`,
      { field: 'columns', column: col.name, value, data_row: rows[0] + 1 },
    );
  }
  if (words) {
    warnings.push(
      `"${col.name}" is read as numeric, as the job's columns declare: ${numbers} of ${words.present} values are numbers, but ${strayPlaces(words, dataRow)}; ` +
        `${words.count === 1 ? 'it is read as a missing value' : 'all read as missing values'}`,
    );
  }
  return { name: col.name, type: 'numeric', storage: 'f64', values };
}
