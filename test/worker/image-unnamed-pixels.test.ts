/**
 * An image job on a CSV whose pixel columns are not named px_* (audit digits_plain_names.csv: p0..p63),
 * inside workerd. Given `image: {height, width}`, the job reads the columns in file order as the image,
 * row by row, and warns that names did not say so; a shape whose size is not the column count, or no
 * shape at all, is refused naming the shape and the count. The model then predicts from a CSV of the
 * same columns, from `pixels` and from a PNG alike, and a scheduled retraining keeps the shape.
 */
import { env } from 'cloudflare:workers';
import { encode as encodePng } from 'fast-png';
import { beforeAll, describe, expect, it } from 'vitest';
import testCsv from '../../examples/digits/test.csv?raw';
import trainCsv from '../../examples/digits/train.csv?raw';
import { csvObjects, firstRows, toB64 } from './helpers';
import { jsonOf, scheduledTick, send, tenantKey, waitJob } from './tenant';

const TENANT = 'unnamed-pixels';
let key = '';

/** The digits CSV with its px_r{r}_c{c} columns renamed p0..p63 (file order is row-major), the target kept. */
const plainNames = (csv: string) => {
  const [header, ...rest] = csv.split('\n');
  let k = 0;
  return [header.split(',').map((n) => (n.startsWith('px_') ? `p${k++}` : n)).join(','), ...rest].join('\n');
};

const job = (image: Record<string, number> | undefined) =>
  send({ method: 'POST', path: '/v1/jobs', key, body: { dataset: 'plain', target: 'digit', task: 'image', model: 'plain', models: ['linear'], budget: { trials: 1 }, seed: 3, ...(image ? { image } : {}) } });

