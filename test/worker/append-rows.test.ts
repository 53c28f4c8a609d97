/**
 * POST /v1/datasets/{name}/rows inside workerd: appended rows (CSV, or Parquet) make a new version that
 * profiles exactly as an upload of the longer file; the sent file is kept as the version's raw file; a job
 * trains on the new version; bad rows, unknown datasets, image datasets and wrong media types are refused
 * and leave nothing behind; two appends from one base cannot both register.
 */
import { env } from 'cloudflare:workers';
import { zipSync } from 'fflate';
import { encode as encodePng } from 'fast-png';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { describe, expect, it } from 'vitest';
import testCsv from '../../examples/credit-g/test.csv?raw';
import trainCsv from '../../examples/credit-g/train.csv?raw';
import { call, csvObjects, json, waitForJob } from './helpers';

const lines = (csv: string) => csv.trim().split(/\r?\n/);
const header = lines(trainCsv)[0];
const objectCount = async (name: string) => (await env.STORE.list({ prefix: `datasets/default/${name}/` })).objects.length;

async function expectError(res: Response, status: number, code: string): Promise<Record<string, any>> {
  const body = await json(res);
  expect({ status: res.status, code: body.error?.code }).toEqual({ status, code });
  return body.error;
}

describe('appending rows to a dataset', () => {
  it('adds CSV rows as a new version profiled as the whole file would be, then Parquet rows, and trains on it', async () => {
    expect((await call('PUT', '/v1/datasets/grow', trainCsv)).status).toBe(201);
    const res = await call('POST', '/v1/datasets/grow/rows', testCsv);
    expect(res.status).toBe(201);
    const v2 = await json(res);
    expect(v2).toMatchObject({ name: 'grow', version: 2, rows: 1000, appended_rows: 250, base_version: 1 });

    // The same rows uploaded as one file: the same profile, statistics included.
    expect((await call('PUT', '/v1/datasets/whole', `${trainCsv.trim()}\n${lines(testCsv).slice(1).join('\n')}\n`)).status).toBe(201);
    const grown = await json(await call('GET', '/v1/datasets/grow'));
    const whole = await json(await call('GET', '/v1/datasets/whole'));
    expect(grown.rows).toBe(1000);
    expect(grown.columns).toEqual(whole.columns);
    // The version says what it was made from, wherever it is read; an uploaded version says nothing of it.
    expect(grown).toMatchObject({ version: 2, appended_rows: 250, base_version: 1 });
    expect(whole.appended_rows).toBeUndefined();
    // Version 1 is untouched.
    const v1 = await json(await call('GET', '/v1/datasets/grow?version=1'));
    expect(v1.rows).toBe(750);
    expect(v1.base_version).toBeUndefined();

    const raw = (await env.STORE.list({ prefix: 'datasets/default/grow/' })).objects.map((o) => o.key.split('/').at(-1));
    expect(raw.sort()).toEqual(['data.eac', 'data.eac', 'raw.csv', 'rows.csv']);

    // Parquet rows, columns in another order (20 rows of the test split again).
    const records = csvObjects(testCsv).slice(0, 20);
    const names = header.split(',').reverse();
    const columnData = names.map((name) => {
      const values = records.map((r) => r[name]);
      return values.every((v) => v !== '' && !Number.isNaN(Number(v))) ? { name, data: values.map(Number), type: 'DOUBLE' as const } : { name, data: values, type: 'STRING' as const };
    });
    const pq = await call('POST', '/v1/datasets/grow/rows', new Uint8Array(parquetWriteBuffer({ columnData })), { 'content-type': 'application/vnd.apache.parquet' });
    expect(pq.status).toBe(201);
    expect(await json(pq)).toMatchObject({ version: 3, rows: 1020, appended_rows: 20, base_version: 2 });

    const start = await json(await call('POST', '/v1/jobs', { dataset: 'grow', target: 'class', models: ['linear'], budget: { trials: 1 }, seed: 1 }));
    const job = await waitForJob(start.id);
    expect(job.status).toBe('succeeded');
    expect(job.dataset).toEqual({ name: 'grow', version: 3 });
  });

  it('refuses rows that do not fit, naming what is wrong, and stores nothing', async () => {
    expect((await call('PUT', '/v1/datasets/strict', trainCsv)).status).toBe(201);
    const before = await objectCount('strict');
    const dataLines = lines(testCsv).slice(1, 4);

    const missing = await expectError(await call('POST', '/v1/datasets/strict/rows', `${header.replace(',class', '')}\n${dataLines.map((l) => l.slice(0, l.lastIndexOf(','))).join('\n')}\n`), 400, 'invalid_dataset');
    expect(missing.details).toEqual({ missing: ['class'], unknown: [] });

    // Line 3 of the body: duration (the second column) is not a number.
    const cells = dataLines[1].split(',');
    cells[1] = 'forever';
    const wrong = await expectError(await call('POST', '/v1/datasets/strict/rows', [header, dataLines[0], cells.join(','), dataLines[2]].join('\n')), 400, 'invalid_dataset');
    expect(wrong.details).toEqual({ line: 3, column: header.split(',')[1] });

    await expectError(await call('POST', '/v1/datasets/strict/rows', `${header}\n`), 400, 'invalid_csv');
    await expectError(await call('POST', '/v1/datasets/strict/rows', { rows: [] }), 415, 'unsupported_media_type');
    expect((await json(await call('GET', '/v1/datasets/strict'))).version).toBe(1);
    expect(await objectCount('strict')).toBe(before);

    await expectError(await call('POST', '/v1/datasets/nowhere/rows', testCsv), 404, 'dataset_not_found');
  });

  it('refuses rows for an image dataset', async () => {
    const png = (value: number) => encodePng({ width: 4, height: 4, channels: 1, depth: 8, data: Uint8Array.from({ length: 16 }, (_, i) => value + i) });
    const zip = zipSync({ 'cats/a.png': png(10), 'cats/b.png': png(20), 'dogs/c.png': png(200), 'dogs/d.png': png(210) });
    expect((await call('PUT', '/v1/datasets/pics', zip, { 'content-type': 'application/zip' })).status).toBe(201);
    const err = await expectError(await call('POST', '/v1/datasets/pics/rows', 'label\ncats\n'), 409, 'not_appendable');
    expect(err.message).toContain('images');
  });

  it('registers only one of two appends made from the same version', async () => {
    expect((await call('PUT', '/v1/datasets/race', trainCsv)).status).toBe(201);
    const registry = env.REGISTRY.getByName('default');
    const base = await registry.getDataset('race');
    const next = { rows: 1, bytes: 1, columns: [], raw_key: 'k1', data_key: 'd1', created_at: new Date().toISOString() };
    expect((await registry.addDatasetVersionAfter('race', 1, next))?.version).toBe(2);
    // The second append started from version 1 too: refused, the route answers 409 version_conflict.
    expect(await registry.addDatasetVersionAfter('race', base?.version ?? 0, { ...next, raw_key: 'k2', data_key: 'd2' })).toBeNull();
    expect((await registry.getDataset('race'))?.raw_key).toBe('k1');
  });
});
