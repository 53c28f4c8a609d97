/**
 * A forecast job's end-of-search blend in workerd (real queue, Durable Object, R2): the trials store their
 * rolling-origin forecasts, a consumer blends the best of them, the blend joins the leaderboard and is
 * published when it beats the best trial, and the forecast route answers the weighted mean of the
 * members' forecasts, with intervals widened by the job's estimate over the blend's own error. The job
 * searches exponential smoothing (`ets`) beside the lag-feature families.
 */
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import trainCsv from '../../examples/airpassengers/train.csv?raw';
import { type ForecastEnvelope, loadForecaster, parseForecastEnvelope } from '../../src/engine/forecast';
import { call, json, waitForJob } from './helpers';

const TARGET = 'passengers_thousands';
const registry = () => env.REGISTRY.getByName('default');

async function storedEnvelope(key: string): Promise<ForecastEnvelope> {
  return parseForecastEnvelope(await (await env.STORE.get(key))!.text());
}

describe('forecast blends', () => {
  it('blends the best trials by their rolling-origin forecasts and serves the weighted mean of the members', async () => {
    expect((await call('PUT', '/v1/datasets/air-blend', trainCsv)).status).toBe(201);
    const created = await call('POST', '/v1/jobs', {
      dataset: 'air-blend',
      target: TARGET,
      task: 'forecast',
      forecast: { horizon: 12 },
      models: ['seasonal_naive', 'drift', 'linear', 'ets', 'gbdt'],
      budget: { trials: 8, seconds: 300 },
      seed: 3,
    });
    expect(created.status).toBe(202);
    const job = await waitForJob((await json(created)).id, 200_000);
    expect(job.status).toBe('succeeded');

    // The blend beat every trial on the rolling origins, so it leads the leaderboard and is the job's pick.
    expect(job.ensemble.status).toBe('complete');
    const members = job.ensemble.members as { trial_id: string; weight: number }[];
    expect(members.length).toBeGreaterThan(1);
    expect(members.reduce((a, m) => a + m.weight, 0)).toBeCloseTo(1, 9);
    const trials = job.leaderboard.filter((e: { trial_id: string }) => e.trial_id !== 'ensemble');
    // Exponential smoothing trained in workerd beside the lag-feature families.
    expect(trials.map((e: { family: string }) => e.family)).toContain('ets');
    expect(job.leaderboard[0]).toMatchObject({ trial_id: 'ensemble', family: 'ensemble' });
    expect(job.ensemble.score).toBeLessThan(trials[0].score);
    expect(job.best).toMatchObject({ trial_id: 'ensemble', family: 'ensemble', score: job.ensemble.score });

    const version = (await registry().resolveModel('air-blend'))!;
    expect(version).toMatchObject({ job_id: job.id, trial_id: 'ensemble', family: 'ensemble' });
    const published = await storedEnvelope(version.artifact_key);
    expect(published.family).toBe('ensemble');
    // Intervals widened by the job's estimate of its pick over the blend's own (lower) validation error.
    const own = await storedEnvelope(`models/default/${job.id}/ensemble.json`);
    const factor = job.best_estimate.score / job.ensemble.score;
    expect(factor).toBeGreaterThan(1);
    expect(published.spreadScale).toBeCloseTo(factor, 9);
    published.stepSpread.forEach((s, h) => expect(s).toBeCloseTo(own.stepSpread[h] * factor, 9));

    // The route answers the members' forecasts, weighted.
    const body = await json(await call('POST', '/v1/models/air-blend/forecast', { horizon: 12 }));
    const alone = await Promise.all(
      members.map(async (m) => {
        const f = await loadForecaster(await storedEnvelope(`models/default/${job.id}/${m.trial_id}.json`));
        const points = f.forecast(12);
        f.dispose();
        return points;
      }),
    );
    expect(body.forecasts).toHaveLength(12);
    body.forecasts.forEach((p: { value: number; lower: number; upper: number }, h: number) => {
      expect(p.value).toBeCloseTo(members.reduce((a, m, i) => a + m.weight * alone[i][h].value, 0), 6);
      expect(p.lower).toBeLessThan(p.value);
      expect(p.upper).toBeGreaterThan(p.value);
    });
    // The model view names what was published.
    expect((await json(await call('GET', '/v1/models/air-blend'))).family).toBe('ensemble');
  });
});
