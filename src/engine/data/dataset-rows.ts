/**
 * @module engine/data/dataset-rows
 * The way back from the typed columnar form to what a prediction request carries, so a stored dataset
 * can be scored through a Predictor exactly as it would be served: rows as objects of column to value
 * (numbers as numbers, dates as ISO-8601 text, missing as null, coded columns as their level strings),
 * and the target as the truth vector a metric reads (class index in a model's own class list, or the
 * value). Rows come a window at a time, so scoring a large part of a dataset holds one window of objects
 * at once.
 */
import { EngineError } from '../core/errors';
import type { Task } from '../core/task';
import { type Dataset, findColumn } from './dataset';
import { numericLabelOf } from './numeric-labels';

export type RowValue = string | number | null;

/**
 * Rows `from` (inclusive) to `to` (exclusive) as request rows, with only the columns in `keep` (a model
 * refuses columns it never saw, so the caller passes the model's known columns).
 */
export function datasetRows(ds: Dataset, from: number, to: number, keep: ReadonlySet<string>): Record<string, RowValue>[] {
  const end = Math.min(to, ds.rows);
  const columns = ds.columns.filter((c) => keep.has(c.name));
  const out: Record<string, RowValue>[] = [];
  for (let i = from; i < end; i++) {
    // No prototype: a column named "constructor" or "__proto__" is just a column.
    const row: Record<string, RowValue> = Object.create(null);
    for (const col of columns) {
      if (col.storage === 'f64') {
        const v = col.values[i];
        // A date as text, as a request must send it (a number is no date at predict): ISO-8601 to the
        // millisecond reads back as exactly the stored time, whatever the column's layout.
        row[col.name] = Number.isNaN(v) ? null : col.type === 'datetime' ? new Date(v).toISOString() : v;
      } else {
        const c = col.codes[i];
        row[col.name] = c < 0 ? null : col.levels[c];
      }
    }
    out.push(row);
  }
  return out;
}

/**
 * The truth a metric compares a model's output with: for classification the index of each row's label
 * in `classes` (the model's class list), for regression the value. Throws EngineError('invalid_input')
 * naming the row when a label is missing or unknown to the model, since no score could count it fairly.
 */
export function truthFor(ds: Dataset, target: string, task: Task, classes: readonly string[]): Float32Array {
  const col = findColumn(ds, target);
  if (!col) throw new EngineError('invalid_input', `target column "${target}" is not in the dataset`, { column: target });
  const y = new Float32Array(ds.rows);
  if (task === 'regression') {
    if (col.storage !== 'f64') throw new EngineError('invalid_input', `target column "${target}" is not numeric`, { column: target });
    for (let i = 0; i < ds.rows; i++) {
      if (Number.isNaN(col.values[i])) throw missing(target, i);
      y[i] = col.values[i];
    }
    return y;
  }
  const index = new Map(classes.map((c, k) => [c, k]));
  // Labels of a numeric target are the numbers' strings, as prepareTarget names its classes.
  const codeToClass = col.storage === 'codes' ? Int32Array.from(col.levels, (l) => index.get(l) ?? -1) : undefined;
  const labelOf = col.storage === 'f64' ? numericLabelOf(col) : undefined;
  for (let i = 0; i < ds.rows; i++) {
    let k: number | undefined;
    if (col.storage === 'codes') {
      const c = col.codes[i];
      if (c < 0) throw missing(target, i);
      k = (codeToClass as Int32Array)[c];
    } else {
      if (Number.isNaN(col.values[i])) throw missing(target, i);
      k = index.get((labelOf as (v: number) => string)(col.values[i])) ?? -1;
    }
    if (k < 0) {
      const label = col.storage === 'codes' ? col.levels[col.codes[i]] : (labelOf as (v: number) => string)(col.values[i]);
      throw new EngineError('invalid_input', `row ${i}: label "${label}" of "${target}" is not one of the model's classes (${classes.join(', ')})`, { row: i, column: target });
    }
    y[i] = k;
  }
  return y;
}

const missing = (target: string, row: number) => new EngineError('invalid_input', `row ${row}: the target "${target}" is missing`, { row, column: target });
