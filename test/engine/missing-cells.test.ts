/**
 * What counts as a missing cell, and a missing number or date: every missing spelling and placeholder in
 * any case and between any spaces trim takes off (a no-break space, a byte-order mark), and no other
 * cell, whatever its first character. isMissingCell and isMissingNumberCell answer most cells from their
 * first character alone (data/column-types mayBeToken): this holds them to trimming and lower-casing.
 */
import { describe, expect, it } from 'vitest';
import { isMissingCell, isMissingNumberCell } from '../../src/engine/data/column-types';

const MISSING = ['', 'na', 'n/a', 'nan', 'null', '?'];
const PLACEHOLDERS = ['-', '--', '\u2013', '\u2014', 'none', 'missing', 'unknown', 'nil', 'undefined', 'n.a.', '#n/a', '#na', '#value!', '#div/0!', '#ref!', '#num!', '#name?', '#null!'];
const SPACES = ['', ' ', '\t', '\r\n', '\u00a0', '\ufeff', '\u3000'];
/** A token as a file may write it: upper, lower or capitalised, between spaces. */
const dressed = (token: string) => [token, token.toUpperCase(), token.charAt(0).toUpperCase() + token.slice(1)].flatMap((t) => SPACES.flatMap((a) => SPACES.map((b) => a + t + b)));

describe('missing cells', () => {
  it('reads every missing spelling in any case and between any spaces as missing, in any column', () => {
    for (const cell of MISSING.flatMap(dressed)) {
      expect(isMissingCell(cell), JSON.stringify(cell)).toBe(true);
      expect(isMissingNumberCell(cell), JSON.stringify(cell)).toBe(true);
    }
  });

  it('reads placeholders as missing among numbers and dates only', () => {
    for (const cell of PLACEHOLDERS.flatMap(dressed)) {
      expect(isMissingNumberCell(cell), JSON.stringify(cell)).toBe(true);
      expect(isMissingCell(cell), JSON.stringify(cell)).toBe(false);
    }
  });

  it('reads no other cell as missing, whatever it begins with', () => {
    // Every printable ASCII first character, before a token's rest and alone; and values that only begin like one.
    const others = [...Array.from({ length: 94 }, (_, i) => String.fromCharCode(33 + i)).flatMap((c) => [c + 'a', c + 'ull', c + '/a', c + '1'].filter((cell) => !MISSING.includes(cell.toLowerCase()))), 'n12', 'Nice', 'nano', '?!', '3.5', 'N/A2', '\u0130NA', '\u212a', 'nul l'];
    for (const cell of others) expect(isMissingCell(cell), JSON.stringify(cell)).toBe(false);
    for (const cell of ['12', '-5', '#1', 'n12', 'u2', '$3', 'minus', 'nones', '\u2013 5']) expect(isMissingNumberCell(cell), JSON.stringify(cell)).toBe(false);
  });
});
