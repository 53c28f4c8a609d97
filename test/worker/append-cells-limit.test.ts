/**
 * Appends cannot grow a dataset past what one upload may hold (two bytes a cell of the upload limit, as a
 * Parquet upload is bounded): files each under the limit used to add up to a dataset no job's isolate
 * could load. Refused with 413 naming the rows, columns and cells, before anything is written.
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
