/**
 * Parquet uploads through the Worker in workerd: the same table sent as CSV and as Parquet gives the same
 * profile; the file is kept as uploaded (raw.parquet); a job trains on it and the model predicts, a
 * Parquet batch as it does the same rows in JSON (a refused cell named by its row from 1); a
 * Parquet file sent as application/octet-stream is recognised; bad files are refused by name and leave
 * no version behind. The Parquet bytes are written here with hyparquet-writer; files from pyarrow are
 * read in test/engine/parquet.test.ts.
 */
import { env } from 'cloudflare:workers';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { describe, expect, it } from 'vitest';
import trainCsv from '../../examples/credit-g/train.csv?raw';
import { call, csvObjects, json, waitForJob } from './helpers';

const records = csvObjects(trainCsv);
const names = Object.keys(records[0]);
const numeric = new Set(names.filter((n) => records.every((r) => r[n] === '' || !Number.isNaN(Number(r[n])))));

/** credit-g as Parquet: numeric columns as DOUBLE (integers as INT32), the rest as strings, as a data tool would. */
function creditParquet(rows = records): Uint8Array {
  const columnData = names.map((name) => {
    if (!numeric.has(name)) return { name, data: rows.map((r) => r[name]), type: 'STRING' as const };
    const values = rows.map((r) => Number(r[name]));
    const integers = values.every(Number.isInteger);
    return { name, data: values, type: integers ? ('INT32' as const) : ('DOUBLE' as const) };
  });
  return new Uint8Array(parquetWriteBuffer({ columnData, rowGroupSize: 200 }));
}

const PARQUET = { 'content-type': 'application/vnd.apache.parquet' };

describe('Parquet uploads', () => {
  it('profiles credit-g as its CSV does, keeps the file as uploaded, trains and predicts', async () => {
    expect(numeric.size).toBeGreaterThan(3);
    const bytes = creditParquet();
    const put = await call('PUT', '/v1/datasets/credit-pq', bytes, PARQUET);
    expect(put.status).toBe(201);
    const created = await json(put);
    expect(created).toMatchObject({ name: 'credit-pq', version: 1, rows: records.length, bytes: bytes.byteLength });

    expect((await call('PUT', '/v1/datasets/credit-csv', trainCsv)).status).toBe(201);
    const fromParquet = await json(await call('GET', '/v1/datasets/credit-pq'));
    const fromCsv = await json(await call('GET', '/v1/datasets/credit-csv'));
    expect(fromParquet.columns).toEqual(fromCsv.columns);

    const listed = await env.STORE.list({ prefix: 'datasets/default/credit-pq/' });
    const rawKey = listed.objects.find((o) => o.key.endsWith('/raw.parquet'))?.key ?? 'no raw.parquet';
    const raw = (await env.STORE.get(rawKey)) as R2ObjectBody;
    expect(raw.httpMetadata?.contentType).toBe('application/vnd.apache.parquet');
    expect(new Uint8Array(await raw.arrayBuffer())).toEqual(bytes);

    const start = await json(await call('POST', '/v1/jobs', { dataset: 'credit-pq', target: 'class', models: ['linear'], budget: { trials: 2 }, model: 'credit-pq', seed: 3 }));
    const job = await waitForJob(start.id);
    expect(job.status).toBe('succeeded');
    const rows = records.slice(0, 5).map(({ class: _label, ...row }) => row);
    const answer = await json(await call('POST', '/v1/models/credit-pq/predict', { rows }));
    expect(answer.predictions).toHaveLength(5);
    for (const p of answer.predictions) expect(['good', 'bad']).toContain(p);

    // A batch sent as Parquet (the target column too, which predict ignores) answers as the same rows sent as JSON.
    const batch = records.slice(0, 60);
    const parquetBatch = await call('POST', '/v1/models/credit-pq/predict', creditParquet(batch), PARQUET);
    expect(parquetBatch.status).toBe(200);
    const jsonBatch = await json(await call('POST', '/v1/models/credit-pq/predict', { rows: batch.map(({ class: _label, ...row }) => row) }));
    expect(await json(parquetBatch)).toEqual(jsonBatch);

    // A refused cell is named by its row from 1, as upload and append name Parquet rows, saying it is the
    // file's; JSON names the element of rows (from 0). details.index is the same for both. The cells go as
    // text here so that one can be no number.
    const bad = batch.slice(0, 10).map((r, i) => (i === 7 ? { ...r, duration: 'lots' } : r));
    const asText = new Uint8Array(parquetWriteBuffer({ columnData: names.map((name) => ({ name, data: bad.map((r) => r[name]), type: 'STRING' as const })) }));
    const badParquet = await call('POST', '/v1/models/credit-pq/predict', asText, PARQUET);
    expect(badParquet.status).toBe(400);
    expect((await json(badParquet)).error).toEqual({ code: 'invalid_input', message: 'row 8 of the Parquet file, column "duration": expected a number, got "lots"', details: { row: 8, column: 'duration', index: 7 } });
    const badJson = await call('POST', '/v1/models/credit-pq/predict', { rows: bad.map(({ class: _label, ...row }) => row) });
    expect((await json(badJson)).error).toEqual({ code: 'invalid_input', message: 'rows[7], column "duration": expected a number, got "lots"', details: { row: 7, column: 'duration', index: 7 } });
  });

  it('recognises a Parquet file sent as application/octet-stream', async () => {
    const bytes = creditParquet(records.slice(0, 40));
    const put = await call('PUT', '/v1/datasets/octet', bytes, { 'content-type': 'application/octet-stream' });
    expect(put.status).toBe(201);
    expect((await json(put)).rows).toBe(40);
    const listed = await env.STORE.list({ prefix: 'datasets/default/octet/' });
    expect(listed.objects.some((o) => o.key.endsWith('/raw.parquet'))).toBe(true);
  });

  it('refuses bad files by name and leaves no version or file behind', async () => {
    // Nested columns are refused by name in the engine test, on pyarrow's file.
    const cases: { body: Uint8Array; code: string; check: (err: Record<string, any>) => void }[] = [
      { body: new TextEncoder().encode('a,b\n1,2\n'), code: 'invalid_parquet', check: (e) => expect(e.message).toContain('not a Parquet file') },
      { body: creditParquet(records.slice(0, 30)).slice(0, 200), code: 'invalid_parquet', check: (e) => expect(e.message).toContain('Parquet') },
      {
        body: new Uint8Array(parquetWriteBuffer({ columnData: [{ name: 'id', data: [1, 2], type: 'INT32' }, { name: 'note', data: ['ok', 'x'.repeat(70_000)], type: 'STRING' }] })),
        code: 'field_too_long',
        check: (e) => expect(e.details).toEqual({ row: 2, column: 'note', limit: 65_536 }),
      },
    ];
    for (const { body, code, check } of cases) {
      const res = await call('PUT', '/v1/datasets/bad-pq', body, PARQUET);
      expect(res.status).toBe(400);
      const { error } = await json(res);
      expect(error.code).toBe(code);
      check(error);
    }
    expect((await call('GET', '/v1/datasets/bad-pq')).status).toBe(404);
    expect((await env.STORE.list({ prefix: 'datasets/default/bad-pq/' })).objects).toEqual([]);
  });
});
