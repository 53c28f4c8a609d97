/**
 * Image datasets inside workerd (no nodejs_compat, so fflate, fast-png and jpeg-js must work without
 * Buffer or zlib): a zip of class folders uploads as a pixel table with an image profile, bad zips are
 * refused whole naming the file and leave nothing behind, predict rows given as `image` or `pixels` are
 * converted to pixel columns (image files scaled to the training pixels' range), and a model trained on
 * an uploaded zip answers predictions from images.
 */
import { env } from 'cloudflare:workers';
import { encode as encodePng } from 'fast-png';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { decodeDataset } from '../../src/engine';
import type { CodedColumn, NumericColumn } from '../../src/engine/data/dataset';
import { imageRowsToArrays, imageRowsToColumns } from '../../src/worker/image-rows';
import { call, json, toB64, waitForJob } from './helpers';

/**
 * An 8x8 RGB JPEG, every pixel (200, 40, 90), written by jpeg-js's encoder at quality 90 in Node: its
 * encoder returns a Buffer, which workerd without nodejs_compat does not have.
 */
const JPEG_8X8_B64 =
  '/9j/4AAQSkZJRgABAQAAAQABAAD/2wCEAAMCAgMCAgMDAwMEAwMEBQgFBQQEBQoHBwYIDAoMDAsKCwsNDhIQDQ4RDgsLEBYQERMUFRUVDA8XGBYUGBIUFRQBAwQEBQQFCQUFCRQNCw0UFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFP/AABEIAAgACAMBEQACEQEDEQH/xAGiAAABBQEBAQEBAQAAAAAAAAAAAQIDBAUGBwgJCgsQAAIBAwMCBAMFBQQEAAABfQECAwAEEQUSITFBBhNRYQcicRQygZGhCCNCscEVUtHwJDNicoIJChYXGBkaJSYnKCkqNDU2Nzg5OkNERUZHSElKU1RVVldYWVpjZGVmZ2hpanN0dXZ3eHl6g4SFhoeIiYqSk5SVlpeYmZqio6Slpqeoqaqys7S1tre4ubrCw8TFxsfIycrS09TV1tfY2drh4uPk5ebn6Onq8fLz9PX29/j5+gEAAwEBAQEBAQEBAQAAAAAAAAECAwQFBgcICQoLEQACAQIEBAMEBwUEBAABAncAAQIDEQQFITEGEkFRB2FxEyIygQgUQpGhscEJIzNS8BVictEKFiQ04SXxFxgZGiYnKCkqNTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqCg4SFhoeIiYqSk5SVlpeYmZqio6Slpqeoqaqys7S1tre4ubrCw8TFxsfIycrS09TV1tfY2dri4+Tl5ufo6ery8/T19vf4+fr/2gAMAwEAAhEDEQA/APJKyP7LP//Z';

const fromB64 = (text: string) => Uint8Array.from(atob(text), (ch) => ch.charCodeAt(0));

/** A gray PNG whose pixels are `value` plus a small deterministic wobble (so columns are not constant). */
function grayPng(size: number, value: number, seed = 0): Uint8Array {
  const data = Uint8Array.from({ length: size * size }, (_, i) => Math.max(0, Math.min(255, value + (((i + 1) * (seed + 3) * 7) % 21) - 10)));
  return encodePng({ width: size, height: size, channels: 1, depth: 8, data });
}

const zipHeaders = { 'content-type': 'application/zip' };

async function expectError(res: Response, status: number, code: string): Promise<Record<string, any>> {
  const body = await json(res);
  expect({ status: res.status, code: body.error?.code }).toEqual({ status, code });
  return body.error;
}

/** Nothing of a refused upload is visible: no version, and no objects under the dataset's prefix. */
async function expectNothingStored(name: string): Promise<void> {
  await expectError(await call('GET', `/v1/datasets/${name}`), 404, 'dataset_not_found');
  expect((await env.STORE.list({ prefix: `datasets/default/${name}/` })).objects).toHaveLength(0);
}

