/**
 * A few stray words in a column of numbers (s18 user audit, q_mixed.csv: one "abc" among 120 incomes made
 * the column an identifier, two "unknown-age" made ages 52 categories, silently). Upload reads such a
 * column as numbers, the words as missing, and its profile entry names them with their lines; past 2% of
 * the cells, 20 cells, or with a digit in them, the words are data and the column is typed as before. A
 * job declaring a column numeric reads its words as missing with a warning, unless they outnumber the numbers.
 */
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/engine/data/csv';
import { inferDataset } from '../../src/engine/data/infer-schema';
import { applyOverrides } from '../../src/engine/data/overrides';
import { engineError } from './helpers/assertions';

/** n rows "age,income,city": ages 18-80 and incomes distinct on every row, `put(i)` replacing row i's cells. */
function table(n: number, put: (i: number) => { age?: string; income?: string } = () => ({})): string {
  const rows = Array.from({ length: n }, (_, i) => {
    const at = put(i);
    return [at.age ?? String(18 + ((i * 37) % 63)), at.income ?? String(20000 + i * 1013), ['Paris', 'Lille', 'Lyon'][i % 3]].join(',');
  });
  return `age,income,city\n${rows.join('\n')}\n`;
}

/** The audit's q_mixed.csv, in shape: "unknown-age" on lines 5 and 52, "abc" as the income on line 9. */
const Q_MIXED = table(120, (i) => (i === 3 || i === 50 ? { age: 'unknown-age' } : i === 7 ? { income: 'abc' } : {}));

const profileOf = (text: string) => inferDataset(parseCsv(text)).profile;

describe('numbers with a few stray words', () => {
  it('are numbers, the words missing, and the profile names each word with its lines (audit q_mixed.csv)', () => {
    const [age, income] = profileOf(Q_MIXED);
    expect(age).toMatchObject({ type: 'numeric', missing: 2, min: 18, max: 80 });
    expect(age.warnings).toEqual([
      '118 of 120 values are numbers, but line 5 and line 52 hold "unknown-age": the column is read as numeric, with these cells missing; ' +
        'correct them and upload the file again if they stand for numbers, or leave them to be read as missing values',
    ]);
    // Unique integers with a word: no longer an identifier (which every job dropped).
    expect(income).toMatchObject({ type: 'numeric', missing: 1 });
    expect(income.dropped).toBeUndefined();
    expect(income.warnings).toEqual([
      '119 of 120 values are numbers, but line 9 holds "abc": the column is read as numeric, with that cell missing; ' +
        'correct it and upload the file again if it stands for numbers, or leave it to be read as a missing value',
    ]);
  });

  it('in a pixel column are read as missing pixels, without advice to declare the column categorical', () => {
    // An image job refuses a pixel column read as categories (audit digits_missing.csv: the old hint led there).
    const rows = Array.from({ length: 120 }, (_, i) => `${i === 7 ? 'abc' : i % 17},${i % 5},${i % 2 ? 'a' : 'b'}`);
    const [pixel] = profileOf(`px_r2_c4,px_r2_c5,digit\n${rows.join('\n')}\n`);
    expect(pixel).toMatchObject({ name: 'px_r2_c4', type: 'numeric', missing: 1 });
    expect(pixel.warnings).toEqual([
      '119 of 120 values are numbers, but line 9 holds "abc": the column is read as numeric, with that cell missing; correct it in the file, or leave it to be read as a missing pixel',
    ]);
  });

  it('names lines past blank lines, data rows where there are no lines, and shortens long lists', () => {
    const blank = Q_MIXED.replace('\n', '\n\n\n');
    expect(profileOf(blank)[1].warnings?.[0]).toContain('but line 11 holds "abc"');
    const noLines = parseCsv(Q_MIXED);
    const fromParquet = inferDataset({ header: noLines.header, rows: noLines.rows }).profile;
    expect(fromParquet[0].warnings?.[0]).toContain('but data row 4 and data row 51 hold "unknown-age"');
    // Twenty words in 1,000 rows: five values shown, three rows of each, the rest counted.
    const words = ['n/k', 'unknown-age', 'abc', 'x', 'y', 'z', 'w'];
    const many = table(1000, (i) => (i % 50 === 0 ? { age: words[Math.min(6, i / 50 < 6 ? 0 : i / 50 - 5)] } : {}));
    const [age] = profileOf(many);
    expect(age).toMatchObject({ type: 'numeric', missing: 20 });
    expect(age.warnings?.[0]).toMatch(
      /^980 of 1000 values are numbers, but line 2, line 52, line 102 and 3 more hold "n\/k"; line 302 holds "unknown-age"; line 352 holds "abc"; line 402 holds "x"; line 452 holds "y"; 10 more cells hold other words: /,
    );
  });

  it('keep the identifier typing of a key column with a stray word', () => {
    const ids = `order_id,y\n${Array.from({ length: 100 }, (_, i) => `${i === 40 ? 'tbd' : 1000 + i},${i % 2}`).join('\n')}\n`;
    expect(profileOf(ids)[0].type).toBe('id');
  });

  it('are data past 2% of the cells, past 20 cells, in a small table, or with a digit: the column is typed as before', () => {
    // 3 words in 120 rows (2.5%).
    expect(profileOf(table(120, (i) => (i % 40 === 0 ? { age: 'n/k' } : {})))[0].type).toBe('categorical');
    // 21 words in 2,000 rows (1.05%) is past the 20 cells; 20 are not.
    expect(profileOf(table(2000, (i) => (i % 95 === 0 && i < 95 * 21 ? { age: 'n/k' } : {})))[0].type).toBe('categorical');
    expect(profileOf(table(2000, (i) => (i % 95 === 0 && i < 95 * 20 ? { age: 'n/k' } : {})))[0]).toMatchObject({ type: 'numeric', missing: 20 });
    // One word in 49 rows is 2.04%: too few cells to tell a slip from a category (every value differs: an identifier, as before).
    expect(profileOf(table(49, (i) => (i === 3 ? { age: 'abc' } : {})))[0].type).toBe('id');
    expect(profileOf(table(50, (i) => (i === 3 ? { age: 'abc' } : {})))[0].type).toBe('numeric');
    // A value with a digit is a number written another way, not a slip.
    expect(profileOf(table(120, (i) => (i === 3 ? { age: '40 years' } : {})))[0].type).toBe('categorical');
    // Placeholders were always missing numbers, and say nothing.
    const placeholders = profileOf(table(120, (i) => (i < 10 ? { age: i % 2 ? '-' : '#N/A' } : {})))[0];
    expect(placeholders).toMatchObject({ type: 'numeric', missing: 10 });
    expect(placeholders.warnings).toBeUndefined();
  });
});

