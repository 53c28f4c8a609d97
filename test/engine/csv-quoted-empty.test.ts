/**
 * A one-column CSV's quoted empty field ("") is a row with a missing value, as Python's csv module and
 * pandas write one, not a blank line to skip: skipped, a predict batch answered one row fewer and every
 * later answer landed on the wrong row (predict audit). A line of spaces alone is still no row.
 */
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/engine/data/csv';
import { parseCsvColumns } from '../../src/engine/data/csv-columns';

describe('a quoted empty field alone on its line', () => {
  it('is a row with a missing value, named by its line', () => {
    for (const text of ['x\n5\n""\n70\n', 'x\r\n5\r\n""\r\n70\r\n']) {
      const table = parseCsv(text);
      expect(table.rows).toEqual([['5'], [''], ['70']]);
      expect(table.lines).toEqual([2, 3, 4]);
      expect(parseCsvColumns(text)).toMatchObject({ rows: 3, columns: [['5', '', '70']], lines: [2, 3, 4] });
    }
    expect(parseCsv('review\n""').rows).toEqual([['']]);
  });

  it('leaves lines of spaces, and empty lines, out as before', () => {
    const table = parseCsv('x\n5\n   \n\n"a"\n');
    expect(table.rows).toEqual([['5'], ['a']]);
    expect(table.lines).toEqual([2, 5]);
  });
});
