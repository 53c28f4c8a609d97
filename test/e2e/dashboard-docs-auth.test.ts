/**
 * The API docs page (/docs: Swagger UI, vendored into public/vendor by npm install) does not persist the
 * key given to "Authorize", in Debian's headless Chromium (playwright-core, no browser download) against a
 * fake (see fake-dashboard.ts) serving a one-route OpenAPI document with the Worker's `bearer` scheme.
 * With persistAuthorization, Swagger UI wrote the key to localStorage, where it outlived the tab and any
 * script of the origin could read it; now the key is held by the page only, and a reload forgets it.
 * Skipped when /usr/bin/chromium or the vendored Swagger UI is missing.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerFake, CHROMIUM, hasChromium, launchSignedIn, ORIGIN, type RecordedRequest } from './fake-dashboard';

const SWAGGER = resolve(import.meta.dirname, '../../public/vendor/swagger-ui/swagger-ui-bundle.js');
const runnable = hasChromium && existsSync(SWAGGER);
if (!runnable) console.warn(`dashboard docs auth test skipped: needs ${CHROMIUM} and ${SWAGGER} (npm install)`);

/** The smallest document with the Worker's security scheme (src/worker/openapi/document.ts: `bearer`). */
const DOCUMENT = {
  openapi: '3.1.0',
  info: { title: 'edge-automl', version: '1' },
  paths: { '/v1/models': { get: { summary: 'List models', security: [{ bearer: [] }], responses: { '200': { description: 'the models' } } } } },
  components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
};

const KEY = 'eak_docs-secret-key';

let browser: Browser;
let page: Page;
const requests: RecordedRequest[] = [];

/** What Swagger UI holds as authorized, as JSON ("{}" when nothing). */
const authorized = () => page.evaluate('JSON.stringify(window.ui.authSelectors.authorized().toJS())') as Promise<string>;

describe.skipIf(!runnable)('API docs page does not persist the key (headless Chromium, fake API)', () => {
  beforeAll(async () => {
    ({ browser, page } = await launchSignedIn((route) => {
      if (new URL(route.request().url()).pathname === '/openapi.json') return route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(DOCUMENT) });
      return answerFake(route, requests, () => undefined);
    }));
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('keeps the key given to Authorize out of localStorage, and forgets it on reload', async () => {
    // index.html by name: the fake serves files, not directories.
    await page.goto(`${ORIGIN}/docs/index.html`);
    await page.click('.auth-wrapper button.authorize');
    await page.fill('.modal-ux input', KEY);
    await page.click('.modal-ux .auth-btn-wrapper button.authorize');
    // Authorized in the page ("Try it out" sends it)...
    await page.waitForSelector('.modal-ux button[aria-label="Remove authorization"]');
    expect(await authorized()).toContain(KEY);
    // ...but written nowhere that outlives it.
    const stored = (await page.evaluate('JSON.stringify(Object.entries(localStorage))')) as string;
    expect(stored).not.toContain(KEY);

    await page.reload();
    await page.waitForSelector('.auth-wrapper button.authorize');
    expect(await authorized()).not.toContain(KEY);
  });
});
