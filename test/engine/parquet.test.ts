/**
 * Parquet ingest on files written by pyarrow (test/fixtures/parquet, made by
 * scripts/fixtures/make_parquet.py): every codec reads to the same cells, each column type reads as its
 * meaning, the credit-g table types and profiles exactly as its CSV does, and bad files are refused by name.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EngineError } from '../../src/engine/core/errors';
import { parseCsv } from '../../src/engine/data/csv';
import { inferDataset } from '../../src/engine/data/infer-schema';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { looksLikeParquet, readParquetTable } from '../../src/engine/data/parquet';

const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`../fixtures/parquet/${name}`, import.meta.url)));

async function refusal(bytes: Uint8Array, limits = {}): Promise<EngineError> {
  try {
    await readParquetTable(bytes, limits);
  } catch (err) {
    if (err instanceof EngineError) return err;
    throw err;
  }
  throw new Error('expected the file to be refused');
}

describe('readParquetTable', () => {
  it('reads every column type as the value it means', async () => {
    const t = await readParquetTable(fixture('types.snappy.parquet'));
    expect(t.header).toEqual(['id', 'small', 'amount', 'ratio', 'city', 'grade', 'active', 'day', 'seen_ms', 'seen_us', 'seen_ns', 'price', 'empty']);
    expect(t.rows).toHaveLength(6);
    const col = (name: string) => t.rows.map((r) => r[t.header.indexOf(name)]);
    // 2^53 + 1 is not a double: a 64-bit integer keeps every digit.
    expect(col('id')).toEqual(['1', '2', '3', '4', '5', '9007199254740993']);
    expect(col('small')).toEqual(['-3', '0', '7', '', '12', '5']);
    expect(col('amount')).toEqual(['1.5', '', '-2.25', '1e-7', '3', '1234567.125']);
    expect(col('ratio')).toEqual(['0.5', '0.25', '', '1', '0.125', '0.75']);
    expect(col('city')).toEqual(['Paris', 'Oslo', '', 'Lima', 'Paris', 'Zürich']);
    expect(col('grade')).toEqual(['a', 'b', 'a', 'c', '', 'b']);
    expect(col('active')).toEqual(['true', 'false', 'true', '', 'false', 'true']);
    expect(col('day')).toEqual(['2024-01-01', '2024-01-08', '2024-01-15', '2024-01-22', '2024-01-29', '2024-02-05']);
    // One instant in three units (ms and ns with a zone, us without one): the same UTC text.
    expect(col('seen_ms')[1]).toBe('2024-03-10T21:30:00.000Z');
    expect(col('seen_us')).toEqual(col('seen_ms'));
    expect(col('seen_ns')).toEqual(col('seen_ms'));
    expect(col('price')).toEqual(['10.5', '0.99', '-3.1', '100', '7.25', '12.34']);
    expect(col('empty')).toEqual(['', '', '', '', '', '']);
  });

  it('reads the same cells under every compression codec and page version', async () => {
    const plain = await readParquetTable(fixture('types.none.parquet'));
    for (const codec of ['snappy', 'gzip', 'zstd', 'brotli', 'lz4']) {
      expect(await readParquetTable(fixture(`types.${codec}.parquet`)), codec).toEqual(plain);
    }
  });

  it('types and profiles credit-g exactly as its CSV (several row groups, zstd)', async () => {
    const fromParquet = inferDataset(await readParquetTable(fixture('credit-g.parquet')));
    const fromCsv = inferDataset(parseCsv(readFileSync(new URL('../../examples/credit-g/train.csv', import.meta.url), 'utf8')));
    expect(fromParquet.dataset.rows).toBe(750);
    expect(fromParquet.profile).toEqual(fromCsv.profile);
    expect(fromParquet.dataset.columns.map((c) => c.type)).toContain('categorical');
  });

  it('trims column names as the CSV reader trims a header, and still reads their cells', async () => {
    const bytes = new Uint8Array(
      parquetWriteBuffer({
        columnData: [
          { name: ' padded ', data: [1, 2], type: 'INT32' },
          { name: 'b', data: ['x', null], type: 'STRING' },
        ],
      }),
    );
    expect(await readParquetTable(bytes)).toEqual({ header: ['padded', 'b'], rows: [['1', 'x'], ['2', '']] });
    const twice = new Uint8Array(parquetWriteBuffer({ columnData: [{ name: 'a', data: [1], type: 'INT32' }, { name: 'a ', data: [2], type: 'INT32' }] }));
    expect((await refusal(twice)).message).toContain('"a" appears twice');
  });

  it("leaves out the row index pandas writes beside a filtered frame, saying so, and keeps a named one", async () => {
    const write = (index: string) =>
      new Uint8Array(
        parquetWriteBuffer({
          columnData: [
            { name: 'x', data: [1.5, 2.5], type: 'DOUBLE' },
            { name: 'y', data: ['a', 'b'], type: 'STRING' },
            { name: index, data: [7n, 42n], type: 'INT64' },
          ],
        }),
      );
    const filtered = await readParquetTable(write('__index_level_0__'));
    expect(filtered.header).toEqual(['x', 'y']);
    expect(filtered.rows).toEqual([
      ['1.5', 'a'],
      ['2.5', 'b'],
    ]);
    expect(filtered.warnings?.[0]).toMatch(/^column "__index_level_0__" is the row index pandas wrote beside the data .* and was left out/);
    const named = await readParquetTable(write('order_id'));
    expect(named.header).toEqual(['x', 'y', 'order_id']);
    expect(named.warnings).toBeUndefined();
  });

  it('refuses a nested column by name', async () => {
    const err = await refusal(fixture('nested.parquet'));
    expect(err.code).toBe('invalid_parquet');
    expect(err.message).toContain('"tags"');
    expect(err.details).toEqual({ column: 'tags' });
  });

  it('refuses files over the row and column limits before decoding them', async () => {
    const rows = await refusal(fixture('credit-g.parquet'), { maxRows: 100 });
    expect(rows.details).toEqual({ rows: 750, max_rows: 100 });
    const columns = await refusal(fixture('types.none.parquet'), { maxColumns: 5 });
    expect(columns.message).toContain('13 columns');
    // 750 rows x 21 columns = 15,750 cells.
    const cells = await refusal(fixture('credit-g.parquet'), { maxCells: 15_749 });
    expect(cells.code).toBe('payload_too_large');
    expect(cells.details).toEqual({ cells: 15_750, limit: 15_749 });
    expect((await readParquetTable(fixture('credit-g.parquet'), { maxCells: 15_750 })).rows).toHaveLength(750);
  });

  it('refuses what is not a Parquet file, and a truncated one, saying so', async () => {
    const csv = new TextEncoder().encode('a,b\n1,2\n');
    expect(looksLikeParquet(csv)).toBe(false);
    expect((await refusal(csv)).message).toContain('not a Parquet file');
    const whole = fixture('types.zstd.parquet');
    expect(looksLikeParquet(whole)).toBe(true);
    // Cut in the middle: the footer is gone.
    expect((await refusal(whole.subarray(0, whole.length >> 1))).code).toBe('invalid_parquet');
    // Footer intact, data pages garbled: decoding fails, and says it was the data.
    const garbled = whole.slice();
    for (let i = 8; i < 400; i++) garbled[i] ^= 0x5a;
    const err = await refusal(garbled);
    expect(err.code).toBe('invalid_parquet');
  });
});
