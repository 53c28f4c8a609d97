/**
 * A wide table of few rows (900 columns of 300 rows, the shape of a feature matrix) is typed, profiled,
 * encoded and decoded handing the thread back a turn per slice of cells read (core/steps workTally), as a
 * long table is, not a turn per column and pass: each turn is a macrotask, and 9,000 of them made a 1.6 MB
 * upload take seconds under wrangler dev. What is computed is what doing it at once computes.
 */
import { describe, expect, it } from 'vitest';
import { decodeDataset, decodeDatasetYielding, encodeDataset, encodeDatasetYielding } from '../../src/engine/data/columnar-codec';
import { parseCsv } from '../../src/engine/data/csv';
import { inferDataset, inferDatasetYielding } from '../../src/engine/data/infer-schema';

const COLUMNS = 900;
const ROWS = 300;
/** Cells read between two turns (infer-schema CELLS_PER_STEP) and values copied (columnar-codec VALUES_PER_STEP). */
const PIECE = 50_000;

/** Numbers mostly, with a coded and a date column every 100 (categories and dates take their own passes). */
function wideTable() {
  const header = Array.from({ length: COLUMNS }, (_, j) => `f${j}`);
  const lines = [header.join(',')];
  for (let i = 0; i < ROWS; i++) {
    lines.push(header.map((_, j) => (j % 100 === 1 ? ['red', 'green', 'blue'][(i + j) % 3] : j % 100 === 2 ? `2024-03-${String(1 + ((i + j) % 28)).padStart(2, '0')}` : ((i * 7919 + j * 31) % 1000) / 8)).join(','));
  }
  return parseCsv(lines.join('\n'));
}

describe('a wide table of few rows', () => {
  const table = wideTable();
  const atOnce = inferDataset(table, Object.create(null));

  it('is typed and profiled as at once, with turns per slice of cells, not per column', async () => {
    let turns = 0;
    const yielding = await inferDatasetYielding(table, Object.create(null), {}, async () => void turns++);
    expect(yielding.profile).toEqual(atOnce.profile);
    expect(yielding.dataset).toEqual(atOnce.dataset);
    expect(new Set(atOnce.dataset.columns.map((c) => c.type))).toEqual(new Set(['numeric', 'categorical', 'datetime']));
    // Fewer than ten passes over each column's cells, a turn per 50,000 cells read: under 10 × 270,000 / 50,000.
    // A turn per column and pass gave more than 6,000.
    expect(turns).toBeGreaterThan(0);
    expect(turns).toBeLessThan((10 * COLUMNS * ROWS) / PIECE);
  });

  it('is encoded and decoded as at once, with turns per slice of values, not per column', async () => {
    let turns = 0;
    const bytes = await encodeDatasetYielding(atOnce.dataset, async () => void turns++);
    expect(Buffer.from(bytes).equals(Buffer.from(encodeDataset(atOnce.dataset)))).toBe(true);
    // Two passes (taking the columns, copying them) over 270,000 values, and a header of 900 short entries: a
    // turn per column gave 2,700.
    expect(turns).toBeGreaterThan(0);
    expect(turns).toBeLessThanOrEqual((2 * COLUMNS * ROWS) / PIECE + 1);
    turns = 0;
    expect(await decodeDatasetYielding(bytes, async () => void turns++)).toEqual(decodeDataset(bytes));
    // One after the header, then one per 50,000 values (a turn per column gave 901).
    expect(turns).toBeLessThanOrEqual(1 + (COLUMNS * ROWS) / PIECE);
  });
});
