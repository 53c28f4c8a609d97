/**
 * Test helper: loads a shared benchmark dataset (/work/shared/data/NAME.{train,test}.csv + NAME.json) into
 * engine matrices. Column types come from NAME.json, never from the values: numeric columns parse to
 * float32 (empty = NaN), categorical columns become integer codes from the sorted training levels (empty
 * or unseen in training = NaN), datetime columns become epoch milliseconds. Classification targets map
 * to their index in the JSON's class list; regression targets parse as numbers.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Papa from 'papaparse';
import { type Matrix, matrix } from '../../../src/engine/core/matrix';
import type { Task } from '../../../src/engine/core/task';

/** Where the shared datasets live; override with SHARED_DATA_DIR. */
export const SHARED_DATA_DIR = process.env.SHARED_DATA_DIR ?? '/work/shared/data';

export type ColumnKind = 'numeric' | 'categorical';

/** One split (train or test) of a shared dataset. */
export interface SharedSplit {
  readonly X: Matrix;
  readonly y: Float32Array;
}

export interface SharedDataset {
  readonly name: string;
  readonly task: Task;
  readonly target: string;
  /** Feature column names in matrix order (the target removed). */
  readonly columns: readonly string[];
  /** Per feature column; datetime columns are reported as numeric. */
  readonly columnKinds: readonly ColumnKind[];
  /** Categorical levels per column (sorted training values), empty for numeric columns. */
  readonly levels: readonly (readonly string[])[];
  /** Class names for classification (y holds indices into this list), empty for regression. */
  readonly classes: readonly string[];
  /** Number of classes (0 for regression). */
  readonly nClasses: number;
  /** The dataset's positive class for binary tasks, if it names one. */
  readonly positiveClass?: string;
  readonly train: SharedSplit;
  readonly test: SharedSplit;
}

interface DatasetMeta {
  task: string;
  target: string;
  classes?: string[];
  positive_class?: string;
  columns: { name: string; type: string }[];
}

function readRows(path: string): string[][] {
  const parsed = Papa.parse<string[]>(readFileSync(path, 'utf8'), { skipEmptyLines: true });
  if (parsed.errors.length > 0) throw new Error(`${path}: ${parsed.errors[0].message} (row ${parsed.errors[0].row})`);
  return parsed.data;
}

/** Loads NAME's train and test splits with consistent categorical codes (from the training split). */
export function loadSharedDataset(name: string, dir = SHARED_DATA_DIR): SharedDataset {
  const meta = JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as DatasetMeta;
  const task = (meta.task === 'timeseries' ? 'regression' : meta.task) as Task;
  const trainRows = readRows(join(dir, `${name}.train.csv`));
  const testRows = readRows(join(dir, `${name}.test.csv`));
  const header = trainRows[0];
  const typeOf = new Map(meta.columns.map((c) => [c.name, c.type]));
  const targetAt = header.indexOf(meta.target);
  if (targetAt < 0) throw new Error(`${name}: target column ${meta.target} not in the header`);
  const featureAt = header.map((_, i) => i).filter((i) => i !== targetAt);
  const columns = featureAt.map((i) => header[i]);
  const types = columns.map((c) => typeOf.get(c) ?? 'numeric');
  const body = trainRows.slice(1);
  const levels = featureAt.map((col, j) =>
    types[j] === 'categorical' ? [...new Set(body.map((r) => r[col]).filter((v) => v !== ''))].sort() : [],
  );
  const codes = levels.map((l) => new Map(l.map((v, i) => [v, i])));
  const classes = task === 'regression' ? [] : (meta.classes ?? [...new Set(body.map((r) => r[targetAt]))].sort());
  const classIndex = new Map(classes.map((c, i) => [c, i]));

  const toSplit = (rows: string[][], which: string): SharedSplit => {
    const X = matrix(rows.length, columns.length);
    const y = new Float32Array(rows.length);
    rows.forEach((r, i) => {
      featureAt.forEach((col, j) => {
        const raw = r[col] ?? '';
        let v = NaN;
        if (raw !== '') {
          if (types[j] === 'categorical') v = codes[j].get(raw) ?? NaN;
          else if (types[j] === 'datetime') v = Date.parse(raw);
          else v = Number(raw);
        }
        X.data[i * columns.length + j] = v;
      });
      const t = r[targetAt];
      const label = task === 'regression' ? Number(t) : classIndex.get(t);
      if (label === undefined || Number.isNaN(label)) throw new Error(`${name}.${which}: bad target ${JSON.stringify(t)} at row ${i}`);
      y[i] = label;
    });
    return { X, y };
  };

  return {
    name,
    task,
    target: meta.target,
    columns,
    columnKinds: types.map((t) => (t === 'categorical' ? 'categorical' : 'numeric')),
    levels,
    classes,
    nClasses: task === 'regression' ? 0 : classes.length,
    positiveClass: meta.positive_class,
    train: toSplit(body, 'train'),
    test: toSplit(testRows.slice(1), 'test'),
  };
}
