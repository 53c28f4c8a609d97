/**
 * Short and constant series in forecast jobs, in workerd: a group too short to validate on is left out of
 * the model and forecast by a simple rule on its own points (engine/forecast/fallback), which the job's
 * warning and its forecasts say (covariates sent for it are checked as for any group); a group of one point is still refused; a target that never moves is
 * forecast flat instead of refused, alone or as one group of several.
 */
import { describe, expect, it } from 'vitest';
import trainCsv from '../../examples/airpassengers/train.csv?raw';
import { call, json, waitForJob } from './helpers';

const body = trainCsv.trim().split('\n').slice(1);
const month = (l: string) => l.split(',')[0];
const value = (l: string) => Number(l.split(',')[1]);

async function upload(name: string, csv: string): Promise<void> {
  const res = await call('PUT', `/v1/datasets/${name}`, csv);
  expect(res.status).toBe(201);
}

/** Starts a small forecast job (two baselines' worth of trials) and waits for it: its creation answer and its end. */
async function forecastJob(dataset: string, target: string, forecast: Record<string, unknown>) {
  const created = await call('POST', '/v1/jobs', { dataset, target, task: 'forecast', forecast, models: ['seasonal_naive', 'linear'], budget: { trials: 2 }, model: dataset });
  expect(created.status).toBe(202);
  const answer = await json(created);
  return { answer, job: await waitForJob(answer.id) };
}

