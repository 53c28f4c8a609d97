/**
 * @module engine/data/append-rows
 * A dataset version plus appended rows, as the next version: the stored typed columns are turned back
 * into text cells, the new rows are put under them in the stored column order, and the whole table is
 * typed and profiled again as a fresh upload would be. So the new version reads exactly as if the user
 * had uploaded the longer file, and a column may change type when the new rows give it reason to (a
 * constant column that now varies).
 *
 * What the new rows must agree with is checked first, so a mistake is named instead of silently changing
 * the data: the same columns (in any order), and in a column that is numeric or a date, values of that
 * kind (an "unknown" in a numeric column would otherwise turn it categorical for every later job).
 */
import { EngineError } from '../core/errors';
import { isMissingNumberCell, parseDateCell, parseNumberCell } from './column-types';
import type { CsvTable } from './csv';
import type { Column, Dataset } from './dataset';
import { type ColumnProfile, inferDataset } from './infer-schema';
import { numericLabelOf } from './numeric-labels';

/** How the new rows' positions are named in errors: CSV lines (header is line 1) or Parquet rows. */
export type RowNaming = 'line' | 'row';

export interface AppendResult {
  readonly dataset: Dataset;
  readonly profile: ColumnProfile[];
  /** Rows added (the new version has old rows + these). */
  readonly added: number;
}

/** The next version of `base` with `added`'s rows at the end; EngineError('invalid_dataset') naming what does not fit. */
export function appendRows(base: Dataset, added: CsvTable, naming: RowNaming, maxRows: number): AppendResult {
  const order = columnOrder(base, added);
  const total = base.rows + added.rows.length;
  if (total > maxRows) {
    throw new EngineError('invalid_dataset', `the dataset would have ${total} rows, more than the ${maxRows} one dataset may hold (it has ${base.rows})`, {
      rows: total,
      max_rows: maxRows,
    });
  }
  base.columns.forEach((col, j) => checkKind(col, added, order[j], naming));
  const rows: string[][] = new Array(total);
  const cellsOf = base.columns.map(cellText);
  for (let i = 0; i < base.rows; i++) rows[i] = cellsOf.map((cell) => cell(i));
  for (let i = 0; i < added.rows.length; i++) {
    const from = added.rows[i];
    rows[base.rows + i] = order.map((k) => from[k]);
  }
  const { dataset, profile } = inferDataset({ header: base.columns.map((c) => c.name), rows }, Object.create(null));
  return { dataset, profile, added: added.rows.length };
}

/** For each stored column, its position among the new rows' columns; refuses missing or unknown columns by name. */
function columnOrder(base: Dataset, added: CsvTable): number[] {
  const position = new Map(added.header.map((name, k) => [name, k]));
  const missing = base.columns.map((c) => c.name).filter((name) => !position.has(name));
  const known = new Set(base.columns.map((c) => c.name));
  const unknown = added.header.filter((name) => !known.has(name));
  if (missing.length > 0 || unknown.length > 0) {
    const parts = [
      ...(missing.length > 0 ? [`missing ${quoteList(missing)}`] : []),
      ...(unknown.length > 0 ? [`not in the dataset: ${quoteList(unknown)}`] : []),
    ];
    throw new EngineError('invalid_dataset', `the new rows must have the dataset's columns (in any order); ${parts.join('; ')}`, { missing, unknown });
  }
  return base.columns.map((c) => position.get(c.name) as number);
}

const quoteList = (names: readonly string[]) => names.slice(0, 10).map((n) => `"${n}"`).join(', ') + (names.length > 10 ? ` and ${names.length - 10} more` : '');

/** A numeric or date column's new cells must be numbers or dates (or missing). */
function checkKind(col: Column, added: CsvTable, k: number, naming: RowNaming): void {
  if (col.type !== 'numeric' && col.type !== 'datetime') return;
  const parse = col.type === 'numeric' ? parseNumberCell : parseDateCell;
  const kind = col.type === 'numeric' ? 'a number' : 'a date';
  for (let i = 0; i < added.rows.length; i++) {
    const cell = added.rows[i][k];
    if (isMissingNumberCell(cell) || !Number.isNaN(parse(cell))) continue;
    const at = naming === 'line' ? (added.lines?.[i] ?? i + 2) : i + 1;
    throw new EngineError('invalid_dataset', `${naming} ${at}, column "${col.name}": "${cell.slice(0, 64)}" is not ${kind}, as the column's values are`, {
      [naming]: at,
      column: col.name,
    });
  }
}

/** A stored column's cells as the text a fresh upload would have had (numbers in shortest form, dates in ISO-8601 UTC). */
function cellText(col: Column): (row: number) => string {
  if (col.storage === 'codes') return (i) => (col.codes[i] < 0 ? '' : col.levels[col.codes[i]]);
  const { values } = col;
  if (col.type === 'datetime') return (i) => (Number.isNaN(values[i]) ? '' : new Date(values[i]).toISOString());
  // As the file wrote them where upload recorded it ("1.0" stays "1.0", so class labels keep their names).
  const text = numericLabelOf(col);
  return (i) => (Number.isNaN(values[i]) ? '' : text(values[i]));
}
