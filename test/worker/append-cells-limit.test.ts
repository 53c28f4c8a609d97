/**
 * Appends cannot grow a dataset past what one upload may hold (two bytes a cell of the upload limit, as a
 * Parquet upload is bounded): files each under the limit used to add up to a dataset no job's isolate
 * could load. Refused with 413 naming the rows, columns and cells, before anything is written. A CSV
 * upload of empty cells (",,,,": one byte a cell) is held to the same bound as it parses (from a
 * read-only audit of uploads: it was taken, its Parquet twin refused, and no row could be appended after).
 */
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { expectError, jsonOf, send, SMALL_CSV, tenantKey } from './tenant';

const TENANT = 'append-cells';

describe('appending rows past the cells a dataset may hold', () => {
  it('is refused with 413 naming the total, and rows that fit are taken', async () => {
    const key = await tenantKey(TENANT, 'cells');
    // 60 rows x 3 columns = 180 cells.
    expect((await send({ method: 'PUT', path: '/v1/datasets/growing', body: SMALL_CSV, contentType: 'text/csv', key })).status).toBe(201);
    // An upload limit of 400 bytes: at most 200 cells, and each file sent below is under 400 bytes.
    const small: Env = { ...env, MAX_UPLOAD_BYTES: '400' };
    const rows = (n: number) => ['a,b,label', ...Array.from({ length: n }, (_, i) => `${100 + i},x,yes`)].join('\n');
    const refused = await expectError(await send({ method: 'POST', path: '/v1/datasets/growing/rows', body: rows(7), contentType: 'text/csv', key }, small), 413, 'payload_too_large');
    expect(refused.details).toEqual({ rows: 67, columns: 3, cells: 201, limit: 200 });
    expect(refused.message).toContain('dataset "growing" would hold 201 cells (67 rows x 3 columns)');
    // Nothing was added.
    expect((await jsonOf(await send({ method: 'GET', path: '/v1/datasets/growing', key }))).version).toBe(1);
    const taken = await send({ method: 'POST', path: '/v1/datasets/growing/rows', body: rows(6), contentType: 'text/csv', key }, small);
    expect(taken.status).toBe(201);
    expect(await jsonOf(taken)).toMatchObject({ version: 2, rows: 66 });
  });
});

describe('a CSV upload of empty cells past the cells a dataset may hold', () => {
  it('is refused with 413 naming the line, columns and the most rows, storing nothing; one that fits is taken', async () => {
    const key = await tenantKey(TENANT, 'sparse');
    const small: Env = { ...env, MAX_UPLOAD_BYTES: '400' };
    // 20 columns, a value then 19 empty cells a row: 21 bytes a row, 20 cells.
    const sparse = (n: number) => [Array.from({ length: 20 }, (_, j) => `c${j}`).join(','), ...Array.from({ length: n }, (_, i) => `${i}${','.repeat(19)}`)].join('\n');
    expect(new TextEncoder().encode(sparse(12)).length).toBeLessThan(400);
    const refused = await expectError(await send({ method: 'PUT', path: '/v1/datasets/sparse', body: sparse(12), contentType: 'text/csv', key }, small), 413, 'payload_too_large');
    // 200 cells at most: 10 rows of 20 columns; the 11th data row is line 12.
    expect(refused.details).toEqual({ line: 12, columns: 20, max_rows: 10, limit: 200 });
    expect(refused.message).toContain('the file holds more than 200 cells');
    await expectError(await send({ method: 'GET', path: '/v1/datasets/sparse', key }), 404, 'dataset_not_found');
    const taken = await send({ method: 'PUT', path: '/v1/datasets/sparse', body: sparse(10), contentType: 'text/csv', key }, small);
    expect(taken.status).toBe(201);
    expect(await jsonOf(taken)).toMatchObject({ version: 1, rows: 10 });
  });
});
