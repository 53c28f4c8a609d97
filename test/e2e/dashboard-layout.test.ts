/**
 * The dashboard's layout and charts, in Debian's headless Chromium (playwright-core, no browser download)
 * against a fake API (see fake-dashboard.ts), on a finished job of two families: on a 390 px phone the
 * job page and the jobs list do not scroll sideways (the leaderboard scrolls inside its own box) and the
 * header's words and the Fit cells do not break; on a laptop each chart fills its card and follows the
 * card's width; a scatter's legend boxes are filled with their series' colour; a log x axis labels its
 * decades and leaves its minor ticks blank (not "–"); the landing route `#/` marks Jobs in the nav.
 * Skipped only when /usr/bin/chromium is missing (CI installs it).
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerFake, CHROMIUM, hasChromium, launchSignedIn, openFresh, type RecordedRequest } from './fake-dashboard';
import { chartWidths, lineCount, pageWidth } from './layout-probes';

if (!hasChromium) console.warn(`dashboard layout test skipped: ${CHROMIUM} does not exist (apt-get install chromium)`);

const JOB_ID = '0ef92b63-0e55-47f4-a839-3ee052f040a4';
const RATES = [0.001, 0.003, 0.01, 0.03, 0.1, 0.3];

/**
 * 12 finished trials, gbdt and linear in turn, each with its fit time under a second ("0.4 s", which once
 * wrapped onto two lines) and parameters as long as a real search's; gbdt's learning rates span 2.5 decades.
 */
const TRIALS = Array.from({ length: 12 }, (_, i) => {
  const gbdt = i % 2 === 0;
  const params = gbdt
    ? { learning_rate: RATES[i / 2], num_leaves: 31, n_estimators: 300, min_data_in_leaf: 20, fe_select_keep: 0.5 + i / 32, class_weight: 'balanced', fe_select: 'mutual_info' }
    : { C: 0.5 + i / 8, l1_ratio: i / 16, fe_select_keep: 0.4 + i / 32, class_weight: 'none', fe_construct: 'none', augment: 'none' };
  return {
    trial_id: `t${String(i).padStart(4, '0')}`,
    number: i,
    family: gbdt ? 'gbdt' : 'linear',
    params,
    status: 'complete',
    score: 0.7 + i / 64,
    fit_ms: 430 + 37 * i,
    rung: 0,
    fidelity: 1,
    started_at: '2024-02-01T00:00:00.000Z',
    finished_at: '2024-02-01T00:00:01.000Z',
  };
});

const JOB = {
  id: JOB_ID,
  status: 'succeeded',
  dataset: { name: 'credit-g', version: 1 },
  target: 'class',
  task: 'binary',
  metric: 'roc_auc',
  greater_is_better: true,
  positive_class: 'bad',
  strategy: 'auto',
  models: ['gbdt', 'linear'],
  seed: 42,
  progress: { trials_done: 12, trials_running: 0, trials_waiting: 0, trials_failed: 0, elapsed_ms: 27_300, budget: { seconds: 25 }, phase: 'ended', remaining_ms: null },
  best: { trial_id: 't0011', family: 'linear', score: TRIALS[11].score },
  leaderboard: [...TRIALS].reverse().map(({ trial_id, family, params, score, fit_ms, status, rung, fidelity }) => ({ trial_id, family, params, score, fit_ms, status, rung, fidelity })),
  best_over_time: TRIALS.map((t) => ({ elapsed_ms: 2000 * (t.number + 1), score: t.score, trial_id: t.trial_id })),
  model: { name: 'credit', version: 1 },
  created_at: '2024-02-01T00:00:00.000Z',
  finished_at: '2024-02-01T00:00:27.300Z',
};

function fakeApi({ path }: RecordedRequest) {
  if (path === '/v1/jobs') return { body: { jobs: [{ id: JOB_ID, status: 'succeeded', dataset: 'credit-g', target: 'class', model_name: 'credit', created_at: JOB.created_at }] } };
  if (path === `/v1/jobs/${JOB_ID}/trials`) return { body: { trials: TRIALS } };
  return undefined;
}

/**
 * Keeps every uPlot the page makes in window.__plots (uPlot's IIFE assigns its global once, through the
 * setter), so a test can read what an axis drew: its ticks (_splits) and their labels (_values).
 */
const KEEP_PLOTS = `(() => {
  let kept;
  Object.defineProperty(window, 'uPlot', {
    configurable: true,
    get: () => kept,
    set(real) {
      kept = function (opts, data, target) {
        const plot = new real(opts, data, target);
        (window.__plots ??= []).push(plot);
        return plot;
      };
      Object.assign(kept, real);
    },
  });
})();`;

let browser: Browser;
let page: Page;
const requests: RecordedRequest[] = [];

/** Opens a page of the dashboard, signed in, in a fresh document. */
async function open(hash: string): Promise<void> {
  await openFresh(page, hash);
}

/** The finished job's page, drawn: its state ended, its leaderboard listed and its scatter made. */
async function openJob(): Promise<void> {
  await open(`/jobs/${JOB_ID}`);
  await page.waitForSelector('#live-state[data-state="ended"]');
  await page.waitForSelector('.leaderboard-row');
  await page.waitForSelector('#chart-params canvas');
}

