/**
 * What the dashboard's browser tests against a fake API share: Debian's headless Chromium (playwright-core,
 * no browser download), a page signed in before the app's scripts run, the page's own files served from
 * public/ at a made-up origin, and every API request recorded before the test's fake answers it (an
 * unknown route gets the API's 404 shape, so a page asking for something the fake lacks fails visibly).
 */
import { existsSync, readFileSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { type Browser, chromium, type Page, type Route } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const ORIGIN = 'http://dashboard.test';
export const hasChromium = existsSync(CHROMIUM);

const PUBLIC = resolve(import.meta.dirname, '../../public');
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };

/** An API request the page made: method, path, query string (`?version=2`, when there is one) and JSON body. */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly search?: string;
  readonly body?: unknown;
}

/** The fake's answer to an API request (status 200 unless given), or undefined for "the fake has no such route". */
export type FakeApi = (request: RecordedRequest) => { body: unknown; status?: number } | undefined;

/** Chromium with one page signed in, every request to ORIGIN going to `answer`. */
export async function launchSignedIn(answer: (route: Route) => Promise<void>): Promise<{ browser: Browser; page: Page }> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  // As text: the tests' TypeScript has no DOM types.
  await page.addInitScript({ content: "sessionStorage.setItem('edge-automl.api-key', 'test-key')" });
  await page.route(`${ORIGIN}/**`, answer);
  return { browser, page };
}

/** Answers one routed request: a file of public/, or an API request recorded in `requests` and answered by `api`. */
export async function answerFake(route: Route, requests: RecordedRequest[], api: FakeApi): Promise<void> {
  const request = route.request();
  const url = new URL(request.url());
  if (!url.pathname.startsWith('/v1/')) {
    const path = join(PUBLIC, url.pathname === '/' ? 'index.html' : decodeURIComponent(url.pathname));
    if (!path.startsWith(PUBLIC) || !existsSync(path)) return route.fulfill({ status: 404, body: 'not found' });
    return route.fulfill({ status: 200, contentType: TYPES[extname(path)] ?? 'application/octet-stream', body: readFileSync(path) });
  }
  const body = request.postData() ? JSON.parse(request.postData() ?? '') : undefined;
  const recorded: RecordedRequest = { method: request.method(), path: url.pathname, ...(url.search ? { search: url.search } : {}), ...(body !== undefined ? { body } : {}) };
  requests.push(recorded);
  const answer = api(recorded) ?? { status: 404, body: { error: { code: 'not_found', message: `the fake has no ${url.pathname}`, details: {} } } };
  return route.fulfill({ status: answer.status ?? 200, contentType: 'application/json', body: JSON.stringify(answer.body) });
}

/**
 * Opens the dashboard at `route` (the part after `#`, e.g. `/models/air`) in a fresh document: by way of
 * about:blank, so nothing of the page before (a live job's stream, a chart) is left running, and a
 * route equal to the current one still loads the page anew.
 */
export async function openFresh(page: Page, route: string): Promise<void> {
  await page.goto('about:blank');
  await page.goto(`${ORIGIN}/#${route}`);
}
