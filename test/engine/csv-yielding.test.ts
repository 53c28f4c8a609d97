/**
 * parseCsvYielding reads a CSV in pieces, handing the thread back between them: whatever the piece size,
 * its table (rows, line numbers, warnings) and its refusals (message and line) are parseCsv's.
 */
import { describe, expect, it } from 'vitest';
import { parseCsv, parseCsvYielding } from '../../src/engine/data/csv';

/** A piece of a character and up, so pieces end inside quotes, line breaks and rows. */
const PIECE_SIZES = [1, 2, 3, 5, 8, 13, 40, 1000];

type Outcome = { table: unknown } | { refused: string; details: unknown };

const outcome = (read: () => unknown): Outcome => {
  try {
    return { table: read() };
  } catch (err) {
    const e = err as { message: string; details?: unknown };
    return { refused: e.message, details: e.details };
  }
};

async function outcomeYielding(text: string, pieceChars: number, limits = {}): Promise<{ outcome: Outcome; turns: number }> {
  let turns = 0;
  const yieldControl = async () => {
    turns++;
  };
  try {
    return { outcome: { table: await parseCsvYielding(text, limits, yieldControl, pieceChars) }, turns };
  } catch (err) {
    const e = err as { message: string; details?: unknown };
    return { outcome: { refused: e.message, details: e.details }, turns };
  }
}

async function expectSameReading(text: string, limits = {}) {
  const whole = outcome(() => parseCsv(text, limits));
  for (const size of PIECE_SIZES) {
    const { outcome: pieces } = await outcomeYielding(text, size, limits);
    expect(pieces, `pieces of ${size} characters`).toEqual(whole);
  }
  return whole;
}

const CASES: Record<string, string> = {
  'LF, no quote': 'a,b,c\n1,2,3\n4,5,6\n7,8,9\n',
  'CRLF, no quote, no final line break': 'a,b\r\n1,2\r\n3,4\r\n5,6',
  'lone CR line breaks': 'a,b\r1,2\r3,4\r',
  'quoted fields with separators, quotes and line breaks': 'a,b\n"x, y",1\n"he said ""hi""",2\n"two\nlines",3\n"crlf\r\ninside",4\nplain,5\n',
  'quoted CRLF file': 'a,b\r\n"x\r\ny",1\r\n2,"3"\r\n"",""\r\n',
  'blank and space-only lines, separator-only rows': 'a,b\n\n1,2\n   \n,\n\n3,4\n\n',
  'BOM and Excel sep line': '\ufeffsep=;\r\na;b\r\n"1,5";2\r\n3,25;4\r\n',
  'semicolons with dotted thousands': 'x;y\n1.200.000;a\n3,5;b\n120.000;c\n',
  'an empty unnamed column': 'a,b,\n1,2,\n3,4,\n"5",6,\n',
  'a value in an unnamed column': 'a,b,\n1,2,\n3,4,\n5,6,x\n',
  'a ragged row late in a quoted file': 'a,b\n"1",2\n3,4\n5,"6"\n7\n8,9\n',
  'a ragged row late in a quote-free file': 'a,b\n1,2\n3,4\n5,6\n7\n8,9\n',
  'a quote never closed': 'a,b\n1,2\n3,4\n"5,6\n7,8\n',
  'a malformed closing quote': 'a,b\n1,2\n"3"x,4\n5,6\n',
  'a duplicate header': 'a,a\n1,2\n',
  'a header only': 'a,b\n\n',
};

describe('parseCsvYielding', () => {
  for (const [name, text] of Object.entries(CASES)) {
    it(`reads as parseCsv does: ${name}`, async () => {
      await expectSameReading(text);
    });
  }

  it('refuses the row past the row limit at the same line', async () => {
    const whole = await expectSameReading('a,b\n1,2\n"3",4\n5,6\n7,8\n', { maxRows: 2 });
    expect(whole).toMatchObject({ details: { line: 4, max_rows: 2 } });
  });

  it('names the same line as parseCsv for a refusal far into a generated file, quoted or not', async () => {
    for (const quoted of [false, true]) {
      const rows = Array.from({ length: 3000 }, (_, i) => (quoted && i % 7 === 0 ? `"r${i}\nmore",${i}` : `r${i},${i}`));
      rows[2400] = 'oops';
      const text = `name,n\n${rows.join('\n')}\n`;
      const whole = outcome(() => parseCsv(text));
      expect(whole).toMatchObject({ details: { line: quoted ? 2 + 2400 + Math.ceil(2400 / 7) : 2402 } });
      for (const size of [97, 1024, 4096]) {
        const { outcome: pieces, turns } = await outcomeYielding(text, size);
        expect(pieces).toEqual(whole);
        expect(turns).toBeGreaterThan(3);
      }
    }
  });

  it('reads a generated file of mixed cells the same in pieces, handing the thread back between them', async () => {
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const cells = ['1', '2.5', '', ' ', 'NA', 'x y', '"q, r"', '"multi\nline"', '"say ""hi"""', '"a\r\nb"', '-3'];
    for (const ending of ['\n', '\r\n']) {
      const lines = ['c1,c2,c3'];
      for (let i = 0; i < 2000; i++) lines.push([0, 1, 2].map(() => cells[Math.floor(next() * cells.length)]).join(','));
      const text = lines.join(ending) + ending;
      const whole = parseCsv(text);
      expect(whole.rows.length).toBe(2000);
      for (const size of [50, 777, 5000]) {
        const { outcome: pieces, turns } = await outcomeYielding(text, size);
        expect(pieces).toEqual({ table: whole });
        expect(turns).toBeGreaterThanOrEqual(Math.floor(text.length / size / 2));
      }
    }
  });
});
