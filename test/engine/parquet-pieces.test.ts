/**
 * How a Parquet decode is cut into pieces (engine/data/parquet-pieces): every column of every row in
 * exactly one piece, in row order for each column; small row groups read together, a group's columns in
 * batches, a column too large for one piece in ranges of its rows; each piece within the limit.
 */
import { describe, expect, it } from 'vitest';
import { type ParquetGroupSize, type ParquetPiece, parquetPieces } from '../../src/engine/data/parquet-pieces';

const LIMIT = { bytes: 1000, cells: 100 };

/** How many pieces hold each (row, column); and whether each column's pieces come in row order. */
function coverage(pieces: readonly ParquetPiece[], rows: number, columns: number) {
  const seen = Array.from({ length: columns }, () => new Array<number>(rows).fill(0));
  const last = new Array<number>(columns).fill(0);
  let ordered = true;
  for (const { rowStart, rowEnd, columns: cols } of pieces) {
    for (const j of cols) {
      if (rowStart < last[j]) ordered = false;
      last[j] = rowEnd;
      for (let r = rowStart; r < rowEnd; r++) seen[j][r]++;
    }
  }
  return { counts: new Set(seen.flat()), ordered };
}

describe('parquetPieces', () => {
  it('reads small row groups together and a large group column by column', () => {
    const groups: ParquetGroupSize[] = [
      { rows: 5, bytes: [10, 10, 10] },
      { rows: 5, bytes: [10, 10, 10] },
      { rows: 0, bytes: [0, 0, 0] },
      // 3 columns of 40 rows: 120 cells, more than one piece; each column alone fits.
      { rows: 40, bytes: [100, 100, 100] },
    ];
    expect(parquetPieces(groups, 3, LIMIT)).toEqual([
      { rowStart: 0, rowEnd: 10, columns: [0, 1, 2] },
      { rowStart: 10, rowEnd: 50, columns: [0, 1] },
      { rowStart: 10, rowEnd: 50, columns: [2] },
    ]);
  });

  it('cuts a column too large for one piece into ranges of rows, by cells or by bytes', () => {
    // Column 0: 250 rows (2.5 pieces by cells); column 1: 2,600 bytes (2.6 pieces by bytes).
    const pieces = parquetPieces([{ rows: 250, bytes: [500, 2600] }], 2, LIMIT);
    expect(pieces).toEqual([
      { rowStart: 0, rowEnd: 84, columns: [0] },
      { rowStart: 84, rowEnd: 168, columns: [0] },
      { rowStart: 168, rowEnd: 250, columns: [0] },
      { rowStart: 0, rowEnd: 84, columns: [1] },
      { rowStart: 84, rowEnd: 168, columns: [1] },
      { rowStart: 168, rowEnd: 250, columns: [1] },
    ]);
  });

  it('covers every cell once, column by column in row order, within the limit', () => {
    const widths = [3, 90, 1, 140, 7, 7, 7, 33, 260, 2];
    const groups = widths.map((rows, g) => ({ rows, bytes: [g * 50, 900, (g % 3) * 400, 5] }));
    const rows = widths.reduce((a, b) => a + b, 0);
    const pieces = parquetPieces(groups, 4, LIMIT);
    expect(coverage(pieces, rows, 4)).toEqual({ counts: new Set([1]), ordered: true });
    // A piece over the limit holds one column and one range of one group (here at most 260 rows / 3).
    for (const p of pieces) expect((p.rowEnd - p.rowStart) * p.columns.length).toBeLessThanOrEqual(100);
    expect(pieces.length).toBeGreaterThan(widths.length);
  });
});
