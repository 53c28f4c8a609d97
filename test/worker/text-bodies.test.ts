/**
 * How CSV bodies that are not UTF-8 text are refused inside workerd (s25 audit, findings 1 and 6): a
 * UTF-16 file, with or without a byte-order mark, even when declared Windows-1252, is refused saying it
 * is UTF-16 and never advising Windows-1252; a NUL byte is refused naming its line; uploads, appends and
 * batch predictions alike, and nothing is stored. JSON sent as text/plain to predict is told to say so.
 */
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { call, json, waitForJob } from './helpers';
import { utf16 } from '../fixtures/text-encodings';

const CSV = ['x,cat,label', ...Array.from({ length: 60 }, (_, i) => `${(i * 37) % 101},${['a', 'b', 'c'][i % 3]},${(i * 37) % 101 > 50 ? 'high' : 'low'}`)].join('\n');
const bytesOf = (text: string) => new TextEncoder().encode(text);
const objectCount = async (name: string) => (await env.STORE.list({ prefix: `datasets/default/${name}/` })).objects.length;

async function expectError(res: Response, status: number, code: string): Promise<{ message: string; details?: Record<string, unknown> }> {
  const body = await json(res);
  expect({ status: res.status, code: body.error?.code }).toEqual({ status, code });
  return body.error;
}

describe('UTF-16 and NUL bytes in CSV bodies', () => {
  beforeAll(async () => {
    expect((await call('PUT', '/v1/datasets/text-ok', CSV)).status).toBe(201);
    const created = await call('POST', '/v1/jobs', { dataset: 'text-ok', target: 'label', model: 'text-ok', models: ['linear'], budget: { trials: 1 }, seed: 1 });
    expect((await waitForJob((await json(created)).id)).status).toBe('succeeded');
  }, 120_000);

  it('refuses a UTF-16 upload, marked or not, in either byte order, saying UTF-16 and never Windows-1252, and stores nothing', async () => {
    const cases: [Uint8Array, string | undefined, RegExp][] = [
      [utf16(CSV, 'le', true), undefined, /little-endian; its byte-order mark/],
      [utf16(CSV, 'le', true), 'text/csv; charset=windows-1252', /little-endian; its byte-order mark/], // the old advice, followed
      [utf16(CSV, 'be', true), undefined, /big-endian; its byte-order mark/],
      [utf16(CSV, 'le', false), undefined, /little-endian; every other byte is a NUL/],
      [utf16(CSV, 'be', false), 'text/plain', /big-endian; every other byte is a NUL/],
    ];
    for (const [body, contentType, how] of cases) {
      const error = await expectError(await call('PUT', '/v1/datasets/utf16', body, contentType ? { 'content-type': contentType } : {}), 400, 'invalid_encoding');
      expect(error.message).toMatch(/^the file is UTF-16 /);
      expect(error.message).toMatch(how);
      expect(error.message).toContain('CSV UTF-8');
      expect(error.message).not.toMatch(/1252/);
      expect(error.details).toEqual({ line: 1, byte: 1 });
    }
    expect((await call('GET', '/v1/datasets/utf16')).status).toBe(404);
    expect(await objectCount('utf16')).toBe(0);
  });

  it('refuses a NUL byte naming its line, in UTF-8 and declared Windows-1252 bodies, and stores nothing', async () => {
    const header = await expectError(await call('PUT', '/v1/datasets/nul', bytesOf('x,lab\u0000el\n1,2\n')), 400, 'invalid_encoding');
    expect(header.message).toMatch(/^line 1 holds a NUL byte \(byte 6 of the file\)/);
    expect(header.details).toEqual({ line: 1, byte: 6 });
    const cell = await expectError(await call('PUT', '/v1/datasets/nul', bytesOf('x,y\r\n1,2\r\n3,a\u0000\r\n'), { 'content-type': 'text/csv; charset=windows-1252' }), 400, 'invalid_encoding');
    expect(cell.details).toEqual({ line: 3, byte: 14 });
    expect((await call('GET', '/v1/datasets/nul')).status).toBe(404);
    expect(await objectCount('nul')).toBe(0);
    // The same rows without the NUL are a dataset: the refusal was the NUL's.
    expect((await call('PUT', '/v1/datasets/nul', bytesOf('x,label\n1,2\n'))).status).toBe(201);
  });

  it('refuses UTF-16 and NUL bytes in appended rows, adding no version', async () => {
    const before = await objectCount('text-ok');
    const nul = await expectError(await call('POST', '/v1/datasets/text-ok/rows', bytesOf('x,cat,label\n5,a,low\n7,b\u0000,high\n')), 400, 'invalid_encoding');
    expect(nul.details).toEqual({ line: 3, byte: 24 });
    const wide = await expectError(await call('POST', '/v1/datasets/text-ok/rows', utf16('x,cat,label\n5,a,low\n', 'le', true)), 400, 'invalid_encoding');
    expect(wide.message).toMatch(/^the file is UTF-16/);
    expect((await json(await call('GET', '/v1/datasets/text-ok'))).version).toBe(1);
    expect(await objectCount('text-ok')).toBe(before);
  });

  it('refuses UTF-16 and NUL bytes in a CSV batch for predictions', async () => {
    const batch = 'x,cat\n10,a\n90,b\n';
    expect((await call('POST', '/v1/models/text-ok/predict', batch)).status).toBe(200);
    const wide = await expectError(await call('POST', '/v1/models/text-ok/predict', utf16(batch, 'le', false)), 400, 'invalid_encoding');
    expect(wide.message).toMatch(/^the file is UTF-16/);
    const nul = await expectError(await call('POST', '/v1/models/text-ok/predict', bytesOf('x,cat\n10,a\n90,\u0000b\n')), 400, 'invalid_encoding');
    expect(nul.details).toEqual({ line: 3, byte: 15 });
  });
});

