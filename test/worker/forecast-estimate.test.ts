/**
 * A forecast job's pick is the best of its trials on the same few rolling origins, so its validation
 * errors, and the intervals built from them, are optimistic. In workerd with real SQLite and R2: the job
 * view's `best_estimate` (BBC over origins) and the published forecaster, a copy of the trial's artifact
 * with its intervals widened by that optimism; a pick no luckier than its rivals is published as it is.
 * Jobs are detached (their queue messages reach another, empty coordinator): the test reports the trials,
 * each with a real forecaster fitted in the test.
 */
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import trainCsv from '../../examples/airpassengers/train.csv?raw';
import { parseCsv } from '../../src/engine/data/csv';
import { inferDataset } from '../../src/engine/data/infer-schema';
import { forecastDefaults, type ForecastEnvelope, loadForecaster, parseForecastEnvelope, runForecastTrial } from '../../src/engine/forecast';
import type { JobConfig } from '../../src/durable/protocol';
import { detachedJobConfig } from './helpers';

const TARGET = 'passengers_thousands';
const stubFor = (id: string) => env.SEARCH.getByName(`test-only/${id}`);

const config = (id: string, trials: number): JobConfig =>
  detachedJobConfig(id, {
    task: 'regression',
    classes: [],
    metric: 'rmse',
    greater_is_better: false,
    families: ['seasonal_naive', 'linear'],
    budget: { seconds: 600, trials },
    parallelism: trials,
    forecast: { time_column: 'date', horizon: 12, season: 12, length: 108, groups: 1 },
  });

/** One real forecaster (seasonal naive on the demo series), stored once. */
let envelope: ForecastEnvelope | undefined;
async function storedForecaster(key: string): Promise<ForecastEnvelope> {
  if (!envelope) {
    const ds = inferDataset(parseCsv(trainCsv), { date: 'datetime' }).dataset;
    const shape = { length: 108, season: 12, groups: 1, horizon: 12 };
    const out = await runForecastTrial(ds, { family: 'seasonal_naive', params: forecastDefaults('seasonal_naive', shape), target: TARGET, horizon: 12, seed: 1 });
    if (out.status !== 'complete') throw new Error(out.reason);
    envelope = out.envelope;
  }
  await env.STORE.put(key, JSON.stringify(envelope));
  return envelope;
}

/** Reports trial i with the given error per origin (its score is their root mean square). */
async function report(stub: ReturnType<typeof stubFor>, jobId: string, i: number, folds: readonly number[]) {
  const trialId = `t${String(i).padStart(4, '0')}`;
  const artifactKey = `models/detached/${jobId}/${trialId}.json`;
  await storedForecaster(artifactKey);
  const score = Math.sqrt(folds.reduce((a, r) => a + r * r, 0) / folds.length);
  const res = await stub.report(trialId, { status: 'complete', score, loss: score, fold_scores: folds, fit_info: { origins: folds.length, validation_horizon: 12 }, artifact_key: artifactKey });
  expect(res).toEqual({ accepted: true });
}

async function publishedEnvelope(model: string): Promise<{ key: string; envelope: ForecastEnvelope }> {
  const version = await env.REGISTRY.getByName('detached').resolveModel(model);
  const text = await (await env.STORE.get(version!.artifact_key))!.text();
  return { key: version!.artifact_key, envelope: parseForecastEnvelope(text) };
}

describe('a forecast job publishes intervals widened by the optimism of its pick', () => {
  it('estimates the pick over the origins and widens the published intervals by the estimate over its own error', async () => {
    const stub = stubFor('fc-lucky');
    await stub.start(config('fc-lucky', 6));
    // Six equally good trials, each lucky on a different origin; t0005's luck is the largest.
    const folds = [[12, 9, 10], [9, 12, 10], [10, 10, 12], [11, 9.5, 10], [10.5, 11, 9], [8, 8.5, 12.5]];
    for (const [i, f] of folds.entries()) await report(stub, 'fc-lucky', i, f);
    const view = (await stub.view())!;
    expect(view.status).toBe('succeeded');
    expect(view.best?.trial_id).toBe('t0005');
    const estimate = view.best_estimate!;
    expect(estimate).toMatchObject({ method: 'bootstrap_bias_corrected_cv', candidates: 6, bootstraps: 21, rows: 36 });
    expect(estimate.score).toBeGreaterThan(view.best!.score);

    const { key, envelope: published } = await publishedEnvelope('model-fc-lucky');
    expect(key).toBe('models/detached/fc-lucky/t0005.published.json');
    const scale = estimate.score / view.best!.score;
    expect(published.spreadScale).toBeCloseTo(scale, 10);
    const own = envelope!;
    published.stepSpread.forEach((s, h) => expect(s).toBeCloseTo(own.stepSpread[h] * scale, 10));
    // The route's intervals are that much wider around the same forecasts.
    const [wide, narrow] = await Promise.all([loadForecaster(published), loadForecaster(own)]);
    const [w, n] = [wide.forecast(12, { level: 0.9 }), narrow.forecast(12, { level: 0.9 })];
    w.forEach((p, h) => {
      expect(p.value).toBe(n[h].value);
      expect(p.upper - p.value).toBeCloseTo((n[h].upper - n[h].value) * scale, 8);
    });
  });

  it('publishes the trial artifact as it is when the pick is the best on every origin', async () => {
    const stub = stubFor('fc-clear');
    await stub.start(config('fc-clear', 3));
    for (const [i, f] of [[12, 11, 13], [6, 7, 6.5], [11, 12, 10]].entries()) await report(stub, 'fc-clear', i, f);
    const view = (await stub.view())!;
    expect(view.best?.trial_id).toBe('t0001');
    expect(view.best_estimate!.score).toBeCloseTo(view.best!.score, 10);
    const { key, envelope: published } = await publishedEnvelope('model-fc-clear');
    expect(key).toBe('models/detached/fc-clear/t0001.json');
    expect(published.spreadScale).toBeUndefined();
  });
});
