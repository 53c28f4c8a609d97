/**
 * The CLI's image path in plain Node with a recording fetch in place of the server: `predict` refuses a
 * GIF, a WebP or a zip before sending anything, naming the file and what it reads; a refused table names
 * its file (with what predict reads when its name does not say it is a table); `upload` of a zip saved
 * without an extension is sent as a zip; `drift` of an image model prints its pixels as one line with
 * what it stands for, and `--pixels` asks for every pixel; `model` lists an image model's pixel columns
 * as one line. A model whose pixel columns are not named px_* (an image job given its shape) gets the same
 * one line, named after its own columns (p0..p63).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { jsonAnswer, refusal, restoreFakes, runCli as run } from './fake-server';

afterEach(restoreFakes);

const dir = mkdtempSync(join(tmpdir(), 'edge-automl-cli-images-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const file = (name: string, bytes: Uint8Array | string) => {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
};
const READS = 'predict reads one CSV (with a header row) or Parquet table, or PNG/JPEG image files';

describe('predict of files it cannot send', () => {
  it('refuses a GIF, named by its extension or its first bytes, before anything is sent', async () => {
    const gif = file('square.gif', 'GIF89a\x01\x00\x01\x00\x00\x00\x00;');
    const ran = await run(['predict', 'shapes', gif]);
    expect(ran.code).toBe(1);
    expect(ran.requests).toHaveLength(0);
    expect(ran.stderr).toBe(`error: ${gif}: GIF images are not read; convert it to PNG or JPEG (${READS})\n`);
    // A WebP saved without an extension, beside a PNG: named too, not "give either one CSV file or image files".
    const webp = file('photo', 'RIFF\x24\x00\x00\x00WEBPVP8 ');
    const png = file('ok.png', Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a));
    const mixed = await run(['predict', 'shapes', png, webp]);
    expect(mixed.stderr).toBe(`error: ${webp}: WebP images are not read; convert it to PNG or JPEG (${READS})\n`);
  });

  it('refuses a zip, which is no table', async () => {
    const zip = file('images.zip', zipSync({ 'a/1.png': Uint8Array.of(1) }));
    const ran = await run(['predict', 'shapes', zip]);
    expect(ran.requests).toHaveLength(0);
    expect(ran.stderr).toBe(`error: ${zip}: a zip file is not read; give its images as files (${READS})\n`);
  });

  it("names the file of a refused table, with what predict reads when its name is not a table's", async () => {
    const notes = file('notes.txt', 'remember to feed the cat\n');
    const ran = await run(['predict', 'shapes', notes], refusal(400, 'invalid_csv', 'the file has a header but no data rows', { line: 2 }));
    expect(ran.code).toBe(1);
    expect(ran.stderr).toBe(`error: invalid_csv (HTTP 400): ${notes}: the file has a header but no data rows [line: 2, file: ${notes}]\nhint: ${READS}\n`);
    const csv = file('rows.csv', 'a,b\n');
    const named = await run(['predict', 'shapes', csv], refusal(400, 'invalid_csv', 'the file has a header but no data rows', { line: 2 }));
    expect(named.stderr).toBe(`error: invalid_csv (HTTP 400): ${csv}: the file has a header but no data rows [line: 2, file: ${csv}]\n`);
  });
});

describe('upload of a zip without an extension', () => {
  const shapes = { name: 'shapes_noext', version: 1, rows: 6, bytes: 100, columns: [], image: { height: 8, width: 8, channels: 1, classes: { a: 3, b: 3 } }, created_at: '2026-05-01T08:00:00.000Z' };

  it('is read by its first bytes and sent as a zip', async () => {
    const zip = file('shapes_noext', zipSync({ 'a/1.png': Uint8Array.of(1) }));
    const ran = await run(['upload', zip], jsonAnswer(shapes, 201));
    expect(ran.code).toBe(0);
    expect(ran.requests.map((r) => `${r.method} ${r.url}`)).toEqual(['PUT http://127.0.0.1:8787/v1/datasets/shapes_noext']);
    expect(ran.stdout).toContain('dataset shapes_noext v1: 6 images of 8x8x1 in 2 classes');
  });

  it('a file neither its name nor its bytes tell is refused naming every type', async () => {
    const unknown = file('data', 'a,b\n1,2\n');
    const ran = await run(['upload', unknown]);
    expect(ran.requests).toHaveLength(0);
    expect(ran.stderr).toBe(`error: ${unknown}: cannot tell the file type from "(no extension)" or its first bytes; name it .csv, .tsv, .parquet or .zip, or pass --type csv, tsv, parquet or zip\n`);
  });
});

describe('an image model', () => {
  const pixelEntry = {
    name: 'px_*',
    type: 'numeric',
    psi: 0.412,
    status: 'significant',
    noise_psi: 0.05,
    within_noise: false,
    bins: [],
    reference: [],
    live: [],
    measure: 'mean over 64 pixel columns',
    pixels: {
      columns: 64,
      image: { height: 8, width: 8, channels: 1 },
      drifting: 40,
      drifting_share: 0.625,
      mean_value: { reference: 4.9, live: 9.2 },
      top: [
        { name: 'px_r3_c4', psi: 1.9, status: 'significant', noise_psi: 0.05, within_noise: false },
        { name: 'px_r0_c0', psi: 0.01, status: 'stable', noise_psi: 0.05, within_noise: true },
      ],
    },
  };
  const report = {
    model: 'digits',
    version: 1,
    rows_sampled: 300,
    window: { from: '2026-05-01T08:00:00.000Z', to: '2026-05-02T08:00:00.000Z', hours: 24 },
    reference: { dataset: { name: 'digits', version: 1 }, rows: 1347 },
    features: [pixelEntry],
    skipped: [{ name: 'px_*', type: 'numeric', reason: '3 pixel columns: constant' }],
  };

  it('drift prints the pixels as one line and what it stands for; --pixels asks for every one', async () => {
    const ran = await run(['drift', 'digits'], jsonAnswer(report));
    expect(ran.code).toBe(0);
    expect(ran.requests[0].url).toBe('http://127.0.0.1:8787/v1/models/digits/drift');
    const lines = ran.stdout.split('\n');
    expect(lines.filter((l) => l.startsWith('│ px_*'))).toHaveLength(1);
    expect(lines).toContain('  pixels   px_* is the mean over 64 pixel columns of 8x8x1 images (every one: drift MODEL --pixels)');
    expect(lines).toContain('           40 of 64 read beyond their noise (about 1 in 100 does by chance); mean pixel value 4.9000 in training, 9.2000 live (estimated from the deciles)');
    // The most drifted that stand beyond their noise.
    expect(lines).toContain('           most drifted: px_r3_c4 1.9000');
    expect(lines).toContain('  skipped  px_* (numeric): 3 pixel columns: constant');
    const every = await run(['drift', 'digits', '--pixels'], jsonAnswer({ ...report, features: [] }));
    expect(every.requests[0].url).toBe('http://127.0.0.1:8787/v1/models/digits/drift?detail=pixels');
  });

  it('drift names the line of pixel columns not named px_* after them', async () => {
    const named = { ...pixelEntry, name: 'p0..p63', pixels: { ...pixelEntry.pixels, top: [{ name: 'p28', psi: 1.9, status: 'significant', noise_psi: 0.05, within_noise: false }] } };
    const ran = await run(['drift', 'plain'], jsonAnswer({ ...report, model: 'plain', features: [named], skipped: [] }));
    expect(ran.code, ran.stderr).toBe(0);
    const lines = ran.stdout.split('\n');
    expect(lines.filter((l) => l.startsWith('│ p0..p63'))).toHaveLength(1);
    expect(lines).toContain('  pixels   p0..p63 is the mean over 64 pixel columns of 8x8x1 images (every one: drift MODEL --pixels)');
    expect(lines).toContain('           most drifted: p28 1.9000');
  });

  it('model lists its pixel columns as one line', async () => {
    const features = Array.from({ length: 64 }, (_, i) => ({ name: `px_r${Math.floor(i / 8)}_c${i % 8}`, type: 'numeric', importance: null }));
    const model = {
      name: 'digits',
      task: 'multiclass',
      target: 'digit',
      classes: ['0', '1'],
      metric: 'log_loss',
      greater_is_better: false,
      champion_version: 1,
      versions: [{ version: 1, family: 'cnn', score: 0.05, metric: 'log_loss', dataset: { name: 'digits', version: 1 }, job_id: 'j1', trial_id: 't0', created_at: '2026-05-01T08:00:00.000Z' }],
      features,
      history: [],
      image: { height: 8, width: 8, channels: 1, max_value: 16 },
      created_at: '2026-05-01T08:00:00.000Z',
      updated_at: '2026-05-01T08:00:00.000Z',
    };
    const ran = await run(['model', 'digits'], jsonAnswer(model));
    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.stdout).toContain('features (64 pixel columns)');
    expect(ran.stdout.split('\n').filter((l) => l.startsWith('│ px_'))).toEqual([expect.stringMatching(/^│ px_\* +│ 64 pixel columns of 8x8x1 images +│$/)]);
  });

  it("model lists an image model's pixel columns not named px_* as one line named after them", async () => {
    // A linear model drops the pixels constant in training (p0, p1): the rest are still the image's.
    const features = Array.from({ length: 62 }, (_, i) => ({ name: `p${i + 2}`, type: 'numeric', importance: null }));
    const version = { version: 1, family: 'linear', score: 0.2, metric: 'log_loss', dataset: { name: 'plain', version: 1 }, job_id: 'j1', trial_id: 't0', created_at: '2026-05-01T08:00:00.000Z' };
    const model = { name: 'plain', task: 'multiclass', target: 'digit', classes: ['0', '1'], metric: 'log_loss', greater_is_better: false, champion_version: 1, versions: [version], features, history: [], image: { height: 8, width: 8, channels: 1, max_value: 16 }, created_at: version.created_at, updated_at: version.created_at };
    const ran = await run(['model', 'plain'], jsonAnswer(model));
    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.stdout).toContain('features (62 pixel columns)');
    expect(ran.stdout.split('\n').filter((l) => /^│ p\d/.test(l))).toEqual([expect.stringMatching(/^│ p2\.\.p63 +│ 62 pixel columns of 8x8x1 images +│$/)]);
  });
});
