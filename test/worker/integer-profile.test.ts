/**
 * The datasets API inside workerd answers each numeric column's `integer` (every present value whole):
 * in the upload answer (CSV and Parquet), in the profile GET returns, and in an append's answer, where a
 * fractional value appended flips it while the earlier version keeps its own. Every answer parses with the
 * documented schema and keeps the field. A version stored before the field existed is answered as stored,
 * without it.
 */
import { env } from 'cloudflare:workers';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { describe, expect, it } from 'vitest';
import { datasetAppendResponse, datasetProfileResponse, datasetUploadResponse } from '../../src/worker/openapi/responses';
import { call, json } from './helpers';

type Column = { name: string; type: string; integer?: boolean };
/** Each column's type and `integer` (null where the answer has none), by name. */
const flags = (body: { columns?: Column[] } & Record<string, unknown>) => Object.fromEntries((body.columns ?? []).map((c) => [c.name, [c.type, Object.hasOwn(c, 'integer') ? c.integer : null]]));

// count: whole however written (3.0, 1e3) with missing cells; price: fractional; halves: 1, 2.5, 4, whose
// whole ends and few distinct values a guess from min, max and distinct count read as whole.
const CSV = [
  'count,price,halves,colour,day',
  ...Array.from({ length: 30 }, (_, i) => [i % 7 === 3 ? '' : i === 5 ? '3.0' : i === 6 ? '1e3' : String(i), (i * 1.25).toFixed(2), ['1', '2.5', '4'][i % 3], ['red', 'blue'][i % 2], `2024-01-${String(i + 1).padStart(2, '0')}`].join(',')),
].join('\n');

const EXPECTED = { count: ['numeric', true], price: ['numeric', false], halves: ['numeric', false], colour: ['categorical', null], day: ['datetime', null] };

describe('a numeric column says whether its values are whole (integer) in the datasets API', () => {
  it('answers it on upload and in the profile, and an append of a fraction flips it for the new version only', async () => {
    const up = await call('PUT', '/v1/datasets/whole-flags', CSV);
    expect(up.status).toBe(201);
    const uploaded = await json(up);
    expect(flags(uploaded)).toEqual(EXPECTED);
    // The documented schemas keep the field (zod drops what a schema does not name).
    expect(flags(datasetUploadResponse.parse(uploaded))).toEqual(EXPECTED);
    const profile = await json(await call('GET', '/v1/datasets/whole-flags'));
    expect(flags(profile)).toEqual(EXPECTED);
    expect(flags(datasetProfileResponse.parse(profile))).toEqual(EXPECTED);

    const appended = await call('POST', '/v1/datasets/whole-flags/rows', 'day,colour,halves,price,count\n2024-02-01,red,4,1.00,7.5\n');
    expect(appended.status).toBe(201);
    const v2 = await json(appended);
    const flipped = { ...EXPECTED, count: ['numeric', false] };
    expect(v2).toMatchObject({ version: 2, appended_rows: 1 });
    expect(flags(v2)).toEqual(flipped);
    expect(flags(datasetAppendResponse.parse(v2))).toEqual(flipped);
    expect(flags(await json(await call('GET', '/v1/datasets/whole-flags?version=2')))).toEqual(flipped);
    expect(flags(await json(await call('GET', '/v1/datasets/whole-flags?version=1')))).toEqual(EXPECTED);
  });

  it('answers it for a Parquet upload: whole integers and whole doubles are whole, fractional doubles not', async () => {
    const columnData = [
      { name: 'units', data: [3, 0, 7, 12, 5, 9], type: 'INT32' as const },
      { name: 'weight', data: [2, 4, 1e3, 6, 8, 10], type: 'DOUBLE' as const },
      { name: 'ratio', data: [0.5, 1, 0.25, 2, 3, 4], type: 'DOUBLE' as const },
    ];
    const res = await call('PUT', '/v1/datasets/whole-parquet', new Uint8Array(parquetWriteBuffer({ columnData })), { 'content-type': 'application/vnd.apache.parquet' });
    expect(res.status).toBe(201);
    const expected = { units: ['numeric', true], weight: ['numeric', true], ratio: ['numeric', false] };
    expect(flags(await json(res))).toEqual(expected);
    expect(flags(await json(await call('GET', '/v1/datasets/whole-parquet')))).toEqual(expected);
  });

  it('answers a version stored before the field existed as it was stored, without it', async () => {
    expect((await call('PUT', '/v1/datasets/whole-old', CSV)).status).toBe(201);
    const registry = env.REGISTRY.getByName('default');
    const stored = (await registry.getDataset('whole-old'))!;
    // The same files registered again with the profile an older version wrote: no `integer` anywhere.
    const columns = stored.columns.map(({ integer: _new, ...old }) => old);
    expect(columns.some((c) => Object.hasOwn(c, 'integer'))).toBe(false);
    await registry.addDatasetVersion('whole-old', { rows: stored.rows, bytes: stored.bytes, columns, raw_key: stored.raw_key, data_key: stored.data_key, created_at: stored.created_at });
    const old = await json(await call('GET', '/v1/datasets/whole-old?version=2'));
    expect(flags(old)).toEqual({ count: ['numeric', null], price: ['numeric', null], halves: ['numeric', null], colour: ['categorical', null], day: ['datetime', null] });
    expect(old.columns.find((c: Column) => c.name === 'price')).toMatchObject({ min: 0, max: 36.25 });
    expect(datasetProfileResponse.safeParse(old).success).toBe(true);
  });
});
