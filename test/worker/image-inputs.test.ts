/**
 * Image inputs the audit found misread, inside workerd: a job on an uploaded zip records the files'
 * 0..255 range whatever its brightest pixel (a CSV of pixels keeps its range read from the data), a zip
 * sent as CSV or octet-stream is refused saying to send it as application/zip, an image job on a pixel
 * table with a gap names the missing column, a pixel column that is not numeric is refused saying how to
 * make it so (and a stray word in one is not met with advice to declare it categorical), and a flat
 * `pixels` array of the wrong length says what a flat array must hold.
 */
import { env } from 'cloudflare:workers';
import { encode as encodePng } from 'fast-png';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import trainCsv from '../../examples/digits/train.csv?raw';
import { decodeDataset, inferDataset, parseCsv } from '../../src/engine';
import { imageRowsToColumns } from '../../src/worker/image-rows';
import { resolveImageShape } from '../../src/worker/job-inputs';
import { call, firstRows, json, waitForJob } from './helpers';

/** An 8x8 gray PNG whose pixels lie in [low, high] (a deterministic spread). */
function grayPng(low: number, high: number, seed: number): Uint8Array {
  const data = Uint8Array.from({ length: 64 }, (_, i) => low + (((i + 1) * (seed + 5) * 13) % (high - low + 1)));
  return encodePng({ width: 8, height: 8, channels: 1, depth: 8, data });
}

function darkZip(): Uint8Array {
  const files: Record<string, Uint8Array> = {};
  for (let i = 0; i < 10; i++) {
    files[`dim/${i}.png`] = grayPng(30, 50, i);
    files[`bright/${i}.png`] = grayPng(90, 110, i);
  }
  return zipSync(files);
}

