/**
 * The dashboard's "Try a prediction" defaults, in Debian's headless Chromium (playwright-core, no browser
 * download) against a fake API (see fake-dashboard.ts): a number box starts at the column's mean, rounded
 * to a whole number only where the training profile's `integer` says every value is whole. A column of 1,
 * 2.5 and 4 (whole ends, few distinct values) is no longer taken for whole. A profile stored before the
 * flag existed has none, and the old guess from min, max and distinct count still decides.
 * Skipped only when /usr/bin/chromium is missing (CI installs it).
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerFake, CHROMIUM, hasChromium, launchSignedIn, openFresh, type RecordedRequest } from './fake-dashboard';

if (!hasChromium) console.warn(`dashboard predict defaults test skipped: ${CHROMIUM} does not exist (apt-get install chromium)`);

/**
 * A profile's columns: `count` whole (0 to 5, mean 2.4), `halves` 1, 2.5 and 4 (mean 2.5), `price` fractional
 * (mean 12.3456), `colour` a category. `flagged`: with each numeric column's `integer`, as servers now answer.
 */
function columns(flagged: boolean) {
  const flag = (integer: boolean) => (flagged ? { integer } : {});
  return [
    { name: 'count', type: 'numeric', missing: 0, unique: 6, min: 0, max: 5, mean: 2.4, std: 1.5, ...flag(true) },
    { name: 'halves', type: 'numeric', missing: 0, unique: 3, min: 1, max: 4, mean: 2.5, std: 1.2, ...flag(false) },
    { name: 'price', type: 'numeric', missing: 0, unique: 40, min: 0.5, max: 30.25, mean: 12.3456, std: 7, ...flag(false) },
    { name: 'colour', type: 'categorical', missing: 0, unique: 2, top: [{ value: 'blue', count: 25 }, { value: 'red', count: 15 }] },
    { name: 'label', type: 'categorical', missing: 0, unique: 2, top: [{ value: 'yes', count: 20 }, { value: 'no', count: 20 }] },
  ];
}

const DATASETS: Record<string, unknown> = {
  flagged: { name: 'flagged', version: 1, rows: 40, bytes: 2048, created_at: '2024-02-01T00:00:00.000Z', columns: columns(true) },
  stored: { name: 'stored', version: 1, rows: 40, bytes: 2048, created_at: '2024-02-01T00:00:00.000Z', columns: columns(false) },
};

/** A binary model (v1) trained on `dataset` v1, reading count, halves, price and colour. */
function modelView(name: string, dataset: string) {
  return {
    name,
    task: 'binary',
    target: 'label',
    metric: 'roc_auc',
    greater_is_better: true,
    champion_version: 1,
    described_version: 1,
    classes: ['no', 'yes'],
    family: 'linear',
    features: [
      { name: 'count', type: 'numeric', importance: null },
      { name: 'halves', type: 'numeric', importance: null },
      { name: 'price', type: 'numeric', importance: null },
      { name: 'colour', type: 'categorical', importance: null },
    ],
    versions: [{ version: 1, job_id: 'job-1', trial_id: 't0000', family: 'linear', metric: 'roc_auc', greater_is_better: true, score: 0.8, dataset: { name: dataset, version: 1 }, created_at: '2024-02-01T00:00:00.000Z' }],
    history: [],
    updated_at: '2024-02-01T00:00:00.000Z',
  };
}

const MODELS: Record<string, ReturnType<typeof modelView>> = { 'on-flagged': modelView('on-flagged', 'flagged'), 'on-stored': modelView('on-stored', 'stored') };

function fakeApi({ path }: RecordedRequest) {
  const model = /^\/v1\/models\/([^/]+)(\/evaluation)?$/.exec(path);
  if (model && Object.hasOwn(MODELS, model[1])) return { body: model[2] ? { available: false, reason: 'not asked for by this test' } : MODELS[model[1]] };
  const dataset = /^\/v1\/datasets\/([^/]+)$/.exec(path);
  if (dataset && Object.hasOwn(DATASETS, dataset[1])) return { body: DATASETS[dataset[1]] };
  return undefined;
}

let browser: Browser;
let page: Page;
const requests: RecordedRequest[] = [];

/** The prediction form's boxes of a model's page, by feature name. */
async function defaultsOf(model: string): Promise<Record<string, string>> {
  await openFresh(page, `/models/${model}`);
  await page.waitForSelector('#predict-form');
  const names = ['count', 'halves', 'price', 'colour'];
  return Object.fromEntries(await Promise.all(names.map(async (n) => [n, await page.inputValue(`#predict-form input[name=${n}]`)] as const)));
}

describe.skipIf(!hasChromium)('dashboard prediction form defaults (headless Chromium, fake API)', () => {
  beforeAll(async () => {
    ({ browser, page } = await launchSignedIn((route) => answerFake(route, requests, fakeApi)));
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('rounds the mean only for a column the profile flags integer', async () => {
    expect(await defaultsOf('on-flagged')).toEqual({ count: '2', halves: '2.5', price: '12.35', colour: 'blue' });
    // The form read the training version's profile, as the model's version names it.
    expect(requests.some((r) => r.path === '/v1/datasets/flagged' && r.search === '?version=1')).toBe(true);
  });

  it('guesses from min, max and distinct count for a profile stored without the flag', async () => {
    // 1, 2.5, 4 look whole to the guess (its mean rounds to 3): what the flag is there to correct.
    expect(await defaultsOf('on-stored')).toEqual({ count: '2', halves: '3', price: '12.35', colour: 'blue' });
  });
});