describe('image dataset upload', () => {
  const pets = () =>
    zipSync({
      'pets/cats/a.png': grayPng(4, 20),
      'pets/cats/b.png': grayPng(4, 30),
      'pets/dogs/c.png': grayPng(4, 220),
      'pets/dogs/d.jpg': fromB64(JPEG_8X8_B64),
      '__MACOSX/pets/cats/._a.png': Uint8Array.of(0, 0, 0),
    });

  it('stores a zip of class folders as a pixel table and profiles it as an image dataset', async () => {
    const res = await call('PUT', '/v1/datasets/pets', pets(), zipHeaders);
    expect(res.status).toBe(201);
    const body = await json(res);
    // The JPEG is in colour, so the table is RGB; 4x4 is the most common size.
    expect(body.image).toEqual({ height: 4, width: 4, channels: 3, classes: { cats: 2, dogs: 2 } });
    expect(body.rows).toBe(4);
    // The pixels' one entry carries its pooled statistics in the upload's answer too (a table's columns get theirs on GET).
    expect(body.columns).toEqual([
      { name: 'px_*', type: 'numeric', missing: 0, unique: expect.any(Number), min: expect.any(Number), max: expect.any(Number), mean: expect.any(Number), std: expect.any(Number), pixel_columns: 48 },
      { name: 'label', type: 'categorical', missing: 0, unique: 2 },
    ]);

    const got = await json(await call('GET', '/v1/datasets/pets'));
    expect(got.image).toEqual(body.image);
    expect(got.columns).toHaveLength(2);
    expect(got.columns[0]).toEqual(body.columns[0]);
    expect(got.columns[0]).toMatchObject({ name: 'px_*', pixel_columns: 48, min: expect.any(Number), max: expect.any(Number) });
    expect(got.columns[0].max).toBeGreaterThan(200);
    expect(got.columns[1].top).toEqual([
      { value: 'cats', count: 2 },
      { value: 'dogs', count: 2 },
    ]);

    const objects = (await env.STORE.list({ prefix: 'datasets/default/pets/' })).objects.map((o) => o.key.split('/').pop());
    expect(objects.sort()).toEqual(['data.eac', 'raw.zip']);
    const dataKey = (await env.STORE.list({ prefix: 'datasets/default/pets/' })).objects.find((o) => o.key.endsWith('data.eac'))!.key;
    const ds = decodeDataset(new Uint8Array(await (await env.STORE.get(dataKey))!.arrayBuffer()));
    expect(ds.rows).toBe(4);
    expect(ds.columns.map((c) => c.name).slice(0, 4)).toEqual(['px_r0_c0_0', 'px_r0_c0_1', 'px_r0_c0_2', 'px_r0_c1_0']);
    const label = ds.columns.at(-1) as CodedColumn;
    expect({ name: label.name, levels: label.levels, codes: Array.from(label.codes) }).toEqual({ name: 'label', levels: ['cats', 'dogs'], codes: [0, 0, 1, 1] });
    // Row 3 is the JPEG (dogs/d.jpg after dogs/c.png): its red channel is near 200, green near 40.
    const red = ds.columns[0] as NumericColumn;
    const green = ds.columns[1] as NumericColumn;
    expect(Math.abs(red.values[3] - 200)).toBeLessThanOrEqual(8);
    expect(Math.abs(green.values[3] - 40)).toBeLessThanOrEqual(8);
  });

  it('resizes and converts to the size and channels asked for', async () => {
    const body = await json(await call('PUT', '/v1/datasets/pets-small?size=2x2&channels=1', pets(), zipHeaders));
    expect(body.image).toEqual({ height: 2, width: 2, channels: 1, classes: { cats: 2, dogs: 2 } });
    expect(body.columns[0].pixel_columns).toBe(4);
    expect((await expectError(await call('PUT', '/v1/datasets/pets-bad?size=big', pets(), zipHeaders), 400, 'invalid_request')).details.field).toBe('size');
    expect((await expectError(await call('PUT', '/v1/datasets/pets-bad?channels=4', pets(), zipHeaders), 400, 'invalid_request')).details.field).toBe('channels');
    await expectNothingStored('pets-bad');
  });

  it('refuses a corrupt zip, an undecodable image and a one-class zip, naming the file, and stores nothing', async () => {
    const notZip = await expectError(await call('PUT', '/v1/datasets/bad1', new TextEncoder().encode('PK not really a zip'), zipHeaders), 400, 'invalid_dataset');
    expect(notZip.message).toMatch(/not a readable zip/);
    await expectNothingStored('bad1');

    // A damaged PNG is refused by name (a file named .png holding no PNG at all is left out with a warning).
    const fake = zipSync({ 'cats/a.png': grayPng(4, 20), 'dogs/fake.png': grayPng(4, 40).subarray(0, 40) });
    const undecodable = await expectError(await call('PUT', '/v1/datasets/bad2', fake, zipHeaders), 400, 'invalid_dataset');
    expect(undecodable.message).toMatch(/^dogs\/fake\.png: a truncated or damaged PNG/);
    expect(undecodable.details.file).toBe('dogs/fake.png');
    await expectNothingStored('bad2');

    const oneClass = await expectError(await call('PUT', '/v1/datasets/bad3', zipSync({ 'cats/a.png': grayPng(4, 20), 'cats/b.png': grayPng(4, 40) }), zipHeaders), 400, 'invalid_dataset');
    expect(oneClass.message).toMatch(/only one class folder \("cats"\)/);
    await expectNothingStored('bad3');
  });

  it('answers 413 to a zip that would decompress past the caps', async () => {
    const bomb = zipSync({ 'a/1.png': grayPng(4, 0), 'b/2.png': new Uint8Array(33 * 1024 * 1024) });
    const error = await expectError(await call('PUT', '/v1/datasets/bomb', bomb, zipHeaders), 413, 'payload_too_large');
    expect(error.message).toMatch(/^b\/2\.png: /);
    await expectNothingStored('bomb');
  });
});

