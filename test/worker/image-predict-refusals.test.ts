/**
 * What the image audit found an image model accepting, inside workerd: a row holding no image (`{}`, a
 * CSV or Parquet file of labels only, one pixel column of 16) was answered with confident probabilities,
 * and pixel values on another scale (9999, 0..1 values for a 0..255 model) were taken as given. Each is
 * now a 400 naming the row as the body counts it and what is missing or out of range; well-formed rows
 * still predict, and a model that records no pixel range keeps taking values as given. Also: a pixel
 * column given as an image job's target is named as such, and an unknown query parameter on a zip
 * upload is refused.
 */
import { encode as encodePng } from 'fast-png';
import { zipSync } from 'fflate';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { beforeAll, describe, expect, it } from 'vitest';
import trainCsv from '../../examples/digits/train.csv?raw';
import { imageRowsToColumns } from '../../src/worker/image-rows';
import { call, firstRows, json, waitForJob } from './helpers';

const MODEL = 'shade-refusals';
const PX = Array.from({ length: 16 }, (_, i) => `px_r${Math.floor(i / 4)}_c${i % 4}`);

/** A 4x4 gray PNG around `value`, with a small deterministic spread. */
const grayPng = (value: number, seed: number) => encodePng({ width: 4, height: 4, channels: 1, depth: 8, data: Uint8Array.from({ length: 16 }, (_, i) => value + ((i * (seed + 3)) % 9)) });

const predict = (body: unknown, headers: Record<string, string> = {}) => call('POST', `/v1/models/${MODEL}/predict`, body, headers);
const PARQUET = { 'content-type': 'application/vnd.apache.parquet' };

async function refusal(res: Response): Promise<{ code: string; message: string; details: Record<string, unknown> }> {
  const body = await json(res);
  expect({ status: res.status, code: body.error?.code }).toEqual({ status: 400, code: 'invalid_request' });
  return body.error;
}

/** A CSV of the 16 pixel columns, one line per row of values. */
const pixelCsv = (...lines: (number | string)[][]) => [PX.join(','), ...lines.map((l) => l.join(','))].join('\n') + '\n';

