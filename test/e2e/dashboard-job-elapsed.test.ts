/**
 * A job page's Elapsed fact counts on each second while the job runs, in Debian's headless Chromium
 * (playwright-core, no browser download) against a fake API (see fake-dashboard.ts). The event stream
 * sends a view only when the job changes (worker/job-events: the clock alone is no change), so the page
 * showed the elapsed time of the last change, frozen, until the next. Checked: a running job's time moves
 * between views; once a view says the job succeeded, it shows that view's time and stays. Also that a time
 * over a minute is rounded before it is split (119.6 s reads "2 min 00 s", not "1 min 60 s").
 * Skipped only when /usr/bin/chromium is missing (CI installs it).
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerFake, CHROMIUM, hasChromium, launchSignedIn, openFresh, type RecordedRequest } from './fake-dashboard';

if (!hasChromium) console.warn(`dashboard job elapsed test skipped: ${CHROMIUM} does not exist (apt-get install chromium)`);

/** A job's view at `elapsed_ms`, with no trial finished yet. */
function jobView(id: string, status: string, elapsedMs: number) {
  return {
    id,
    status,
    dataset: { name: 'homes', version: 1 },
    target: 'price',
    task: 'regression',
    metric: 'rmse',
    greater_is_better: false,
    strategy: 'auto',
    models: ['linear'],
    seed: 42,
    progress: { trials_done: 0, trials_running: 1, trials_failed: 0, elapsed_ms: elapsedMs, budget: { seconds: 60 } },
    best: null,
    leaderboard: [],
    best_over_time: [],
  };
}

const frame = (event: string, data: unknown) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;

let browser: Browser;
let page: Page;
const requests: RecordedRequest[] = [];
/** Stream requests of job-live so far: the first sends it running; the next (the reconnection) waits for `release`. */
let liveStreams = 0;
let release: () => void = () => {};
const released = new Promise<void>((resolve) => (release = resolve));

/** The Elapsed fact's text (read by its label, as a visitor would), or '' before the job's view came. */
const ELAPSED = "[...document.querySelectorAll('#job-summary dt')].find((dt) => dt.textContent === 'Elapsed')?.nextElementSibling?.textContent ?? ''";

/** The seconds the Elapsed fact shows, and its whole text. */
async function elapsed(): Promise<{ text: string; seconds: number }> {
  const text = (await page.evaluate(ELAPSED)) as string;
  return { text, seconds: Number(/^([\d.]+) s/.exec(text)?.[1]) };
}

describe.skipIf(!hasChromium)('dashboard job elapsed time (headless Chromium, fake API)', () => {
  beforeAll(async () => {
    ({ browser, page } = await launchSignedIn(async (route) => {
      const path = new URL(route.request().url()).pathname;
      // The fake cannot hold a stream open: the job's view is sent once and the stream closes, as the
      // Worker's does at its time cap; the page reconnects, and that second stream is held by the test.
      if (path === '/v1/jobs/job-live/events') {
        if (++liveStreams === 1) return route.fulfill({ status: 200, contentType: 'text/event-stream', body: frame('job', jobView('job-live', 'running', 5_000)) });
        await released;
        return route.fulfill({ status: 200, contentType: 'text/event-stream', body: frame('job', jobView('job-live', 'succeeded', 7_000)) + frame('end', { reason: 'finished' }) });
      }
      if (path === '/v1/jobs/job-long/events') return route.fulfill({ status: 200, contentType: 'text/event-stream', body: frame('job', jobView('job-long', 'succeeded', 119_600)) + frame('end', { reason: 'finished' }) });
      return answerFake(route, requests, ({ path: p }) => (/^\/v1\/jobs\/[^/]+\/trials$/.test(p) ? { body: { trials: [] } } : undefined));
    }));
  });

  afterAll(async () => {
    release();
    await browser?.close();
  });

  it('counts on while the job runs and stops at the time of the view that ends it', async () => {
    await openFresh(page, '/jobs/job-live');
    await page.waitForFunction(ELAPSED);
    expect((await elapsed()).text).toBe('5.0 s of 60 s');
    // No view comes for 2.5 s: the clock alone moves the fact (to 7.0 s by now, give or take a tick).
    await page.waitForTimeout(2_500);
    const moved = await elapsed();
    expect(moved.text).toMatch(/^[\d.]+ s of 60 s$/);
    expect(moved.seconds).toBeGreaterThanOrEqual(6);
    expect(moved.seconds).toBeLessThanOrEqual(9);

    release();
    await page.waitForSelector('#live-state[data-state=ended]');
    expect((await elapsed()).text).toBe('7.0 s (budget 60 s)');
    // Over: no clock runs any more.
    await page.waitForTimeout(1_500);
    expect((await elapsed()).text).toBe('7.0 s (budget 60 s)');
  });

  it('rounds a time over a minute before splitting it into minutes and seconds', async () => {
    await openFresh(page, '/jobs/job-long');
    await page.waitForSelector('#live-state[data-state=ended]');
    expect((await elapsed()).text).toBe('2 min 00 s (budget 60 s)');
  });
});
