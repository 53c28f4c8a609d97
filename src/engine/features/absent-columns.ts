/**
 * @module engine/features/absent-columns
 * The columns a model reads that a prediction request did not send: a JSON row without the key, or a CSV
 * or Parquet batch without the column. They are read as missing values, which is documented and what a
 * client leaving out an unknown value wants, but a client that drops a field by mistake (a renamed
 * property, a column cut from an export) got plausible scores with nothing to show for it, and drift
 * checks then flagged its rows. The answer names them, as it names unseen categories. A key sent as null
 * (an empty cell) is a value given as missing, not an absent column.
 */
import type { Dataset } from '../data/dataset';

/** A column the model reads that `rows` of the request did not send. */
export interface AbsentColumn {
  readonly column: string;
  readonly rows: number;
}

/** The most absent columns an answer lists, in the model's column order; `absent_columns_total` counts them all. */
export const MAX_ABSENT_LISTED = 100;

export interface AbsentReport {
  readonly absent_columns: AbsentColumn[];
  /** Present when more columns were absent than listed. */
  readonly absent_columns_total?: number;
}

/**
 * The columns among `read` that some JSON rows lacked (no own key), with how many lacked each, as the
 * request's decoded datasets counted them (Dataset.absentRows: rows-to-dataset counts while it reads the
 * cells); undefined when none. A column read by several input sets is counted once.
 */
export function absentInRows(read: readonly string[], datasets: readonly Dataset[]): AbsentReport | undefined {
  const absent: AbsentColumn[] = [];
  for (const column of read) {
    const counted = datasets.find((ds) => ds.absentRows !== undefined && column in ds.absentRows)?.absentRows?.[column];
    if (counted !== undefined) absent.push({ column, rows: counted });
  }
  return report(absent);
}

/** The columns among `read` that a batch's header lacks: every one of its `rows` lacks each; undefined when none. */
export function absentInHeader(read: readonly string[], header: readonly string[], rows: number): AbsentReport | undefined {
  const sent = new Set(header);
  return report(read.filter((column) => !sent.has(column)).map((column) => ({ column, rows })));
}

function report(absent: AbsentColumn[]): AbsentReport | undefined {
  if (absent.length === 0) return undefined;
  return { absent_columns: absent.slice(0, MAX_ABSENT_LISTED), ...(absent.length > MAX_ABSENT_LISTED ? { absent_columns_total: absent.length } : {}) };
}
