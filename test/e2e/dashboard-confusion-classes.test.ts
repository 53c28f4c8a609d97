/**
 * A model of many classes on its page: the confusion matrix shows the 20 classes with the most rows and sums
 * the others into one row and column (a 1,000-class model drew a million cells), saying so, with every row
 * still adding up to its class's rows. And the evaluation table marks the metric the evaluated version was
 * trained for, which for an older version may not be the champion's. In Debian's headless Chromium
 * (playwright-core, no browser download) against a fake API (see fake-dashboard.ts).
 * Skipped only when /usr/bin/chromium is missing (CI installs it).
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerFake, CHROMIUM, hasChromium, launchSignedIn, openFresh, type RecordedRequest } from './fake-dashboard';

if (!hasChromium) console.warn(`dashboard confusion classes test skipped: ${CHROMIUM} does not exist (apt-get install chromium)`);

const CLASSES = Array.from({ length: 30 }, (_, i) => `c${String(i).padStart(2, '0')}`);
/** Class i has 10 + i true rows (c29 the most), i of them predicted right, the rest as class (i + 1) mod 30. */
const MATRIX = CLASSES.map((_, i) => CLASSES.map((__, j) => (j === i ? i : j === (i + 1) % 30 ? 10 : 0)));

const version = (n: number, metric: string) => ({ version: n, job_id: `job-${n}`, trial_id: 't0000', family: 'gbdt', metric, greater_is_better: metric !== 'log_loss', score: 0.5, dataset: { name: 'many', version: 1 }, created_at: '2024-02-01T00:00:00.000Z', task: 'multiclass', target: 'kind', classes: CLASSES });

const MODEL = {
  name: 'many',
  task: 'multiclass',
  target: 'kind',
  metric: 'log_loss',
  greater_is_better: false,
  champion_version: 2,
  described_version: 2,
  classes: CLASSES,
  family: 'gbdt',
  features: [{ name: 'x', type: 'numeric', importance: null }],
  versions: [version(1, 'accuracy'), version(2, 'log_loss')],
  history: [],
  updated_at: '2024-02-01T00:00:00.000Z',
};

const evaluation = (v: number) => ({
  model: 'many',
  version: v,
  family: 'gbdt',
  task: 'multiclass',
  available: true,
  rows: MATRIX.flat().reduce((a, b) => a + b, 0),
  folds: 5,
  trial_id: 't0000',
  dataset: { name: 'many', version: 1 },
  metrics: { log_loss: 1.2, accuracy: 0.4 },
  confusion: { labels: CLASSES, matrix: MATRIX },
  importances: null,
});

function fakeApi({ path, search }: RecordedRequest) {
  if (path === '/v1/models/many') return { body: MODEL };
  if (path === '/v1/models/many/evaluation') return { body: evaluation(search === '?version=1' ? 1 : 2) };
  if (path === '/v1/models/many/drift') return { body: { model: 'many', version: 2, available: false, reason: 'none' } };
  return undefined;
}

let browser: Browser;
let page: Page;
const requests: RecordedRequest[] = [];

const marked = () => page.locator('#evaluation table:not(.heatmap) tbody .strong').allTextContents();

describe.skipIf(!hasChromium)('dashboard confusion matrix of many classes (headless Chromium, fake API)', () => {
  beforeAll(async () => {
    ({ browser, page } = await launchSignedIn((route) => answerFake(route, requests, fakeApi)));
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('shows the 20 classes with the most rows and sums the other 10 into one row and column', async () => {
    await openFresh(page, '/models/many');
    await page.waitForSelector('#confusion table.heatmap');
    const columns = await page.locator('#confusion thead th').allTextContents();
    // The corner, c10 to c29 in their own order, and the others.
    expect(columns).toEqual(['true ↓ / predicted →', ...CLASSES.slice(10), 'other (10 classes)']);
    expect(await page.textContent('#confusion .heatmap-note')).toBe('The 20 classes with the most rows of 30; the other 10 are summed under "other (10 classes)".');
    // Cells read as text: the tests' TypeScript has no DOM types.
    const rows = await page.locator('#confusion tbody tr').evaluateAll((trs) => trs.map((tr) => Array.from((tr as unknown as { cells: ArrayLike<{ tagName: string; textContent: string }> }).cells).filter((c) => c.tagName === 'TD').map((c) => Number(c.textContent))));
    expect(rows).toHaveLength(21);
    // Every shown class's row adds up to its rows (10 + i), its right answers on the diagonal.
    rows.slice(0, 20).forEach((row, k) => {
      const i = k + 10;
      expect(row.reduce((a, b) => a + b, 0)).toBe(10 + i);
      expect(row[k]).toBe(i);
    });
    // c29's mistakes go to c00, a folded class; the folded classes (c00..c09) sum to their 145 rows.
    expect(rows[19]![20]).toBe(10);
    expect(rows[20]!.reduce((a, b) => a + b, 0)).toBe(Array.from({ length: 10 }, (_, i) => 10 + i).reduce((a, b) => a + b, 0));
    // c09's mistakes land on c10, a shown class.
    expect(rows[20]![0]).toBe(10);
    // No diagonal mark where the folded row meets the folded column.
    expect(await page.locator('#confusion td.diag').count()).toBe(20);
  });

  it("marks the evaluated version's own metric, not the champion's", async () => {
    await openFresh(page, '/models/many');
    await page.waitForSelector('#confusion table.heatmap');
    expect(await marked()).toEqual(['log_loss']);
    await page.selectOption('#evaluation-version', '1');
    await page.waitForFunction(() => (globalThis as unknown as { document: { querySelector(s: string): { textContent: string } | null } }).document.querySelector('#evaluation table:not(.heatmap) tbody .strong')?.textContent === 'accuracy', undefined, { timeout: 10_000 });
    expect(await marked()).toEqual(['accuracy']);
  });
});
