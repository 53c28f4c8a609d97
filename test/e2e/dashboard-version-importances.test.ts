/**
 * The evaluation of a model version shows that version's feature importances, never the champion's, in
 * Debian's headless Chromium (playwright-core, no browser download) against a fake API (see
 * fake-dashboard.ts). The model view's `features[].importance` are the champion's (the version it
 * describes): they stand in only for the evaluation of that same version when its answer lacks
 * `importances`. A version whose evaluation says it has none (`importances: null`) shows none, picked
 * from the champion's page or opened at its own page.
 * Skipped only when /usr/bin/chromium is missing (CI installs it).
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerFake, CHROMIUM, hasChromium, launchSignedIn, openFresh, type RecordedRequest } from './fake-dashboard';

if (!hasChromium) console.warn(`dashboard version importances test skipped: ${CHROMIUM} does not exist (apt-get install chromium)`);

const version = (n: number) => ({ version: n, job_id: `job-${n}`, trial_id: 't0000', family: 'linear', metric: 'roc_auc', greater_is_better: true, score: 0.8, dataset: { name: 'churn', version: 1 }, created_at: '2024-02-01T00:00:00.000Z', task: 'binary', target: 'left', classes: ['no', 'yes'] });

/** A binary model whose champion (v2, the version its view describes) weighs price and colour. */
const MODEL = {
  name: 'weighed',
  task: 'binary',
  target: 'left',
  metric: 'roc_auc',
  greater_is_better: true,
  champion_version: 2,
  described_version: 2,
  classes: ['no', 'yes'],
  family: 'linear',
  features: [
    { name: 'price', type: 'numeric', importance: 0.7 },
    { name: 'colour', type: 'categorical', importance: 0.3 },
  ],
  versions: [version(1), version(2)],
  history: [],
  updated_at: '2024-02-01T00:00:00.000Z',
};

/**
 * v1's evaluation: no importances of its own (null, as the API says it). v2's: an answer without the field
 * (as a server before it had one), for which the view's importances of v2 stand in.
 */
function evaluation(search: string | undefined) {
  const v = search === '?version=1' ? 1 : 2;
  return { model: 'weighed', version: v, family: 'linear', available: false, reason: `reason of v${v}`, ...(v === 1 ? { importances: null } : {}) };
}

function fakeApi({ path, search }: RecordedRequest) {
  if (path === '/v1/models/weighed') return { body: MODEL };
  if (path === '/v1/models/weighed/evaluation') return { body: evaluation(search) };
  return undefined;
}

let browser: Browser;
let page: Page;
const requests: RecordedRequest[] = [];

/** The evaluation section's text once it names `reason` (the answer for the version asked for has been drawn). */
async function evaluationSaying(reason: string): Promise<string> {
  await page.waitForFunction(`document.querySelector('#evaluation')?.textContent.includes(${JSON.stringify(reason)})`);
  return (await page.textContent('#evaluation')) ?? '';
}

describe.skipIf(!hasChromium)("dashboard evaluation importances are the version's own (headless Chromium, fake API)", () => {
  beforeAll(async () => {
    ({ browser, page } = await launchSignedIn((route) => answerFake(route, requests, fakeApi)));
  });

  afterAll(async () => {
    await browser?.close();
  });

  it("shows the champion's importances for the champion, none for a version without its own", async () => {
    await openFresh(page, '/models/weighed');
    await evaluationSaying('reason of v2');
    expect(await page.locator('#importances .bar-label').allTextContents()).toEqual(['price', 'colour']);

    await page.selectOption('#evaluation-version', '1');
    expect(await evaluationSaying('reason of v1')).toContain('v1 (linear) reports no feature importances.');
    // The champion's bars would be taken for v1's.
    expect(await page.locator('#importances').count()).toBe(0);
  });

  it("shows none on the page of a version without its own (the model view there is still the champion's)", async () => {
    await openFresh(page, '/models/weighed/versions/1');
    expect(await evaluationSaying('reason of v1')).toContain('v1 (linear) reports no feature importances.');
    expect(await page.locator('#importances').count()).toBe(0);
  });
});