describe('JSON sent to predict under a CSV type', () => {
  beforeAll(async () => {
    expect((await call('PUT', '/v1/datasets/text-json', CSV)).status).toBe(201);
    const created = await call('POST', '/v1/jobs', { dataset: 'text-json', target: 'label', model: 'text-json', models: ['linear'], budget: { trials: 1 }, seed: 1 });
    expect((await waitForJob((await json(created)).id)).status).toBe('succeeded');
  }, 120_000);

  it('is refused as CSV with the hint to send Content-Type: application/json, which then answers', async () => {
    const hint = '; the body looks like JSON: send it with Content-Type: application/json';
    for (const [body, type] of [
      ['{"rows":[{}]}', 'text/plain'],
      ['  [{"x":10,"cat":"a"}]', 'text/csv'],
      ['\uFEFF{"rows":[{"x":10,"cat":"a"}]}\n', 'application/octet-stream'],
    ]) {
      const error = await expectError(await call('POST', '/v1/models/text-json/predict', body, { 'content-type': type }), 400, 'invalid_csv');
      expect(error.message.endsWith(hint), `${type}: ${error.message}`).toBe(true);
    }
    // The audit's body, without the hint: the parser's words.
    const first = await expectError(await call('POST', '/v1/models/text-json/predict', '{"rows":[{}]}', { 'content-type': 'text/plain' }), 400, 'invalid_csv');
    expect(first.message).toBe(`the file has a header but no data rows${hint}`);
    // A CSV refused for the same reason gets no such hint.
    const csv = await expectError(await call('POST', '/v1/models/text-json/predict', 'x,cat\n', { 'content-type': 'text/plain' }), 400, 'invalid_csv');
    expect(csv.message).toBe('the file has a header but no data rows');
    const answered = await call('POST', '/v1/models/text-json/predict', '{"rows":[{}]}', { 'content-type': 'application/json' });
    expect(answered.status).toBe(200);
    expect((await json(answered)).predictions).toHaveLength(1);
  });
});
