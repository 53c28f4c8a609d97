/**
 * @module engine/data/select-rows
 * A new Dataset made of chosen rows of another, in the order given: every column copied position by
 * position into a fresh typed array, coded columns keeping their levels (so codes mean the same strings
 * in both) and date columns their layout and UTC offsets. Used to keep a held-out part of a dataset away from a search,
 * and to read that part back.
 */
import { EngineError } from '../core/errors';
import type { Column, Dataset } from './dataset';
import { selectOffsets } from './utc-offsets';

/**
 * The rows of `ds` at `positions` (row indices, any order, repeats allowed).
 * @example
 * const firstTen = selectRows(ds, Int32Array.from({ length: 10 }, (_, i) => i));
 */
export function selectRows(ds: Dataset, positions: Int32Array): Dataset {
  const n = positions.length;
  for (let i = 0; i < n; i++) {
    const p = positions[i];
    if (!(p >= 0 && p < ds.rows)) throw new EngineError('invalid_params', `row ${p} is outside the dataset's ${ds.rows} rows`);
  }
  const columns = ds.columns.map((col): Column => {
    if (col.storage === 'f64') {
      // Same precision as the source, so a selection stores and reads back like its dataset.
      const values = col.values instanceof Float32Array ? new Float32Array(n) : new Float64Array(n);
      for (let i = 0; i < n; i++) values[i] = col.values[positions[i]];
      // The date layout goes along (a model trained on the rows reads its dates so at predict); fixed rows
      // (data/fixed-rows) do not: they index the whole table, and only a stored table is appended to or
      // has an order declared.
      // UTC offsets go along row by row: a forecast reads the selected times on the clock the whole column reads on.
      // So does one offset throughout: every selected row was written at it.
      const utcOffsets = col.utcOffsets ? { utcOffsets: selectOffsets(col.utcOffsets, col.values.length, positions) } : col.fixedUtcOffset !== undefined ? { fixedUtcOffset: col.fixedUtcOffset } : {};
      return { name: col.name, type: col.type, storage: 'f64', values, ...(col.spellings ? { spellings: col.spellings } : {}), ...(col.missingWords ? { missingWords: col.missingWords } : {}), ...(col.dateOrder ? { dateOrder: col.dateOrder } : {}), ...utcOffsets, ...(col.naiveTimes ? { naiveTimes: col.naiveTimes } : {}) };
    }
    const codes = new Int32Array(n);
    for (let i = 0; i < n; i++) codes[i] = col.codes[positions[i]];
    return { name: col.name, type: col.type, storage: 'codes', codes, levels: col.levels };
  });
  return { rows: n, columns };
}
