/**
 * The dashboard and known-future covariates, in Debian's headless Chromium (playwright-core, no browser
 * download) without a server: the page's own files come from public/ and the API is answered by a fake
 * that records every request (Playwright routes at a made-up origin). The forecast form of a model with
 * covariates has a row per step ahead with an input per covariate (a number box with the training range
 * as a hint, a choice of yes or no for a boolean, a choice of levels) and sends them as `covariates`; a model without them, or with past covariates only, gets the form as before
 * and sends none. The train form of a dataset with dates sends the chosen columns as `forecast.covariates`
 * and `forecast.past_covariates` for a forecast job only. The forecast form says where the chosen series
 * ends (forecasts start the step after).
 * Skipped only when /usr/bin/chromium is missing (CI installs it).
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { answerFake, CHROMIUM, hasChromium, launchSignedIn, openFresh, type RecordedRequest } from './fake-dashboard';

if (!hasChromium) console.warn(`dashboard covariates test skipped: ${CHROMIUM} does not exist (apt-get install chromium)`);

/** A forecast model's view: daily, validated 3 days ahead; `covariates` as the API lists them, or none. */
function forecastModel(name: string, covariates?: { name: string; kind: 'numeric' | 'boolean' | 'categorical'; levels?: string[]; min?: number; max?: number }[], past?: { name: string; kind: 'numeric' | 'categorical' }[]) {
  return {
    name,
    task: 'forecast',
    target: 'units',
    metric: 'mae',
    greater_is_better: false,
    champion_version: 1,
    classes: [],
    family: 'linear',
    features: [],
    versions: [{ version: 1, job_id: 'job-1', trial_id: 't1', family: 'linear', metric: 'mae', greater_is_better: false, score: 1.5, dataset: { name: 'sales', version: 1 }, created_at: '2024-02-01T00:00:00.000Z' }],
    history: [],
    forecast: { time_column: 'day', frequency: 'daily', season: 7, horizon: 3, max_horizon: past ? 3 : 14, ...(covariates ? { covariates } : {}), ...(past ? { past_covariates: past } : {}) },
    updated_at: '2024-02-01T00:00:00.000Z',
  };
}

const MODELS: Record<string, unknown> = {
  promo: forecastModel('promo', [
    { name: 'promo', kind: 'numeric' },
    { name: 'weather', kind: 'categorical', levels: ['rainy', 'sunny'] },
  ]),
  holiday: forecastModel('holiday', [
    { name: 'promo', kind: 'numeric', min: 0, max: 1 },
    { name: 'holiday', kind: 'boolean', levels: ['false', 'true'] },
  ]),
  plain: forecastModel('plain'),
  // Its forecasts fail (the fake answers 503): the outlook says so, and the form still works.
  broken: forecastModel('broken'),
  observed: forecastModel('observed', undefined, [{ name: 'visits', kind: 'numeric' }]),
  // Two series whose ends differ (the model view's forecast.series): the form says the chosen one's.
  shops: (() => {
    const m = forecastModel('shops');
    const series = [
      { group: 'north', last_time: '2024-12-31T00:00:00.000Z', points: 366 },
      { group: 'south', last_time: '2024-12-17T00:00:00.000Z', points: 352 },
    ];
    // Version 2 is version 1 advanced to newer data by a retraining that kept it.
    const advanced = { ...m.versions[0], version: 2, dataset: { name: 'sales', version: 2 }, advanced_from: 1 };
    return { ...m, champion_version: 2, versions: [...m.versions, advanced], forecast: { ...m.forecast, group_column: 'shop', groups: ['north', 'south'], series } };
  })(),
};

/** A dataset with a date column (so a forecast job is offered), a number, a category and free text. */
const DATASET = {
  name: 'sales',
  version: 1,
  rows: 100,
  bytes: 4096,
  created_at: '2024-02-01T00:00:00.000Z',
  columns: [
    { name: 'day', type: 'datetime', missing: 0, unique: 100 },
    { name: 'promo', type: 'numeric', missing: 0, unique: 2, min: 0, max: 1, mean: 0.3, std: 0.4 },
    { name: 'weather', type: 'categorical', missing: 0, unique: 2, top: [{ value: 'sunny', count: 60 }] },
    { name: 'note', type: 'text', missing: 0, unique: 100 },
    { name: 'units', type: 'numeric', missing: 0, unique: 80, min: 1, max: 50, mean: 20, std: 5 },
  ],
};