describe('image predict rows', () => {
  const shape = { height: 4, width: 4, channels: 1 };
  const columns = [...Array.from({ length: 16 }, (_, i) => `px_r${Math.floor(i / 4)}_c${i % 4}`), 'label'];

  it('decodes a base64 image and resamples it to the model shape', () => {
    const [row] = imageRowsToColumns(shape, columns, [{ image: toB64(grayPng(8, 128)) }]) as Record<string, number>[];
    expect(Object.keys(row)).toEqual(columns.slice(0, 16));
    for (const name of columns.slice(0, 16)) expect(Math.abs(row[name] - 128)).toBeLessThanOrEqual(10);
    const [rgb] = imageRowsToColumns({ height: 2, width: 2, channels: 3 }, [], [{ image: `data:image/jpeg;base64,${JPEG_8X8_B64}`, id: 7 }]) as Record<string, number>[];
    expect(rgb.id).toBe(7);
    expect(Math.abs(rgb.px_r1_c1_0 - 200)).toBeLessThanOrEqual(8);
    expect(Math.abs(rgb.px_r1_c1_2 - 90)).toBeLessThanOrEqual(8);
  });

  it("scales an image file's 0..255 to the training pixels' range, and leaves pixel arrays as given", () => {
    const digits = { ...shape, maxValue: 16 };
    const [white, gray, given] = imageRowsToColumns(digits, columns, [{ image: toB64(grayPng(4, 255)) }, { image: toB64(grayPng(4, 128)) }, { pixels: new Array(16).fill(9) }]) as Record<string, number>[];
    // grayPng's wobble is -10 on every pixel with seed 0: the files hold 245 and 118 throughout.
    for (const name of columns.slice(0, 16)) {
      expect(white[name]).toBeCloseTo((245 * 16) / 255, 12);
      expect(gray[name]).toBeCloseTo((118 * 16) / 255, 12);
      expect(given[name]).toBe(9);
    }
    const [unit] = imageRowsToColumns({ ...shape, maxValue: 1 }, columns, [{ image: toB64(grayPng(4, 255)) }]) as Record<string, number>[];
    expect(unit.px_r2_c3).toBeCloseTo(245 / 255, 12);
  });

  it('takes pixels flat or nested, and passes rows of every pixel column through', () => {
    const flat = Array.from({ length: 16 }, (_, i) => i);
    const nested = [0, 1, 2, 3].map((r) => [0, 1, 2, 3].map((c) => r * 4 + c));
    // A row missing pixel columns is refused (image-predict-refusals); a whole one passes unchanged.
    const plain = Object.fromEntries(columns.slice(0, 16).map((name) => [name, 5]));
    const [a, b, c] = imageRowsToColumns(shape, columns, [{ pixels: flat }, { pixels: nested }, plain]) as Record<string, number>[];
    expect(a.px_r2_c1).toBe(9);
    expect(b).toEqual(a);
    expect(c).toBe(plain);
    const [rgb] = imageRowsToColumns({ height: 1, width: 2, channels: 3 }, [], [{ pixels: [[[1, 2, 3], [4, 5, 6]]] }]) as Record<string, number>[];
    expect(rgb).toEqual({ px_r0_c0_0: 1, px_r0_c0_1: 2, px_r0_c0_2: 3, px_r0_c1_0: 4, px_r0_c1_1: 5, px_r0_c1_2: 6 });
  });

  it('names the row and the field of bad input', () => {
    const fail = (rows: unknown[]) => {
      try {
        imageRowsToColumns(shape, columns, rows);
      } catch (err) {
        return err as { status: number; message: string; details: Record<string, unknown> };
      }
      throw new Error('expected an error');
    };
    const notImage = fail([{ pixels: new Array(16).fill(0) }, { image: btoa('GIF89a not an image') }]);
    expect({ status: notImage.status, message: notImage.message, details: notImage.details }).toEqual({ status: 400, message: 'rows[1].image: not a PNG or JPEG image', details: { row: 1, field: 'image' } });
    expect(fail([{ image: '%%%' }]).message).toBe('rows[0].image: not valid base64 (standard or URL-safe) of a PNG or JPEG file');
    // URL-safe base64 without padding reads as the standard form does.
    const png = grayPng(5, 200, 3);
    const standard = toB64(png);
    const urlSafe = standard.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    expect(urlSafe).not.toBe(standard);
    expect(imageRowsToColumns(shape, columns, [{ image: urlSafe }])).toEqual(imageRowsToColumns(shape, columns, [{ image: standard }]));
    expect(fail([{ image: 12 }]).message).toMatch(/^rows\[0\]\.image: expected a base64 string/);
    expect(fail([{ pixels: [1, 2, 3] }]).message).toMatch(/^rows\[0\]\.pixels: expected 16 numbers \(4x4x1\)/);
    expect(fail([{ pixels: [...new Array(15).fill(0), 'x'] }]).message).toBe('rows[0].pixels[15]: expected a number, got "x"');
    expect(fail([{ image: 'x', pixels: [] }]).message).toBe('rows[0].image: give either image or pixels, not both');
  });

  it('reads a data URL after leading whitespace (a line break a text field kept)', () => {
    const png = toB64(grayPng(4, 90, 2));
    expect(imageRowsToColumns(shape, columns, [{ image: `\n data:image/png;base64,${png}` }])).toEqual(imageRowsToColumns(shape, columns, [{ image: png }]));
  });

  it('puts the pixels of a batch in one array per pixel column, leaving no pixel in the rows', () => {
    const plain = Object.fromEntries(columns.slice(0, 16).map((name, i) => [name, String(i)]));
    const rows = [{ image: toB64(grayPng(8, 128)), id: 'a' }, { pixels: Array.from({ length: 16 }, (_, i) => i) }, plain];
    const batch = imageRowsToArrays(shape, columns, rows)!;
    const wide = imageRowsToColumns(shape, columns, rows) as Record<string, unknown>[];
    // Rows given as an image or pixels keep their other fields only: an object of thousands of pixel
    // properties takes about 0.8 MB for a 64x64 RGB image. A row of pixel columns is the row sent.
    expect(batch.rows.slice(0, 2)).toEqual([{ id: 'a' }, {}]);
    expect(batch.rows[2]).toBe(plain);
    expect([...batch.pixels.keys()]).toEqual(columns.slice(0, 16));
    for (let i = 0; i < rows.length; i++) {
      for (const name of columns.slice(0, 16)) expect(batch.pixels.get(name)![i]).toBe(Number(wide[i][name]));
      // Drift samples a row as imageRowsToColumns builds it (numbers where the row gave text).
      expect(batch.rowAt(i)).toEqual(Object.fromEntries(Object.entries(wide[i]).map(([k, v]) => [k, k.startsWith('px_') ? Number(v) : v])));
    }
    // Rows of pixel columns only are taken as they are.
    expect(imageRowsToArrays(shape, columns, [plain])).toBeUndefined();
    // Refusals are imageRowsToColumns', naming the same row, and a pixel column's cell is read as the predictor reads it.
    expect(() => imageRowsToArrays(shape, columns, [rows[0], { pixels: [1] }])).toThrow(/^rows\[1\]\.pixels: expected 16 numbers/);
    expect(() => imageRowsToArrays(shape, columns, [rows[0], { ...plain, px_r0_c1: 'dark' }])).toThrow('row 1, column "px_r0_c1": expected a number, got "dark"');
  });
});

