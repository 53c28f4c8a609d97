/**
 * The short cuts typing takes on every cell of an upload give what the long way gave: trimCell is
 * trim() for every character at either end, daysInMonth is the day count a Date made with Date.UTC
 * gave (years 0-99 read as 1900-1999 included), and a numeric column's values, read once by the type
 * guess (data/infer-schema readsAs), are what parsing each cell again would give.
 */
import { describe, expect, it } from 'vitest';
import { daysInMonth, isMissingNumberCell, parseDateCell, parseNumberCell, trimCell } from '../../src/engine/data/column-types';
import { inferDataset } from '../../src/engine/data/infer-schema';

describe('cell fast paths', () => {
  it('trimCell is trim() whatever character begins or ends the cell', () => {
    const wrong: string[] = [];
    for (let code = 0; code <= 0xffff; code++) {
      const c = String.fromCharCode(code);
      for (const cell of [c, c + 'a', 'a' + c, c + 'ab' + c, c + c, ' ' + c + 'x', 'x' + c + ' ']) if (trimCell(cell) !== cell.trim()) wrong.push(JSON.stringify(cell));
    }
    for (const cell of ['', ' ', 'a', ' a ', '\ufeffa', 'a\u00a0', '\u3000\u3000', '\ud83d\ude00', 'x\ud83d']) if (trimCell(cell) !== cell.trim()) wrong.push(JSON.stringify(cell));
    expect(wrong).toEqual([]);
  });

  it('daysInMonth counts the days a Date made with Date.UTC counts, for every year a date cell can write', () => {
    const wrong: string[] = [];
    for (let year = 0; year <= 9999; year++) {
      for (let month = 1; month <= 12; month++) {
        const slow = new Date(Date.UTC(year, month, 0)).getUTCDate();
        if (daysInMonth(year, month) !== slow) wrong.push(`${year}-${month}: ${daysInMonth(year, month)} not ${slow}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('refuses and reads leap days as before: years 0-99 are those of 1900-1999', () => {
    expect(parseDateCell('2000-02-29')).toBe(Date.UTC(2000, 1, 29));
    expect(parseDateCell(' 2024-02-29 10:30 ')).toBe(Date.UTC(2024, 1, 29, 10, 30));
    expect(parseDateCell('1900-02-29')).toBeNaN();
    expect(parseDateCell('2023-02-29')).toBeNaN();
    expect(parseDateCell('2100-02-29T00:00:00Z')).toBeNaN();
    expect(parseDateCell('2024-04-31')).toBeNaN();
    expect(parseDateCell('2024-12-31')).toBe(Date.UTC(2024, 11, 31));
    // Year 0 is a leap year of its own, but Date.UTC read it as 1900, which is not: refused as ever.
    expect(parseDateCell('0000-02-29')).toBeNaN();
    expect(parseDateCell('0100-02-29')).toBeNaN();
    expect(Number.isNaN(parseDateCell('0004-02-29'))).toBe(false);
  });

  it('stores a numeric column as parsing each cell again would, placeholders, strays and spaces among them', () => {
    // Placeholders first: the numbers read are kept from the first number on (readsAs).
    const cells = ['-', ' Unknown', '1', ' 2.5 ', '\u00a03\u00a0', 'NA', '', '-', '#N/A', ' none ', '$1,200', '(4)', '12%', 'oops', '7', '1e3', '\ufeff8', 'n/a', '9', '10', '-11', '+12'];
    for (let i = 0; i < 40; i++) cells.push(String(i * 3 + 0.5));
    const table = { header: ['x', 'label'], rows: cells.map((c, i) => [c, i % 2 ? 'a' : 'b']), lines: cells.map((_, i) => i + 2) };
    const column = inferDataset(table).dataset.columns[0];
    expect(column.type).toBe('numeric');
    if (column.storage !== 'f64') throw new Error('numeric column not stored as numbers');
    const slow = cells.map((c) => (isMissingNumberCell(c) ? NaN : parseNumberCell(c)));
    expect([...column.values]).toEqual(slow);
    // The case is not empty: numbers, and placeholders, missing and stray cells read as NaN.
    expect(slow.filter(Number.isNaN).length).toBe(9);
    expect(slow[10]).toBe(1200);
    expect(slow[11]).toBe(-4);
  });
});
