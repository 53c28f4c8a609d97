/**
 * `edge-automl predict` on a file over one request's limits (cli/predict-batches), in plain Node: every
 * batch read by the server's own CSV reading (worker/csv-body) gives, in order, exactly the rows and lines
 * of the whole file, whatever the file's quoting, line endings, blank lines or "sep=" line; answers are
 * joined in order from one model version; a refusal names the line or row of the whole file.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ApiClientError, type Prediction } from '../../src/client';
import { UsageError } from '../../src/cli/errors';
import { csvBatches, csvLineName, joinPredictions, MAX_BODY_BYTES, MAX_PREDICT_ROWS, nameFileRow, parquetRowName, predictInOrder, rowBatches, shiftIndex, shiftPosition } from '../../src/cli/predict-batches';
import { parseCsvBytes } from '../../src/worker/csv-body';
import { MAX_JSON_BYTES, MAX_PREDICT_ROWS as SERVER_MAX_ROWS } from '../../src/worker/schemas';

/** The table the server reads from a body (the predict route reads these cells as columns). */
const serverRead = (text: string, maxRows = Number.MAX_SAFE_INTEGER) => parseCsvBytes(new TextEncoder().encode(text), { maxRows, maxColumns: 10_000 });

/** Batches read as the server reads each, mapped back to the file's lines. */
function readBatches(text: string, maxRows: number, maxBytes = MAX_BODY_BYTES) {
  const batches = csvBatches(text, 'f.csv', { maxRows, maxBytes });
  const read = batches.map((b) => ({ batch: b, table: serverRead(b.text, maxRows) }));
  return {
    batches,
    header: read.map((r) => r.table.header),
    rows: read.flatMap((r) => r.table.rows),
    lines: read.flatMap((r) => (r.table.lines ?? []).map((line) => line + r.batch.lineOffset)),
    sizes: read.map((r) => r.table.rows.length),
  };
}

