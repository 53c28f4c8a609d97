/**
 * A column of dates that one cell keeps from being read as dates (02/30/2024, 2024-02-30, a time 25:00
 * or 13:00 PM, ISO-8601 among 03/15/2024 dates) keeps the type the rules give it, but its profile entry
 * says why, naming the cell by line (CSV) or data row, and what to do; two-digit years are said not to be
 * read. A job's "datetime" on such a column names every cell that is not a date, with its data row.
 */
import { describe, expect, it } from 'vitest';
import { appendRows } from '../../src/engine/data/append-rows';
import { decodeDataset, encodeDataset } from '../../src/engine/data/columnar-codec';
import { parseCsv } from '../../src/engine/data/csv';
import { inferDataset } from '../../src/engine/data/infer-schema';
import { applyOverrides } from '../../src/engine/data/overrides';
import { engineError } from './helpers/assertions';

/** 20 dates three days apart from January 1st, 2024, month first, with `cell` in place of the 6th (line 7). */
function column(cell?: string, write = (m: number, d: number) => `${String(m).padStart(2, '0')}/${String(d).padStart(2, '0')}/2024`): string[] {
  return Array.from({ length: 20 }, (_, i) => {
    const day = new Date(Date.UTC(2024, 0, 1 + 3 * i));
    return i === 5 && cell !== undefined ? cell : write(day.getUTCMonth() + 1, day.getUTCDate());
  });
}

const profileOf = (cells: readonly string[]) => inferDataset(parseCsv(['d,x', ...cells.map((c, i) => `${c},${i}`)].join('\n'))).profile[0];

describe('a column of dates with one cell that is not', () => {
  it('is still not a date column, and says which cell and why, by line', () => {
    const p = profileOf(column('02/30/2024'));
    expect(p.type).toBe('id');
    expect(p.warnings).toEqual([
      '19 of 20 values are dates written MM/DD/YYYY (month first), but line 7 holds "02/30/2024", which is not a date (February 2024 has no day 30): the column is read as id; ' +
        'correct the cell, or create the job with "columns": {"d": "datetime"} to have it name the cells that are not dates',
    ]);
  });

  it('names an impossible ISO-8601 date, a time out of range, and a time whose words made the column text', () => {
    expect(profileOf(column('2024-02-30', (m, d) => `2024-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`)).warnings?.[0]).toMatch(
      /^19 of 20 values are dates written ISO-8601, but line 7 holds "2024-02-30", which is not a date \(February 2024 has no day 30\): the column is read as id;/,
    );
    expect(profileOf(column('01/16/2024 25:00', (m, d) => `${m}/${d}/2024 10:00`)).warnings?.[0]).toContain('line 7 holds "01/16/2024 25:00", which is not a date ("25:00" is no time of day): the column is read as id;');
    const pm = profileOf(column('01/16/2024 13:00 PM', (m, d) => `${m}/${d}/2024 1:00 PM`));
    expect(pm.type).toBe('text');
    expect(pm.warnings?.[0]).toContain('which is not a date ("13:00 PM" is no time of day): the column is read as text;');
  });

  it('says ISO-8601 among day-month dates reads with a declared order', () => {
    const cells = column('2024-01-16');
    const p = profileOf(cells);
    expect(p.warnings).toEqual([
      '19 of 20 values are dates written MM/DD/YYYY (month first), but line 7 holds "2024-01-16", which is written ISO-8601 among them: the column is read as id; ' +
        'create the job with "columns": {"d": {"type": "datetime", "date_order": "mdy"}} to read them all',
    ]);
    // Which it does.
    const { dataset } = inferDataset(parseCsv(['d,x', ...cells.map((c, i) => `${c},${i}`)].join('\n')));
    const read = applyOverrides(dataset, { d: { type: 'datetime', date_order: 'mdy' } }).dataset.columns[0];
    expect(read.storage === 'f64' && read.values[5]).toBe(Date.UTC(2024, 0, 16));
  });

  it('offers both orders when every day-month date reads either way', () => {
    const either = Array.from({ length: 12 }, (_, i) => `${String(i + 1).padStart(2, '0')}/01/2024`);
    expect(profileOf([...either, '2024-03-25']).warnings?.[0]).toBe(
      '12 of 13 values are dates written MM/DD/YYYY or DD/MM/YYYY (every one reads either way), but line 14 holds "2024-03-25", which is written ISO-8601 among them: the column is read as id; ' +
        'create the job with "columns": {"d": {"type": "datetime", "date_order": "mdy"}} to read them all (or "dmy" if they are day first)',
    );
  });

  it('says a date of the other order is one', () => {
    expect(profileOf(column('16/01/2024')).warnings?.[0]).toContain(
      'line 7 holds "16/01/2024", which is a date only as DD/MM/YYYY (day first): the column is read as id; correct the cell: a column\'s dates are all month first or all day first',
    );
  });

  it('names the data row when there are no lines to count (Parquet, an appended version)', () => {
    const cells = column('02/30/2024');
    const { profile } = inferDataset({ header: ['d'], rows: cells.map((c) => [c]) });
    expect(profile[0].warnings?.[0]).toContain('but data row 6 holds "02/30/2024"');
  });

  it('says nothing of columns that are not nearly all dates, or too short to tell', () => {
    const twoBad = column('02/30/2024');
    twoBad[7] = 'soon';
    twoBad[9] = 'later';
    expect(profileOf(twoBad).warnings).toBeUndefined();
    expect(profileOf(column('02/30/2024').slice(0, 9)).warnings).toBeUndefined();
    expect(profileOf(Array.from({ length: 20 }, (_, i) => `item ${i}`)).warnings).toBeUndefined();
    // Missing cells and placeholders are not counted against the dates.
    const gaps = column('02/30/2024');
    gaps[2] = '-';
    gaps[3] = '';
    expect(profileOf(gaps).warnings?.[0]).toMatch(/^17 of 18 values are dates/);
  });
});

