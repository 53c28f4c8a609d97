/**
 * The dashboard's forecast form with any interval level and forecast quantiles, in Debian's headless
 * Chromium (playwright-core, no browser download) against a fake API that records every request (see
 * fake-dashboard.ts). The level is a number box (0.5 to 0.995, its percentage beside it), quantiles a
 * comma-separated text box sent as `quantiles`; the points' table gains a column per quantile (`q0.1`, …)
 * holding the answer's values. A level or quantile out of the route's range is refused in the form,
 * naming the field, and nothing is sent; a server refusal still shows the server's message. The outlook
 * above the form is drawn as the page opens, from a forecast at the validated horizon and the default level.
 * Skipped only when /usr/bin/chromium is missing (CI installs it).
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { answerFake, CHROMIUM, hasChromium, launchSignedIn, openFresh, type RecordedRequest } from './fake-dashboard';

if (!hasChromium) console.warn(`dashboard forecast quantiles test skipped: ${CHROMIUM} does not exist (apt-get install chromium)`);

/** A daily forecast model validated 3 days ahead, no groups or covariates. */
const MODEL = {
  name: 'air',
  task: 'forecast',
  target: 'units',
  metric: 'rmse',
  greater_is_better: false,
  champion_version: 1,
  classes: [],
  family: 'drift',
  features: [],
  versions: [{ version: 1, job_id: 'job-1', trial_id: 't1', family: 'drift', metric: 'rmse', greater_is_better: false, score: 2.5, dataset: { name: 'air', version: 1 }, created_at: '2024-02-01T00:00:00.000Z' }],
  history: [],
  forecast: { time_column: 'day', frequency: 'daily', season: 7, horizon: 3, max_horizon: 14 },
  updated_at: '2024-02-01T00:00:00.000Z',
};

interface ForecastBody {
  horizon: number;
  level?: number;
  quantiles?: number[];
}

/**
 * The fake's forecast: value 100 + 10·step, an interval whose half-width grows with the level and the step,
 * and each quantile asked for at value + round(100·(q − 0.5))·(step + 1)/4 (every cell differs, and is exact in
 * binary, so the table's text is the value's), keyed as the API keys them.
 */
function forecastAnswer({ horizon, level = 0.8, quantiles }: ForecastBody) {
  const sorted = quantiles ? [...new Set(quantiles)].sort((a, b) => a - b) : undefined;
  return {
    model: { name: 'air', version: 1 },
    horizon,
    level,
    ...(sorted ? { quantiles: sorted } : {}),
    forecasts: Array.from({ length: horizon }, (_, i) => {
      const value = 100 + 10 * (i + 1);
      const half = Math.round(level * 100) / 10 + i;
      return {
        time: new Date(Date.UTC(2024, 1, i + 1)).toISOString(),
        value,
        lower: value - half,
        upper: value + half,
        ...(sorted ? { quantiles: Object.fromEntries(sorted.map((q) => [String(q), value + (Math.round(100 * (q - 0.5)) * (i + 2)) / 4])) } : {}),
      };
    }),
    history: [29, 30, 31].map((d, i) => ({ time: new Date(Date.UTC(2024, 0, d)).toISOString(), value: 95 + i })),
  };
}

let browser: Browser;
let page: Page;
let requests: RecordedRequest[] = [];

function fakeApi({ method, path, body }: RecordedRequest) {
  if (path === '/v1/models/air') return { body: MODEL };
  if (path === '/v1/models/air/evaluation') return { body: { available: false, reason: 'a forecaster is validated on rolling origins' } };
  if (path === '/v1/models/air/forecast' && method === 'POST') {
    const asked = body as ForecastBody;
    // The route's own refusal, for a quantile the form lets through but this fake will not take.
    if (asked.quantiles?.includes(0.995)) return { status: 400, body: { error: { code: 'invalid_request', message: 'quantiles.0: the fake refuses 0.995', details: { field: 'quantiles.0' } } } };
    return { body: forecastAnswer(asked) };
  }
  return undefined;
}

const forecastRequests = () => requests.filter((r) => r.method === 'POST' && r.path.endsWith('/forecast'));

/**
 * Opens the model's page, signed in, in a fresh document, once its forecast form is shown and its outlook
 * drawn; the outlook's request is then forgotten, so `requests` holds what the form sends.
 */
async function openForm(): Promise<void> {
  await openFresh(page, '/models/air');
  await page.waitForSelector('#forecast-form');
  await page.waitForSelector('#forecast-outlook .chart');
  requests.length = 0;
}

/** The points' table as heading → cells of each row. */
async function pointsTable(): Promise<{ headings: string[]; rows: string[][] }> {
  const headings = await page.locator('#forecast-result table.grid thead th').allTextContents();
  const rows = await page.locator('#forecast-result table.grid tbody tr').evaluateAll((trs) =>
    trs.map((tr) => Array.from((tr as unknown as { querySelectorAll(s: string): ArrayLike<{ textContent: string | null }> }).querySelectorAll('td'), (td) => td.textContent ?? '')),
  );
  return { headings, rows };
}

