/**
 * A numeric column's profile says whether every present value is a whole number (`integer`): a value is
 * whole when the number it reads as is an integer, however it is written (3.0, 1e3, $1,200, digits past
 * 2^53), and missing cells, placeholders and stray words do not count. Uploads (CSV and Parquet) and a
 * declared type say it alike, and an append profiles it again: a fractional value appended flips it.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { appendRows } from '../../src/engine/data/append-rows';
import { decodeDataset, encodeDataset } from '../../src/engine/data/columnar-codec';
import { parseCsv } from '../../src/engine/data/csv';
import { type ColumnProfile, inferDataset, MAX_COUNTED_DISTINCT, type TypeOverrides } from '../../src/engine/data/infer-schema';
import { readParquetTable } from '../../src/engine/data/parquet';

/** A table of one column `x` with these cells (and a row number beside it, so no column is constant by accident). */
const table = (cells: readonly string[]) => ({ header: ['x', 'row'], rows: cells.map((c, i) => [c, String(i)]) });
/** Column x's profile entry when these cells are uploaded (or typed as `overrides` declare). */
const profileOf = (cells: readonly string[], overrides: TypeOverrides = {}): ColumnProfile => inferDataset(table(cells), overrides).profile[0];

describe('the profile of a numeric column says whether its values are whole (integer)', () => {
  it('is true for whole numbers however written, and false once one value has a fraction', () => {
    const cases: [string, string[], boolean][] = [
      ['whole numbers', ['1', '2', '3', '10'], true],
      ['negative whole numbers and zero', ['-4', '0', '7', '-0'], true],
      ['3.0 and 1e3 read as 3 and 1000', ['3.0', '1e3', '2', '1.5e1'], true],
      ['formatted whole numbers', ['$1,200', '(1,234)', '50%', '7'], true],
      ['whole numbers past 2^53', ['12345678901234567890', '9007199254740993', '1'], true],
      ['one fraction among whole numbers', ['1', '2', '2.5', '4'], false],
      ['halves that fool a guess from min, max and distinct count', ['1', '2.5', '4'], false],
      ['fractions at the ends', ['1.5', '2.5', '3.5'], false],
      ['0, 0.5 and 1', ['0', '0.5', '1'], false],
      ['a large number with a fraction', ['123456789.5', '2', '3'], false],
      ['a formatted fraction', ['13.5%', '20%', '1'], false],
      ['a tiny fraction', ['1', '2', '1e-7'], false],
    ];
    for (const [what, cells, whole] of cases) {
      const entry = profileOf(cells);
      expect(entry.type, what).toBe('numeric');
      expect(entry.integer, what).toBe(whole);
    }
  });

  it('counts only present values: missing cells, placeholders and stray words are neither', () => {
    const cells = ['1', '', 'NA', '2', '-', '#N/A', '3', ...Array.from({ length: 60 }, (_, i) => String(i))];
    expect(profileOf(cells)).toMatchObject({ type: 'numeric', missing: 4, integer: true });
    // One stray word among 67 numbers is a missing value (data/stray-text), whole or not.
    const strays = profileOf([...cells, 'abc']);
    expect(strays).toMatchObject({ type: 'numeric', missing: 5, integer: true });
    expect(strays.warnings?.[0]).toContain('abc');
    expect(profileOf(['', '1.25', '', '2', '3'])).toMatchObject({ type: 'numeric', missing: 2, integer: false });
  });

  it('is left out of columns that are not numeric, whose values are not numbers to round', () => {
    const { profile } = inferDataset(parseCsv('n,c,d,k,b\n1,a,2024-01-01,5,yes\n2,b,2024-01-02,5,no\n3,a,2024-01-03,5,yes\n'));
    expect(profile.map((p) => [p.name, p.type, p.integer])).toEqual([
      ['n', 'numeric', true],
      ['c', 'categorical', undefined],
      ['d', 'datetime', undefined],
      ['k', 'constant', undefined],
      ['b', 'boolean', undefined],
    ]);
    expect(profile.slice(1).every((p) => !Object.hasOwn(p, 'integer'))).toBe(true);
  });

  it('says the same for a column declared numeric, whose values no type guess read', () => {
    for (const cells of [['1', '2', '3.0'], ['1', '2', '2.5'], ['7', 'unknown', '8']]) {
      expect(profileOf(cells, { x: 'numeric' }).integer, cells.join(' ')).toBe(profileOf(cells).integer);
    }
    // Declared numeric, words are missing values: the numbers left are whole.
    expect(profileOf(['4', 'n/a', 'five', '6'], { x: 'numeric' })).toMatchObject({ type: 'numeric', integer: true });
  });

  it('is read from a Parquet upload as from a CSV one', async () => {
    const t = await readParquetTable(new Uint8Array(readFileSync(new URL('../fixtures/parquet/types.snappy.parquet', import.meta.url))));
    const { profile } = inferDataset(t);
    const integer = (name: string) => profile.find((p) => p.name === name)?.integer;
    // small: -3, 0, 7, 12, 5 (int32); amount: 1.5 … 1234567.125; ratio: 0.5 …; price: 10.5 …, 100.
    expect([integer('small'), integer('amount'), integer('ratio'), integer('price')]).toEqual([true, false, false, false]);
  });

  it('is profiled again on append: a fractional value flips it, whole values keep it', () => {
    const base = decodeDataset(encodeDataset(inferDataset(table(['1', '2', '3', '', '40'])).dataset));
    expect(inferDataset(table(['1', '2', '3', '', '40'])).profile[0].integer).toBe(true);
    const added = (cells: string[], from = 5) => ({ header: ['row', 'x'], rows: cells.map((c, i) => [String(from + i), c]), lines: cells.map((_, i) => i + 2) });
    const whole = appendRows(base, added(['5', '6.0', '1e2']), 'line', 1_000_000);
    expect(whole.profile[0]).toMatchObject({ name: 'x', type: 'numeric', integer: true });
    const fractional = appendRows(base, added(['5', '6.5']), 'line', 1_000_000);
    expect(fractional.profile[0]).toMatchObject({ name: 'x', type: 'numeric', integer: false });
    // And back: whole rows appended to the fractional version leave it fractional.
    const stored = decodeDataset(encodeDataset(fractional.dataset));
    expect(appendRows(stored, added(['7', '8'], 7), 'line', 1_000_000).profile[0].integer).toBe(false);
  });
});

