/**
 * Shared helpers of the date-column tests: a one-column table typed as upload types it, what its column
 * stores (times, layout), UTC times to compare with, and a dataset passed through the columnar codec.
 */
import { decodeDataset, encodeDataset } from '../../../src/engine/data/columnar-codec';
import { parseCsv } from '../../../src/engine/data/csv';
import type { Column, Dataset } from '../../../src/engine/data/dataset';
import { inferDataset } from '../../../src/engine/data/infer-schema';

/** A one-column table of `cells` (plus a numeric column), typed as upload types it; cells are quoted (commas). */
export function infer(cells: readonly string[]) {
  const text = ['d,x', ...cells.map((c, i) => `"${c}",${i}`)].join('\n');
  const { dataset, profile } = inferDataset(parseCsv(text));
  return { column: dataset.columns[0], profile: profile[0], dataset };
}

export const times = (col: Column) => (col.storage === 'f64' ? Array.from(col.values) : undefined);
export const orderOf = (col: Column) => (col.storage === 'f64' ? col.dateOrder : undefined);
export const utc = (y: number, m: number, d: number, h = 0, min = 0, s = 0) => Date.UTC(y, m - 1, d, h, min, s);
/** The dataset as stored and read back. */
export const stored = (ds: Dataset): Dataset => decodeDataset(encodeDataset(ds));