describe.skipIf(!hasChromium)('dashboard forecast form: any level and quantiles (headless Chromium, fake API)', () => {
  beforeAll(async () => {
    ({ browser, page } = await launchSignedIn((route) => answerFake(route, requests, fakeApi)));
  });

  afterAll(async () => {
    await browser?.close();
  });

  beforeEach(() => {
    requests = [];
  });

  it('sends a level of 0.85 and the quantiles typed, and lists the interval and a column per quantile as answered', async () => {
    await openForm();
    expect(await page.getAttribute('#forecast-level', 'type')).toBe('number');
    expect(await page.inputValue('#forecast-level')).toBe('0.8');
    expect(await page.textContent('#forecast-level-percent')).toBe('80% interval');
    await page.fill('#forecast-level', '0.85');
    expect(await page.textContent('#forecast-level-percent')).toBe('85% interval');
    await page.fill('#forecast-quantiles', ' 0.9, 0.1 ');
    await page.click('#forecast-form button[type=submit]');
    await page.waitForSelector('#forecast-result table.grid');

    expect(forecastRequests()).toEqual([{ method: 'POST', path: '/v1/models/air/forecast', body: { horizon: 3, level: 0.85, quantiles: [0.9, 0.1], history: true } }]);
    const answer = forecastAnswer({ horizon: 3, level: 0.85, quantiles: [0.9, 0.1] });
    const { headings, rows } = await pointsTable();
    // A column per quantile after the interval, in the answer's (ascending) order.
    expect(headings).toEqual(['day', 'Forecast', 'Lower', 'Upper', 'q0.1', 'q0.9']);
    expect(rows).toEqual(answer.forecasts.map((p) => [p.time.slice(0, 10), String(p.value), String(p.lower), String(p.upper), String(p.quantiles?.['0.1']), String(p.quantiles?.['0.9'])]));
    expect(await page.textContent('#forecast-result .prediction')).toBe('Model v1: 3 days ahead, 85% interval');
  });

  it('draws the outlook as the page opens: the observed tail and a forecast at the validated horizon and the default level', async () => {
    await openFresh(page, '/models/air');
    await page.waitForSelector('#forecast-outlook .chart');
    expect(forecastRequests()).toEqual([{ method: 'POST', path: '/v1/models/air/forecast', body: { horizon: 3, level: 0.8, history: true } }]);
    // Three observed days and three forecast ones, in its own element: the form's result is still empty.
    expect(await page.getAttribute('#forecast-outlook .chart', 'data-points')).toBe('6');
    expect(await page.textContent('#forecast-outlook')).toContain('Outlook: the next 3 days, 80% interval');
    expect(await page.textContent('#forecast-result')).toBe('');
  });

  it('sends no quantiles when the box is empty, and adds no column', async () => {
    await openForm();
    await page.fill('#forecast-level', '0.995');
    expect(await page.textContent('#forecast-level-percent')).toBe('99.5% interval');
    await page.click('#forecast-form button[type=submit]');
    await page.waitForSelector('#forecast-result table.grid');
    expect(forecastRequests().map((r) => r.body)).toEqual([{ horizon: 3, level: 0.995, history: true }]);
    expect((await pointsTable()).headings).toEqual(['day', 'Forecast', 'Lower', 'Upper']);
    expect(await page.textContent('#forecast-result .prediction')).toBe('Model v1: 3 days ahead, 99.5% interval');
  });

  it('refuses a level of 0.3 in the form, naming the level, and sends nothing until it is corrected', async () => {
    await openForm();
    await page.fill('#forecast-level', '0.3');
    expect(await page.textContent('#forecast-level-percent')).toBe('');
    await page.click('#forecast-form button[type=submit]');
    await page.waitForSelector('#forecast-result .error');
    expect(await page.textContent('#forecast-result .error p')).toBe('Interval level must be a number from 0.5 to 0.995 (0.85 for an 85% interval); got 0.3');
    expect(forecastRequests()).toEqual([]);

    await page.fill('#forecast-level', '0.9');
    await page.click('#forecast-form button[type=submit]');
    await page.waitForSelector('#forecast-result table.grid');
    expect(forecastRequests().map((r) => r.body)).toEqual([{ horizon: 3, level: 0.9, history: true }]);
  });

  it('refuses quantiles out of range or too many, naming the entry, and sends nothing', async () => {
    await openForm();
    await page.fill('#forecast-quantiles', '0.1, 1.5');
    await page.click('#forecast-form button[type=submit]');
    await page.waitForSelector('#forecast-result .error');
    expect(await page.textContent('#forecast-result .error p')).toBe('Quantiles must be numbers from 0.005 to 0.995 separated by commas (0.1, 0.5, 0.9); got "1.5" in "0.1, 1.5"');

    // 21 distinct values (repeats count once: 0.05 twice is still one).
    const many = Array.from({ length: 21 }, (_, i) => ((i + 1) * 0.04).toFixed(2));
    await page.fill('#forecast-quantiles', [...many, '0.04'].join(','));
    await page.click('#forecast-form button[type=submit]');
    await page.waitForSelector('#forecast-result .error');
    expect(await page.textContent('#forecast-result .error p')).toBe('Quantiles may hold at most 20 distinct values; got 21');

    // Both fields wrong: both named.
    await page.fill('#forecast-level', '1');
    await page.fill('#forecast-quantiles', '0.1,,0.9');
    await page.click('#forecast-form button[type=submit]');
    await page.waitForSelector('#forecast-result .error');
    expect(await page.textContent('#forecast-result .error p')).toBe(
      'Interval level must be a number from 0.5 to 0.995 (0.85 for an 85% interval); got 1; Quantiles must be numbers from 0.005 to 0.995 separated by commas (0.1, 0.5, 0.9); got an empty entry in "0.1,,0.9"',
    );
    expect(forecastRequests()).toEqual([]);
  });

  it("shows the server's message when the route refuses what the form sent", async () => {
    await openForm();
    await page.fill('#forecast-quantiles', '0.995');
    await page.click('#forecast-form button[type=submit]');
    await page.waitForSelector('#forecast-result .error');
    expect(forecastRequests()).toHaveLength(1);
    expect(await page.textContent('#forecast-result .error strong')).toBe('Could not forecast');
    expect(await page.textContent('#forecast-result .error p')).toBe('invalid_request: quantiles.0: the fake refuses 0.995');
  });
});
