/**
 * @module engine/data/fixed-rows
 * Which rows of a day-month date column hold dates that no order of day and month misreads (ISO-8601,
 * year-first, a named month: NumericColumn.fixedRows). Only appends put such dates there (an upload of
 * both kinds is no date column, data/detect-date-order), so they come in batches; runs of row indices
 * keep the stored form small where a per-row flag would cost a byte a row of every such column.
 */
import { EngineError } from '../core/errors';

/** Ascending, disjoint [first, end) runs of row indices. */
export type FixedRows = readonly (readonly [number, number])[];

/** The runs of the rows 0..n-1 for which `fixed` holds; undefined when there are none. */
export function fixedRowsWhere(n: number, fixed: (row: number) => boolean): FixedRows | undefined {
  const runs: [number, number][] = [];
  for (let i = 0; i < n; i++) {
    if (!fixed(i)) continue;
    const last = runs[runs.length - 1];
    if (last && last[1] === i) last[1] = i + 1;
    else runs.push([i, i + 1]);
  }
  return runs.length > 0 ? runs : undefined;
}

/** A flag per row (1: fixed) of a column of `n` rows, undefined when it has no fixed rows. */
export function fixedRowMask(runs: FixedRows | undefined, n: number): Uint8Array | undefined {
  if (!runs) return undefined;
  const mask = new Uint8Array(n);
  for (const [first, end] of runs) mask.fill(1, first, end);
  return mask;
}

/** The runs as a stored dataset holds them, checked: EngineError('bad_artifact') unless ascending, disjoint and within `n` rows. */
export function checkedFixedRows(runs: unknown, n: number, column: string): FixedRows {
  let end = 0;
  const ok =
    Array.isArray(runs) &&
    runs.every((r) => {
      const fine = Array.isArray(r) && r.length === 2 && Number.isInteger(r[0]) && Number.isInteger(r[1]) && r[0] >= end && r[1] > r[0] && r[1] <= n;
      if (fine) end = r[1];
      return fine;
    });
  if (!ok) throw new EngineError('bad_artifact', `the fixed date rows of column "${column}" in a stored dataset are not ascending runs within its ${n} rows`);
  return runs as FixedRows;
}