describe('an image job on pixel columns not named px_*', () => {
  beforeAll(async () => {
    key = await tenantKey(TENANT, 'k');
    expect((await send({ method: 'PUT', path: '/v1/datasets/plain', key, body: plainNames(firstRows(trainCsv, 300)), contentType: 'text/csv' })).status).toBe(201);
  });

  it('is refused without a shape, or with one of another size, naming the shape and the count', async () => {
    const none = await jsonOf(await job(undefined));
    expect(none.error.code).toBe('invalid_dataset');
    expect(none.error.message).toMatch(/or "image": \{"height", "width", "channels"\} whose product is the 64 columns besides the target "digit", read as pixels in file order/);
    const wrong = await jsonOf(await job({ height: 8, width: 7 }));
    expect(wrong.error.message).toBe(
      'image: 8x7x1 (height x width x channels) needs 56 pixel columns, read in file order when none is named px_r{row}_c{col}; the dataset has 64 columns besides the target "digit": give a shape of 64 values (such as 8x8x1), or leave the columns that are no pixels out with "columns": {"name": "ignore"}',
    );
    expect(wrong.error.details).toMatchObject({ field: 'image', pixel_columns: 56, columns: 64 });
    const half = await jsonOf(await job({ height: 8 }));
    expect(half.error.message).toMatch(/give both image\.height and image\.width/);
    expect(half.error.details.field).toBe('image');
  });

  it('reads them in file order with the shape given, warns so, predicts from a CSV, pixels and a PNG alike, and retrains with the shape', async () => {
    const created = await job({ height: 8, width: 8 });
    expect(created.status).toBe(202);
    const started = await jsonOf(created);
    expect(started.warnings).toContain(
      'the pixel columns are not named px_r{row}_c{col}: the 64 columns "p0" to "p63" are read as 8x8x1 images in file order, row by row from the top left; if the file orders them otherwise, the images are scrambled (name them px_r{row}_c{col} to say where each is)',
    );
    expect((await waitJob(started.id, key, 300_000)).status).toBe('succeeded');
    expect((await jsonOf(await send({ method: 'GET', path: '/v1/models/plain', key }))).image).toEqual({ height: 8, width: 8, channels: 1, max_value: 16 });

    // Held-out digits three ways: a CSV with the model's own p0..p63 columns, pixel arrays, and PNG files.
    const test = csvObjects(testCsv).slice(0, 20);
    const pixels = test.map((r) => Object.keys(r).filter((k) => k.startsWith('px_')).map((k) => Number(r[k])));
    const predict = async (body: unknown, contentType?: string) => {
      const res = await send({ method: 'POST', path: '/v1/models/plain/predict', key, body, ...(contentType ? { contentType } : {}) });
      const answer = await jsonOf(res);
      expect(res.status, JSON.stringify(answer)).toBe(200);
      return (answer.predictions as unknown[]).map(String);
    };
    const fromCsv = await predict(plainNames(firstRows(testCsv, 20)), 'text/csv');
    expect(await predict({ rows: pixels.map((p) => ({ pixels: p })) })).toEqual(fromCsv);
    // A PNG holds 0..255, scaled back to the CSV's 0..16 (whole bytes may round a value by a hair).
    const images = pixels.map((p) => ({ image: toB64(encodePng({ width: 8, height: 8, channels: 1, depth: 8, data: Uint8Array.from(p, (v) => Math.round((v * 255) / 16)) })) }));
    const fromPng = await predict({ rows: images });
    expect(fromPng.filter((l, i) => l === fromCsv[i]).length).toBeGreaterThanOrEqual(19);
    expect(fromCsv.filter((l, i) => l === test[i].digit).length).toBeGreaterThanOrEqual(15);

    // A scheduled retraining (on newer data) is an image job again, of the same shape read from the same columns.
    expect((await send({ method: 'PUT', path: '/v1/datasets/plain', key, body: plainNames(firstRows(trainCsv, 400)), contentType: 'text/csv' })).status).toBe(201);
    const set = await send({ method: 'PUT', path: '/v1/models/plain/schedule', key, body: { every: '1d', dataset: 'plain', budget: { trials: 1 } } });
    expect(set.status, await set.clone().text()).toBe(200);
    await scheduledTick(Date.parse((await jsonOf(set)).next_due_at) + 60_000);
    const run = (await jsonOf(await send({ method: 'GET', path: '/v1/models/plain/schedule', key }))).runs[0];
    expect(run, JSON.stringify(run)).toMatchObject({ status: 'started' });
    expect((await waitJob(run.job_id, key, 300_000)).status).toBe('succeeded');
    const basis = await env.SEARCH.getByName(`${TENANT}/${run.job_id}`).retrainBasis('t0000');
    expect(basis?.config.image).toMatchObject({ height: 8, width: 8, channels: 1, maxValue: 16 });
    expect(basis?.config.image?.columnNames).toEqual(Array.from({ length: 64 }, (_, i) => `p${i}`));
  }, 600_000);

  it('reads px_* names written with leading zeros (px_r00_c07) as unnamed pixels, and says why, with and without a shape', async () => {
    const padded = (csv: string) => {
      const [header, ...rest] = csv.split('\n');
      const pad = (n: string) => n.replace(/^px_r(\d+)_c(\d+)$/, (_, r: string, c: string) => `px_r${r.padStart(2, '0')}_c${c.padStart(2, '0')}`);
      return [header.split(',').map(pad).join(','), ...rest].join('\n');
    };
    expect((await send({ method: 'PUT', path: '/v1/datasets/padded', key, body: padded(firstRows(trainCsv, 200)), contentType: 'text/csv' })).status).toBe(201);
    const paddedJob = (image?: Record<string, number>) =>
      send({ method: 'POST', path: '/v1/jobs', key, body: { dataset: 'padded', target: 'digit', task: 'image', model: 'padded', models: ['linear'], budget: { trials: 1 }, seed: 3, ...(image ? { image } : {}) } });
    const note = '"px_r00_c00" writes its indices with leading zeros, which px_r{row}_c{col} names do not have (px_r0_c0, px_r12_c3), so such columns are read as pixels only in file order, with image.height and image.width given';
    const none = await jsonOf(await paddedJob());
    expect(none.error.code).toBe('invalid_dataset');
    expect(none.error.message).toContain(`whose product is the 64 columns besides the target "digit", read as pixels in file order; ${note}`);
    const created = await paddedJob({ height: 8, width: 8 });
    const started = await jsonOf(created);
    expect(created.status, JSON.stringify(started)).toBe(202);
    expect(started.warnings.join(' ')).toContain(`not named px_r{row}_c{col}; ${note}: the 64 columns "px_r00_c00" to "px_r07_c07" are read as 8x8x1 images in file order`);
    expect((await waitJob(started.id, key, 300_000)).status).toBe('succeeded');
  }, 600_000);
});
