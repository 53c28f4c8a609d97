/**
 * Infinite values in a column of numbers: a Parquet double column with ±Infinity in it, or a CSV that
 * pandas wrote with inf (a ratio divided by zero). Models take finite numbers, so the column stays
 * numbers with those cells missing, however many, and its profile says where; it used to become
 * categories (each number a level of its own) once they passed the stray-word allowance.
 */
import { describe, expect, it } from 'vitest';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { isInfinityCell } from '../../src/engine/data/column-types';
import { parseCsv } from '../../src/engine/data/csv';
import { inferDataset } from '../../src/engine/data/infer-schema';
import { readParquetTable } from '../../src/engine/data/parquet';

const ratios = Array.from({ length: 200 }, (_, i) => (i % 4 === 0 ? (i % 8 === 0 ? Infinity : -Infinity) : i / 7));

describe('infinite values in a column of numbers', () => {
  it('are spelled inf or Infinity, with a sign or without, in any case', () => {
    for (const cell of ['inf', '-inf', '+Inf', 'Infinity', '-Infinity', ' INFINITY ']) expect(isInfinityCell(cell), cell).toBe(true);
    for (const cell of ['info', 'in', '1e999', 'infinite', '']) expect(isInfinityCell(cell), cell).toBe(false);
  });

  it('in a Parquet double column: the column stays numbers, those cells missing, and the profile says where', async () => {
    const file = parquetWriteBuffer({ columnData: [{ name: 'ratio', data: ratios, type: 'DOUBLE' }, { name: 'y', data: ratios.map((_, i) => i % 2), type: 'INT32' }] });
    const { dataset, profile } = inferDataset(await readParquetTable(new Uint8Array(file)));
    const col = dataset.columns[0];
    expect(col.type).toBe('numeric');
    expect(col.storage === 'f64' && Array.from(col.values.slice(0, 3))).toEqual([NaN, 1 / 7, 2 / 7]);
    expect(profile[0].missing).toBe(50);
    expect(profile[0].warnings?.join(' ')).toMatch(/150 of 200 values are numbers, but .*"Infinity".*"-Infinity"/);
  });

  it('in a CSV that pandas wrote: the same', () => {
    const text = ['ratio,y', ...ratios.map((r, i) => `${Number.isFinite(r) ? r : r > 0 ? 'inf' : '-inf'},${i % 2}`)].join('\n');
    const { dataset, profile } = inferDataset(parseCsv(text));
    expect(dataset.columns[0].type).toBe('numeric');
    expect(profile[0].missing).toBe(50);
    expect(profile[0].warnings?.join(' ')).toMatch(/line 2, line 10, line 18 and 22 more hold "inf"/);
  });

  it('leave the allowance for stray words as it was: many words still make categories', () => {
    const text = ['size,y', ...Array.from({ length: 100 }, (_, i) => `${i % 10 === 0 ? 'big' : i},${i % 2}`)].join('\n');
    expect(inferDataset(parseCsv(text)).dataset.columns[0].type).not.toBe('numeric');
  });
});