describe.skipIf(!hasChromium)('dashboard layout and charts (headless Chromium, fake API)', () => {
  beforeAll(async () => {
    ({ browser, page } = await launchSignedIn(async (route) => {
      // The job's event stream: its view once, then the end (the fake's JSON answers cannot stream).
      if (new URL(route.request().url()).pathname === `/v1/jobs/${JOB_ID}/events`) {
        return route.fulfill({ status: 200, contentType: 'text/event-stream', body: `event: job\ndata: ${JSON.stringify(JOB)}\n\nevent: end\ndata: {"reason":"finished"}\n\n` });
      }
      return answerFake(route, requests, fakeApi);
    }));
    await page.addInitScript({ content: KEEP_PLOTS });
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('fits a 390 px phone: no sideways scroll, the leaderboard scrolls in its own box, no broken header words or Fit cells', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      await openJob();
      // It was 989 px wide, the leaderboard's parameters setting the page's width.
      const job = await pageWidth(page);
      expect(job.width).toBeLessThanOrEqual(job.window);
      // The leaderboard is still whole: wider than the phone, it scrolls sideways inside its box.
      const box = await page.locator('#leaderboard .table-scroll').evaluate((node) => ((b) => ({ scrollWidth: b.scrollWidth, clientWidth: b.clientWidth }))(node as unknown as { scrollWidth: number; clientWidth: number }));
      expect(box.scrollWidth).toBeGreaterThan(box.clientWidth);
      // "edge-/automl", "Sign/out" and "0.4 / s" were each broken over two lines.
      expect(await lineCount(page, '.brand')).toBe(1);
      expect(await lineCount(page, '#sign-out')).toBe(1);
      const fit = (await page.locator('#leaderboard thead th').allTextContents()).indexOf('Fit') + 1;
      expect(fit).toBeGreaterThan(0);
      expect(await page.textContent(`#leaderboard tbody tr:nth-child(2) td:nth-child(${fit})`)).toBe('0.8 s');
      expect(await lineCount(page, `#leaderboard tbody tr:nth-child(2) td:nth-child(${fit})`)).toBe(1);
      // Charts two abreast need 2 x 360 px: one a row here, as wide as the phone.
      for (const { id, chart, card } of await chartWidths(page)) expect({ id, fits: chart <= card }).toEqual({ id, fits: true });

      await open('/jobs');
      await page.waitForSelector('table.grid tbody tr');
      const list = await pageWidth(page);
      expect(list.width).toBeLessThanOrEqual(list.window);
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 });
    }
  });

  it("sizes each chart to its card (not 760 px at most), and follows the card's width", async () => {
    await openJob();
    const charts = await chartWidths(page);
    expect(charts.map((c) => c.id).sort()).toEqual(['chart-best-time', 'chart-params', 'chart-trials']);
    // The scatter's card is the page's width (about 1180 px): it drew 760 px wide in it.
    for (const { id, chart, card } of charts) {
      expect({ id, chart }).toEqual({ id, chart: expect.toSatisfy((w: number) => w >= 0.9 * card && w <= card) });
    }
    expect(charts.find((c) => c.id === 'chart-params')?.card).toBeGreaterThan(1000);

    // The card narrows without the window changing (a layout change): the chart follows it.
    await page.locator('#chart-params').evaluate((box) => (box as unknown as { style: { width: string } }).style.width = '600px');
    await expect.poll(async () => (await chartWidths(page)).find((c) => c.id === 'chart-params')?.chart, { timeout: 5000 }).toBeLessThanOrEqual(600);
    const narrowed = (await chartWidths(page)).find((c) => c.id === 'chart-params');
    expect(narrowed?.chart).toBeGreaterThanOrEqual(0.9 * (narrowed?.card ?? Infinity));
  });

  it("fills a scatter's legend boxes with their series' colours (a points-only series has no line to colour them)", async () => {
    await openJob();
    const markers = await page.locator('#chart-params .u-legend .u-series').evaluateAll((rows) =>
      rows.map((row) => {
        const r = row as unknown as { textContent: string; querySelector(s: string): { style: { background: string; borderColor: string } } | null };
        const marker = r.querySelector('.u-marker');
        return { series: r.textContent.trim(), fill: marker?.style.background ?? '', border: marker?.style.borderColor ?? '' };
      }),
    );
    // The x series has no marker; each family's box is filled with the colour its border (and its dots) have.
    const families = markers.filter((m) => m.series === 'gbdt' || m.series === 'linear');
    expect(families.map((m) => m.series)).toEqual(['gbdt', 'linear']);
    for (const m of families) expect(m).toEqual({ series: m.series, fill: expect.stringMatching(/^rgb\(/), border: m.fill });
    expect(families[0].fill).not.toBe(families[1].fill);
  });

  it('labels a log x axis at its decades and leaves its minor ticks blank, not "–"', async () => {
    await openJob();
    await page.selectOption('#scatter-param', 'learning_rate');
    await page.waitForSelector('#chart-params .chart-head >> text=(log scale)');
    const axis = await page.evaluate<{ distr: number; ticks: number[]; labels: string[] }>(`(() => {
      const plot = window.__plots.filter((p) => p.root.isConnected && p.root.closest('#chart-params')).at(-1);
      return { distr: plot.scales.x.distr, ticks: plot.axes[0]._splits, labels: plot.axes[0]._values };
    })()`);
    expect(axis.distr).toBe(3);
    expect(axis.labels).toHaveLength(axis.ticks.length);
    expect(axis.labels).not.toContain('–');
    // 0.001 to 0.3: the decades labelled; uPlot leaves some ticks between them unlabelled (as room allows), and those are blank.
    expect(axis.labels).toEqual(expect.arrayContaining(['0.001', '0.01', '0.1', '']));
  });

  it('marks Jobs in the nav on the landing route #/, which shows the jobs', async () => {
    await open('/');
    await page.waitForSelector('table.grid tbody tr');
    expect(await page.textContent('main h1')).toBe('Jobs');
    expect(await page.locator('#nav a.active').allTextContents()).toEqual(['Jobs']);
  });
});