describe('an image model given a row without an image', () => {
  beforeAll(async () => {
    const files: Record<string, Uint8Array> = {};
    for (let i = 0; i < 10; i++) {
      files[`dark/${i}.png`] = grayPng(30, i);
      files[`bright/${i}.png`] = grayPng(200, i);
    }
    expect((await call('PUT', `/v1/datasets/${MODEL}`, zipSync(files), { 'content-type': 'application/zip' })).status).toBe(201);
    const created = await json(await call('POST', '/v1/jobs', { dataset: MODEL, target: 'label', model: MODEL, models: ['linear'], budget: { trials: 1 }, seed: 1 }));
    expect((await waitForJob(created.id)).status).toBe('succeeded');
  }, 120_000);

  it('refuses {} (what JSON.stringify makes of {image: undefined}) naming the row and the ways to send an image', async () => {
    const error = await refusal(await predict({ rows: [{ pixels: new Array(16).fill(40) }, {}] }));
    expect(error.message).toBe('rows[1]: an image model needs "image" (a base64 PNG or JPEG), "pixels" (16 numbers) or its 16 pixel columns (px_r0_c0 … px_r3_c3); none given (the row is empty)');
    expect(error.details).toEqual({ row: 1, reason: 'no_image', index: 1 });
  });

  it('refuses a CSV or Parquet file of labels only, naming its line or row', async () => {
    const csv = await refusal(await predict('label\ndark\n'));
    expect(csv.message).toMatch(/^line 2: an image model needs .*; none given \(the row holds only "label"\)$/);
    expect(csv.details).toMatchObject({ line: 2, index: 0 });
    const parquet = new Uint8Array(parquetWriteBuffer({ columnData: [{ name: 'label', data: ['dark', 'bright'], type: 'STRING' }] }));
    expect((await refusal(await predict(parquet, PARQUET))).message).toMatch(/^row 1 of the Parquet file: an image model needs /);
  });

  it('refuses a row missing some pixel columns, saying how many and naming the first', async () => {
    const error = await refusal(await predict({ rows: [{ px_r0_c0: 40 }] }));
    expect(error.message).toBe('rows[0]: 15 of this image model\'s 16 pixel columns are missing (px_r0_c1, px_r0_c2, px_r0_c3, px_r1_c0, px_r1_c1 and 10 more); a row needs every pixel: send all 16 columns, or the image as "image" or "pixels"');
    expect(error.details).toMatchObject({ row: 0, missing_count: 15, reason: 'missing_pixels' });
  });

  it('refuses a row whose pixel cells are all empty, and reads a few empty cells as missing values', async () => {
    const empty = await refusal(await predict(pixelCsv(new Array(16).fill(40), new Array(16).fill(''))));
    expect(empty.message).toMatch(/^line 3: every pixel value is empty, so the row holds no image/);
    const res = await predict(pixelCsv(new Array(16).fill(35), [...new Array(15).fill(205), '']));
    expect(res.status).toBe(200);
    expect((await json(res)).predictions).toEqual(['dark', 'bright']);
  });

  it('refuses pixel values outside 0..255 naming the cell, and 0..1 values saying they look scaled', async () => {
    const nested = [0, 1, 2, 3].map((y) => [0, 1, 2, 3].map((x) => (y === 1 && x === 2 ? 9999 : 40)));
    const far = await refusal(await predict({ rows: [{ pixels: nested }] }));
    expect(far.message).toBe("rows[0].pixels[1][2]: 9999 is outside this model's pixel range 0..255 (the range of its training pixels)");
    expect(far.details).toMatchObject({ row: 0, field: 'pixels[1][2]', reason: 'pixel_range', max: 255 });
    expect((await refusal(await predict({ rows: [{ pixels: [...new Array(15).fill(40), -30] }] }))).message).toMatch(/^rows\[0\]\.pixels\[15\]: -30 is outside/);
    const scaled = await refusal(await predict({ rows: [{ pixels: new Array(16).fill(0.8) }] }));
    expect(scaled.message).toBe('rows[0].pixels: the values look scaled to 0..1 (the largest is 0.8); this model reads 0..255, the range of its training pixels: multiply them by 255, or send the image file as "image"');
    const cell = await refusal(await predict(pixelCsv([300, ...new Array(15).fill(40)])));
    expect(cell.message).toBe('line 2, column "px_r0_c0": 300 is outside this model\'s pixel range 0..255 (the range of its training pixels)');
  });

  it('still predicts rows that are whole and in range, given any way', async () => {
    const res = await predict({ rows: [{ pixels: new Array(16).fill(35) }, Object.fromEntries(PX.map((n) => [n, 205])), { pixels: new Array(16).fill(255) }] });
    expect(res.status).toBe(200);
    expect((await json(res)).predictions).toEqual(['dark', 'bright', 'bright']);
  });
});