/** The fake's answer to a forecast: `horizon` days from 2024-02-01, after three observed days. */
function forecastAnswer(name: string, horizon: number) {
  const day = (d: number) => new Date(Date.UTC(2024, 1, d)).toISOString();
  return {
    model: { name, version: 1 },
    horizon,
    level: 0.8,
    forecasts: Array.from({ length: horizon }, (_, i) => ({ time: day(i + 1), value: 20 + i, lower: 18 + i, upper: 22 + i })),
    history: [29, 30, 31].map((d, i) => ({ time: new Date(Date.UTC(2024, 0, d)).toISOString(), value: 19 + i })),
  };
}

let browser: Browser;
let page: Page;
/** Every API request the page made: method, path and JSON body. */
let requests: RecordedRequest[] = [];

/** The fake API: the models and the dataset above, a forecast of each step, and a queued job. */
function fakeApi({ method, path, body }: RecordedRequest) {
  const model = /^\/v1\/models\/([^/]+)(\/.*)?$/.exec(path);
  if (model && Object.hasOwn(MODELS, model[1])) {
    if (model[2] === undefined) return { body: MODELS[model[1]] };
    if (model[2] === '/evaluation') return { body: { available: false, reason: 'a forecaster is validated on rolling origins' } };
    if (model[2] === '/forecast' && model[1] === 'broken') return { status: 503, body: { error: { code: 'unavailable', message: 'the fake cannot forecast' } } };
    if (model[2] === '/forecast') return { body: forecastAnswer(model[1], (body as { horizon: number }).horizon) };
  }
  if (path === '/v1/datasets/sales') return { body: DATASET };
  if (path === '/v1/jobs' && method === 'POST') return { status: 202, body: { id: 'job-2', status: 'queued' } };
  return undefined;
}

