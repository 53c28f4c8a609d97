/**
 * @module engine/data/target
 * Turns the target column into what learners consume: a Float32 vector (class indices or values), the
 * class labels exactly as they appear in the data, and the task. Rows whose target is missing are left
 * out of training. Infers the task when the user does not name one, and refuses targets no model can learn.
 */
import { EngineError } from '../core/errors';
import { nearNamesDetail, nearNamesHint } from '../core/near-names';
import type { Task } from '../core/task';
import { type Dataset, findColumn } from './dataset';
import { parseNumberCell } from './column-types';
import { numericLabelOf } from './numeric-labels';

export interface PreparedTarget {
  readonly task: Task;
  /** Class labels (index = class code) for classification; empty for regression. */
  readonly classes: readonly string[];
  /** Dataset row indices that have a target value. */
  readonly rows: Int32Array;
  /** Target per entry of `rows`: class index or value. */
  readonly y: Float32Array;
}

/** Integer targets with at most this many distinct values are read as classes when no task is given. */
const MAX_INFERRED_CLASSES = 10;
/** A text target with distinct values on this share of its rows (and at least MIN_LABEL_ROWS rows) is an identifier. */
const NEARLY_UNIQUE = 0.9;
const MIN_LABEL_ROWS = 20;

/**
 * The target as learners read it. `options.oneValue` lets a numeric regression target hold one value (a
 * forecast job's series that never moves, forecast flat); refused otherwise, since no model learns from it.
 */
export function prepareTarget(ds: Dataset, target: string, requested?: Task, options: { readonly oneValue?: boolean } = {}): PreparedTarget {
  const col = findColumn(ds, target);
  if (!col) {
    const names = ds.columns.map((c) => c.name);
    throw new EngineError('invalid_target', `target column "${target}" is not in the dataset${nearNamesHint(target, names)}`, {
      field: 'target',
      column: target,
      ...nearNamesDetail(target, names),
      columns: names,
    });
  }
  if (col.type === 'datetime') throw new EngineError('invalid_target', `target column "${target}" holds dates; pick a numeric or categorical column`, { field: 'target', column: target });

  if (col.storage === 'f64') {
    const rows: number[] = [];
    for (let i = 0; i < ds.rows; i++) if (!Number.isNaN(col.values[i])) rows.push(i);
    const present = rows.map((i) => col.values[i]);
    const distinct = [...new Set(present)].sort((a, b) => a - b);
    if (distinct.length < 2 && !(options.oneValue && requested === 'regression' && distinct.length === 1)) throw oneValue(target, distinct.length);
    const integers = distinct.every((v) => Number.isInteger(v));
    const task: Task =
      requested ?? (distinct.length === 2 ? 'binary' : integers && distinct.length <= MAX_INFERRED_CLASSES && present.length >= 50 ? 'multiclass' : 'regression');
    if (task === 'regression') return { task, classes: [], rows: Int32Array.from(rows), y: Float32Array.from(present) };
    const index = new Map(distinct.map((v, k) => [v, k]));
    return classification(task, target, distinct.map(numericLabelOf(col)), Int32Array.from(rows), Float32Array.from(present, (v) => index.get(v) as number));
  }

  // Typed arrays trimmed to the rows present, not growing JS arrays: this runs on every trial, whose data is large.
  const rowBuffer = new Int32Array(ds.rows);
  const used = new Set<number>();
  let count = 0;
  for (let i = 0; i < ds.rows; i++) {
    const c = col.codes[i];
    if (c < 0) continue;
    rowBuffer[count++] = i;
    used.add(c);
  }
  const rows = count === ds.rows ? rowBuffer : rowBuffer.slice(0, count);
  if (used.size < 2) throw oneValue(target, used.size);
  // Unique integers named like an identifier are typed id at upload; as a target they may well be numbers.
  const asNumbers = col.type === 'id' && col.levels.every((l) => !Number.isNaN(parseNumberCell(l)));
  const hint = asNumbers ? `; it was read as an identifier (unique on every row): to predict its numbers, add "columns": {"${target}": "numeric"} to the job` : '';
  if (requested === 'regression') {
    throw new EngineError('invalid_target', `target column "${target}" is not numeric, so the task cannot be regression${hint}`, { field: 'task', column: target });
  }
  if (asNumbers && requested === undefined) {
    throw new EngineError('invalid_target', `target column "${target}" holds a different number on every row${hint}`, { field: 'target', column: target });
  }
  // Text with a different value on (nearly) every row names rows, not classes: no fold could validate a class it learned.
  if (!asNumbers && (col.type === 'id' || (count >= MIN_LABEL_ROWS && used.size >= NEARLY_UNIQUE * count))) {
    const where = used.size === count ? 'every row' : `nearly every row (${used.size} values in ${count} rows)`;
    throw new EngineError('invalid_target', `target column "${target}" holds a different value on ${where}: it looks like an identifier (or free text), not a label to predict; pick the column to predict as "target"`, {
      field: 'target',
      column: target,
    });
  }
  // Re-index to the levels actually present so that class indices are dense.
  const present = [...used].sort((a, b) => a - b);
  const task: Task = requested ?? (present.length === 2 ? 'binary' : 'multiclass');
  const classOf = new Float32Array(col.levels.length);
  present.forEach((c, k) => (classOf[c] = k));
  const y = new Float32Array(rows.length);
  for (let i = 0; i < rows.length; i++) y[i] = classOf[col.codes[rows[i]]];
  return classification(task, target, present.map((c) => col.levels[c]), rows, y);
}

function classification(task: Task, target: string, classes: string[], rows: Int32Array, y: Float32Array): PreparedTarget {
  if (task === 'binary' && classes.length !== 2) {
    throw new EngineError('invalid_target', `task "binary" needs exactly two classes but target "${target}" has ${classes.length}`, { field: 'task', column: target, classes: classes.length });
  }
  if (task === 'multiclass' && classes.length > 200) {
    throw new EngineError('invalid_target', `target "${target}" has ${classes.length} classes; at most 200 are supported (is it a regression target?)`, { field: 'target', column: target });
  }
  return { task, classes, rows, y };
}

function oneValue(target: string, n: number): EngineError {
  return new EngineError('invalid_target', `target column "${target}" has ${n === 0 ? 'no values' : 'only one distinct value'}; a model needs at least two`, {
    field: 'target',
    column: target,
  });
}
