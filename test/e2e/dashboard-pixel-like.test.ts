/**
 * The dashboard's dataset page of pixel-like columns, in Debian's headless Chromium (playwright-core) with
 * a fake API answering what the server makes of the file (engine inference, worker/pixel-like-view): the
 * digits renamed p0..p63 show as one row named after the run, with the run's pooled range and mean and
 * how to train it as 8x8 images, where the train form shows that shape without filling it in and, given
 * it, sends an image job leaving the id out; with the label first (Kaggle's layout) the label is still
 * the target. A survey's q1..q20 answers (no pixel_like) keep a row each.
 * Skipped only when /usr/bin/chromium is missing (CI installs it).
 */
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/engine/data/csv';
import { inferDataset } from '../../src/engine/data/infer-schema';
import { pixelLikeEntries } from '../../src/worker/pixel-like-view';
import { answerFake, CHROMIUM, hasChromium, launchSignedIn, openFresh, type RecordedRequest } from './fake-dashboard';

if (!hasChromium) console.warn(`dashboard pixel-like test skipped: ${CHROMIUM} does not exist (apt-get install chromium)`);

/** The GET answer for `csv` as the server builds it: every column's profile, and the pixel-like runs. */
function answerFor(name: string, csv: string) {
  const { dataset, profile } = inferDataset(parseCsv(csv), Object.create(null));
  const runs = pixelLikeEntries(profile, dataset.rows);
  return { name, version: 1, rows: dataset.rows, bytes: csv.length, columns: profile, ...(runs.length > 0 ? { pixel_like: runs } : {}), created_at: '2026-11-30T10:00:00.000Z' };
}

/**
 * The first 200 digits with an id in front, their px_r{r}_c{c} columns renamed p0..p63 in file order and
 * their class written as a word (d7): two columns that are no numbers, which alone would not make the
 * table look like images to the train form.
 */
const digits = (() => {
  const [header, ...rest] = readFileSync('examples/digits/train.csv', 'utf8').trim().split('\n').slice(0, 201);
  let k = 0;
  const named = (line: string) => line.replace(/,(\d+)$/, ',d$1');
  return [`id,${header.split(',').map((n) => (n.startsWith('px_') ? `p${k++}` : n)).join(',')}`, ...rest.map((line, i) => `r${i},${named(line)}`)].join('\n');
})();
/** The same digits laid out as Kaggle's MNIST CSV: the label first, then pixel0..pixel63. */
const kaggle = (() => {
  const [, ...rest] = readFileSync('examples/digits/train.csv', 'utf8').trim().split('\n').slice(0, 201);
  const moved = rest.map((line) => ((cells) => [cells[64], ...cells.slice(0, 64)].join(','))(line.split(',')));
  return [['label', ...Array.from({ length: 64 }, (_, i) => `pixel${i}`)].join(','), ...moved].join('\n');
})();
const survey = ['who,' + Array.from({ length: 20 }, (_, i) => `q${i + 1}`).join(',') + ',ok', ...Array.from({ length: 30 }, (_, r) => `u${r},${Array.from({ length: 20 }, (_, q) => 1 + ((r + q) % 5)).join(',')},${r % 3}`)].join('\n');

const DATASETS: Record<string, ReturnType<typeof answerFor>> = { plain: answerFor('plain', digits), kaggle: answerFor('kaggle', kaggle), survey: answerFor('survey', survey) };

let browser: Browser;
let page: Page;
const requests: RecordedRequest[] = [];

function fakeApi({ method, path }: RecordedRequest) {
  const dataset = /^\/v1\/datasets\/([^/]+)$/.exec(path);
  if (dataset && Object.hasOwn(DATASETS, dataset[1])) return { body: DATASETS[dataset[1]] };
  if (path === '/v1/jobs' && method === 'POST') return { status: 202, body: { id: 'job-1', status: 'queued' } };
  return undefined;
}
const jobRequests = () => requests.filter((r) => r.method === 'POST' && r.path === '/v1/jobs').map((r) => r.body);

