/**
 * The dataset route's `pixel_like` entries, inside workerd: a CSV whose pixel columns are not named px_*
 * (the digits as p0..p63) gets one entry for them with the pooled statistics of every pixel value, the
 * square shape it may be and the job that trains it as images, which is then accepted as the hint says;
 * `columns` still lists every column. Numbered columns that are not pixels (survey answers 1..5, monthly
 * amounts in the thousands) get none. Each answer parses with its documented schema, losing no field.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import trainCsv from '../../examples/digits/train.csv?raw';
import { datasetProfileResponse, datasetUploadResponse } from '../../src/worker/openapi/responses';
import { firstRows } from './helpers';
import { jsonOf, send, tenantKey, waitJob } from './tenant';

const TENANT = 'pixel-like';
let key = '';

/** The digits CSV with its px_r{r}_c{c} columns renamed p0..p63 in file order, and an id column in front. */
const digits = (() => {
  const [header, ...rest] = firstRows(trainCsv, 200).trim().split('\n');
  let k = 0;
  return [`id,${header.split(',').map((n) => (n.startsWith('px_') ? `p${k++}` : n)).join(',')}`, ...rest.map((line, i) => `r${i},${line}`)].join('\n');
})();

/** Every pixel value of the renamed CSV, read from its text (not from any profile). */
const pixelValues = (() => {
  const [header, ...rest] = digits.split('\n');
  const at = header.split(',').flatMap((n, i) => (/^p\d+$/.test(n) ? [i] : []));
  return rest.flatMap((line) => at.map((i) => Number(line.split(',')[i])));
})();

/** q1..q20 answers on a 1..5 scale and an overall mark: numbered, in 0..255, but never 0. */
const survey = ['respondent,' + Array.from({ length: 20 }, (_, i) => `q${i + 1}`).join(',') + ',satisfied', ...Array.from({ length: 60 }, (_, r) => `u${r},${Array.from({ length: 20 }, (_, q) => 1 + ((r * 7 + q * 3) % 5)).join(',')},${r % 2 === 0 ? 'yes' : 'no'}`)].join('\n');

/** m0..m23 monthly sales: numbered from 0 and with zeros (closed months), but up to 90,000. */
const sales = ['store,' + Array.from({ length: 24 }, (_, i) => `m${i}`).join(',') + ',region', ...Array.from({ length: 40 }, (_, r) => `s${r},${Array.from({ length: 24 }, (_, m) => ((r + m) % 9 === 0 ? 0 : 1000 + ((r * 131 + m * 977) % 89_000))).join(',')},${['north', 'south'][r % 2]}`)].join('\n');

const upload = async (name: string, csv: string) => {
  const res = await send({ method: 'PUT', path: `/v1/datasets/${name}`, key, body: csv, contentType: 'text/csv' });
  expect(res.status).toBe(201);
  return documented(datasetUploadResponse, await jsonOf(res));
};
const profile = async (name: string) => documented(datasetProfileResponse, await jsonOf(await send({ method: 'GET', path: `/v1/datasets/${name}`, key })));

/** The body, after checking that the documented schema parses it whole (parsing strips undocumented fields). */
function documented(schema: typeof datasetUploadResponse | typeof datasetProfileResponse, body: Record<string, any>): Record<string, any> {
  const parsed = schema.safeParse(body);
  expect(parsed.success ? [] : parsed.error.issues).toEqual([]);
  expect(parsed.data).toEqual(body);
  return body;
}

describe('pixel-like columns in the dataset view', () => {
  beforeAll(async () => {
    key = await tenantKey(TENANT, 'k');
  });

  it('summarises p0..p63 as one possible 8x8 image with the pooled statistics, and still lists every column', async () => {
    const put = await upload('plain', digits);
    const got = await profile('plain');
    const n = pixelValues.length;
    const mean = pixelValues.reduce((t, v) => t + v, 0) / n;
    const std = Math.sqrt(pixelValues.reduce((t, v) => t + (v - mean) ** 2, 0) / n);
    for (const body of [put, got]) {
      expect(body.pixel_like).toHaveLength(1);
      const [entry] = body.pixel_like;
      expect(entry).toMatchObject({ name: 'p0..p63', type: 'numeric', pixel_columns: 64, first_column: 'p0', last_column: 'p63', missing: 0, min: Math.min(...pixelValues), max: Math.max(...pixelValues), image: { height: 8, width: 8, channels: 1 } });
      expect(entry.min).toBe(0);
      expect(entry.mean).toBeCloseTo(mean, 9);
      expect(entry.std).toBeCloseTo(std, 9);
      expect(entry.hint).toContain('64 pixel-like columns p0..p63, possibly 8x8 images');
      // id and digit besides the run: the last one in use is taken for the target, the other left out, as the job needs.
      expect(entry.hint).toContain('create the job with "target": "digit", "task": "image", "image": {"height": 8, "width": 8} and "columns": {"id": "ignore"}');
      // Nothing collapsed: each column keeps its own entry, in file order.
      expect(body.columns.map((c: { name: string }) => c.name)).toEqual(['id', ...Array.from({ length: 64 }, (_, i) => `p${i}`), 'digit']);
    }
    // GET's own per-column statistics of a pixel stay as they were.
    const p36 = got.columns.find((c: { name: string }) => c.name === 'p36');
    expect(p36).toMatchObject({ type: 'numeric', min: expect.any(Number), max: expect.any(Number), mean: expect.any(Number) });
  });

  it('is a hint an image job accepts: the job it names trains on the run', async () => {
    const res = await send({ method: 'POST', path: '/v1/jobs', key, body: { dataset: 'plain', target: 'digit', task: 'image', image: { height: 8, width: 8 }, columns: { id: 'ignore' }, models: ['linear'], budget: { trials: 1 }, seed: 1 } });
    const created = await jsonOf(res);
    expect(res.status, JSON.stringify(created)).toBe(202);
    expect((await waitJob(created.id, key)).status).toBe('succeeded');
  });

  it('leaves q1..q20 survey answers (1..5, never 0) listed one by one', async () => {
    for (const body of [await upload('survey', survey), await profile('survey')]) {
      expect(body.pixel_like).toBeUndefined();
      expect(body.columns).toHaveLength(22);
    }
    // Numbered from 1, numeric and within 0..255: only the missing 0 tells answers from pixels.
    const qs = (await profile('survey')).columns.filter((c: { name: string }) => /^q\d+$/.test(c.name));
    expect(qs.every((c: { type: string }) => c.type === 'numeric')).toBe(true);
    expect([Math.min(...qs.map((c: { min: number }) => c.min)), Math.max(...qs.map((c: { max: number }) => c.max))]).toEqual([1, 5]);
  });

  it('leaves m0..m23 monthly sales (zeros, but up to 90,000) listed one by one', async () => {
    const got = await profile((await upload('sales', sales)).name);
    expect(got.pixel_like).toBeUndefined();
    expect(got.columns.filter((c: { name: string }) => /^m\d+$/.test(c.name))).toHaveLength(24);
    // The run did qualify by its names and zeros: only its range keeps it from being pixels.
    const ms = got.columns.filter((c: { name: string }) => /^m\d+$/.test(c.name));
    expect(Math.min(...ms.map((c: { min: number }) => c.min))).toBe(0);
    expect(Math.max(...ms.map((c: { max: number }) => c.max))).toBeGreaterThan(255);
  });
});