describe('short and constant forecast series', () => {
  it('forecasts a group too short to validate on by a simple rule, and says so', async () => {
    // 108 months of "old", the last 15 of them halved as "tiny" (a full season of 12), one month as "one".
    const tiny = body.slice(-15).map((l) => [month(l), value(l) / 2] as const);
    const rows = ['date,store,passengers', ...body.map((l) => `${month(l)},old,${value(l)}`), ...tiny.map(([m, v]) => `${m},tiny,${v}`), `${month(body.at(-1)!)},one,7`];
    await upload('short-stores', rows.join('\n'));
    const { answer, job } = await forecastJob('short-stores', 'passengers', { group_column: 'store', horizon: 6 });
    expect(answer.warnings).toContain(
      'group "tiny" (15 points: seasonal_naive) is too short to validate a forecast on (at least 21 points are needed): the model is trained without it, and it is forecast by a simple fallback rule on its points instead (seasonal_naive when they hold a full season, else last_value), with wider intervals; its forecasts say so',
    );
    expect(answer.warnings).toContain(
      'group "one" (1 point) is too short to validate a forecast on (at least 21 points are needed) and is left out of the model (a simple fallback rule needs at least 2 points on the series\' steps)',
    );
    expect(job.status).toBe('succeeded');

    // Seasonal naive: the 12 months a year before each step, from tiny's own points.
    const res = await call('POST', '/v1/models/short-stores/forecast', { horizon: 14, group: 'tiny', history: true });
    expect(res.status).toBe(200);
    const answered = await json(res);
    const lastSeason = tiny.slice(-12).map(([, v]) => v);
    expect(answered.forecasts.map((p: { value: number }) => p.value)).toEqual([...lastSeason, ...lastSeason.slice(0, 2)]);
    expect(answered.forecasts[0].time.slice(0, 7)).toBe('1958-01');
    expect(answered.fallback).toMatchObject({ rule: 'seasonal_naive', points: 15 });
    expect(answered.fallback.reason).toContain('group "tiny" had 15 points, too few to validate a forecast on');
    expect(answered.history.map((p: { value: number }) => p.value)).toEqual(tiny.map(([, v]) => v));
    expect(answered.fallback.covariates_ignored).toBeUndefined();
    // Covariates sent for it are checked as for the model's own groups: this model was trained without any.
    for (const group of ['tiny', 'old']) {
      const withCovariates = await call('POST', '/v1/models/short-stores/forecast', { horizon: 3, group, covariates: [{ promo: 1 }, { promo: 0 }, { promo: 1 }] });
      expect(withCovariates.status, group).toBe(400);
      expect((await json(withCovariates)).error).toMatchObject({ code: 'invalid_input', message: 'this model was trained without covariates; leave covariates out' });
    }
    // Never narrower than the model's interval at the same step, relative to each series' level.
    const old = await json(await call('POST', '/v1/models/short-stores/forecast', { horizon: 14, group: 'old' }));
    expect(old.fallback).toBeUndefined();
    const level = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const [tinyLevel, oldLevel] = [level(tiny.map(([, v]) => v)), level(body.map(value))];
    answered.forecasts.forEach((p: { lower: number; upper: number }, i: number) => {
      expect((p.upper - p.lower) / tinyLevel).toBeGreaterThanOrEqual(((old.forecasts[i].upper - old.forecasts[i].lower) / oldLevel) * (1 - 1e-9));
    });

    // One point is no series: refused, naming why.
    const one = await call('POST', '/v1/models/short-stores/forecast', { horizon: 3, group: 'one' });
    expect(one.status).toBe(400);
    expect((await json(one)).error.message).toBe('group "one" had 1 point, too few to validate a forecast on or to forecast by a simple rule (at least 2 are needed), so this model was trained without it');
  });

  it('leaves out a group too short for the season most groups learn, rather than the season of every group', async () => {
    // 108 months of two stores, the last 30 of them as a new one: 30 points validate, but learn no yearly season.
    const rows = ['date,store,passengers', ...body.flatMap((l) => [`${month(l)},old,${value(l)}`, `${month(l)},other,${value(l) * 2}`]), ...body.slice(-30).map((l) => `${month(l)},young,${value(l)}`)];
    await upload('young-store', rows.join('\n'));
    const { answer, job } = await forecastJob('young-store', 'passengers', { group_column: 'store', horizon: 12 });
    expect(answer.warnings).toContain(
      'group "young" (30 points: seasonal_naive) is too short to validate a forecast on with the season of 12 steps that most groups learn (at least 49 points are needed): the model is trained without it, and it is forecast by a simple fallback rule on its points instead (seasonal_naive when they hold a full season, else last_value), with wider intervals; its forecasts say so',
    );
    expect(job.status).toBe('succeeded');
    // It used to be modelled with the others, and the yearly season was gone for all three.
    const model = await json(await call('GET', '/v1/models/young-store'));
    expect(model.forecast).toMatchObject({ season: 12, fallback_groups: [{ group: 'young', rule: 'seasonal_naive', points: 30 }] });
    const young = await json(await call('POST', '/v1/models/young-store/forecast', { horizon: 12, group: 'young' }));
    expect(young.forecasts.map((p: { value: number }) => p.value)).toEqual(body.slice(-12).map(value));
  });

  it('forecasts a target that never moves flat instead of refusing it', async () => {
    const days = Array.from({ length: 60 }, (_, i) => new Date(Date.UTC(2024, 0, 1 + i)).toISOString().slice(0, 10));
    await upload('flat-days', ['date,units', ...days.map((d) => `${d},5`)].join('\n'));
    const { answer, job } = await forecastJob('flat-days', 'units', { horizon: 7 });
    expect(answer.warnings).toContain('"units" is 5 at every point of every series: it is forecast flat at 5, with intervals of a tiny width (a share of its level), as every model forecasts a series that never moves');
    expect(job.status).toBe('succeeded');
    const flat = await json(await call('POST', '/v1/models/flat-days/forecast', { horizon: 7 }));
    for (const p of flat.forecasts) {
      expect(p.value).toBe(5);
      expect(p.upper - p.lower).toBeGreaterThan(0);
      expect(p.upper - p.lower).toBeLessThan(0.5);
    }
    // A table job still refuses a target of one value.
    const table = await call('POST', '/v1/jobs', { dataset: 'flat-days', target: 'units', task: 'regression', budget: { trials: 1 } });
    expect(table.status).toBe(400);
    expect((await json(table)).error.message).toContain('target column "units" has only one distinct value');

    // One constant group among moving ones just works: no warning of a constant target, a near-flat
    // forecast (a model pooled over the groups, such as linear, need not give exactly 40) whose interval holds 40.
    const rows = ['date,store,passengers', ...body.slice(-48).flatMap((l) => [`${month(l)},old,${value(l)}`, `${month(l)},closed,40`])];
    await upload('flat-store', rows.join('\n'));
    const mixed = await forecastJob('flat-store', 'passengers', { group_column: 'store', horizon: 6 });
    expect(mixed.job.status).toBe('succeeded');
    expect((mixed.answer.warnings ?? []).some((w: string) => w.includes('every point of every series'))).toBe(false);
    const closed = await json(await call('POST', '/v1/models/flat-store/forecast', { horizon: 6, group: 'closed' }));
    expect(closed.fallback).toBeUndefined();
    for (const p of closed.forecasts) {
      expect(Math.abs(p.value - 40)).toBeLessThan(2);
      expect(p.lower).toBeLessThanOrEqual(40);
      expect(p.upper).toBeGreaterThanOrEqual(40);
    }
  });
});
