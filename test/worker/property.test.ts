/**
 * Property-based tests (fast-check) of the two doors hostile input comes through: CSV ingest (random
 * CSV-ish text and random bytes, under random content types and names) and predict input (random JSON
 * as rows and bodies against a small trained model). Whatever arrives, the Worker never answers 5xx,
 * every 4xx is the contract's error shape, and a refused upload leaves no object behind.
 */
import { env } from 'cloudflare:workers';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { SMALL_CSV, isErrorShape, jsonOf, send, tenantKey, waitJob } from './tenant';

const TENANT = 'prop';
let key: string;

const CONTENT_TYPES = [
  'text/csv',
  'text/csv; charset=utf-8',
  'TEXT/CSV',
  'text/csv;;;',
  'text/plain',
  'application/csv',
  'application/octet-stream',
  'application/json',
  'application/vnd.apache.parquet',
  'multipart/form-data; boundary=x',
  '',
];
const contentType = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...CONTENT_TYPES) }, { weight: 1, arbitrary: fc.string({ maxLength: 30 }) });

const TRICKY_CELLS = ['', ' ', '"', '""', '"a,b"', '"a""b"', 'a"b', 'NaN', 'nan', 'Infinity', '-Infinity', '1e309', '-0', '0x10', 'null', 'NA', '?', 'true', 'no', '2024-02-30', '2024-01-01T00:00:00Z', 'constructor', '__proto__', 'toString', '\u0000', '\uFEFF', 'é', '😀', '\t', '\\'];
const cell = fc.oneof(
  fc.constantFrom(...TRICKY_CELLS),
  fc.string({ maxLength: 8 }),
  fc.string({ unit: 'grapheme', maxLength: 4 }),
  fc.integer({ min: -5, max: 5 }).map(String),
  fc.double().map(String),
);
const newline = fc.constantFrom('\n', '\r\n', '\r');
const headerName = fc.oneof(fc.constantFrom('a', 'b', 'label', 'id', 'constructor', '__proto__', ' x ', '"q"'), fc.string({ minLength: 1, maxLength: 6 }));
/**
 * CSV-ish text: a header of `width` names, then rows that mostly have `width` cells (so a fair share of
 * files is valid and the success path is exercised) and sometimes not; one line ending per file, or a
 * random one per row; sometimes a BOM.
 */
const csvText = fc.integer({ min: 1, max: 4 }).chain((width) =>
  fc
    .tuple(
      fc.boolean(),
      fc.uniqueArray(headerName, { minLength: width, maxLength: width }),
      fc.array(fc.oneof({ weight: 6, arbitrary: fc.array(cell, { minLength: width, maxLength: width }) }, { weight: 1, arbitrary: fc.array(cell, { maxLength: 6 }) }), { maxLength: 8 }),
      fc.oneof(newline.map((nl) => [nl]), fc.array(newline, { minLength: 9, maxLength: 9 })),
    )
    .map(([bom, header, rows, nls]) => (bom ? '\uFEFF' : '') + [header, ...rows].map((cells, i) => cells.join(',') + nls[i % nls.length]).join('')),
);
const datasetName = fc.oneof({ weight: 4, arbitrary: fc.constantFrom('p', 'q-1', 'r.2') }, { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 12 }) });

function path(name: string): string {
  return `/v1/datasets/${encodeURIComponent(name)}`;
}

/** The answer is never 5xx; a 4xx is the contract's error shape; a 201 is a dataset profile. */
async function assertContract(res: Response): Promise<void> {
  const text = await res.text();
  expect(res.status, text.slice(0, 300)).toBeLessThan(500);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  if (res.status >= 400) expect(isErrorShape(body), `${res.status} ${text.slice(0, 300)}`).toBe(true);
  if (res.status === 201) expect(body).toMatchObject({ version: expect.any(Number), rows: expect.any(Number), columns: expect.any(Array) });
}

