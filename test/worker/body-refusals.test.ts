/**
 * Bodies that are not what their route reads, refused saying what they are, inside workerd:
 *  - a JSON body streamed without Content-Length is capped while it streams (413), not read whole first;
 *  - a JSON body that is not UTF-8 is refused (it became U+FFFD, then an "unseen" category);
 *  - a CSV, PNG, gzip or Excel file sent to predict as form data or its own type names the fix;
 *  - a CSV upload that is gzip-compressed or an Excel workbook says so, not "not valid UTF-8" or "a zip of images";
 *  - a text/tab-separated-values upload is split on tabs, whatever commas its header holds;
 *  - R2 deletes go 1,000 keys a call (R2's limit; the local runtime does not enforce it).
 * Each fails without its change.
 */
import { env, exports } from 'cloudflare:workers';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { deleteKeys } from '../../src/worker/storage';
import { ADMIN_KEY, call, json } from './helpers';

async function expectError(res: Response, status: number, code: string): Promise<Record<string, any>> {
  const body = await json(res);
  expect({ status: res.status, code: body.error?.code }).toEqual({ status, code });
  return body.error;
}

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1, 8, 0]);
const GZIP = new Uint8Array([0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0, 0x03, 0x4b, 0x4c, 0x4a, 0x06, 0x00]);
const enc = (s: string) => new TextEncoder().encode(s);
/** The entries every .xlsx holds, enough for a sniffer: a zip to everything that looks at its first bytes. */
const XLSX = zipSync({ '[Content_Types].xml': enc('<Types/>'), '_rels/.rels': enc('<Relationships/>'), 'xl/workbook.xml': enc('<workbook/>'), 'xl/worksheets/sheet1.xml': enc('<worksheet/>') });

describe('JSON bodies', () => {
  it('caps a body sent without Content-Length while it streams', async () => {
    const chunk = enc(`{"rows": [${'{"a": 1},'.repeat(100_000)}`);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        // 64 MiB, never valid JSON: read whole before its size was checked, it was all pulled.
        if (sent > 64 * 2 ** 20) controller.close();
        else {
          controller.enqueue(chunk);
          sent += chunk.byteLength;
        }
      },
    });
    const res = await exports.default.fetch('http://edge-automl.test/v1/models/m/predict', { method: 'POST', headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' }, body });
    const error = await expectError(res, 413, 'payload_too_large');
    expect(error.details).toEqual({ limit: 8 * 1024 * 1024 });
    // The cap, then at most as much again drained before the stream is cancelled.
    expect(sent).toBeLessThan(20 * 2 ** 20);
  });

  it('refuses a body that is not UTF-8, naming the byte', async () => {
    const bytes = enc('{"rows": [{"city": "Z?rich"}]}');
    bytes[bytes.indexOf(0x3f)] = 0xfc; // Windows-1252 ü
    const error = await expectError(await call('POST', '/v1/models/m/predict', bytes, { 'content-type': 'application/json' }), 400, 'invalid_encoding');
    expect(error.message).toContain('not valid UTF-8');
    expect(error.details).toEqual({ line: 1, byte: 22 });
  });

  it('says which type sends a CSV table, and how an image model takes an image', async () => {
    const csv = await expectError(await call('POST', '/v1/models/m/predict', 'age,duration\n31,12\n', { 'content-type': 'application/x-www-form-urlencoded' }), 400, 'invalid_json');
    expect(csv.message).toContain('send it with Content-Type: text/csv');
    const png = await expectError(await call('POST', '/v1/models/m/predict', PNG, { 'content-type': 'image/png' }), 415, 'unsupported_media_type');
    expect(png.message).toBe('the body is a PNG image, not JSON; an image model predicts from JSON rows holding the image as base64: {"rows": [{"image": "<base64 PNG or JPEG>"}]}');
    const gz = await expectError(await call('POST', '/v1/models/m/predict', GZIP, { 'content-type': 'application/json' }), 415, 'unsupported_media_type');
    expect(gz.message).toBe('the body is a gzip file, not JSON');
    const xlsxType = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
    const xlsx = await expectError(await call('POST', '/v1/models/m/predict', XLSX, { 'content-type': xlsxType }), 415, 'unsupported_media_type');
    expect(xlsx.message).toBe('the body is an Excel workbook (.xlsx), not JSON; export the sheet as "CSV UTF-8" and send that with Content-Type: text/csv');
    // As octet-stream it is read as a table (a Parquet file may come so), and refused as one.
    const asTable = await expectError(await call('POST', '/v1/models/m/predict', XLSX, { 'content-type': 'application/octet-stream' }), 415, 'unsupported_media_type');
    expect(asTable.message).toContain('the body is an Excel workbook (.xlsx), not CSV');
    // A JSON route that takes no tables gives no CSV hint.
    const job = await expectError(await call('POST', '/v1/jobs', 'dataset,target\nx,y\n', { 'content-type': 'application/json' }), 400, 'invalid_json');
    expect(job.message).not.toContain('text/csv');
  });
});

describe('table bodies', () => {
  it('names a gzip-compressed CSV and an Excel workbook sent as CSV or as a zip of images', async () => {
    const gz = await expectError(await call('PUT', '/v1/datasets/gz', GZIP), 415, 'unsupported_media_type');
    expect(gz.message).toContain('gzip-compressed; send the CSV uncompressed');
    const asCsv = await expectError(await call('PUT', '/v1/datasets/book', XLSX), 415, 'unsupported_media_type');
    expect(asCsv.message).toContain('an Excel workbook (.xlsx), not CSV; export the sheet as "CSV UTF-8"');
    const asZip = await expectError(await call('PUT', '/v1/datasets/book', XLSX, { 'content-type': 'application/zip' }), 400, 'invalid_dataset');
    expect(asZip.message).toContain('the zip is an Excel workbook (.xlsx), not class folders of images');
    expect((await call('GET', '/v1/datasets/book')).status).toBe(404);
  });

  it('splits a text/tab-separated-values body on tabs though its header has as many commas', async () => {
    const tsv = ['name\tcity, state', ...Array.from({ length: 12 }, (_, i) => `p${i}\tBoston, MA`)].join('\n');
    const res = await call('PUT', '/v1/datasets/tabbed', tsv, { 'content-type': 'text/tab-separated-values' });
    expect(res.status).toBe(201);
    const body = await json(res);
    expect(body.columns.map((c: { name: string }) => c.name)).toEqual(['name', 'city, state']);
    expect(body.rows).toBe(12);
    // The same body as CSV is read by its header's guess (a tie goes to commas), as README says.
    const guessed = await json(await call('PUT', '/v1/datasets/guessed', tsv));
    expect(guessed.columns.map((c: { name: string }) => c.name)).toEqual(['name\tcity', 'state']);
  });
});

describe('R2 deletes', () => {
  it('deletes 2,100 keys in calls of at most 1,000', async () => {
    const keys = Array.from({ length: 2_100 }, (_, i) => `test/delete-batches/${i}`);
    for (let i = 0; i < keys.length; i += 300) await Promise.all(keys.slice(i, i + 300).map((k) => env.STORE.put(k, 'x')));
    const calls: number[] = [];
    const counting = new Proxy(env.STORE, {
      get(target, prop) {
        if (prop === 'delete') return (batch: string[]) => (calls.push(batch.length), target.delete(batch));
        const value = Reflect.get(target, prop);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    await deleteKeys(counting, keys);
    expect(calls).toEqual([1000, 1000, 100]);
    expect((await env.STORE.list({ prefix: 'test/delete-batches/' })).objects).toHaveLength(0);
  });
});
