/**
 * An API key holding characters a request header cannot carry (here an ellipsis, pasted along with the key)
 * is refused by the dashboard itself with a clear message, and no request is made, in Debian's headless
 * Chromium (playwright-core, no browser download) against a fake API (see fake-dashboard.ts). fetch threw
 * a TypeError on such a header, which the dashboard reported as "cannot reach the API". Checked at sign-in
 * and on a page opened with such a key in the session. A key with a non-ASCII Latin-1 letter (which fetch
 * would send, and the API refuse) is refused the same way: only printable ASCII is sent.
 * Skipped only when /usr/bin/chromium is missing (CI installs it).
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerFake, CHROMIUM, hasChromium, launchSignedIn, openFresh, type RecordedRequest } from './fake-dashboard';

if (!hasChromium) console.warn(`dashboard key characters test skipped: ${CHROMIUM} does not exist (apt-get install chromium)`);

const MESSAGE = 'the API key contains characters that cannot be sent (only printable ASCII';

function fakeApi({ path }: RecordedRequest) {
  if (path === '/v1/datasets' || path === '/v1/models') return { body: { datasets: [], models: [] } };
  return undefined;
}

let browser: Browser;
let page: Page;
const requests: RecordedRequest[] = [];

/** Signs in with `key` on the sign-in page and answers what the form then says. */
async function signInWith(key: string): Promise<string> {
  await openFresh(page, '/signin');
  await page.fill('#api-key', key);
  await page.click('form.signin button[type=submit]');
  await page.waitForFunction("document.querySelector('.form-message')?.classList.contains('error-text') || !location.hash.startsWith('#/signin')");
  return (await page.textContent('.form-message')) ?? '';
}

describe.skipIf(!hasChromium)('dashboard API key with unsendable characters (headless Chromium, fake API)', () => {
  beforeAll(async () => {
    ({ browser, page } = await launchSignedIn((route) => answerFake(route, requests, fakeApi)));
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('says at sign-in that the key cannot be sent, without asking the API', async () => {
    requests.length = 0;
    const said = await signInWith('eak_0123456789abcdef…');
    expect(said).toContain(`Could not sign in: ${MESSAGE}`);
    expect(said).not.toContain('cannot reach the API');
    expect(requests).toEqual([]);

    // Latin-1 but not ASCII: sendable by fetch, yet never a key as issued.
    expect(await signInWith('eak_clé')).toContain(MESSAGE);
    expect(requests).toEqual([]);
  });

  it('says so on a page opened with such a key in the session, offering to sign in again', async () => {
    requests.length = 0;
    await openFresh(page, '/signin');
    // After the fake's sign-in script ran: the session now holds the bad key, and the page changes by hash only.
    await page.evaluate("sessionStorage.setItem('edge-automl.api-key', 'eak_\u201ckey\u201d'); location.hash = '#/models'");
    await page.waitForSelector('#view .error');
    const box = (await page.textContent('#view .error')) ?? '';
    expect(box).toContain(`invalid_api_key: ${MESSAGE}`);
    expect(box).not.toContain('could not be reached');
    expect(await page.locator('#view .error a[href="#/signin"]').count()).toBe(1);
    expect(requests).toEqual([]);
  });
});
