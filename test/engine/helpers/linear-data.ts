/**
 * Test helper for the linear-model tests: loads a shared benchmark dataset (/work/shared/data) into
 * dense matrices. Numeric columns only become floats (empty field = NaN); the target becomes a class index
 * from NAME.json's class list, or a float for regression. Features are standardised with the training
 * rows' mean and standard deviation, which is what the dense pipeline hands a linear model.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { matrix, type Matrix } from '../../../src/engine/core/matrix';

export const DATA_DIR = '/work/shared/data';

export interface LoadedSplit {
  X: Matrix;
  y: Float32Array;
}

export interface LoadedDataset {
  task: 'binary' | 'multiclass' | 'regression';
  classes: string[];
  train: LoadedSplit;
  test: LoadedSplit;
}

interface Meta {
  task: string;
  target: string;
  classes?: string[];
  positive_class?: string;
  columns: { name: string; type: string }[];
}

/** Minimal RFC-4180 parser: quoted fields may hold commas, doubled quotes and newlines. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

function readSplit(name: string, split: 'train' | 'test', meta: Meta, classes: string[], columns: string[]): LoadedSplit {
  const [header, ...rows] = parseCsv(readFileSync(join(DATA_DIR, `${name}.${split}.csv`), 'utf8'));
  const numeric = columns.map((c) => header.indexOf(c));
  const target = header.indexOf(meta.target);
  if (target < 0 || numeric.includes(-1)) throw new Error(`${name}: unknown column among ${columns.join(', ')}`);
  const X = new Float32Array(rows.length * numeric.length);
  const y = new Float32Array(rows.length);
  rows.forEach((r, i) => {
    numeric.forEach((col, j) => (X[i * numeric.length + j] = r[col] === '' ? Number.NaN : Number(r[col])));
    y[i] = meta.task === 'regression' ? Number(r[target]) : classes.indexOf(r[target]);
  });
  return { X: matrix(rows.length, numeric.length, X), y };
}

/**
 * Loads NAME's numeric columns (or just `columns`, in that order), standardised with training statistics
 * (population standard deviation; a constant column becomes all 0).
 */
export function loadDataset(name: string, columns?: string[]): LoadedDataset {
  const meta = JSON.parse(readFileSync(join(DATA_DIR, `${name}.json`), 'utf8')) as Meta;
  const features = columns ?? meta.columns.filter((c) => c.type === 'numeric').map((c) => c.name);
  let classes = meta.classes ?? [];
  // Binary: the positive class is index 1, as the engine's binary output expects.
  if (meta.task === 'binary' && meta.positive_class) classes = [classes.find((c) => c !== meta.positive_class)!, meta.positive_class];
  const train = readSplit(name, 'train', meta, classes, features);
  const test = readSplit(name, 'test', meta, classes, features);
  standardise(train.X, [train.X, test.X]);
  return { task: meta.task as LoadedDataset['task'], classes, train, test };
}

function standardise(reference: Matrix, targets: Matrix[]): void {
  const { rows, cols, data } = reference;
  for (let j = 0; j < cols; j++) {
    let mean = 0;
    for (let i = 0; i < rows; i++) mean += data[i * cols + j];
    mean /= rows;
    let variance = 0;
    for (let i = 0; i < rows; i++) variance += (data[i * cols + j] - mean) ** 2;
    const std = Math.sqrt(variance / rows) || 1;
    for (const m of targets) for (let i = 0; i < m.rows; i++) m.data[i * cols + j] = (m.data[i * cols + j] - mean) / std;
  }
}