/** Opens a page of the dashboard, signed in, in a fresh document (nothing of the page before is left running). */
async function open(hash: string): Promise<void> {
  await openFresh(page, hash.replace(/^#/, ''));
}

const forecastRequests = () => requests.filter((r) => r.method === 'POST' && r.path.endsWith('/forecast'));

describe.skipIf(!hasChromium)('dashboard forms with known-future covariates (headless Chromium, fake API)', () => {
  beforeAll(async () => {
    ({ browser, page } = await launchSignedIn((route) => answerFake(route, requests, fakeApi)));
  });

  afterAll(async () => {
    await browser?.close();
  });

  beforeEach(() => {
    requests = [];
  });

  it('asks for each covariate at every step ahead and sends them, numbers as numbers and levels as text', async () => {
    await open('#/models/promo');
    await page.waitForSelector('#forecast-covariates');
    // One row per step of the default horizon (3), one input per covariate: a number box, a choice of levels.
    expect(await page.locator('#forecast-covariates tbody tr').count()).toBe(3);
    // No outlook: its forecast would need the covariates' values ahead, which only the user knows.
    expect(await page.locator('#forecast-outlook').count()).toBe(0);
    expect(await page.locator('#forecast-covariates thead th').allTextContents()).toEqual(['Step', 'promo', 'weather']);
    expect(await page.getAttribute('#covariate-0-0', 'type')).toBe('number');
    expect(await page.locator('#covariate-0-1 option').allTextContents()).toEqual(['choose…', 'rainy', 'sunny']);
    expect(await page.textContent('#forecast-covariates tbody tr:nth-child(2) th')).toBe('2 days ahead');

    // Nothing is guessed: with empty cells the form does not send.
    expect(await page.locator('#forecast-form').evaluate((f) => (f as unknown as { checkValidity(): boolean }).checkValidity())).toBe(false);

    // A shorter horizon shows fewer rows; a longer one more.
    await page.fill('#forecast-horizon', '2');
    expect(await page.locator('#forecast-covariates tbody tr').count()).toBe(2);
    await page.fill('#covariate-0-0', '1');
    await page.selectOption('#covariate-0-1', 'rainy');
    await page.fill('#covariate-1-0', '0.5');
    await page.selectOption('#covariate-1-1', 'sunny');
    await page.click('#forecast-form button[type=submit]');
    await page.waitForSelector('#forecast-result table.grid');
    expect(await page.locator('#forecast-result table.grid tbody tr').count()).toBe(2);
    expect(forecastRequests()).toEqual([
      {
        method: 'POST',
        path: '/v1/models/promo/forecast',
        body: { horizon: 2, level: 0.8, history: true, covariates: [{ promo: 1, weather: 'rainy' }, { promo: 0.5, weather: 'sunny' }] },
      },
    ]);
  });

  it('keeps the values of steps hidden by a shorter horizon, and copies step 1 to every step on request', async () => {
    await open('#/models/promo');
    await page.waitForSelector('#forecast-covariates');
    await page.fill('#covariate-2-0', '7');
    await page.fill('#forecast-horizon', '1');
    await page.fill('#forecast-horizon', '3');
    expect(await page.inputValue('#covariate-2-0')).toBe('7');

    await page.fill('#covariate-0-0', '2');
    await page.selectOption('#covariate-0-1', 'sunny');
    await page.click('#forecast-covariates-copy');
    await page.click('#forecast-form button[type=submit]');
    await page.waitForSelector('#forecast-result table.grid');
    expect(forecastRequests().map((r) => (r.body as { covariates: unknown }).covariates)).toEqual([
      [
        { promo: 2, weather: 'sunny' },
        { promo: 2, weather: 'sunny' },
        { promo: 2, weather: 'sunny' },
      ],
    ]);
  });

  it('offers a boolean covariate as a choice of yes or no, sent as true or false, and a number box its training range as a hint', async () => {
    await open('#/models/holiday');
    await page.waitForSelector('#forecast-covariates');
    expect(await page.getAttribute('#covariate-0-0', 'title')).toBe('trained on 0 to 1');
    expect(await page.locator('#covariate-0-1 option').allTextContents()).toEqual(['choose…', 'yes (true)', 'no (false)']);
    await page.fill('#forecast-horizon', '2');
    await page.fill('#covariate-0-0', '1');
    await page.selectOption('#covariate-0-1', 'true');
    await page.fill('#covariate-1-0', '0');
    await page.selectOption('#covariate-1-1', 'false');
    await page.click('#forecast-form button[type=submit]');
    await page.waitForSelector('#forecast-result table.grid');
    expect(forecastRequests().map((r) => (r.body as { covariates: unknown }).covariates)).toEqual([
      [
        { promo: 1, holiday: true },
        { promo: 0, holiday: false },
      ],
    ]);
  });

  it('gives a model without covariates the form as before, and sends none (nor does its outlook)', async () => {
    await open('#/models/plain');
    await page.waitForSelector('#forecast-form');
    expect(await page.locator('#forecast-covariates').count()).toBe(0);
    // The outlook's forecast, as the page opens, then the form's (the same defaults).
    await page.waitForSelector('#forecast-outlook .chart');
    const asked = { method: 'POST', path: '/v1/models/plain/forecast', body: { horizon: 3, level: 0.8, history: true } };
    expect(forecastRequests()).toEqual([asked]);
    await page.click('#forecast-form button[type=submit]');
    await page.waitForSelector('#forecast-result table.grid');
    expect(forecastRequests()).toEqual([asked, asked]);
  });

  it("forecasts a version page's outlook with that version, and says when the outlook could not be forecast", async () => {
    await open('#/models/plain/versions/1');
    await page.waitForSelector('#forecast-outlook .chart');
    expect(forecastRequests()).toEqual([{ method: 'POST', path: '/v1/models/plain/forecast', body: { horizon: 3, level: 0.8, history: true, version: 1 } }]);

    await open('#/models/broken');
    await page.waitForSelector('#forecast-outlook .error');
    expect(await page.textContent('#forecast-outlook .error strong')).toBe('Could not forecast the outlook');
    expect(await page.textContent('#forecast-outlook .error p')).toContain('unavailable: the fake cannot forecast');
    expect(await page.locator('#forecast-form').count()).toBe(1);
  });

  it('gives a model with past covariates only the form as before: a forecast gives none of their values', async () => {
    await open('#/models/observed');
    await page.waitForSelector('#forecast-form');
    expect(await page.locator('#forecast-covariates').count()).toBe(0);
    await page.waitForSelector('#forecast-outlook .chart');
    await page.click('#forecast-form button[type=submit]');
    await page.waitForSelector('#forecast-result table.grid');
    const asked = { method: 'POST', path: '/v1/models/observed/forecast', body: { horizon: 3, level: 0.8, history: true } };
    expect(forecastRequests()).toEqual([asked, asked]);
  });

  it('offers the same columns as past covariates beside the covariates, and sends each list as chosen', async () => {
    await open('#/datasets/sales');
    await page.waitForSelector('#train-form');
    expect(await page.isVisible('#train-past-covariates')).toBe(false);
    await page.selectOption('#train-task', 'forecast');
    expect(await page.isVisible('#train-past-covariates')).toBe(true);
    expect(await page.locator('#train-past-covariates option').evaluateAll((os) => os.map((o) => (o as unknown as { value: string }).value))).toEqual(['promo', 'weather', 'units']);
    await page.selectOption('#train-covariates', ['promo']);
    await page.selectOption('#train-past-covariates', ['weather']);
    await page.click('#train-form button[type=submit]');
    await until(() => requests.some((r) => r.path === '/v1/jobs'));

    await open('#/datasets/sales');
    await page.waitForSelector('#train-form');
    await page.selectOption('#train-task', 'forecast');
    await page.selectOption('#train-past-covariates', ['promo', 'weather']);
    await page.click('#train-form button[type=submit]');
    await until(() => requests.filter((r) => r.path === '/v1/jobs').length === 2);
    expect(requests.filter((r) => r.path === '/v1/jobs').map((r) => r.body)).toEqual([
      { dataset: 'sales', target: 'units', task: 'forecast', budget: { seconds: 60 }, forecast: { covariates: ['promo'], past_covariates: ['weather'] } },
      { dataset: 'sales', target: 'units', task: 'forecast', budget: { seconds: 60 }, forecast: { past_covariates: ['promo', 'weather'] } },
    ]);
  });

  it("offers a forecast job the dataset's numbers and categories as covariates, and sends the chosen ones", async () => {
    await open('#/datasets/sales');
    await page.waitForSelector('#train-form');
    // Hidden until the task is a forecast; dates and free text are not offered.
    expect(await page.isVisible('#train-covariates')).toBe(false);
    await page.selectOption('#train-task', 'forecast');
    expect(await page.isVisible('#train-covariates')).toBe(true);
    expect(await page.locator('#train-covariates option').evaluateAll((os) => os.map((o) => (o as unknown as { value: string }).value))).toEqual(['promo', 'weather', 'units']);

    await page.selectOption('#train-covariates', ['promo', 'weather']);
    await page.click('#train-form button[type=submit]');
    await until(() => requests.some((r) => r.path === '/v1/jobs'));
    expect(requests.find((r) => r.path === '/v1/jobs')?.body).toEqual({ dataset: 'sales', target: 'units', task: 'forecast', budget: { seconds: 60 }, forecast: { covariates: ['promo', 'weather'] } });
  });

  it('sends no covariates for a forecast job with none chosen, nor for another task', async () => {
    await open('#/datasets/sales');
    await page.waitForSelector('#train-form');
    await page.selectOption('#train-task', 'forecast');
    await page.click('#train-form button[type=submit]');
    await until(() => requests.some((r) => r.path === '/v1/jobs'));

    await open('#/datasets/sales');
    await page.waitForSelector('#train-form');
    // Chosen while a forecast, then the task changed back: the job is not a forecast and takes none.
    await page.selectOption('#train-task', 'forecast');
    await page.selectOption('#train-covariates', ['promo']);
    await page.selectOption('#train-task', 'auto');
    expect(await page.isVisible('#train-covariates')).toBe(false);
    await page.click('#train-form button[type=submit]');
    await until(() => requests.filter((r) => r.path === '/v1/jobs').length === 2);
    expect(requests.filter((r) => r.path === '/v1/jobs').map((r) => r.body)).toEqual([
      { dataset: 'sales', target: 'units', task: 'forecast', budget: { seconds: 60 } },
      { dataset: 'sales', target: 'units', budget: { seconds: 60 } },
    ]);
  });

  it('says where the chosen series ends, which forecasts start after, and which version is an advance', async () => {
    await open('#/models/shops');
    await page.waitForSelector('#forecast-start');
    // The outlook of a grouped model is its first series'.
    await page.waitForSelector('#forecast-outlook .chart');
    expect(forecastRequests()).toEqual([{ method: 'POST', path: '/v1/models/shops/forecast', body: { horizon: 3, level: 0.8, history: true, group: 'north' } }]);
    expect(await page.textContent('#forecast-outlook')).toContain('Outlook of shop north: the next 3 days, 80% interval');
    expect(await page.textContent('#forecast-start')).toBe('The series ends at 2024-12-31 (366 points): forecasts start the step after.');
    await page.selectOption('#forecast-group', 'south');
    expect(await page.textContent('#forecast-start')).toBe('The series ends at 2024-12-17 (352 points): forecasts start the step after.');
    expect(await page.locator('text=v1 advanced').count()).toBe(1);
    // A view without series ends (an older server) says nothing of them.
    await open('#/models/plain');
    await page.waitForSelector('#forecast-form');
    expect(await page.textContent('#forecast-start')).toBe('');
  });
});

/** Waits (up to 10 s) until `done` holds. */
async function until(done: () => boolean): Promise<void> {
  const end = Date.now() + 10_000;
  while (!done()) {
    if (Date.now() > end) throw new Error('timed out waiting for the request');
    await new Promise((r) => setTimeout(r, 50));
  }
}
