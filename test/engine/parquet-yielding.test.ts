/**
 * A Parquet file is decoded in pieces, awaiting the caller's turn function between them (uploads give
 * other requests a turn so): on files of several row groups, and of one row group of several pages, the
 * table is the file's values written as the CSV reader's text cells, with turns or without. A cell that
 * cannot be written is refused by row and column even late in a large file.
 */
import { parquetWriteBuffer } from 'hyparquet-writer';
import { describe, expect, it } from 'vitest';
import { EngineError } from '../../src/engine/core/errors';
import { readParquetColumns, readParquetTable } from '../../src/engine/data/parquet';

const CITIES = ['Paris', 'Oslo', 'Lima', 'Zürich'];

/** `rows` rows in row groups of `groupRows`, nulls here and there; and the cells they must read as. */
function file(rows: number, groupRows: number): { bytes: Uint8Array; expected: string[][] } {
  const at = (i: number, value: unknown) => (i % 97 === 5 ? null : value);
  const ids = Array.from({ length: rows }, (_, i) => i - 1000);
  const amounts = ids.map((i) => at(i + 1000, i / 8));
  const cities = ids.map((_, i) => at(i + 1, `${CITIES[i % 4]} ${i % 1013}`));
  const flags = ids.map((_, i) => at(i + 2, i % 3 === 0));
  const bytes = new Uint8Array(
    parquetWriteBuffer({
      columnData: [
        { name: 'id', data: ids, type: 'INT32' },
        { name: 'amount', data: amounts, type: 'DOUBLE' },
        { name: 'city', data: cities, type: 'STRING' },
        { name: 'flag', data: flags, type: 'BOOLEAN' },
      ],
      rowGroupSize: groupRows,
    }),
  );
  const text = (v: unknown) => (v === null ? '' : String(v));
  const expected = ids.map((id, i) => [String(id), text(amounts[i]), text(cities[i]), text(flags[i])]);
  return { bytes, expected };
}

async function readCountingTurns(bytes: Uint8Array): Promise<{ rows: readonly (readonly string[])[]; turns: number }> {
  let turns = 0;
  const { rows } = await readParquetTable(bytes, {}, async () => {
    turns++;
    await new Promise((resolve) => setTimeout(resolve, 0));
  });
  return { rows, turns };
}

describe('reading a Parquet file in pieces', () => {
  it('awaits the turn function many times over several row groups, and reads every cell as written', async () => {
    const { bytes, expected } = file(150_000, 50_000);
    const { rows, turns } = await readCountingTurns(bytes);
    expect(rows).toEqual(expected);
    // 3 row groups of 4 columns x 50,000 rows: two column chunks a piece, then the rows built in slices.
    expect(turns).toBeGreaterThanOrEqual(6);
    expect(await readParquetTable(bytes)).toEqual({ header: ['id', 'amount', 'city', 'flag'], rows: expected });
  });

  it('reads one large row group in ranges of rows, every cell once and in place', async () => {
    // One group of 150,000 rows, each column read in two ranges; a page (about 1 MB) holds some 75,000 of
    // the city texts, so ranges and pages meet at different rows.
    const { bytes, expected } = file(150_000, 150_000);
    const { rows, turns } = await readCountingTurns(bytes);
    expect(rows).toEqual(expected);
    expect(turns).toBeGreaterThanOrEqual(5);
    const columns = await readParquetColumns(bytes);
    expect(columns.rows).toBe(150_000);
    expect(columns.columns[2]).toEqual(expected.map((r) => r[2]));
  });

  it('refuses a time out of range late in a large file, naming its row and column', async () => {
    const rows = 200_000;
    const millis = Array.from({ length: rows }, (_, i) => BigInt(i) * 1000n);
    millis[150_001] = 9_000_000_000_000_000n;
    const bytes = new Uint8Array(
      parquetWriteBuffer({
        columnData: [
          { name: 'n', data: Array.from({ length: rows }, (_, i) => i) },
          { name: 'seen', data: millis },
        ],
        schema: [
          { name: 'root', num_children: 2 },
          { name: 'n', type: 'INT32', repetition_type: 'REQUIRED' },
          { name: 'seen', type: 'INT64', repetition_type: 'OPTIONAL', converted_type: 'TIMESTAMP_MILLIS' },
        ],
        rowGroupSize: 60_000,
      }),
    );
    // Decoded at once, this refusal was thrown inside hyparquet's own promise and lost: the file was read with blank cells.
    const err = await readParquetTable(bytes, {}, async () => undefined).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EngineError);
    expect(err).toMatchObject({ code: 'invalid_parquet', details: { row: 150_002, column: 'seen' } });
    expect((err as EngineError).message).toBe('row 150002 of the Parquet file, column "seen": the time is outside the range dates can hold');
  });
});
