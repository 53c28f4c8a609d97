/**
 * Per-series validation scores inside workerd: a forecast job of three stores shows `series_scores` in its
 * view once it published, one per store, worst first, over each store's rolling-origin points, in the job's
 * metric (rmse: the published score is the root of their mean square; mase and mae: their mean), of the
 * blend when it is published, else of the best trial, and the model view shows the same under
 * `forecast.series_scores`; a job of one series shows none in either.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { jobViewResponse, modelDetailResponse } from '../../src/worker/openapi/responses';
import { jsonOf, send, tenantKey, waitJob } from './tenant';

const TENANT = 'fc-series-scores';
const HORIZON = 6;
let key = '';

/**
 * Three monthly stores from January 2000 of very different sizes ("north" about a hundred times "late"),
 * each with its own yearly swing and a deterministic wobble (so no family fits any exactly).
 */
function stores(n: number, names = ['north', 'mid', 'late']): string {
  const lines = ['month,store,sales'];
  const size: Record<string, number> = { north: 2000, mid: 300, late: 20 };
  for (let i = 0; i < n; i++) {
    const month = `${2000 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}-01`;
    const wobble = ((i * 7919) % 13) / 13 - 0.5;
    for (const name of names) {
      const s = size[name];
      lines.push(`${month},${name},${(s + (s / 200) * i + 0.15 * s * Math.sin((2 * Math.PI * i) / 12) + 0.06 * s * wobble).toFixed(3)}`);
    }
  }
  return lines.join('\n');
}

const upload = async (name: string, csv: string) => expect((await send({ method: 'PUT', path: `/v1/datasets/${name}`, key, body: csv, contentType: 'text/csv' })).status).toBe(201);

async function train(dataset: string, model: string, forecast: Record<string, unknown>, metric?: string, trials = 3): Promise<Record<string, any>> {
  const body = { dataset, model, target: 'sales', task: 'forecast', forecast: { horizon: HORIZON, ...forecast }, models: ['seasonal_naive', 'drift', 'linear'], budget: { trials }, seed: 5, ...(metric ? { metric } : {}) };
  const res = await send({ method: 'POST', path: '/v1/jobs', key, body });
  expect(res.status, await res.clone().text()).toBe(202);
  const job = await waitJob((await jsonOf(res)).id, key);
  expect(job.status).toBe('succeeded');
  return job;
}

type SeriesScore = { group: string; score: number; points: number };

/** The published version's score (the best trial's, or the blend's when the blend was published). */
async function publishedScore(model: Record<string, any>, job: Record<string, any>): Promise<number> {
  return (model.versions as { version: number; score: number }[]).find((v) => v.version === job.model.version)!.score;
}

describe('per-series scores of a forecast job', () => {
  beforeAll(async () => {
    key = await tenantKey(TENANT, 'k');
    await upload('stores', stores(72));
    await upload('one-store', stores(72, ['north']));
  });

  for (const metric of ['rmse', 'mase'] as const) {
    it(`lists every store worst first in the job and model views, consistent with the job's ${metric}`, async () => {
      const job = await train('stores', `stores-${metric}`, { group_column: 'store' }, metric);
      const scores = job.series_scores as SeriesScore[];
      expect(scores, JSON.stringify(job)).toBeDefined();
      expect(job.series_scores_total).toBeUndefined();
      expect(scores.map((s) => s.group).sort()).toEqual(['late', 'mid', 'north']);
      // Worst first: every forecast metric is a loss.
      for (let i = 1; i < scores.length; i++) expect(scores[i - 1].score).toBeGreaterThanOrEqual(scores[i].score);
      // Each store's own points: every origin's validated horizon.
      for (const s of scores) {
        expect(s.points).toBe(job.forecast.origins * HORIZON);
        expect(Number.isFinite(s.score) && s.score >= 0).toBe(true);
      }
      const model = await jsonOf(await send({ method: 'GET', path: `/v1/models/stores-${metric}`, key }));
      const pooled = await publishedScore(model, job);
      if (metric === 'rmse') {
        // The pooled rmse over equal counts is the root of the stores' mean square; north (the biggest) is worst.
        expect(Math.sqrt(scores.reduce((a, s) => a + s.score ** 2, 0) / scores.length) / pooled).toBeCloseTo(1, 4);
        expect(scores[0].group).toBe('north');
      } else {
        // mase weighs stores by their own scale: the job's is the mean of theirs, a ratio near 1, not sales.
        expect(scores.reduce((a, s) => a + s.score, 0) / scores.length / pooled).toBeCloseTo(1, 4);
        for (const s of scores) expect(s.score).toBeLessThan(10);
      }
      // The model view describes the same version with the same scores.
      expect(model.forecast.series_scores).toEqual(scores);
      // Both views as the OpenAPI document describes them, no field lost in parsing.
      expect(jobViewResponse.parse(job)).toEqual(job);
      expect(modelDetailResponse.parse(model)).toEqual(model);
    }, 200_000);
  }

  it('scores the best trial when the job publishes it (one trial: no blend)', async () => {
    const job = await train('stores', 'stores-single', { group_column: 'store' }, 'mae', 1);
    expect(job.ensemble?.status).not.toBe('complete');
    const scores = job.series_scores as SeriesScore[];
    expect(scores.map((s) => s.group).sort()).toEqual(['late', 'mid', 'north']);
    // Pooled mae over equal counts is the stores' mean, and the best trial's score is the published one.
    expect(scores.reduce((a, s) => a + s.score, 0) / scores.length / job.best.score).toBeCloseTo(1, 6);
    for (let i = 1; i < scores.length; i++) expect(scores[i - 1].score).toBeGreaterThanOrEqual(scores[i].score);
    const model = await jsonOf(await send({ method: 'GET', path: '/v1/models/stores-single', key }));
    expect(model.forecast.series_scores).toEqual(scores);
  }, 200_000);

  it('shows none for a job of one series', async () => {
    const job = await train('one-store', 'one-store', {});
    expect(job.model).toBeDefined();
    expect(job.series_scores).toBeUndefined();
    const model = await jsonOf(await send({ method: 'GET', path: '/v1/models/one-store', key }));
    expect(model.forecast).toBeDefined();
    expect(model.forecast.series_scores).toBeUndefined();
  }, 200_000);
});
