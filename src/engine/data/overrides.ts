/**
 * @module engine/data/overrides
 * Applies a user's per-column decisions to a Dataset: "ignore" leaves a column out, a type forces how it
 * is read (a numeric code column read as categories, categories that are really numbers read as numbers,
 * an inferred id kept as a category, dates in a declared order of day and month: data/datetime-override).
 * Refuses overrides that cannot hold, naming the column.
 */
import { EngineError } from '../core/errors';
import { type ColumnType, isMissingNumberCell, parseNumberCell } from './column-types';
import { type Column, type Dataset, MISSING_CODE } from './dataset';
import { asDatetime, type DatetimeOverride } from './datetime-override';
import { numericLabelOf } from './numeric-labels';

export type { DatetimeOverride } from './datetime-override';

/** A column's forced type, "ignore", or a datetime with its order of day and month ({type, date_order}). */
export type ColumnOverride = ColumnType | 'ignore' | DatetimeOverride;

/** The columns whose order of day and month the overrides declare. */
export function declaredDateOrders(overrides: Readonly<Record<string, ColumnOverride>>): Set<string> {
  return new Set(Object.keys(overrides).filter((name) => typeof overrides[name] === 'object'));
}

export function applyOverrides(ds: Dataset, overrides: Readonly<Record<string, ColumnOverride>>): { dataset: Dataset; ignore: string[] } {
  const ignore: string[] = [];
  for (const name of Object.keys(overrides)) {
    if (!ds.columns.some((c) => c.name === name)) {
      throw new EngineError('invalid_params', `columns: "${name}" is not a column of the dataset`, { field: 'columns', column: name });
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
    return retype(col, want);
  });
  return { dataset: { rows: ds.rows, columns }, ignore };
}

function retype(col: Column, type: ColumnType): Column {
  if (type === 'datetime') return asDatetime(col);
  if (type === 'numeric') {
    // A date column keeps its times (epoch milliseconds), now as numbers.
    if (col.storage === 'f64') return { name: col.name, type, storage: 'f64', values: col.values, ...(col.spellings ? { spellings: col.spellings } : {}) };
    // Placeholders such as "-" or "#N/A" among the levels are missing numbers (data/column-types).
    const asNumbers = col.levels.map((l) => (isMissingNumberCell(l) ? NaN : parseNumberCell(l)));
    const bad = col.levels.find((l, k) => Number.isNaN(asNumbers[k]) && !isMissingNumberCell(l));
    if (bad !== undefined) throw new EngineError('invalid_params', `columns: "${col.name}" cannot be numeric: it holds "${bad}"`, { field: 'columns', column: col.name, value: bad });
    const values = Float64Array.from(col.codes, (c) => (c < 0 ? NaN : asNumbers[c]));
    return { name: col.name, type, storage: 'f64', values };
  }
  if (col.storage === 'codes') return { ...col, type };
  // A number column read as categories: each distinct number becomes a level, sorted numerically.
  const distinct = [...new Set(Array.from(col.values).filter((v) => !Number.isNaN(v)))].sort((a, b) => a - b);
  const index = new Map(distinct.map((v, k) => [v, k]));
  const codes = Int32Array.from(col.values, (v) => (Number.isNaN(v) ? MISSING_CODE : (index.get(v) as number)));
  // Labelled as the file wrote the number ("1.0"), else its shortest text at the stored precision ("0.1").
  return { name: col.name, type, storage: 'codes', codes, levels: distinct.map(numericLabelOf(col)) };
}
