/**
 * The dashboard's "Scores by series" of a grouped forecast, in Debian's headless Chromium (playwright-core,
 * no browser download) against a fake API (see fake-dashboard.ts): a published job's page (its view sent
 * on the job's event stream) and a model's page list the view's series scores worst first as the API orders
 * them, with the score column named by the metric; the 20 worst until "show all" is clicked (and back); a
 * line with how many series there are when series_scores_total says the list is cut; a version's page
 * those of that version (the view of it the API gives with `?version=N`), not the champion's. A model and
 * a job without scores have no such section. Skipped only when /usr/bin/chromium is missing (CI installs it).
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerFake, CHROMIUM, hasChromium, launchSignedIn, openFresh, type RecordedRequest } from './fake-dashboard';

if (!hasChromium) console.warn(`dashboard series scores test skipped: ${CHROMIUM} does not exist (apt-get install chromium)`);

/**
 * `count` series worst first (scores falling from 100 by 3.25, exact in binary and at most four digits, so
 * the table's text is the score's own), with their validation points.
 */
const scores = (count: number, prefix: string) => Array.from({ length: count }, (_, i) => ({ group: `${prefix}-${i}`, score: 100 - 3.25 * i, points: 40 + i }));

const JOB_SCORES = scores(25, 'store');
const MODEL_SCORES = scores(3, 'shop');
/** A model's champion (v2) and its earlier version (v1), scored differently. */
const CHAMPION_SCORES = scores(2, 'kiosk');
const EARLIER_SCORES = scores(4, 'stall');

/** A finished grouped forecast job's view; `over` adds or replaces fields. */
function jobView(id: string, over: Record<string, unknown>) {
  return {
    id,
    status: 'succeeded',
    dataset: { name: 'sales', version: 1 },
    target: 'units',
    task: 'forecast',
    metric: 'mase',
    greater_is_better: false,
    strategy: 'auto',
    models: ['drift', 'linear'],
    seed: 42,
    forecast: { time_column: 'day', group_column: 'store', horizon: 7, season: 7, origins: 3 },
    progress: { trials_done: 1, trials_running: 0, trials_failed: 0, elapsed_ms: 30_000, budget: { seconds: 60 }, phase: 'ended', remaining_ms: null },
    best: { trial_id: 't0000', family: 'linear', score: 0.91 },
    leaderboard: [{ trial_id: 't0000', family: 'linear', params: {}, score: 0.91, fit_ms: 1200, status: 'complete', rung: 0, fidelity: 1 }],
    best_over_time: [{ elapsed_ms: 20_000, score: 0.91, trial_id: 't0000' }],
    model: { name: 'sales', version: 1 },
    created_at: '2024-02-01T00:00:00.000Z',
    finished_at: '2024-02-01T00:00:30.000Z',
    ...over,
  };
}

const JOBS: Record<string, ReturnType<typeof jobView>> = {
  'job-grouped': jobView('job-grouped', { series_scores: JOB_SCORES }),
  'job-single': jobView('job-single', { forecast: { time_column: 'day', horizon: 7, season: 7, origins: 3 } }),
};

/** A daily forecast model (v1, rmse); `forecast` adds to its forecast block. */
function modelView(name: string, forecast: Record<string, unknown>) {
  return {
    name,
    task: 'forecast',
    target: 'units',
    metric: 'rmse',
    greater_is_better: false,
    champion_version: 1,
    described_version: 1,
    classes: [],
    family: 'linear',
    features: [],
    versions: [{ version: 1, job_id: 'job-grouped', trial_id: 't0000', family: 'linear', metric: 'rmse', greater_is_better: false, score: 2.5, dataset: { name: 'sales', version: 1 }, created_at: '2024-02-01T00:00:00.000Z' }],
    history: [],
    forecast: { time_column: 'day', frequency: 'daily', season: 7, horizon: 7, max_horizon: 28, ...forecast },
    updated_at: '2024-02-01T00:00:00.000Z',
  };
}

const MODELS: Record<string, ReturnType<typeof modelView>> = {
  // The API lists 3 of its 1,500 series (as it lists 1,000 of more).
  shops: modelView('shops', { group_column: 'shop', groups: MODEL_SCORES.map((s) => s.group), series_scores: MODEL_SCORES, series_scores_total: 1500 }),
  plain: modelView('plain', {}),
};

/** A model of two versions, v2 the champion: its view describes v2, or with `?version=1` v1 (described_version). */
function twoVersions(search: string | undefined) {
  const v1 = search === '?version=1';
  const base = modelView('kiosks', { group_column: 'kiosk', series_scores: v1 ? EARLIER_SCORES : CHAMPION_SCORES });
  const earlier = { ...base.versions[0], metric: 'mae', score: 3.5 };
  return { ...base, champion_version: 2, described_version: v1 ? 1 : 2, versions: [earlier, { ...base.versions[0], version: 2, job_id: 'job-grouped-2' }] };
}

function fakeApi({ path, search }: RecordedRequest) {
  const model = /^\/v1\/models\/([^/]+)(\/evaluation)?$/.exec(path);
  if (model?.[1] === 'kiosks') return { body: model[2] ? { available: false, reason: 'a forecaster is validated on rolling origins' } : twoVersions(search) };
  if (model && MODELS[model[1]]) return { body: model[2] ? { available: false, reason: 'a forecaster is validated on rolling origins' } : MODELS[model[1]] };
  const trials = /^\/v1\/jobs\/([^/]+)\/trials$/.exec(path);
  if (trials && JOBS[trials[1]]) return { body: { trials: [] } };
  return undefined;
}