/** Every object under the tenant's prefix belongs to a registered version: two files per version. */
async function expectNoOrphans(): Promise<void> {
  const { datasets } = await jsonOf<{ datasets: { latest_version: number }[] }>(await send({ method: 'GET', path: '/v1/datasets', key }));
  const versions = datasets.reduce((n, d) => n + d.latest_version, 0);
  let objects = 0;
  let cursor: string | undefined;
  do {
    const page = await env.STORE.list({ prefix: `datasets/${TENANT}/`, cursor });
    objects += page.objects.length;
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  expect(objects).toBe(2 * versions);
}

describe('CSV ingest never fails on its side', () => {
  beforeAll(async () => {
    key = await tenantKey(TENANT, 'ingest');
  });

  it('answers random CSV-ish text with 201 or a contract 4xx', async () => {
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(csvText, contentType, datasetName, async (text, type, name) => {
        const res = await send({ method: 'PUT', path: path(name), key, body: text, contentType: type });
        if (res.status === 201) accepted++;
        await assertContract(res);
      }),
      { numRuns: 200 },
    );
    // The generator must reach the success path too, or the property says little about it.
    expect(accepted).toBeGreaterThan(0);
    await expectNoOrphans();
  });

  it('answers random bytes with 201 or a contract 4xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), contentType, async (bytes, type) => {
        await assertContract(await send({ method: 'PUT', path: '/v1/datasets/bytes', key, body: bytes, contentType: type }));
      }),
      { numRuns: 150 },
    );
    await expectNoOrphans();
  });
});

describe('predict input validation never fails on its side', () => {
  let predictKey: string;

  beforeAll(async () => {
    predictKey = await tenantKey(TENANT, 'predict');
    expect((await send({ method: 'PUT', path: '/v1/datasets/train', key: predictKey, body: SMALL_CSV, contentType: 'text/csv' })).status).toBe(201);
    const res = await send({ method: 'POST', path: '/v1/jobs', key: predictKey, body: { dataset: 'train', target: 'label', models: ['linear'], budget: { trials: 1 }, model: 'tiny' } });
    expect(res.status).toBe(202);
    expect((await waitJob((await jsonOf(res)).id, predictKey)).status).toBe('succeeded');
  });

  const column = fc.oneof({ weight: 3, arbitrary: fc.constantFrom('a', 'b', 'label') }, { weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', '', 'A', 'a ') }, { weight: 1, arbitrary: fc.string({ maxLength: 5 }) });
  const value = fc.oneof(
    fc.constantFrom(null, 'x', 'y', 'never-seen', '', 'NaN', 'Infinity', '1e309', ' 3 ', true, false, 0, -1, 1e308, 3.5),
    fc.jsonValue({ maxDepth: 2 }),
  );
  const row = fc.oneof({ weight: 4, arbitrary: fc.dictionary(column, value, { maxKeys: 4 }) }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) });
  const body = fc.oneof(
    { weight: 5, arbitrary: fc.record({ rows: fc.array(row, { maxLength: 5 }) }) },
    { weight: 1, arbitrary: fc.record({ rows: fc.array(row, { minLength: 1, maxLength: 3 }), version: fc.jsonValue({ maxDepth: 1 }), explain: fc.jsonValue({ maxDepth: 1 }) }, { requiredKeys: ['rows'] }) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  );

  it('answers random rows and bodies with 200 or a contract 4xx', async () => {
    await fc.assert(
      fc.asyncProperty(body, async (b) => {
        const res = await send({ method: 'POST', path: '/v1/models/tiny/predict', key: predictKey, body: JSON.stringify(b), contentType: 'application/json' });
        const text = await res.text();
        expect(res.status, text.slice(0, 300)).toBeLessThan(500);
        const answer = JSON.parse(text);
        if (res.status === 200) {
          const rows = (b as { rows: unknown[] }).rows;
          expect(answer.predictions).toHaveLength(rows.length);
          for (const p of answer.predictions) expect(['no', 'yes']).toContain(p);
        } else {
          expect(isErrorShape(answer), text.slice(0, 300)).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('answers random text as a predict body with a contract 4xx', async () => {
    await fc.assert(
      // JSON-ish content types only: the JSON routes read any body as text, and workerd logs a warning
      // for every non-text one, which would bury the test output.
      fc.asyncProperty(fc.string({ maxLength: 40 }), fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain'), async (text, type) => {
        const res = await send({ method: 'POST', path: '/v1/models/tiny/predict', key: predictKey, body: text, contentType: type });
        const answer = await res.text();
        expect(res.status, answer.slice(0, 300)).toBeLessThan(500);
        if (res.status >= 400) expect(isErrorShape(JSON.parse(answer)), answer.slice(0, 300)).toBe(true);
      }),
      { numRuns: 100 },
    );
  });
});
