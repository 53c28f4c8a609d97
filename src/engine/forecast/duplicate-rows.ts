/**
 * @module engine/forecast/duplicate-rows
 * Rows identical in every column to an earlier row of their series (an export loaded twice, a batch of
 * rows sent again): they say nothing new, so a forecast reads one of them and drops the repeats, which
 * the job names in a warning. Two rows of one series and time that differ in any column (the target, a
 * covariate, a column no model reads) are no such repeat: which one is right cannot be told, and
 * series.ts refuses them as before. "Identical" is every column's stored value (missing equals missing),
 * and for a date column also the UTC offset a cell was written with and whether it carried one: two
 * cells of one instant written at different offsets are not the same text.
 */
import { type Dataset, MISSING_CODE } from '../data/dataset';
import { fixedRowMask } from '../data/fixed-rows';
import { offsetsPerRow } from '../data/utc-offsets';

/** Repeats dropped from a dataset's series: how many, and the first (lowest data row) with the row it repeats. */
export interface ExactRepeats {
  readonly rows: number;
  /** Indices from 0 in the dataset's rows. */
  readonly first: { readonly row: number; readonly repeats: number; readonly time: number; readonly group: string };
}

/** A test of whether two rows of `ds` are identical in every column (see the module comment). */
export function rowEquality(ds: Dataset): (a: number, b: number) => boolean {
  const tests = ds.columns.map((c): ((a: number, b: number) => boolean) => {
    if (c.storage === 'codes') return (a, b) => c.codes[a] === c.codes[b] || (c.codes[a] === MISSING_CODE && c.codes[b] === MISSING_CODE);
    const v = c.values;
    const offsets = c.utcOffsets === undefined ? undefined : offsetsPerRow(c.utcOffsets, ds.rows);
    const zoneless = fixedRowMask(c.zonelessRows, ds.rows);
    return (a, b) =>
      (v[a] === v[b] || (Number.isNaN(v[a]) && Number.isNaN(v[b]))) && (!offsets || offsets[a] === offsets[b]) && (!zoneless || zoneless[a] === zoneless[b]);
  });
  return (a, b) => tests.every((same) => same(a, b));
}

/**
 * Drops from each group's rows those identical to an earlier row of the group at the same time. Each list
 * is sorted by time in place (stably: rows of one time keep their data order, so the earliest stays),
 * except that a planned row (`y` NaN: no target) keeps its latest copy: the plan written last is the
 * plan (./placeholder-rows), so a plan revised and then set back to what it was reads as set back.
 * Returns the repeats dropped, or undefined when there are none.
 */
export function dropExactRepeats(ds: Dataset, rowsByGroup: Map<string, number[]>, t: Float64Array, y?: ArrayLike<number>): ExactRepeats | undefined {
  let same: ((a: number, b: number) => boolean) | undefined;
  let count = 0;
  let first: ExactRepeats['first'] | undefined;
  for (const [group, rows] of rowsByGroup) {
    rows.sort((a, b) => t[a] - t[b]);
    const kept: number[] = [];
    let runStart = 0;
    for (const r of rows) {
      if (kept.length > 0 && t[kept[kept.length - 1]] !== t[r]) runStart = kept.length;
      // Compared with every row kept at this time, so a third row repeating the first is dropped too.
      let repeats: number | undefined;
      if (kept.length > runStart) {
        same ??= rowEquality(ds);
        repeats = kept.slice(runStart).find((k) => same!(k, r));
      }
      if (repeats === undefined) {
        kept.push(r);
        continue;
      }
      count++;
      if (y !== undefined && Number.isNaN(y[r])) {
        // The later copy of a plan stands where the earlier stood (a run's rows need not stay in data order).
        kept[kept.indexOf(repeats, runStart)] = r;
        if (first === undefined || repeats < first.row) first = { row: repeats, repeats: r, time: t[r], group };
        continue;
      }
      if (first === undefined || r < first.row) first = { row: r, repeats, time: t[r], group };
    }
    if (kept.length < rows.length) rowsByGroup.set(group, kept);
  }
  return first === undefined ? undefined : { rows: count, first };
}

/** What a job says of the repeats it dropped (`show` writes a time as its refusals do). */
export function exactRepeatsWarning(r: ExactRepeats, show: (t: number) => string, groupColumn?: string): string {
  const { row, repeats, time, group } = r.first;
  const where = groupColumn === undefined ? '' : `, ${groupColumn} "${group}"`;
  const many = r.rows === 1 ? '1 row repeats' : `${r.rows} rows repeat`;
  const first = r.rows === 1 ? 'it is' : 'the first is';
  return `${many} an earlier row exactly (the same in every column, as a file loaded twice) and ${r.rows === 1 ? 'was' : 'were'} dropped, the series reading each point once: ${first} data row ${row + 1} (${show(time)}${where}), a copy of data row ${repeats + 1}; rows of one time that differ in any column are still refused, but for a planned row without a target, which a later one revises`;
}
