/**
 * A model's page follows the task of the version it shows, not the champion's, in Debian's headless
 * Chromium (playwright-core, no browser download) against a fake API (see fake-dashboard.ts). A version
 * kept apart may be of another task (each entry of the view's `versions` carries its own `task`):
 * - a forecast version's page of a regression model gets the forecast form and no drift (not a prediction
 *   form saying the artifact "lists no features");
 * - a binary version's page of a forecast model gets the prediction form and the drift (not "nothing to
 *   forecast with");
 * - the evaluation of a picked version leaves out the importances for a forecast version only, whatever
 *   the champion is.
 * Skipped only when /usr/bin/chromium is missing (CI installs it).
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerFake, CHROMIUM, hasChromium, launchSignedIn, openFresh, type RecordedRequest } from './fake-dashboard';

if (!hasChromium) console.warn(`dashboard version task test skipped: ${CHROMIUM} does not exist (apt-get install chromium)`);

const FORECAST = { time_column: 'day', frequency: 'daily', season: 7, horizon: 7, max_horizon: 28 };
const PRICE = [{ name: 'price', type: 'numeric', importance: null }];

/** A version entry of the model view, with its own task (as the API lists it). */
function entry(version: number, task: string) {
  const forecast = task === 'forecast';
  return { version, job_id: `job-${version}`, trial_id: 't0000', family: forecast ? 'drift' : 'linear', metric: forecast ? 'mase' : 'rmse', greater_is_better: false, score: 1.5, dataset: { name: 'sales', version: 1 }, created_at: '2024-02-01T00:00:00.000Z', task, target: 'units', classes: task === 'binary' ? ['no', 'yes'] : [] };
}

/**
 * The view of `name` (champion v2 of `tasks[1]`, v1 of `tasks[0]`) describing v2, or with `?version=1` v1:
 * what the artifact says (features, forecast block) is the described version's; task is the model's.
 */
function modelView(name: string, tasks: [string, string], search: string | undefined) {
  const described = search === '?version=1' ? 1 : 2;
  const task = tasks[described - 1];
  return {
    name,
    task: tasks[1],
    target: 'units',
    metric: tasks[1] === 'forecast' ? 'mase' : 'rmse',
    greater_is_better: false,
    champion_version: 2,
    described_version: described,
    classes: [],
    family: task === 'forecast' ? 'drift' : 'linear',
    features: task === 'forecast' ? [] : PRICE,
    ...(task === 'forecast' ? { forecast: FORECAST } : {}),
    versions: [entry(1, tasks[0]), entry(2, tasks[1])],
    history: [],
    updated_at: '2024-02-01T00:00:00.000Z',
  };
}

/** `turned`: v1 a forecaster, v2 (champion) a regressor. `was-binary`: v1 binary, v2 (champion) a forecaster. */
const TASKS: Record<string, [string, string]> = { turned: ['forecast', 'regression'], 'was-binary': ['binary', 'forecast'] };

/** An evaluation as the API answers it: a forecaster's has no importances, another version's has its own. */
function evaluationOf(name: string, search: string | undefined) {
  const version = search === '?version=1' ? 1 : 2;
  const forecast = TASKS[name][version - 1] === 'forecast';
  return { model: name, version, family: forecast ? 'drift' : 'linear', available: false, reason: `reason of v${version}`, importances: forecast ? null : [{ feature: 'price', importance: 1 }] };
}

function fakeApi({ path, search }: RecordedRequest) {
  const model = /^\/v1\/models\/([^/]+)(\/evaluation)?$/.exec(path);
  if (model && Object.hasOwn(TASKS, model[1])) return { body: model[2] ? evaluationOf(model[1], search) : modelView(model[1], TASKS[model[1]], search) };
  // Drift, the outlook's forecast and the training profile are not this test's: the fake's 404 is shown in place.
  return undefined;
}

let browser: Browser;
let page: Page;
const requests: RecordedRequest[] = [];

/** Waits until the prediction section and the evaluation no longer say "Loading…". */
async function settled(): Promise<void> {
  await page.waitForFunction("document.querySelector('#predict') && !document.querySelector('#predict .loading, #evaluation .loading')");
}

const count = (selector: string) => page.locator(selector).count();
const headings = () => page.locator('h2').allTextContents();

describe.skipIf(!hasChromium)('dashboard model page follows the shown version task (headless Chromium, fake API)', () => {
  beforeAll(async () => {
    ({ browser, page } = await launchSignedIn((route) => answerFake(route, requests, fakeApi)));
  });

  afterAll(async () => {
    await browser?.close();
  });

  it("gives a forecast version's page of a regression model the forecast form and no drift", async () => {
    requests.length = 0;
    await openFresh(page, '/models/turned/versions/1');
    await settled();
    expect(await count('#forecast-form')).toBe(1);
    expect(await count('#predict-form')).toBe(0);
    expect(await headings()).toContain('Try a forecast with v1');
    // A forecaster takes no input rows: no drift section, and none asked for.
    expect(await count('#drift')).toBe(0);
    expect(requests.some((r) => r.path.endsWith('/drift'))).toBe(false);
    // Its evaluation is the notice alone: a forecaster has no features to weigh.
    expect(await page.locator('#evaluation > *').allTextContents()).toEqual(['No out-of-fold evaluation for v1: reason of v1']);
  });

  it("gives a binary version's page of a forecast model the prediction form and the drift", async () => {
    requests.length = 0;
    await openFresh(page, '/models/was-binary/versions/1');
    await settled();
    expect(await count('#predict-form')).toBe(1);
    expect(await count('#forecast-form')).toBe(0);
    expect(await page.inputValue('#predict-form input[name=price]')).toBe('');
    expect(await headings()).toContain('Try a prediction with v1');
    expect(await count('#drift')).toBe(1);
    expect(requests.some((r) => r.path === '/v1/models/was-binary/drift' && r.search === '?version=1')).toBe(true);
    // Not a forecaster: its importances are shown.
    expect(await page.locator('#importances .bar-label').allTextContents()).toEqual(['price']);
  });

  it("shows a picked version's evaluation by that version's task, not the champion's", async () => {
    // The champion (v2) is a forecaster: notice alone. v1 is binary: its importances too.
    await openFresh(page, '/models/was-binary');
    await settled();
    expect(await count('#evaluation > *')).toBe(1);
    await page.selectOption('#evaluation-version', '1');
    await page.waitForFunction("document.querySelector('#evaluation')?.textContent.includes('reason of v1')");
    expect(await page.locator('#importances .bar-label').allTextContents()).toEqual(['price']);

    // The champion (v2) is a regressor; v1, a forecaster, gets the notice alone (no "reports no feature importances").
    await openFresh(page, '/models/turned');
    await settled();
    await page.selectOption('#evaluation-version', '1');
    await page.waitForFunction("document.querySelector('#evaluation')?.textContent.includes('reason of v1')");
    expect(await page.locator('#evaluation > *').allTextContents()).toEqual(['No out-of-fold evaluation for v1: reason of v1']);
  });
});
