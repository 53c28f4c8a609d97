/**
 * The dashboard's train form and images whose pixel columns are not named px_*, in Debian's headless
 * Chromium (playwright-core, no browser download) without a server: the page's own files come from
 * public/ and the API is answered by a fake that records every request. A table of numbers (p0..p15 and a
 * class) is offered an image task after the default; choosing it asks for the images' height and width
 * (channels 1 unless changed), which the form will not send without, and sends them as the job's `image`.
 * Another task sends none and is not held up by the empty shape; a table that is not all numbers is not
 * offered an image task at all.
 * Skipped only when /usr/bin/chromium is missing (CI installs it).
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { answerFake, CHROMIUM, hasChromium, launchSignedIn, openFresh, type RecordedRequest } from './fake-dashboard';

if (!hasChromium) console.warn(`dashboard image shape test skipped: ${CHROMIUM} does not exist (apt-get install chromium)`);

const numeric = (name: string) => ({ name, type: 'numeric', missing: 0, unique: 9, min: 0, max: 16, mean: 5, std: 4 });
const datasetOf = (name: string, columns: Record<string, unknown>[]) => ({ name, version: 1, rows: 100, bytes: 4096, created_at: '2024-02-01T00:00:00.000Z', columns });

const DATASETS: Record<string, unknown> = {
  // 4x4 images whose sixteen pixel columns are named p0..p15 (a blank corner is constant), and their class.
  plain: datasetOf('plain', [...Array.from({ length: 16 }, (_, i) => (i === 0 ? { name: 'p0', type: 'constant', missing: 0, unique: 1, dropped: 'constant: fewer than two distinct values' } : numeric(`p${i}`))), numeric('digit')]),
  // Numbers, a category and free text: a table, not images.
  mixed: datasetOf('mixed', [numeric('a'), numeric('b'), numeric('c'), numeric('d'), { name: 'colour', type: 'categorical', missing: 0, unique: 3 }, { name: 'note', type: 'text', missing: 0, unique: 100 }]),
};

let browser: Browser;
let page: Page;
/** Every API request the page made: method, path and JSON body. */
let requests: RecordedRequest[] = [];

/** The fake API: the datasets above, and a queued job. */
function fakeApi({ method, path }: RecordedRequest) {
  const dataset = /^\/v1\/datasets\/([^/]+)$/.exec(path);
  if (dataset && Object.hasOwn(DATASETS, dataset[1])) return { body: DATASETS[dataset[1]] };
  if (path === '/v1/jobs' && method === 'POST') return { status: 202, body: { id: 'job-1', status: 'queued' } };
  return undefined;
}

/** Opens a dataset's page, signed in, in a fresh document, and waits for its train form. */
async function openDataset(name: string): Promise<void> {
  await openFresh(page, `/datasets/${name}`);
  await page.waitForSelector('#train-form');
}

const formValid = () => page.locator('#train-form').evaluate((f) => (f as unknown as { checkValidity(): boolean }).checkValidity());
const jobRequests = () => requests.filter((r) => r.method === 'POST' && r.path === '/v1/jobs').map((r) => r.body);

describe.skipIf(!hasChromium)('dashboard train form: images whose pixel columns are not named px_* (headless Chromium, fake API)', () => {
  beforeAll(async () => {
    ({ browser, page } = await launchSignedIn((route) => answerFake(route, requests, fakeApi)));
  });

  afterAll(async () => {
    await browser?.close();
  });

  beforeEach(() => {
    requests = [];
  });

  it('offers a table of numbers an image task after the default, asks for its height and width, and sends them', async () => {
    await openDataset('plain');
    expect(await page.locator('#train-task option').allTextContents()).toEqual(['inferred from the target', 'image classification (enter its height and width)']);
    expect(await page.inputValue('#train-target')).toBe('digit');
    expect(await page.isVisible('#train-image-height')).toBe(false);

    await page.selectOption('#train-task', 'image');
    expect(await page.isVisible('#train-image-height')).toBe(true);
    expect([await page.inputValue('#train-image-height'), await page.inputValue('#train-image-width'), await page.inputValue('#train-image-channels')]).toEqual(['', '', '1']);
    // Nothing is guessed: without a height and width the form does not send.
    expect(await formValid()).toBe(false);
    await page.click('#train-form button[type=submit]');
    expect(jobRequests()).toEqual([]);

    await page.fill('#train-image-height', '4');
    await page.fill('#train-image-width', '4');
    expect(await formValid()).toBe(true);
    await page.click('#train-form button[type=submit]');
    await until(() => jobRequests().length === 1);
    expect(jobRequests()).toEqual([{ dataset: 'plain', target: 'digit', task: 'image', budget: { seconds: 60 }, image: { height: 4, width: 4, channels: 1 } }]);
  });

  it('sends no image for another task, which the empty shape does not hold up', async () => {
    await openDataset('plain');
    await page.selectOption('#train-task', 'image');
    await page.selectOption('#train-task', 'auto');
    expect(await page.isVisible('#train-image-height')).toBe(false);
    expect(await formValid()).toBe(true);
    await page.click('#train-form button[type=submit]');
    await until(() => jobRequests().length === 1);
    expect(jobRequests()).toEqual([{ dataset: 'plain', target: 'digit', budget: { seconds: 60 } }]);
  });

  it('offers no image task to a table that is not all numbers', async () => {
    await openDataset('mixed');
    expect(await page.locator('#train-task option').allTextContents()).toEqual(['inferred from the target']);
    expect(await page.locator('#train-image-height').count()).toBe(0);
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