describe('two-digit years', () => {
  it('are said not to be read, with how to export them', () => {
    const p = profileOf(column(undefined, (m, d) => `${String(m).padStart(2, '0')}/${String(d).padStart(2, '0')}/24`));
    expect(p.type).toBe('id');
    expect(p.warnings).toEqual([
      '20 of 20 values are dates with two-digit years (such as "01/01/24"), which are not read as dates: the century, and in 03/04/05 the order, would be guesses; ' +
        'the column is read as id; export four-digit years (03/15/2024) or ISO-8601 (2024-03-15)',
    ]);
    expect(profileOf(column(undefined, (m, d) => `${d}-${['Jan', 'Feb', 'Mar'][m - 1]}-24`)).warnings?.[0]).toMatch(/^20 of 20 values are dates with two-digit years \(such as "1-Jan-24"\)/);
    // Month names with letters beyond ASCII, as French and German spreadsheets write them.
    expect(profileOf(column(undefined, (m, d) => `${d} ${['janv.', 'févr.', 'März'][m - 1]} 24`)).warnings?.[0]).toMatch(/^20 of 20 values are dates with two-digit years \(such as "1 janv. 24"\)/);
    // One among four-digit years is a cell to correct.
    expect(profileOf(column('01/16/24')).warnings?.[0]).toContain('line 7 holds "01/16/24", which has a two-digit year (not read: the century would be a guess): the column is read as id; write its year with four digits');
  });
});

describe('declaring such a column "datetime" in a job', () => {
  const stored = (cells: readonly string[]) => decodeDataset(encodeDataset(inferDataset(parseCsv(['d,x', ...cells.map((c, i) => `${c},${i}`)].join('\n'))).dataset));

  it('names every cell that is not a date, with its data row and why', () => {
    const cells = column('02/30/2024');
    cells[9] = '13/13/2024';
    const e = engineError(() => applyOverrides(stored(cells), { d: 'datetime' }));
    expect(e.message).toBe('columns: "d" cannot be read as datetime: it holds "02/30/2024" (data row 6: February 2024 has no day 30), "13/13/2024" (data row 10: 13 is no month), which are no dates');
    const declared = engineError(() => applyOverrides(stored(column('30/02/2024')), { d: { type: 'datetime', date_order: 'dmy' } }));
    // In the declared order: 01/13/2024 is a date only month first (a layout mistake), 30/02/2024 none at all.
    expect(declared.message).toBe(
      'columns: "d" cannot be read as datetime: it holds "01/13/2024" (data row 5), "30/02/2024" (data row 6: February 2024 has no day 30), "01/19/2024" (data row 7), ' +
        '"01/22/2024" (data row 8), "01/25/2024" (data row 9) and 7 more, which are no dates as DD/MM/YYYY (day first) or ISO-8601',
    );
  });
});

describe('a date that is no real date, appended', () => {
  it('is refused saying so, not as a date in another layout', () => {
    const base = decodeDataset(encodeDataset(inferDataset(parseCsv('d,x\n03/14/2024,1\n03/15/2024,2\n')).dataset));
    const e = engineError(() => appendRows(base, parseCsv('d,x\n02/30/2024,3\n'), 'line', 100));
    expect(e.message).toBe('line 2, column "d": "02/30/2024" is not a real date (February 2024 has no day 30)');
    expect(e.details).toEqual({ line: 2, column: 'd' });
    expect(engineError(() => appendRows(base, parseCsv('d,x\n16/03/2024,3\n'), 'line', 100)).message).toContain('is not a date as MM/DD/YYYY (month first) or ISO-8601');
  });
});
