/**
 * The parts of reading an upload and appending rows that used to run in one go now hand the thread back,
 * and give what they gave at once: UTF-8 decoding (a character split at any piece boundary), line
 * endings made one, a column's coding (its levels sorted in pieces), a stored dataset's decoding, and
 * appending rows (the same version, the same refusals at the same lines). Each counts its turns on a
 * large input, which the one-go code did not give.
 */
import { describe, expect, it } from 'vitest';
import { runSteps, runStepsYielding, type Steps } from '../../src/engine/core/steps';
import { utf8DecodeStrict, utf8DecodeStrictSteps, utf8Encode } from '../../src/engine/core/utf8';
import { appendRows, appendRowsYielding } from '../../src/engine/data/append-rows';
import { decodeDataset, decodeDatasetYielding, encodeDataset } from '../../src/engine/data/columnar-codec';
import { type CsvTable, parseCsv } from '../../src/engine/data/csv';
import { inferDataset, inferDatasetYielding } from '../../src/engine/data/infer-schema';
import { unifyLineEndingsSteps } from '../../src/engine/data/line-endings';
import { sortStringsSteps } from '../../src/engine/data/sort-steps';

/** Runs steps with a turn counter for the host. */
async function counting<T>(steps: Steps<T>): Promise<{ value: T; turns: number }> {
  let turns = 0;
  const value = await runStepsYielding(steps, async () => {
    turns++;
  });
  return { value, turns };
}

const bytesOf = (...b: number[]) => Uint8Array.from(b);

describe('utf8DecodeStrictSteps', () => {
  // 2-, 3- and 4-byte characters, a byte-order mark first and a U+FEFF inside (a character, kept).
  const CSV = '\ufeffname,city,note\nRenée,Köln,€ 5\n李雷,東京,😀 ok\n"Zoë, Ann",Ørsted,\ufeffmark\n';
  const bytes = utf8Encode(CSV);

  it('decodes a CSV to the same text (and table) with a piece boundary at every byte', () => {
    const whole = utf8DecodeStrict(bytes);
    expect(whole).toBe(CSV.slice(1));
    for (let size = 1; size <= bytes.length; size++) {
      const text = runSteps(utf8DecodeStrictSteps(bytes, size));
      expect(text, `pieces of ${size} bytes`).toBe(whole);
    }
    expect(parseCsv(runSteps(utf8DecodeStrictSteps(bytes, 5)) as string)).toEqual(parseCsv(whole as string));
  });

  it('refuses what decoding at once refuses, wherever the pieces end', () => {
    const bad = [
      bytesOf(0x61, 0xe2, 0x82), // truncated at the end
      bytesOf(0x61, 0x80, 0x62), // lone continuation
      bytesOf(0x61, 0xc0, 0xaf, 0x62), // overlong
      bytesOf(0x61, 0xe2, 0x82, 0xac, 0x80, 0x80, 0x80, 0x80, 0x62), // a run of continuations past a character
      bytesOf(0xed, 0xa0, 0x80, 0x61), // surrogate half
      bytesOf(0x61, 0xf0, 0x9f, 0x98, 0x61), // a 4-byte character cut short
    ];
    for (const b of bad) {
      expect(utf8DecodeStrict(b)).toBeUndefined();
      for (let size = 1; size <= b.length; size++) expect(runSteps(utf8DecodeStrictSteps(b, size)), `pieces of ${size}`).toBeUndefined();
    }
  });

  it('hands the thread back between pieces of a large body', async () => {
    const large = utf8Encode(`a,b\n${'Köln,😀\n'.repeat(400_000)}`);
    const { value, turns } = await counting(utf8DecodeStrictSteps(large));
    expect(value).toBe(utf8DecodeStrict(large));
    // 4.4 MB in pieces of 1 MiB.
    expect(turns).toBeGreaterThanOrEqual(4);
  });
});

describe('unifyLineEndingsSteps', () => {
  /** What the one-go rewriting did: CRLF made LF only in a file that has both CRLF and a lone LF. */
  const atOnce = (text: string) => (text.indexOf('\r\n') < 0 || !/(^|[^\r])\n/.test(text) ? text : text.replace(/\r\n/g, '\n'));
  const CASES = ['a,b\r\n1,2\r\n3,4\r\n', 'a,b\r\n1,2\n3,4\r\n', 'a,b\r\r\n1\r\r\r\n2\n', '\n\r\n', 'a\rb\r\nc\r\n', 'a,b\n1,2\n', '"x\r\ny",1\r\n2,3\n', '\r\n\r\n\n'];

  it('gives what rewriting at once gives, with a piece boundary at every character', () => {
    for (const text of CASES) {
      for (let size = 1; size <= text.length; size++) expect(runSteps(unifyLineEndingsSteps(text, size)), `${JSON.stringify(text)} in pieces of ${size}`).toBe(atOnce(text));
    }
  });

  it('hands the thread back while checking and rewriting a large mixed file', async () => {
    const text = `a,b\r\n${'1,2\r\n'.repeat(500_000)}3,4\n`;
    const { value, turns } = await counting(unifyLineEndingsSteps(text));
    expect(value).toBe(atOnce(text));
    // 2.5 M characters, checked then rewritten in pieces of 1 Mi.
    expect(turns).toBeGreaterThanOrEqual(6);
  });
});