describe('a column declared numeric by a job', () => {
  /** "age" with `words` rows of "unknown" among 40: categorical at upload when the words are more than 2%. */
  const declared = (words: number) => inferDataset(parseCsv(table(40, (i) => (i < words ? { age: i % 2 ? 'unknown-age' : 'n/k' } : {})))).dataset;

  it('reads its words as missing and warns, naming their data rows', () => {
    const ds = declared(4);
    expect(ds.columns[0].type).toBe('categorical');
    const { dataset, warnings } = applyOverrides(ds, { age: 'numeric' });
    const age = dataset.columns[0];
    expect(age.type).toBe('numeric');
    expect(age.storage === 'f64' && Array.from(age.values.slice(0, 5))).toEqual([NaN, NaN, NaN, NaN, 18 + ((4 * 37) % 63)]);
    expect(warnings).toEqual([
      '"age" is read as numeric, as the job\'s columns declare: 36 of 40 values are numbers, but data row 1 and data row 3 hold "n/k"; data row 2 and data row 4 hold "unknown-age"; all read as missing values',
    ]);
    // Nothing to say for a column of numbers and placeholders.
    expect(applyOverrides(inferDataset(parseCsv('n,x\n1,a\n2,b\n#N/A,c\n')).dataset, { n: 'numeric' }).warnings).toEqual([]);
  });

  it('is refused when the words are as many as the numbers, naming the first row', () => {
    const err = engineError(() => applyOverrides(declared(20), { age: 'numeric' }));
    expect(err.code).toBe('invalid_params');
    expect(err.message).toBe('columns: "age" cannot be numeric: it holds "n/k" (data row 1), and 20 of its 40 values are not numbers');
    expect(err.details).toEqual({ field: 'columns', column: 'age', value: 'n/k', data_row: 1 });
    expect(applyOverrides(declared(19), { age: 'numeric' }).warnings).toHaveLength(1);
  });
});