/** Opens a dataset's page, signed in, in a fresh document, and waits for its columns table. */
async function openDataset(name: string): Promise<void> {
  await openFresh(page, `/datasets/${name}`);
  await page.waitForSelector('#train-form');
  await page.waitForSelector('table.grid tbody tr');
}

describe.skipIf(!hasChromium)('dashboard dataset page: pixel-like columns (headless Chromium, fake API)', () => {
  beforeAll(async () => {
    ({ browser, page } = await launchSignedIn((route) => answerFake(route, requests, fakeApi)));
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('shows p0..p63 as one row with the pooled range and how to train them as 8x8 images', async () => {
    await openDataset('plain');
    const [run] = DATASETS.plain.pixel_like!;
    const constant = DATASETS.plain.columns.filter((c) => /^p\d+$/.test(c.name) && c.dropped).length;
    expect(constant).toBeGreaterThan(0);
    const rows = await page.locator('table.grid tbody tr').allTextContents();
    expect(rows).toEqual([
      expect.stringMatching(/^id \(not used: identifier/),
      `p0..p63 (64 pixel-like columns, possibly 8x8 images, ${constant} constant: to train them as images, choose the task image with height 8, width 8; they are read in file order, row by row)numeric0 (0.0%)${run.unique}0${run.max}`,
      expect.stringMatching(/^digitcategorical/),
    ]);
    const shown = (x: number) => Number(x.toPrecision(4)).toString();
    expect(await page.locator('table.grid tbody tr').nth(1).locator('.range-track').getAttribute('title')).toBe(`mean ${shown(run.mean)}, std ${shown(run.std)}`);
    // The facts still count every column; the train form shows the guessed shape without sending it unasked.
    expect(await page.textContent('dl.facts')).toContain('Columns66');
    // Two columns are no numbers: the image task is offered for the run the API found.
    expect(await page.locator('#train-task option').allTextContents()).toEqual(['inferred from the target', 'image classification (enter its height and width)']);
    await page.selectOption('#train-task', 'image');
    expect([await page.getAttribute('#train-image-height', 'placeholder'), await page.getAttribute('#train-image-width', 'placeholder')]).toEqual(['8?', '8?']);
    expect([await page.inputValue('#train-image-height'), await page.inputValue('#train-image-width')]).toEqual(['', '']);
    // Filled in as the note says, the job reads the run alone: the id is left out, as the API's hint has it.
    await page.fill('#train-image-height', '8');
    await page.fill('#train-image-width', '8');
    requests.length = 0;
    await page.click('#train-form button[type=submit]');
    await until(() => jobRequests().length === 1);
    expect(jobRequests()).toEqual([{ dataset: 'plain', target: 'digit', task: 'image', budget: { seconds: 60 }, image: { height: 8, width: 8, channels: 1 }, columns: { id: 'ignore' } }]);
  });

  it("takes the answer from besides the run when the label comes first (Kaggle's layout), and offers the image task", async () => {
    expect(DATASETS.kaggle.pixel_like?.map((r) => r.name)).toEqual(['pixel0..pixel63']);
    await openDataset('kaggle');
    expect(await page.inputValue('#train-target')).toBe('label');
    expect(await page.locator('#train-task option').allTextContents()).toEqual(['inferred from the target', 'image classification (enter its height and width)']);
    const rows = await page.locator('table.grid tbody tr td:first-child').allTextContents();
    expect(rows.map((t) => t.split(' ')[0])).toEqual(['label', 'pixel0..pixel63']);
  });

  it('keeps a row for each of q1..q20, which the API found no pixels', async () => {
    expect(DATASETS.survey.pixel_like).toBeUndefined();
    await openDataset('survey');
    const names = (await page.locator('table.grid tbody tr td:first-child').allTextContents()).map((t) => t.split(' ')[0]);
    expect(names).toEqual(['who', ...Array.from({ length: 20 }, (_, i) => `q${i + 1}`), 'ok']);
  });
});

/** Waits (up to 10 s) until `done` holds. */
async function until(done: () => boolean): Promise<void> {
  const end = Date.now() + 10_000;
  while (!done()) {
    if (Date.now() > end) throw new Error('timed out waiting for the request');
    await new Promise((r) => setTimeout(r, 50));
  }
}