describe('sortStringsSteps', () => {
  it('sorts as Array.prototype.sort does, whatever the piece length', () => {
    let seed = 11;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const alphabet = ['a', 'B', 'z', 'é', 'É', '1', ' ', '😀', '\uffff', '李'];
    const values = [...new Set(Array.from({ length: 500 }, () => Array.from({ length: 1 + Math.floor(next() * 4) }, () => alphabet[Math.floor(next() * alphabet.length)]).join('')))];
    const sorted = [...values].sort();
    for (const piece of [1, 2, 3, 7, 64, 499, 10_000]) expect(runSteps(sortStringsSteps(values, piece)), `pieces of ${piece}`).toEqual(sorted);
  });
});

/** A table whose coded columns hold more cells than a slice of the passes (50,000): unique keys, categories, boolean spellings. */
function codedTable(rows: number): CsvTable {
  const lines = ['ref,city,flag,amount'];
  for (let i = 0; i < rows; i++) lines.push(`K${(i * 7919) % rows}-${i % 13},${['Paris', 'Lyon', 'Lille', 'Nice'][i % 4]},${['yes', 'no', 'Yes', 'NO'][i % 4]},${i % 10}`);
  return parseCsv(lines.join('\n'));
}

describe('coding a column in pieces', () => {
  it('codes as at once, giving turns inside the coding of a column', async () => {
    const rows = 200_000;
    const table = codedTable(rows);
    const atOnce = inferDataset(table, Object.create(null));
    // An identifier (200,000 levels, sorted in pieces), categories, a boolean of four spellings, numbers.
    expect(atOnce.dataset.columns.map((c) => `${c.type}:${c.storage}`)).toEqual(['id:codes', 'categorical:codes', 'boolean:codes', 'numeric:f64']);
    let turns = 0;
    const yielding = await inferDatasetYielding(table, Object.create(null), {}, async () => {
      turns++;
    });
    expect(yielding.dataset).toEqual(atOnce.dataset);
    expect(yielding.profile).toEqual(atOnce.profile);
    // The passes before coding give 57 turns here (the cells taken and read, 4 slices each, per column,
    // and the numbers' parsing); coding the 3 coded columns in pieces adds 2 passes of 4 slices each at least.
    expect(turns).toBeGreaterThan(57 + 24);
  });
});

/** A dataset as a version stores it. */
const stored = (table: CsvTable) => decodeDataset(encodeDataset(inferDataset(table).dataset));

/** A yieldControl that counts its calls. */
function turnCounter() {
  const counter = { turns: 0, yieldControl: async () => void counter.turns++ };
  return counter;
}

describe('decodeDatasetYielding', () => {
  it('decodes as decodeDataset does, handing the thread back after the header and every 50,000 values', async () => {
    const bytes = encodeDataset(inferDataset(codedTable(1000)).dataset);
    const counter = turnCounter();
    expect(await decodeDatasetYielding(bytes, counter.yieldControl)).toEqual(decodeDataset(bytes));
    // One after the header; the 4 columns of 1,000 values share none (a turn per 50,000 values read).
    expect(counter.turns).toBe(1);
  });
});

/** What appending gives, or its refusal (message and details). */
async function appendOutcome(append: () => unknown): Promise<unknown> {
  try {
    return { appended: await append() };
  } catch (err) {
    const e = err as { message: string; details?: unknown };
    return { refused: e.message, details: e.details };
  }
}

describe('appendRowsYielding', () => {
  const base = stored(codedTable(100_000));
  const lines = ['amount,flag,city,ref'];
  for (let i = 0; i < 60_000; i++) lines.push(`${i % 7},${i % 2 ? 'yes' : 'NO'},${['Paris', 'Brest'][i % 2]},N${i}`);

  it('appends as appendRows does, handing the thread back while writing the rows back and typing them', async () => {
    const added = parseCsv(lines.join('\n'));
    const counter = turnCounter();
    const yielding = await appendOutcome(() => appendRowsYielding(base, added, 'line', 1_000_000, counter.yieldControl));
    expect(yielding).toEqual(await appendOutcome(() => appendRows(base, added, 'line', 1_000_000)));
    expect(yielding).toMatchObject({ appended: { added: 60_000, dataset: { rows: 160_000 } } });
    // 160,000 rows of 4 cells written back in slices of 50,000 cells (12), and the typing's passes over them.
    expect(counter.turns).toBeGreaterThan(12 + 4 * 4 * 3);
  });

  it('refuses as appendRows does, at the same line', async () => {
    const bad = [...lines];
    bad[45_000] = 'abc,yes,Paris,X1';
    const added = parseCsv(bad.join('\n'));
    const yielding = await appendOutcome(() => appendRowsYielding(base, added, 'line', 1_000_000, turnCounter().yieldControl));
    expect(yielding).toEqual(await appendOutcome(() => appendRows(base, added, 'line', 1_000_000)));
    expect(yielding).toMatchObject({ details: { line: 45_001, column: 'amount' } });
  });
});
