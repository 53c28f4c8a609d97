/**
 * The model view of a forecast model in workerd says its floor and its groups a rule forecasts:
 * `forecast.floor` for a target never below 0 (absent once it goes below), and `forecast.fallback_groups`
 * for the groups too short to validate on (engine/forecast/fallback), apart from `groups`, each with the
 * rule and points its forecasts name; the view parses with its documented schema.
 */
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import trainCsv from '../../examples/airpassengers/train.csv?raw';
import { modelDetailResponse } from '../../src/worker/openapi/responses';
import { call, json, waitForJob } from './helpers';

const body = trainCsv.trim().split('\n').slice(1);
const month = (l: string) => l.split(',')[0];
const value = (l: string) => Number(l.split(',')[1]);

/** The answer parses with its documented schema and loses no field to it (parsing strips undocumented ones). */
function expectDocumented(schema: z.ZodType, answer: unknown): void {
  expect(schema.parse(answer)).toEqual(answer);
}

/** Uploads `rows` as dataset `name`, trains a small forecast job on it published as model `name`, and answers the model view. */
async function trainedView(name: string, rows: readonly string[], forecast: Record<string, unknown>) {
  expect((await call('PUT', `/v1/datasets/${name}`, rows.join('\n'))).status).toBe(201);
  const created = await call('POST', '/v1/jobs', { dataset: name, target: 'passengers', task: 'forecast', forecast, models: ['seasonal_naive', 'linear'], budget: { trials: 2 }, model: name });
  expect(created.status).toBe(202);
  const job = await waitForJob((await json(created)).id);
  expect(job.status).toBe('succeeded');
  return json(await call('GET', `/v1/models/${name}`));
}

describe('the model view of a forecast model\'s floor and fallback groups', () => {
  it('lists the groups a rule forecasts apart from the model\'s own, and the floor of a positive target', async () => {
    // 108 months of "old", the last 15 halved as "tiny" (a full season: seasonal naive), the last 5 as "few" (last value).
    const tiny = body.slice(-15);
    const few = body.slice(-5);
    const rows = ['date,store,passengers', ...body.map((l) => `${month(l)},old,${value(l)}`), ...tiny.map((l) => `${month(l)},tiny,${value(l) / 2}`), ...few.map((l) => `${month(l)},few,${value(l) / 3}`)];
    const model = await trainedView('view-short-stores', rows, { group_column: 'store', horizon: 6 });
    expect(model.forecast.groups).toEqual(['old']);
    const byGroup = (a: { group: string }, b: { group: string }) => a.group.localeCompare(b.group);
    expect([...model.forecast.fallback_groups].sort(byGroup)).toEqual([
      { group: 'few', rule: 'last_value', points: 5 },
      { group: 'tiny', rule: 'seasonal_naive', points: 15 },
    ]);
    expect(model.forecast.floor).toBe(0);
    expectDocumented(modelDetailResponse, model);
    // Each listed group is forecastable, with the rule and points the view gave it.
    for (const g of model.forecast.fallback_groups) {
      const answer = await json(await call('POST', '/v1/models/view-short-stores/forecast', { horizon: 3, group: g.group }));
      expect(answer.fallback).toMatchObject({ rule: g.rule, points: g.points });
      for (const p of answer.forecasts) expect(p.lower).toBeGreaterThanOrEqual(model.forecast.floor);
    }
  });

  it('says no floor once the target goes below 0, and no fallback groups when there are none', async () => {
    // airpassengers less 300: below 0 in its early years.
    const rows = ['date,passengers', ...body.map((l) => `${month(l)},${value(l) - 300}`)];
    const model = await trainedView('view-signed', rows, { horizon: 6 });
    expect(body.some((l) => value(l) - 300 < 0)).toBe(true);
    expect(model.forecast).not.toHaveProperty('floor');
    expect(model.forecast).not.toHaveProperty('fallback_groups');
    expect(model.forecast.max_horizon).toBeGreaterThanOrEqual(6);
    expectDocumented(modelDetailResponse, model);
  });
});
