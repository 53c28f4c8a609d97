/**
 * Appending rows to a stored dataset: the result is typed and profiled exactly as an upload of the longer
 * file would be (numbers narrowed to Float32 by storage and dates included), columns may come in any
 * order, and rows that do not fit are refused naming the line (CSV) or row (Parquet) and column.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { appendRows, appendRowsYielding } from '../../src/engine/data/append-rows';
import { decodeDataset, encodeDataset } from '../../src/engine/data/columnar-codec';
import { type CsvTable, parseCsv } from '../../src/engine/data/csv';
import type { Dataset } from '../../src/engine/data/dataset';
import { inferDataset } from '../../src/engine/data/infer-schema';
import { engineError } from './helpers/assertions';

const example = (path: string) => parseCsv(readFileSync(new URL(`../../examples/${path}`, import.meta.url), 'utf8'));
/** As a trial reads it: through the columnar codec, which narrows numeric columns to Float32 where it may. */
const stored = (table: CsvTable): Dataset => decodeDataset(encodeDataset(inferDataset(table).dataset));
const concat = (a: CsvTable, b: CsvTable): CsvTable => ({ header: a.header, rows: [...a.rows, ...b.rows] });
/** Whether two stored files are the same bytes (toEqual over a megabyte's elements takes seconds). */
const sameBytes = (a: Uint8Array, b: Uint8Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
/** The same table with its columns in reverse order. */
const reversed = (t: CsvTable): CsvTable => ({ header: [...t.header].reverse(), rows: t.rows.map((r) => [...r].reverse()) });

describe('appendRows', () => {
  it('gives credit-g train + test exactly as an upload of both would, whatever the column order', () => {
    const train = example('credit-g/train.csv');
    const test = example('credit-g/test.csv');
    const appended = appendRows(stored(train), reversed(test), 'line', 1_000_000);
    const whole = inferDataset(concat(train, test));
    expect(appended.added).toBe(test.rows.length);
    expect(appended.dataset.rows).toBe(train.rows.length + test.rows.length);
    expect(appended.profile).toEqual(whole.profile);
    expect(appended.dataset).toEqual(whole.dataset);
  });

  it('keeps dates: airpassengers train + test months read as the whole series', () => {
    const train = example('airpassengers/train.csv');
    const test = example('airpassengers/test.csv');
    const appended = appendRows(stored(train), test, 'line', 1_000_000);
    expect(appended.profile[0].type).toBe('datetime');
    expect(appended.dataset).toEqual(inferDataset(concat(train, test)).dataset);
  });

  it('reads decimals narrowed to Float32 by storage back as the text they were uploaded as', () => {
    const base: CsvTable = { header: ['x', 'y'], rows: [['0.1', 'a'], ['2.35', 'b'], ['7.7', 'a'], ['1e-3', 'b']] };
    const narrowed = stored(base);
    expect(narrowed.columns[0].storage === 'f64' && narrowed.columns[0].values).toBeInstanceOf(Float32Array);
    const more: CsvTable = { header: ['x', 'y'], rows: [['1.05', 'a']] };
    expect(appendRows(narrowed, more, 'line', 100).dataset).toEqual(inferDataset(concat(base, more)).dataset);
  });

  it('re-types a column the new rows give reason to: a constant column that now varies', () => {
    const base = stored({ header: ['x', 'flag'], rows: [['1', 'a'], ['2', 'a'], ['3', 'a']] });
    expect(base.columns[1].type).toBe('constant');
    const appended = appendRows(base, { header: ['flag', 'x'], rows: [['b', '4']] }, 'line', 100);
    expect(appended.profile.map((p) => p.type)).toEqual(['numeric', 'categorical']);
  });

  it('builds each column of the longer table as an upload of it would, past a slice of cells (new levels, gaps, placeholders, dates)', async () => {
    // More than a slice (50,000 cells) of stored rows and of new ones, so a column's text is made in several
    // pieces on each side of the seam: a row lost, doubled or taken from the wrong column shows below.
    const day = (i: number) => `2024-${String((i % 12) + 1).padStart(2, '0')}-${String((i % 28) + 1).padStart(2, '0')}T00:00:00.000Z`;
    const base: CsvTable = { header: ['n', 'city', 'flag', 'day'], rows: Array.from({ length: 50_007 }, (_, i) => [String(i % 997), ['Paris', 'Lyon', ''][i % 3], i % 2 ? 'yes' : 'no', day(i)]) };
    // Columns in another order; a new city, missing cells, placeholders in the numbers, truth values spelled anew.
    const sent: CsvTable = {
      header: ['day', 'flag', 'n', 'city'],
      rows: Array.from({ length: 50_011 }, (_, i) => [i % 5 ? day(i + 3) : '', i % 3 ? 'TRUE' : 'n', i % 7 ? String(i % 991) : i % 2 ? '-' : '#N/A', i % 4 ? 'Nice' : 'NA']),
    };
    // Truth values are kept in the stored column's spelling (yes/no), the rest as sent.
    const spelled = (cell: string) => (cell === 'TRUE' ? 'yes' : cell === 'n' ? 'no' : cell);
    const whole = inferDataset(concat(base, { header: base.header, rows: sent.rows.map((r) => [r[2], r[3], spelled(r[1]), r[0]]) }));
    const appended = appendRows(stored(base), sent, 'line', 1_000_000);
    expect(appended.profile.map((p) => p.type)).toEqual(['numeric', 'categorical', 'boolean', 'datetime']);
    expect(appended.profile.find((p) => p.name === 'city')?.top?.map((t) => t.value)).toContain('Nice');
    expect(appended.profile).toEqual(whole.profile);
    expect(sameBytes(encodeDataset(appended.dataset), encodeDataset(whole.dataset))).toBe(true);
    // Given the thread back between slices, the same table.
    const yielded = await appendRowsYielding(stored(base), sent, 'line', 1_000_000, () => Promise.resolve());
    expect(sameBytes(encodeDataset(yielded.dataset), encodeDataset(whole.dataset))).toBe(true);
    expect(yielded.profile).toEqual(whole.profile);
  });

  it('refuses missing and unknown columns, naming them', () => {
    const base = stored({ header: ['a', 'b', 'c'], rows: [['1', 'x', '2'], ['2', 'y', '3']] });
    const err = engineError(() => appendRows(base, { header: ['a', 'd'], rows: [['3', 'z']] }, 'line', 100));
    expect(err.code).toBe('invalid_dataset');
    expect(err.message).toContain('missing "b", "c"');
    expect(err.message).toContain('not in the dataset: "d"');
    expect(err.details).toEqual({ missing: ['b', 'c'], unknown: ['d'] });
  });

  it('refuses a value of the wrong kind in a numeric or date column, naming the line or row', () => {
    const base = stored({ header: ['n', 'when', 'label'], rows: [['1', '2024-01-01', 'x'], ['2', '2024-02-01', 'y']] });
    const numeric = engineError(() => appendRows(base, { header: ['n', 'when', 'label'], rows: [['3', '2024-03-01', 'x'], ['', '', 'y'], ['lots', '2024-04-01', 'z']] }, 'line', 100));
    expect(numeric.details).toEqual({ line: 4, column: 'n' });
    expect(numeric.message).toContain('"lots" is not a number');
    const date = engineError(() => appendRows(base, { header: ['n', 'when', 'label'], rows: [['3', 'soon', 'x']] }, 'row', 100));
    expect(date.details).toEqual({ row: 1, column: 'when' });
    // A categorical column takes any new level.
    expect(appendRows(base, { header: ['n', 'when', 'label'], rows: [['3', 'NA', 'new']] }, 'line', 100).dataset.rows).toBe(3);
  });

  it('refuses a word that is no truth value in a boolean column, as a number column refuses a word (audit app_badbool.csv)', () => {
    const base = stored(parseCsv('age,default\n31,no\n48,yes\n52,no\n'));
    expect(base.columns[1].type).toBe('boolean');
    const rows = parseCsv('age,default\n33,yes\n\n31,maybe\n');
    const err = engineError(() => appendRows(base, rows, 'line', 100));
    expect(err.code).toBe('invalid_dataset');
    expect(err.message).toBe('line 4, column "default": "maybe" is not a truth value ("no" or "yes"), as the column\'s values are');
    expect(err.details).toEqual({ line: 4, column: 'default' });
    // The same style as a number column's refusal, and by row for Parquet.
    expect(engineError(() => appendRows(base, parseCsv('age,default\nabc,yes\n'), 'line', 100)).message).toBe('line 2, column "age": "abc" is not a number, as the column\'s values are');
    expect(engineError(() => appendRows(base, { header: ['age', 'default'], rows: [['1', 'maybe']] }, 'row', 100)).details).toEqual({ row: 1, column: 'default' });
    // Any spelling of a truth value, or a missing value, is taken: the column stays boolean with two levels.
    const grown = appendRows(base, parseCsv('age,default\n33,TRUE\n34,\n35,n\n'), 'line', 100);
    expect(grown.profile[1]).toMatchObject({ type: 'boolean', unique: 2, missing: 1 });
  });

  it("keeps a boolean column's spelling when the new rows spell truth values otherwise, however many they are", () => {
    // A binary target of Yes/No; a pandas export appends TRUE/false, more rows than the stored ones.
    const base = stored(parseCsv(['x,default', ...Array.from({ length: 10 }, (_, i) => `${i},${i % 3 ? 'No' : 'Yes'}`)].join('\n')));
    expect(base.columns[1]).toMatchObject({ type: 'boolean', levels: ['No', 'Yes'] });
    const sent = parseCsv(['x,default', ...Array.from({ length: 40 }, (_, i) => `${i},${i % 2 ? 'TRUE' : 'false'}`), '99,'].join('\n'));
    const grown = appendRows(base, sent, 'line', 1000);
    const column = grown.dataset.columns[1];
    if (column.storage !== 'codes') throw new Error('a boolean column is stored as codes');
    expect(column.levels).toEqual(['No', 'Yes']);
    // The stored rows still read Yes and No, the new ones as the same two classes, and one missing.
    const read = Array.from(column.codes, (c) => (c < 0 ? '' : column.levels[c]));
    expect(read.slice(0, 10)).toEqual(Array.from({ length: 10 }, (_, i) => (i % 3 ? 'No' : 'Yes')));
    expect(read.slice(10, 50)).toEqual(Array.from({ length: 40 }, (_, i) => (i % 2 ? 'Yes' : 'No')));
    expect(read[50]).toBe('');
    expect(grown.profile[1]).toMatchObject({ type: 'boolean', unique: 2, missing: 1 });
  });

  it('refuses rows past the dataset row limit', () => {
    const base = stored({ header: ['a', 'b'], rows: [['1', 'x'], ['2', 'y']] });
    const err = engineError(() => appendRows(base, { header: ['a', 'b'], rows: [['3', 'z'], ['4', 'w']] }, 'line', 3));
    expect(err.details).toEqual({ rows: 4, max_rows: 3 });
  });
});