describe("a numeric column's spread", () => {
  it('is exact for values far from zero and close together (epoch seconds over minutes)', () => {
    // 1.7e9 s, one second apart: the standard deviation of 0..9 s is sqrt(8.25).
    const csv = ['t,y', ...Array.from({ length: 10 }, (_, i) => `${1_700_000_000 + i},${i % 2}`)].join('\n');
    const t = inferDataset(parseCsv(csv), { t: 'numeric' }).profile.find((c) => c.name === 't');
    expect(t?.std).toBeCloseTo(Math.sqrt(8.25), 9);
    expect(t?.mean).toBe(1_700_000_004.5);
  });
});

describe('the distinct count of a numeric column', () => {
  it('is exact up to MAX_COUNTED_DISTINCT, then stops and says it is a lower bound (unique_capped)', () => {
    const cells = (n: number) => Array.from({ length: n }, (_, i) => String(i * 0.5));
    const small = profileOf(cells(1_000));
    expect(small.unique).toBe(1_000);
    expect(small.unique_capped).toBeUndefined();
    const exact = profileOf(cells(MAX_COUNTED_DISTINCT));
    expect(exact.unique).toBe(MAX_COUNTED_DISTINCT);
    expect(exact.unique_capped).toBeUndefined();
    const many = profileOf(cells(MAX_COUNTED_DISTINCT + 20_000));
    expect(many.unique).toBe(MAX_COUNTED_DISTINCT + 1);
    expect(many.unique_capped).toBe(true);
  });
});
