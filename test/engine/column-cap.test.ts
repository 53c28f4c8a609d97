/**
 * The column cap of a table (data/column-cap): the operator's MAX_COLUMNS for any table, and a wider one
 * for an image's pixels as px_* columns, so a CSV or Parquet file of 32x32 RGB images (3,072 pixel
 * columns and a label) uploads as a zip of the same images does.
 */
import { describe, expect, it } from 'vitest';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { columnCountAllowed } from '../../src/engine/data/column-cap';
import { parseCsv } from '../../src/engine/data/csv';
import { parseCsvColumns } from '../../src/engine/data/csv-columns';
import { readParquetTable } from '../../src/engine/data/parquet';
import { engineError } from './helpers/assertions';

const cap = { maxColumns: 1_000, maxPixelColumns: 12_352 };
const pixels = (h: number, w: number, c: number) => Array.from({ length: h * w * c }, (_, i) => `px_r${Math.floor(i / (w * c))}_c${Math.floor(i / c) % w}_${i % c}`);
const csv = (names: readonly string[]) => [names.join(','), names.map((_, j) => String(j % 256)).join(','), names.map((_, j) => String((j * 7) % 256)).join(',')].join('\n');

describe('the column cap', () => {
  it('lets an image of pixel columns past MAX_COLUMNS, with a label and a few more columns', () => {
    const names = [...pixels(32, 32, 3), 'label'];
    expect(columnCountAllowed(names, cap)).toBe(true);
    const table = parseCsv(csv(names), cap);
    expect(table.header).toHaveLength(3_073);
    expect(table.rows[1][3]).toBe('21');
    expect(parseCsvColumns(csv(names), cap).columns).toHaveLength(3_073);
  });

  it('holds any other table to MAX_COLUMNS, and says how far pixel columns may go', () => {
    const numbered = Array.from({ length: 1_001 }, (_, j) => `c${j}`);
    expect(columnCountAllowed(numbered, cap)).toBe(false);
    const err = engineError(() => parseCsv(csv(numbered), cap));
    expect(err.message).toBe('the header has 1001 columns; at most 1000 are allowed (12352 for an image\'s pixels as columns: all but 64 of them named px_r{row}_c{col} or px_r{row}_c{col}_{channel})');
    // Pixels with more than 64 other columns, or more pixels than the wider cap.
    expect(columnCountAllowed([...pixels(40, 40, 1), ...Array.from({ length: 65 }, (_, j) => `x${j}`)], cap)).toBe(false);
    expect(columnCountAllowed(pixels(64, 65, 3), cap)).toBe(false);
    // Without a wider cap (predict bodies set their own), none.
    expect(columnCountAllowed(pixels(32, 32, 3), { maxColumns: 1_000 })).toBe(false);
    expect(engineError(() => parseCsv(csv(pixels(32, 32, 3)), { maxColumns: 1_000 })).message).toBe('the header has 3072 columns; at most 1000 are allowed');
  });

  it('reads a Parquet file of pixel columns past MAX_COLUMNS the same way', async () => {
    const names = [...pixels(24, 24, 2), 'label'];
    const file = parquetWriteBuffer({ columnData: names.map((name, j) => ({ name, data: [j % 256, (j * 3) % 256], type: 'INT32' as const })) });
    const table = await readParquetTable(new Uint8Array(file), cap);
    expect(table.header).toHaveLength(1_153);
    await expect(readParquetTable(new Uint8Array(file), { maxColumns: 1_000 })).rejects.toThrow(/the file has 1153 columns; at most 1000 are allowed$/);
  });
});
