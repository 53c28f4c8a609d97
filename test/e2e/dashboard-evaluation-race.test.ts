/**
 * Switching the evaluated version quickly on a model's page: the answer for a version no longer picked,
 * arriving after the one for the version picked since, is dropped, not drawn over it. In Debian's headless
 * Chromium (playwright-core, no browser download) against a fake API (see fake-dashboard.ts) that holds
 * v1's evaluation until the test lets it go: pick v1, pick v2 again (answered at once), then release v1.
 * Skipped only when /usr/bin/chromium is missing (CI installs it).
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerFake, CHROMIUM, hasChromium, launchSignedIn, openFresh, type RecordedRequest } from './fake-dashboard';

if (!hasChromium) console.warn(`dashboard evaluation race test skipped: ${CHROMIUM} does not exist (apt-get install chromium)`);

const version = (n: number) => ({ version: n, job_id: `job-${n}`, trial_id: 't0000', family: 'linear', metric: 'rmse', greater_is_better: false, score: 2, dataset: { name: 'homes', version: 1 }, created_at: '2024-02-01T00:00:00.000Z', task: 'regression', target: 'price', classes: [] });

const MODEL = {
  name: 'raced',
  task: 'regression',
  target: 'price',
  metric: 'rmse',
  greater_is_better: false,
  champion_version: 2,
  described_version: 2,
  classes: [],
  family: 'linear',
  features: [{ name: 'rooms', type: 'numeric', importance: null }],
  versions: [version(1), version(2)],
  history: [],
  updated_at: '2024-02-01T00:00:00.000Z',
};

const evaluation = (v: number) => ({ model: 'raced', version: v, family: 'linear', available: false, reason: `reason of v${v}`, importances: null });

function fakeApi({ path, search }: RecordedRequest) {
  if (path === '/v1/models/raced') return { body: MODEL };
  if (path === '/v1/models/raced/evaluation') return { body: evaluation(search === '?version=1' ? 1 : 2) };
  return undefined;
}

let browser: Browser;
let page: Page;
const requests: RecordedRequest[] = [];
/** Set while v1's evaluation is to be held: resolving it lets the held answer go. */
let release: (() => void) | undefined;
let held: Promise<void> | undefined;

const notice = () => page.textContent('#evaluation .notice');

describe.skipIf(!hasChromium)('dashboard evaluation version switch race (headless Chromium, fake API)', () => {
  beforeAll(async () => {
    ({ browser, page } = await launchSignedIn(async (route) => {
      const url = new URL(route.request().url());
      if (held && url.pathname === '/v1/models/raced/evaluation' && url.search === '?version=1') await held;
      return answerFake(route, requests, fakeApi);
    }));
  });

  afterAll(async () => {
    release?.();
    await browser?.close();
  });

  it('keeps the latest pick when an earlier pick is answered after it', async () => {
    await openFresh(page, '/models/raced');
    await page.waitForSelector('#evaluation .notice');
    expect(await notice()).toContain('reason of v2');

    held = new Promise((resolve) => (release = resolve));
    const slow = page.waitForRequest((r) => r.url().endsWith('/evaluation?version=1'));
    await page.selectOption('#evaluation-version', '1');
    await slow;
    // Changed the mind before v1 answered: v2 again, answered at once.
    await page.selectOption('#evaluation-version', '2');
    await page.waitForSelector('#evaluation .notice');
    expect(await notice()).toContain('reason of v2');

    const delivered = page.waitForResponse((r) => r.url().endsWith('/evaluation?version=1'));
    release?.();
    await delivered;
    // The page reads and draws an answer a few tasks after it arrives: give it ample time to (wrongly) do so.
    await page.waitForTimeout(500);
    expect(await notice()).toContain('reason of v2');
    expect(await page.inputValue('#evaluation-version')).toBe('2');
  });
});
