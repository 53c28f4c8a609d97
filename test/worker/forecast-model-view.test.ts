/**
 * What the model and job views say about a forecast model in workerd (real queue, Durable Objects, R2): a
 * full-day half-hourly series (named `fixed`) says its step in seconds and words; `?version=N` describes
 * version N's series (a v1 trained with a known-future and a past-only covariate, a v2 trained without
 * them) while the versions, champion and history stay the model's, and a version the model lacks is a 404
 * naming it; each forecast job's view shows its time column, horizon, season and covariates.
 */
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { jobViewResponse, modelDetailResponse } from '../../src/worker/openapi/responses';
import { expectError, jsonOf, send, tenantKey, waitJob } from './tenant';

const HALF_HOUR = 1_800_000;
const DAYS = 14;
const HORIZON = 4;

/** The answer parses with its documented schema and loses no field to it (parsing strips undocumented ones). */
function expectDocumented(schema: z.ZodType, body: unknown): void {
  expect(schema.parse(body)).toEqual(body);
}

/** Two weeks of half-hours from 1 January 2024 (every point of every day): visits with a daily shape, a promotion on every third day, and the footfall observed. */
function halfHourlyCsv(): string {
  const rows = ['time,visits,promo,footfall'];
  for (let k = 0; k < DAYS * 48; k++) {
    const promo = Math.floor(k / 48) % 3 === 0 ? 1 : 0;
    const footfall = 100 + ((k * 13) % 17);
    const visits = 50 + 20 * Math.sin((2 * Math.PI * (k % 48)) / 48) + 10 * promo + ((k * 7) % 5);
    rows.push(`${new Date(Date.UTC(2024, 0, 1) + k * HALF_HOUR).toISOString()},${visits.toFixed(2)},${promo},${footfall}`);
  }
  return rows.join('\n');
}

describe('the model view of a forecast model, per version, and the forecast job view', () => {
  it('describes a pinned version with its covariates, says a fixed step in words, and shows each job its series', async () => {
    const key = await tenantKey('fc-model-view', 'k');
    const get = async (path: string) => jsonOf(await send({ method: 'GET', path, key }));
    expect((await send({ method: 'PUT', path: '/v1/datasets/visits', key, body: halfHourlyCsv(), contentType: 'text/csv' })).status).toBe(201);
    const train = async (forecast: Record<string, unknown>, extra: Record<string, unknown> = {}) => {
      const body = { dataset: 'visits', target: 'visits', task: 'forecast', model: 'visits', models: ['seasonal_naive', 'linear'], budget: { trials: 2, seconds: 300 }, seed: 1, forecast: { horizon: HORIZON, ...forecast }, ...extra };
      const created = await send({ method: 'POST', path: '/v1/jobs', key, body });
      expect(created.status, await created.clone().text()).toBe(202);
      const job = await waitJob((await jsonOf(created)).id, key);
      expect(job.status, JSON.stringify(job.error)).toBe('succeeded');
      return job;
    };
    const v1Job = await train({ covariates: ['promo'], past_covariates: ['footfall'] });
    // v2 drops the covariate v1's forecast requests give, so it must say it replaces v1 (model-conflict).
    const v2Job = await train({}, { replace_model: true });
    expect([v1Job.model, v2Job.model]).toEqual([{ name: 'visits', version: 1 }, { name: 'visits', version: 2 }]);

    // Each job says the series it read: the time column it found, the horizon, the season of half-hours in a day, its covariates.
    expect(v1Job.forecast).toEqual({ time_column: 'time', horizon: HORIZON, season: 48, origins: 3, covariates: ['promo'], past_covariates: ['footfall'] });
    expect(v2Job.forecast).toEqual({ time_column: 'time', horizon: HORIZON, season: 48, origins: 3 });
    expectDocumented(jobViewResponse, v1Job);
    expectDocumented(jobViewResponse, v2Job);

    const champion = await get('/v1/models/visits');
    expect(champion).toMatchObject({ champion_version: 2, described_version: 2 });
    expect(champion.forecast).toMatchObject({ time_column: 'time', frequency: 'fixed', step: { seconds: 1800, text: 'every 30 minutes' }, season: 48, horizon: HORIZON });
    expect(champion.forecast.covariates).toBeUndefined();
    expect(champion.forecast.past_covariates).toBeUndefined();
    expectDocumented(modelDetailResponse, champion);

    const pinned = await get('/v1/models/visits?version=1');
    expect(pinned).toMatchObject({ champion_version: 2, described_version: 1, family: champion.versions[0].family });
    expect(pinned.forecast.covariates).toEqual([{ name: 'promo', kind: 'numeric', min: 0, max: 1 }]);
    expect(pinned.forecast.past_covariates.map((c: { name: string }) => c.name)).toEqual(['footfall']);
    expect(pinned.forecast.step).toEqual({ seconds: 1800, text: 'every 30 minutes' });
    // The model's own fields are the same whichever version is described.
    for (const field of ['name', 'task', 'target', 'metric', 'champion_version', 'versions', 'history', 'updated_at']) expect(pinned[field], field).toEqual(champion[field]);
    expectDocumented(modelDetailResponse, pinned);
    // ?version= naming the champion describes it, as without.
    expect(await get('/v1/models/visits?version=2')).toEqual(champion);

    // What the pinned view lists is what a forecast pinned to it takes.
    const forecast = await send({ method: 'POST', path: '/v1/models/visits/forecast', key, body: { version: 1, horizon: 2, covariates: [{ promo: 1 }, { promo: 0 }] } });
    expect(forecast.status, await forecast.clone().text()).toBe(200);

    const missing = await expectError(await send({ method: 'GET', path: '/v1/models/visits?version=9', key }), 404, 'model_version_not_found');
    expect(missing).toMatchObject({ message: 'model "visits" has no version 9', details: { model: 'visits', version: 9 } });
    await expectError(await send({ method: 'GET', path: '/v1/models/nothing?version=1', key }), 404, 'model_not_found');
    for (const bad of ['0', 'two', '1.5']) {
      const refused = await expectError(await send({ method: 'GET', path: `/v1/models/visits?version=${bad}`, key }), 400, 'invalid_request');
      expect(refused.details).toEqual({ field: 'version' });
    }
  }, 300_000);
});