describe('predicting from images end to end', () => {
  it('trains on an uploaded zip and predicts rows given as image or pixels', async () => {
    const files: Record<string, Uint8Array> = {};
    for (let i = 0; i < 12; i++) {
      files[`dark/${i}.png`] = grayPng(4, 40, i);
      files[`bright/${i}.png`] = grayPng(4, 210, i);
    }
    expect((await call('PUT', '/v1/datasets/shades', zipSync(files), zipHeaders)).status).toBe(201);
    const { id } = await json(await call('POST', '/v1/jobs', { dataset: 'shades', target: 'label', models: ['linear'], budget: { trials: 1 }, model: 'shades' }));
    expect((await waitForJob(id)).status).toBe('succeeded');

    // A table job on an uploaded zip: its pixel columns make it an image model, in the files' 0..255.
    expect((await json(await call('GET', '/v1/models/shades'))).image).toEqual({ height: 4, width: 4, channels: 1, max_value: 255 });
    const res = await call('POST', '/v1/models/shades/predict', {
      rows: [{ image: toB64(grayPng(8, 215)) }, { pixels: new Array(16).fill(35) }, { pixels: [0, 1, 2, 3].map(() => new Array(4).fill(220)) }, { image: JPEG_8X8_B64 }],
    });
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body.predictions.slice(0, 3)).toEqual(['bright', 'dark', 'bright']);
    expect(['bright', 'dark']).toContain(body.predictions[3]);

    // Read into arrays (images, pixel arrays), as rows of pixel columns, mixed, or as a CSV of them: one answer.
    const given = [{ image: toB64(grayPng(8, 215)) }, { pixels: new Array(16).fill(35) }, { image: JPEG_8X8_B64 }];
    const viaArrays = await json(await call('POST', '/v1/models/shades/predict', { rows: given }));
    const asColumns = imageRowsToColumns({ height: 4, width: 4, channels: 1, maxValue: 255 }, [], given) as Record<string, number>[];
    expect(await json(await call('POST', '/v1/models/shades/predict', { rows: asColumns }))).toEqual(viaArrays);
    expect(await json(await call('POST', '/v1/models/shades/predict', { rows: [given[0], asColumns[1], given[2]] }))).toEqual(viaArrays);
    const names = Object.keys(asColumns[0]);
    const csv = [names.join(','), ...asColumns.map((r) => names.map((n) => r[n]).join(','))].join('\n');
    expect(await json(await call('POST', '/v1/models/shades/predict', csv, { 'content-type': 'text/csv' }))).toEqual(viaArrays);
    const missing = [names.slice(1).join(','), ...asColumns.map((r) => names.slice(1).map((n) => r[n]).join(','))].join('\n');
    expect((await expectError(await call('POST', '/v1/models/shades/predict', missing, { 'content-type': 'text/csv' }), 400, 'invalid_request')).message).toMatch(/^line 2: 1 of this image model's 16 pixel columns is missing \(px_r0_c0\)/);

    const error = await expectError(await call('POST', '/v1/models/shades/predict', { rows: [{ pixels: [1, 2] }] }), 400, 'invalid_request');
    expect(error.details).toEqual({ row: 0, field: 'pixels', index: 0 });
  });
});
