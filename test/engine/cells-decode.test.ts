/**
 * The batch decoding's shortcuts (features/cells-to-dataset) read every cell as the row path does: plain
 * integers parsed without the pattern test (signs, zeros, lengths at and past the exact range), and coded
 * columns looked up among their first distinct cells before hashing (more levels than that cache holds,
 * enough for it to stop comparing, missing spellings, unseen levels, padded cells). Values are compared
 * with Object.is, so -0 counts.
 */
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/engine/data/csv';
import { parseCsvColumns } from '../../src/engine/data/csv-columns';
import type { Column } from '../../src/engine/data/dataset';
import { csvRowObjects, decodeCellColumns } from '../../src/engine/features/cells-to-dataset';
import type { InputColumn } from '../../src/engine/features/pipeline';
import { rowsToDataset } from '../../src/engine/features/rows-to-dataset';

const levels = Array.from({ length: 80 }, (_, i) => `level ${i}`);
const inputs: InputColumn[] = [
  { name: 'num', type: 'numeric', storage: 'f64' },
  { name: 'cat', type: 'categorical', storage: 'codes', levels },
];
const known = new Set(['num', 'cat']);

/** Each column's values as plain numbers (codes or values), -0 kept. */
const cellsOf = (columns: readonly Column[]) => columns.map((c) => Array.from(c.storage === 'f64' ? c.values : c.codes));

describe('decodeCellColumns shortcuts', () => {
  const numbers = ['-0', '0', '007', '-12', '5', '123456789012345', '-123456789012345', '1234567890123456', '9007199254740993', '+5', ' 5', '5 ', '1.5', '-1e3', '.5', '', 'NA', '?', '$5', '-$5.25', '13.5%', '(12)', '€ 3.5', '7 £'];
  const cats = ['level 1', ' level 2 ', 'level 3', '', 'NA', 'no such level', ...levels, 'level 39', 'level 1', 'level 0'];
  const n = Math.max(numbers.length, cats.length) * 3;
  const text = ['num,cat', ...Array.from({ length: n }, (_, i) => `${numbers[i % numbers.length]},${cats[(i * 5) % cats.length]}`)].join('\n');

  it('decodes what rowsToDataset decodes from the row objects', () => {
    const table = parseCsvColumns(text);
    const fast = decodeCellColumns(inputs, known, table);
    expect(fast).toBeDefined();
    const slow = rowsToDataset(inputs, known, csvRowObjects(table));
    const [a, b] = [cellsOf(fast!.columns), cellsOf(slow.columns)];
    expect(a[0].every((v, i) => Object.is(v, b[0][i]))).toBe(true);
    expect(a[1]).toEqual(b[1]);
    // The shortcuts met their cases: a negative zero, a missing cell, an unseen level, every level.
    expect(a[0].some((v) => Object.is(v, -0))).toBe(true);
    expect(a[1]).toEqual(expect.arrayContaining([-1, -2, ...levels.map((_, i) => i)]));
    // And the row path agrees with parseCsv's own reading of the same text.
    expect(parseCsv(text).rows.length).toBe(n);
  });

  it('hands a cell no number reads back to the row path (same refusal)', () => {
    for (const bad of ['1-2', '٣', '0x10', '1,5'.replace(',', ';')]) {
      const table = parseCsvColumns(`num,cat\n${bad},level 1\n3,level 2`);
      expect(decodeCellColumns(inputs, known, table)).toBeUndefined();
      expect(() => rowsToDataset(inputs, known, csvRowObjects(table))).toThrow();
    }
  });
});