describe('pixel ranges other than 0..255', () => {
  const shape = { height: 4, width: 4, channels: 1 };
  const message = (s: object, rows: unknown[]) => {
    try {
      imageRowsToColumns(s as typeof shape, [...PX, 'label'], rows);
    } catch (err) {
      return (err as Error).message;
    }
    return 'accepted';
  };

  it('checks the top of a 0..16 range with a small tolerance, and not its bottom', () => {
    const digits = { ...shape, maxValue: 16 };
    expect(message(digits, [{ pixels: new Array(16).fill(16.2) }])).toBe('accepted');
    expect(message(digits, [{ pixels: [...new Array(15).fill(3), 17] }])).toBe("rows[0].pixels[15]: 17 is more than 16, the top of this model's pixel range (the range of its training pixels)");
    expect(message(digits, [{ pixels: new Array(16).fill(0.5) }])).toMatch(/look scaled to 0\.\.1 .*this model reads 0\.\.16/);
    expect(message(digits, [{ pixels: new Array(16).fill(-2) }])).toBe('accepted');
  });

  it('says 0..255 values sent to a 0..1 model look like 0..255, and lets normalised negatives through', () => {
    const unit = { ...shape, maxValue: 1 };
    expect(message(unit, [{ pixels: new Array(16).fill(200) }])).toMatch(/^rows\[0\]\.pixels: the values look like 0\.\.255 \(the largest is 200\); this model reads 0\.\.1/);
    expect(message(unit, [{ pixels: new Array(16).fill(-0.5) }])).toBe('accepted');
  });

  it('tells a model of -1..1 pixels how to map 0..255 values onto its range, as plain division would read black as mid-gray', () => {
    const signed = { ...shape, maxValue: 1, minValue: -1 };
    expect(message(signed, [{ pixels: new Array(16).fill(200) }])).toBe(
      'rows[0].pixels: the values look like 0..255 (the largest is 200); this model reads -1..1, the range of its training pixels: map each value v to v / 255 × 2 − 1, or send the image file as "image"',
    );
    // The tolerance is 2% of the range (0.04 here), not of its top.
    expect(message(signed, [{ pixels: new Array(16).fill(1.03) }])).toBe('accepted');
    expect(message(signed, [{ pixels: [...new Array(15).fill(0), -1.03] }])).toBe('accepted');
    expect(message(signed, [{ pixels: [...new Array(15).fill(0), -1.05] }])).toMatch(/^rows\[0\]\.pixels\[15\]: -1\.05 is outside this model's pixel range -1\.\.1/);
  });

  it('takes any value for a model that records no range (one trained before ranges were recorded)', () => {
    expect(message(shape, [{ pixels: new Array(16).fill(9999) }])).toBe('accepted');
    // The row must still hold an image.
    expect(message(shape, [{}])).toMatch(/^rows\[0\]: an image model needs/);
  });
});

describe('image job and upload inputs', () => {
  it('says a pixel column given as the target is a pixel column, naming the class column', async () => {
    expect((await call('PUT', '/v1/datasets/digits-target', firstRows(trainCsv, 60))).status).toBe(201);
    const res = await call('POST', '/v1/jobs', { dataset: 'digits-target', target: 'px_r3_c3', task: 'image', budget: { trials: 1 } });
    const error = await refusal(res);
    expect(error.message).toBe('target "px_r3_c3" is a pixel column, so it cannot be the target of an image job: an image job\'s target is the class column (here "digit"), and every pixel column is an input');
    expect(error.details).toEqual({ field: 'target' });
  });

  it('refuses an unknown query parameter on a zip upload and stores nothing', async () => {
    const zip = zipSync({ 'a/1.png': grayPng(10, 1), 'b/2.png': grayPng(200, 2) });
    const error = await refusal(await call('PUT', '/v1/datasets/qp-zip?sise=16x16', zip, { 'content-type': 'application/zip' }));
    expect(error.message).toMatch(/^unknown query parameter "sise"; PUT \/v1\/datasets\/\{dataset\} takes \?size, \?channels/);
    expect((await call('GET', '/v1/datasets/qp-zip')).status).toBe(404);
  });
});

describe('what a zip upload answer says', () => {
  it("names the classes of a Kaggle-style split zip and warns that the splits were merged, and names files left out", async () => {
    const files: Record<string, Uint8Array> = {};
    ['circle', 'square', 'triangle'].forEach((shape, k) => {
      for (let i = 0; i < 6; i++) files[`pets/train/${shape}/${i}.png`] = grayPng(60 * k, i);
      for (let i = 0; i < 2; i++) files[`pets/test/${shape}/${i}.png`] = grayPng(60 * k, i + 6);
    });
    files['pets/train/square/anim.gif'] = Uint8Array.of(0x47, 0x49, 0x46, 0x38);
    const res = await call('PUT', '/v1/datasets/kaggle', zipSync(files), { 'content-type': 'application/zip' });
    expect(res.status).toBe(201);
    const body = await json(res);
    expect(body.image.classes).toEqual({ circle: 8, square: 8, triangle: 8 });
    expect(body.warnings).toHaveLength(2);
    expect(body.warnings[0]).toMatch(/^the folders pets\/test, pets\/train are dataset splits, each holding class folders: their classes were merged \(circle, square, triangle\)/);
    expect(body.warnings[1]).toMatch(/^1 file in class folders is not PNG or JPEG and was left out \(1 GIF\): pets\/train\/square\/anim\.gif/);
    expect((await json(await call('GET', '/v1/datasets/kaggle'))).warnings).toEqual(body.warnings);
  });
});