describe('CSV batches', () => {
  it('use the limits the server enforces', () => {
    expect(MAX_PREDICT_ROWS).toBe(SERVER_MAX_ROWS);
    expect(MAX_BODY_BYTES).toBe(MAX_JSON_BYTES);
  });

  it('a file within the limits is one batch, sent exactly as read', () => {
    const text = 'a,b\r\n1,2\r\n3,4\r\n';
    expect(csvBatches(text, 'f.csv', { maxRows: 2, maxBytes: 1000 })).toEqual([{ text, firstRowLine: 1, lineOffset: 0, rowOffset: 0 }]);
  });

  it('25 rows at 10 a request: 10, 10 and 5, each under the header, the lines of the whole file', () => {
    const text = `x,y\n${Array.from({ length: 25 }, (_, i) => `${i},v${i}`).join('\n')}\n`;
    const whole = serverRead(text);
    const read = readBatches(text, 10);
    expect(read.sizes).toEqual([10, 10, 5]);
    expect(read.header).toEqual([['x', 'y'], ['x', 'y'], ['x', 'y']]);
    expect(read.rows).toEqual(whole.rows);
    expect(read.lines).toEqual(whole.lines);
    expect(read.batches[1].text.startsWith('x,y\n10,v10\n')).toBe(true);
  });

  it('keeps a BOM, a "sep=;" line, decimal commas, quoted line breaks, blank lines and ",," rows as the whole file reads them', () => {
    const text = '\ufeffsep=;\r\n\r\na;b;c\r\n1,5;"two\r\nlines";x\r\n\r\n;;\r\n  \r\n3;"q""uote";y\r\n4;z;\r\n5;;w';
    const whole = serverRead(text);
    expect(whole.rows).toHaveLength(5);
    for (const maxRows of [1, 2, 3, 4]) {
      const read = readBatches(text, maxRows);
      expect(read.rows).toEqual(whole.rows);
      expect(read.lines).toEqual(whole.lines);
      expect(Math.max(...read.sizes)).toBeLessThanOrEqual(maxRows);
    }
  });

  it('a file mixing CRLF and LF reads as the server reads it whole (quoted CRLF becomes LF everywhere)', () => {
    const text = 'a,b\r\n"x\r\ny",1\r\n2,3\n"p\r\nq",4\n';
    const whole = serverRead(text);
    const read = readBatches(text, 1);
    expect(read.rows).toEqual(whole.rows);
    expect(read.rows[2][0]).toBe('p\nq');
  });

  it('cuts by size too: no batch over the byte cap unless one row alone is', () => {
    const row = (i: number) => `${i},${'x'.repeat(90)}`;
    const text = `id,text\n${Array.from({ length: 30 }, (_, i) => row(i)).join('\n')}\n`;
    const read = readBatches(text, 1_000, 1_000);
    for (const b of read.batches) expect(Buffer.byteLength(b.text)).toBeLessThanOrEqual(1_000);
    // 8 bytes of header and 93 or 94 bytes a row: 10 rows fit under 1,000, 11 do not.
    expect(read.sizes).toEqual([10, 10, 10]);
  });

  it('any table, any line ending: the batches hold the rows and lines of the whole file, at most maxRows each', () => {
    const cell = fc.stringMatching(/^[a-c ,;"\n1-3]{0,5}$/);
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }).chain((width) => fc.tuple(fc.constant(width), fc.array(fc.array(cell, { minLength: width, maxLength: width }), { minLength: 1, maxLength: 25 }))),
        fc.constantFrom('\n', '\r\n', '\r'),
        fc.integer({ min: 1, max: 7 }),
        ([width, rows], eol, maxRows) => {
          const quote = (v: string) => (/[",;\n\r]/.test(v) || v.trim() === '' ? `"${v.replace(/"/g, '""').replace(/\n/g, eol)}"` : v);
          const header = Array.from({ length: width }, (_, j) => `c${j}`);
          const text = [header, ...rows].map((r) => r.map(quote).join(',')).join(eol) + eol;
          // Only files the server reads: one of blank rows alone has no data rows.
          fc.pre(rows.some((r) => r.length > 1 || r[0].trim() !== ''));
          const whole = serverRead(text);
          const read = readBatches(text, maxRows);
          expect(read.rows).toEqual(whole.rows);
          expect(read.lines).toEqual(whole.lines);
          expect(Math.max(...read.sizes)).toBeLessThanOrEqual(maxRows);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('a broken file over the limits is refused here, naming the file and the line in it', () => {
    const text = `a,b\n${Array.from({ length: 30 }, (_, i) => (i === 22 ? '1,2,3' : `${i},1`)).join('\n')}\n`;
    expect(() => csvBatches(text, 'big.csv', { maxRows: 10, maxBytes: MAX_BODY_BYTES })).toThrow(UsageError);
    expect(() => csvBatches(text, 'big.csv', { maxRows: 10, maxBytes: MAX_BODY_BYTES })).toThrow(expect.objectContaining({ where: 'big.csv', message: expect.stringMatching(/^line 24 has 3 fields/) }));
  });
});

describe('JSON row batches', () => {
  it('at most maxRows rows each, in order, with the index of their first row', () => {
    const rows = Array.from({ length: 25 }, (_, i) => ({ i }));
    const batches = rowBatches(rows, { maxRows: 10, maxBytes: MAX_BODY_BYTES });
    expect(batches.map((b) => [b.first, b.rows.length])).toEqual([
      [0, 10],
      [10, 10],
      [20, 5],
    ]);
    expect(batches.flatMap((b) => b.rows)).toEqual(rows);
  });

  it('and within the byte cap (images are large rows)', () => {
    const rows = Array.from({ length: 12 }, () => ({ image: 'x'.repeat(400) }));
    const batches = rowBatches(rows, { maxRows: 100, maxBytes: 1024 + 1_000 });
    expect(batches.map((b) => b.rows.length)).toEqual([2, 2, 2, 2, 2, 2]);
  });
});

describe('sending batches', () => {
  const answer = (version: number, labels: string[]): Prediction => ({
    model: { name: 'm', version },
    predictions: labels,
    probabilities: labels.map((l) => ({ a: l === 'a' ? 0.9 : 0.1, b: l === 'a' ? 0.1 : 0.9 })),
  });

  it('joins the answers in order, every batch after the first pinned to the version that answered it', async () => {
    const asked: (number | undefined)[] = [];
    const labels = [['a', 'b'], ['b'], ['a']];
    const result = await predictInOrder([0, 1, 2], undefined, async (i, version) => {
      asked.push(version);
      return answer(7, labels[i]);
    });
    expect(asked).toEqual([undefined, 7, 7]);
    expect(result).toEqual(answer(7, ['a', 'b', 'b', 'a']));
  });

  it('a version asked for goes with every batch', async () => {
    const asked: (number | undefined)[] = [];
    await predictInOrder([0, 1], 2, async (_i, version) => {
      asked.push(version);
      return answer(2, ['a']);
    });
    expect(asked).toEqual([2, 2]);
  });

  it('joins explanations and keeps their space', () => {
    const part = (output: number): Prediction => ({ model: { name: 'm', version: 1 }, predictions: [output], explanation_space: 'value', explanations: [{ output, base: 0, contributions: { x: output } }] });
    expect(joinPredictions([part(1), part(2)])).toEqual({ ...part(1), predictions: [1, 2], explanations: [...part(1).explanations!, ...part(2).explanations!] });
  });

  it("a refusal of a later batch names the whole file's line (CSV) or row (JSON rows)", async () => {
    const text = `a,b\n${Array.from({ length: 25 }, (_, i) => `${i},1`).join('\n')}\n`;
    const batches = csvBatches(text, 'f.csv', { maxRows: 10, maxBytes: MAX_BODY_BYTES });
    const refused = predictInOrder(
      batches,
      undefined,
      async (b) => {
        if (b !== batches[1]) return answer(1, ['a']);
        // The fourth row of the second batch: line 5 of what was sent (its row 3 from 0), line 15 of the file (its row 13).
        throw new ApiClientError(400, 'invalid_input', 'line 5, column "b": expected a number, got "x"', { line: 5, column: 'b', index: 3 });
      },
      (err, b) => shiftIndex(shiftPosition(err, 'line', b.lineOffset, b.firstRowLine), b.rowOffset),
    );
    await expect(refused).rejects.toMatchObject({ code: 'invalid_input', message: 'line 15, column "b": expected a number, got "x"', details: { line: 15, column: 'b', index: 13 } });

    const row = shiftPosition(new ApiClientError(400, 'invalid_input', 'row 3, column "b": not a number', { row: 3, column: 'b' }), 'row', 20);
    expect(row).toMatchObject({ message: 'row 23, column "b": not a number', details: { row: 23 } });
    // The server names a JSON row as its element of rows, and its index moves with it.
    const element = shiftPosition(new ApiClientError(400, 'invalid_input', 'rows[3], column "b": not a number', { row: 3, column: 'b', index: 3 }), 'row', 20);
    expect(element).toMatchObject({ message: 'rows[23], column "b": not a number', details: { row: 23, column: 'b', index: 23 } });
    // Rows read from a file are named as the server names that file's rows when it is the body.
    expect(nameFileRow(element, parquetRowName)).toMatchObject({ message: 'row 24 of the Parquet file, column "b": not a number', details: { row: 24, column: 'b', index: 23 } });
    const lines = Array.from({ length: 30 }, (_, i) => (i < 23 ? i + 2 : i + 5));
    const byLine = nameFileRow(element, csvLineName(lines)) as ApiClientError;
    expect({ message: byLine.message, details: byLine.details }).toEqual({ message: 'line 28, column "b": not a number', details: { line: 28, column: 'b', index: 23 } });
    // Header refusals are the file's own lines already.
    expect(shiftPosition(new ApiClientError(400, 'x', 'line 1: bad', { line: 1 }), 'line', 10, 2)).toMatchObject({ message: 'line 1: bad' });
  });
});
