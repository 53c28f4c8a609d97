/**
 * A location hash with a malformed escape (`#/models/%E0%A4%A`: a link cut short, a mistyped address) is
 * an unknown route, in Debian's headless Chromium (playwright-core, no browser download) against a fake API
 * (see fake-dashboard.ts): the router's "Page not found" is shown, no error escapes the page, nothing is
 * asked of the API, and the app still routes on. decodeURIComponent threw URIError there, which left an
 * empty page and an uncaught error.
 * Skipped only when /usr/bin/chromium is missing (CI installs it).
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerFake, CHROMIUM, hasChromium, launchSignedIn, openFresh, ORIGIN, type RecordedRequest } from './fake-dashboard';

if (!hasChromium) console.warn(`dashboard bad hash test skipped: ${CHROMIUM} does not exist (apt-get install chromium)`);

function fakeApi({ path }: RecordedRequest) {
  if (path === '/v1/models') return { body: { models: [] } };
  return undefined;
}

let browser: Browser;
let page: Page;
const requests: RecordedRequest[] = [];
const pageErrors: string[] = [];

describe.skipIf(!hasChromium)('dashboard malformed location hash (headless Chromium, fake API)', () => {
  beforeAll(async () => {
    ({ browser, page } = await launchSignedIn((route) => answerFake(route, requests, fakeApi)));
    // Uncaught errors and unhandled rejections of the dashboard (not of about:blank, where openFresh passes
    // through and the fake's sign-in script may not touch sessionStorage).
    page.on('pageerror', (err) => {
      if (page.url().startsWith(ORIGIN)) pageErrors.push(err.message);
    });
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('shows "Page not found" for a hash that cannot be decoded, and routes on from there', async () => {
    await openFresh(page, '/models/%E0%A4%A');
    await page.waitForSelector('#view h1', { timeout: 10_000 });
    expect(await page.textContent('#view h1')).toBe('Page not found');
    expect(await page.textContent('#view')).toContain('Nothing at "/models/%E0%A4%A".');
    expect(pageErrors).toEqual([]);
    expect(requests).toEqual([]);

    // A well-formed hash after it loads its page as usual.
    await page.evaluate("location.hash = '#/models'");
    await page.waitForFunction("document.querySelector('#view')?.textContent.includes('No models yet')");
    expect(await page.textContent('#view h1')).toBe('Models');
    expect(requests.map((r) => r.path)).toEqual(['/v1/models']);
    expect(pageErrors).toEqual([]);
  });
});
