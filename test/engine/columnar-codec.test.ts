/**
 * The stored columnar form across its versions: version 2 narrows numeric columns to Float32 only where
 * that keeps their meaning (data/numeric-precision), keeps dates and large integers in Float64, and still
 * reads version 1 blobs (every number Float64) written before it; a narrowed number read back as a
 * category is labelled with its shortest text.
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/engine/core/rng';
import { COLUMNAR_VERSION, decodeDataset, encodeDataset } from '../../src/engine/data/columnar-codec';
import type { Column, Dataset, NumericColumn } from '../../src/engine/data/dataset';
import { float32Keeps, float32Text } from '../../src/engine/data/numeric-precision';
import { applyOverrides } from '../../src/engine/data/overrides';
import { selectRows } from '../../src/engine/data/select-rows';

const numeric = (name: string, values: number[], type: Column['type'] = 'numeric'): NumericColumn => ({ name, type, storage: 'f64', values: Float64Array.from(values) });

function numbers(ds: Dataset, name: string): Float64Array | Float32Array {
  const col = ds.columns.find((c) => c.name === name);
  if (!col || col.storage !== 'f64') throw new Error(`no numeric column ${name}`);
  return col.values;
}

/** A version 1 blob as the previous encoder wrote it: a JSON header, then 8-byte aligned Float64 and Int32 blocks. */
function versionOneBlob(ds: Dataset): Uint8Array {
  const align8 = (n: number) => (n + 7) & ~7;
  let offset = 0;
  const blocks = ds.columns.map((col) => {
    const arr = col.storage === 'f64' ? Float64Array.from(col.values) : col.codes;
    const block = { name: col.name, type: col.type, storage: col.storage, offset, length: arr.length, ...(col.storage === 'codes' ? { levels: col.levels } : {}), arr };
    offset += align8(arr.byteLength);
    return block;
  });
  const header = new TextEncoder().encode(JSON.stringify({ version: 1, rows: ds.rows, columns: blocks.map(({ arr: _arr, ...b }) => b) }));
  const start = align8(8 + header.length);
  const out = new Uint8Array(start + offset);
  out.set([0x45, 0x41, 0x43, 0x31], 0);
  new DataView(out.buffer).setUint32(4, header.length, true);
  out.set(header, 8);
  for (const b of blocks) out.set(new Uint8Array(b.arr.buffer, b.arr.byteOffset, b.arr.byteLength), start + b.offset);
  return out;
}

describe('numeric precision of stored columns', () => {
  const rng = new Rng(4);
  const normal = Array.from({ length: 1_000 }, () => rng.normal());

  it('narrows ordinary numeric columns and keeps the ones Float32 would change', () => {
    expect(float32Keeps('numeric', normal)).toBe(true);
    expect(float32Keeps('numeric', [1, 2, 3, 2 ** 24, Number.NaN])).toBe(true);
    // Epoch seconds: integers past 2^24 would merge.
    expect(float32Keeps('numeric', [1_700_000_000, 1_700_000_001])).toBe(false);
    // A few varying digits behind a large offset would be rounded away.
    expect(float32Keeps('numeric', [100_000.25, 100_000.5, 100_000.75])).toBe(false);
    expect(float32Keeps('datetime', [0.5, 1.5])).toBe(false);
    expect(float32Keeps('numeric', [Number.NaN, Number.NaN])).toBe(true);
  });

  it('labels a Float32 value with the shortest text that reads back as it', () => {
    for (const text of ['0.1', '3.14159', '-2.5', '1e-7', '123456.7', '7']) expect(float32Text(Math.fround(Number(text)))).toBe(String(Number(text)));
  });
});

describe('columnar codec versions', () => {
  const rng = new Rng(9);
  const rows = 500;
  const ds: Dataset = {
    rows,
    columns: [
      numeric('x', Array.from({ length: rows }, (_, i) => (i % 17 === 0 ? Number.NaN : rng.normal()))),
      numeric('count', Array.from({ length: rows }, (_, i) => i * 3)),
      numeric('epoch_s', Array.from({ length: rows }, (_, i) => 1_700_000_000 + i)),
      numeric('when', Array.from({ length: rows }, (_, i) => Date.UTC(2024, 0, 1) + i * 3_600_123), 'datetime'),
      { name: 'label', type: 'categorical', storage: 'codes', codes: Int32Array.from({ length: rows }, (_, i) => (i % 11 === 0 ? -1 : i % 3)), levels: ['a', 'b', 'c'] },
    ],
  };

  it('writes version 2: narrowed columns as Float32 (rounded only as Float32 rounds), the rest exact', () => {
    const bytes = encodeDataset(ds);
    expect(JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + new DataView(bytes.buffer).getUint32(4, true)))).version).toBe(COLUMNAR_VERSION);
    const back = decodeDataset(bytes);
    const x = numbers(back, 'x');
    expect(x).toBeInstanceOf(Float32Array);
    expect(Array.from(x)).toEqual(Array.from(numbers(ds, 'x'), Math.fround));
    expect(numbers(back, 'count')).toBeInstanceOf(Float32Array);
    expect(Array.from(numbers(back, 'count'))).toEqual(Array.from(numbers(ds, 'count')));
    for (const name of ['epoch_s', 'when']) {
      expect(numbers(back, name)).toBeInstanceOf(Float64Array);
      expect(Array.from(numbers(back, name))).toEqual(Array.from(numbers(ds, name)));
    }
    expect(back.columns.map((c) => [c.name, c.type, c.storage])).toEqual(ds.columns.map((c) => [c.name, c.type, c.storage]));
    // Two narrowed columns of 500 rows save 4 bytes a value.
    expect(versionOneBlob(ds).length - bytes.length).toBeGreaterThanOrEqual(2 * rows * 4 - 16);
  });

  it('reads a version 1 blob exactly, every number Float64', () => {
    const back = decodeDataset(versionOneBlob(ds));
    for (const name of ['x', 'count', 'epoch_s', 'when']) {
      expect(numbers(back, name)).toBeInstanceOf(Float64Array);
      expect(Array.from(numbers(back, name))).toEqual(Array.from(numbers(ds, name)));
    }
    const label = back.columns[4];
    expect(label.storage === 'codes' && Array.from(label.codes)).toEqual(Array.from((ds.columns[4] as { codes: Int32Array }).codes));
    // Re-encoding what was read narrows it like a fresh upload.
    expect(numbers(decodeDataset(encodeDataset(back)), 'x')).toBeInstanceOf(Float32Array);
  });

  it('keeps Float32 through row selection and labels narrowed numbers read as categories by their short text', () => {
    const decimals: Dataset = { rows: 4, columns: [numeric('rate', [0.1, 0.25, 0.1, 3.3])] };
    const back = decodeDataset(encodeDataset(decimals));
    expect(numbers(selectRows(back, Int32Array.from([3, 0])), 'rate')).toBeInstanceOf(Float32Array);
    const { dataset } = applyOverrides(back, { rate: 'categorical' });
    const col = dataset.columns[0];
    expect(col.storage === 'codes' && col.levels).toEqual(['0.1', '0.25', '3.3']);
  });
});