let browser: Browser;
let page: Page;
const requests: RecordedRequest[] = [];

/** Opens a page of the dashboard, signed in, in a fresh document. */
async function open(hash: string): Promise<void> {
  await openFresh(page, hash);
}

/** The series table as heading → cells of each row. */
async function seriesTable(): Promise<{ headings: string[]; rows: string[][] }> {
  const headings = await page.locator('#series-scores table.grid thead th').allTextContents();
  const rows = await page.locator('#series-scores table.grid tbody tr').evaluateAll((trs) =>
    trs.map((tr) => Array.from((tr as unknown as { querySelectorAll(s: string): ArrayLike<{ textContent: string | null }> }).querySelectorAll('td'), (td) => td.textContent ?? '')),
  );
  return { headings, rows };
}

const rowsOf = (list: { group: string; score: number; points: number }[]) => list.map((s) => [s.group, String(s.score), String(s.points)]);

describe.skipIf(!hasChromium)('dashboard scores by series (headless Chromium, fake API)', () => {
  beforeAll(async () => {
    ({ browser, page } = await launchSignedIn(async (route) => {
      // A job's event stream: its view once, then the end (the fake's JSON answers cannot stream).
      const events = /^\/v1\/jobs\/([^/]+)\/events$/.exec(new URL(route.request().url()).pathname);
      const view = events ? JOBS[events[1]] : undefined;
      if (view) return route.fulfill({ status: 200, contentType: 'text/event-stream', body: `event: job\ndata: ${JSON.stringify(view)}\n\nevent: end\ndata: {"reason":"finished"}\n\n` });
      return answerFake(route, requests, fakeApi);
    }));
  });

  afterAll(async () => {
    await browser?.close();
  });

  it("lists a published job's series worst first, the 20 worst until all are asked for", async () => {
    await open('/jobs/job-grouped');
    await page.waitForSelector('#series-scores table.grid');
    expect(await page.textContent('#series-scores h2')).toBe('Scores by series');
    const first = await seriesTable();
    // The score column is named by the job's metric.
    expect(first.headings).toEqual(['Series', 'mase', 'Validation points']);
    expect(first.rows).toEqual(rowsOf(JOB_SCORES.slice(0, 20)));
    // All 25 are listed by the API: no "in all" line.
    expect(await page.locator('#series-scores-total').count()).toBe(0);

    expect(await page.textContent('#series-scores-toggle')).toBe('show all 25');
    await page.click('#series-scores-toggle');
    expect((await seriesTable()).rows).toEqual(rowsOf(JOB_SCORES));
    expect(await page.textContent('#series-scores-toggle')).toBe('show the 20 worst');
    await page.click('#series-scores-toggle');
    expect((await seriesTable()).rows).toEqual(rowsOf(JOB_SCORES.slice(0, 20)));
  });

  it("lists a model's series scores with the count of all its series when the list is cut, and no toggle for a short list", async () => {
    await open('/models/shops');
    await page.waitForSelector('#series-scores table.grid');
    const { headings, rows } = await seriesTable();
    expect(headings).toEqual(['Series', 'rmse', 'Validation points']);
    expect(rows).toEqual(rowsOf(MODEL_SCORES));
    expect(await page.textContent('#series-scores-total')).toBe('1,500 series in all; the 3 worst are listed.');
    expect(await page.textContent('#series-scores p.muted')).toContain('of v1 (the champion)');
    expect(await page.locator('#series-scores-toggle').count()).toBe(0);
  });

  it("shows a version's own series scores on its page, and the champion's on the model's", async () => {
    await open('/models/kiosks/versions/1');
    await page.waitForSelector('#series-scores table.grid');
    const earlier = await seriesTable();
    // v1's scores, in v1's metric, said to be v1's.
    expect(earlier.headings).toEqual(['Series', 'mae', 'Validation points']);
    expect(earlier.rows).toEqual(rowsOf(EARLIER_SCORES));
    expect(await page.textContent('#series-scores p.muted')).toBe("Each series' mae over its own rolling-origin validation points, of v1, worst first.");
    expect(requests.some((r) => r.path === '/v1/models/kiosks' && r.search === '?version=1')).toBe(true);

    await open('/models/kiosks');
    await page.waitForSelector('#series-scores table.grid');
    const champion = await seriesTable();
    expect(champion.headings).toEqual(['Series', 'rmse', 'Validation points']);
    expect(champion.rows).toEqual(rowsOf(CHAMPION_SCORES));
    expect(await page.textContent('#series-scores p.muted')).toContain('of v2 (the champion)');
  });

  it('shows no scores by series for a model or a job without them', async () => {
    await open('/models/plain');
    await page.waitForSelector('#forecast-form');
    await page.waitForSelector('#evaluation .notice');
    expect(await page.locator('#series-scores').count()).toBe(0);
    expect(await page.getByText('Scores by series').count()).toBe(0);

    await open('/jobs/job-single');
    await page.waitForSelector('#live-state[data-state="ended"]');
    await page.waitForSelector('.leaderboard-row');
    expect(await page.locator('#series-scores').count()).toBe(0);
  });
});