describe("an image job's pixel range", () => {
  it('is 0..255 for a dataset uploaded as a zip, even when its brightest pixel is 110', async () => {
    expect((await call('PUT', '/v1/datasets/dark', darkZip(), { 'content-type': 'application/zip' })).status).toBe(201);
    const version = (await env.REGISTRY.getByName('default').getDataset('dark'))!;
    const ds = decodeDataset(new Uint8Array(await (await env.STORE.get(version.data_key))!.arrayBuffer()));
    expect(resolveImageShape(ds, 'label', [], undefined, version.columns)).toEqual({ height: 8, width: 8, channels: 1, maxValue: 255 });
    // Asking for another top is refused: the files are 0..255 whatever the job says.
    expect(() => resolveImageShape(ds, 'label', [], { max_value: 100 }, version.columns)).toThrow(/^image\.max_value: a dataset uploaded as image files holds 0\.\.255/);
    expect(resolveImageShape(ds, 'label', [], { max_value: 255 }, version.columns).maxValue).toBe(255);
  });

  it('records black when the pixels go below 0, and maps an image file onto that range (-1..1: black is -1, not mid-gray)', () => {
    const header = Array.from({ length: 4 }, (_, i) => `px_r${i >> 1}_c${i & 1}`);
    const rows = [
      [-1, -0.5, 0.5, 1, 'a'],
      [-1, -1, 1, 0, 'b'],
    ].map((r) => r.map(String));
    const { dataset } = inferDataset({ header: [...header, 'y'], rows });
    const shape = resolveImageShape(dataset, 'y', [], undefined);
    expect(shape).toMatchObject({ height: 2, width: 2, channels: 1, maxValue: 1, minValue: -1 });
    const png = encodePng({ width: 2, height: 2, channels: 1, depth: 8, data: Uint8Array.from([0, 255, 0, 255]) });
    const [row] = imageRowsToColumns(shape, [...header, 'y'], [{ image: btoa(String.fromCharCode(...png)) }]) as Record<string, number>[];
    expect(header.map((h) => row[h])).toEqual([-1, 1, -1, 1]);
    // Pixels below the recorded black are refused, naming the cell.
    expect(() => imageRowsToColumns(shape, [...header, 'y'], [{ pixels: [-3, 0, 0, 0] }])).toThrow(/pixels\[0\]: -3 is outside this model's pixel range -1\.\.1/);
  });

  it('is still read from the data for a CSV of pixels', async () => {
    expect((await call('PUT', '/v1/datasets/digits-range', firstRows(trainCsv, 80))).status).toBe(201);
    const version = (await env.REGISTRY.getByName('default').getDataset('digits-range'))!;
    const ds = decodeDataset(new Uint8Array(await (await env.STORE.get(version.data_key))!.arrayBuffer()));
    expect(resolveImageShape(ds, 'digit', [], undefined, version.columns).maxValue).toBe(16);
  });
});

describe('a table model trained on a CSV of pixels', () => {
  it('scales an image file to the range of its training pixels (0..16 for the digits), as an image model does', async () => {
    expect((await call('PUT', '/v1/datasets/digits-table', firstRows(trainCsv, 120))).status).toBe(201);
    const created = await json(await call('POST', '/v1/jobs', { dataset: 'digits-table', target: 'digit', model: 'digits-table', models: ['linear'], budget: { trials: 1 } }));
    expect((await waitForJob(created.id)).status).toBe('succeeded');
    const model = await json(await call('GET', '/v1/models/digits-table'));
    expect(model.image).toEqual({ height: 8, width: 8, channels: 1, max_value: 16 });
    // A mid-gray PNG is read as 16 * v / 255 (it was read as v: 0..255, every inked pixel past the brightest of training).
    const png = grayPng(60, 200, 3);
    const decoded = Array.from({ length: 64 }, (_, i) => 60 + (((i + 1) * 8 * 13) % 141));
    const predict = (row: Record<string, unknown>) => call('POST', '/v1/models/digits-table/predict', { rows: [row] });
    const fromImage = await json(await predict({ image: btoa(String.fromCharCode(...png)) }));
    const fromPixels = await json(await predict({ pixels: decoded.map((v) => (v * 16) / 255) }));
    expect(fromImage.probabilities).toEqual(fromPixels.probabilities);
    // Pixels past the training range are refused, naming the value, as for an image model.
    const tooBright = await json(await predict({ pixels: decoded }));
    expect(tooBright.error).toMatchObject({ code: 'invalid_request', details: { reason: 'pixel_range', max: 16 } });
  });
});

describe('a zip sent with a table media type', () => {
  it('is refused with 415 naming application/zip, as text/csv or as application/octet-stream', async () => {
    for (const type of ['text/csv', 'application/octet-stream']) {
      const res = await call('PUT', '/v1/datasets/zip-as-table', darkZip(), { 'content-type': type });
      const body = await json(res);
      expect({ status: res.status, code: body.error.code }).toEqual({ status: 415, code: 'unsupported_media_type' });
      expect(body.error.message).toMatch(/zip file/);
      expect(body.error.message).toMatch(/Content-Type: application\/zip/);
    }
  });
});

describe('an image job on pixel columns with a gap', () => {
  it('names the missing column', async () => {
    const header = firstRows(trainCsv, 0).split(',');
    const { dataset } = inferDataset(parseCsv(firstRows(trainCsv, 40)));
    const gap = { ...dataset, columns: dataset.columns.filter((c) => c.name !== 'px_r3_c4') };
    expect(header).toContain('px_r3_c4');
    let message = '';
    try {
      resolveImageShape(gap, 'digit', [], undefined);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/px_r3_c4/);
    expect(message).toMatch(/missing/);
    const res = await call('POST', '/v1/jobs', { dataset: 'digits-range', target: 'digit', task: 'image', columns: { px_r3_c4: 'ignore', px_r0_c7: 'ignore' } });
    const body = await json(res);
    expect(res.status).toBe(400);
    expect(body.error.message).toMatch(/px_r0_c7, px_r3_c4/);
    expect(body.error.details.missing).toEqual(['px_r0_c7', 'px_r3_c4']);
  });
});

describe('a pixel column that is not numeric', () => {
  it("is refused saying how to make it numeric: leave the job's categorical declaration out, or declare it numeric", async () => {
    // Line 9's px_r2_c4 holds a stray word: upload reads it as a missing pixel, and says so without offering categories.
    const lines = firstRows(trainCsv, 80).split('\n');
    const at = lines[0].split(',').indexOf('px_r2_c4');
    const cells = lines[8].split(',');
    cells[at] = 'abc';
    lines[8] = cells.join(',');
    const put = await json(await call('PUT', '/v1/datasets/digits-word', lines.join('\n')));
    expect(put.columns.find((c: { name: string }) => c.name === 'px_r2_c4').warnings).toEqual([
      '79 of 80 values are numbers, but line 9 holds "abc": the column is read as numeric, with that cell missing; correct it in the file, or leave it to be read as a missing pixel',
    ]);
    const declared = await json(await call('POST', '/v1/jobs', { dataset: 'digits-word', target: 'digit', task: 'image', columns: { px_r2_c4: 'categorical' }, budget: { trials: 1 } }));
    expect(declared.error).toMatchObject({
      code: 'invalid_dataset',
      message: 'pixel column "px_r2_c4" is not numeric: the job\'s "columns" reads it as categorical; leave it out of "columns" (cells that are no numbers are read as missing pixels)',
      details: { field: 'columns', column: 'px_r2_c4' },
    });
    // Typed categorical at upload (more words than stray ones), a numeric declaration reads them as missing.
    const { dataset } = inferDataset(parseCsv(firstRows(trainCsv, 40)));
    const worded = { ...dataset, columns: dataset.columns.map((c) => (c.name === 'px_r2_c4' ? { name: c.name, type: 'categorical' as const, storage: 'codes' as const, codes: new Int32Array(40), levels: ['n/a'] } : c)) };
    expect(() => resolveImageShape(worded, 'digit', [], undefined, [{ name: 'px_r2_c4', type: 'categorical' }])).toThrow(
      'pixel column "px_r2_c4" is not numeric: it was read as categorical; correct its cells that are no numbers, or create the job with "columns": {"px_r2_c4": "numeric"} to read them as missing pixels',
    );
  });
});

describe('a flat pixels array of the wrong length', () => {
  it('says how many values a flat array needs and the nested shape, even when its length is the height', () => {
    const shape = { height: 32, width: 32, channels: 3 };
    let message = '';
    try {
      imageRowsToColumns(shape, [], [{ pixels: new Array(32).fill(0) }]);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toBe('rows[0].pixels: expected 3072 numbers (32x32x3) as a flat array or nested [32][32][3], got a flat array of 32 numbers');
  });
});
