/**
 * Intervals at any level and forecast quantiles through the forecast route, in workerd: a level of 0.85
 * gives intervals between the 0.8 and 0.9 ones; `quantiles` come back sorted on every point (keyed by
 * their shortest decimal text, equal to the bounds at the level's tails), for the model's own series and
 * for a group a simple rule forecasts; a level or quantiles out of range are refused naming the field.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import trainCsv from '../../examples/airpassengers/train.csv?raw';
import { trainAndForecast } from './forecast-helpers';
import { call, json } from './helpers';

const MODEL = 'air-quantiles';
const body = trainCsv.trim().split('\n').slice(1);

interface Point {
  value: number;
  lower: number;
  upper: number;
  quantiles?: Record<string, number>;
}

const ask = (request: Record<string, unknown>) => call('POST', `/v1/models/${MODEL}/forecast`, request);
const points = async (request: Record<string, unknown>): Promise<Point[]> => {
  const res = await ask(request);
  expect(res.status, await res.clone().text()).toBe(200);
  return (await json(res)).forecasts;
};

describe('forecast levels and quantiles', () => {
  beforeAll(async () => {
    // 108 months of "big", and "tiny": its last 15 halved, too short to validate on (a rule forecasts it).
    const rows = ['date,store,passengers', ...body.map((l) => `${l.split(',')[0]},big,${l.split(',')[1]}`), ...body.slice(-15).map((l) => `${l.split(',')[0]},tiny,${Number(l.split(',')[1]) / 2}`)];
    expect((await call('PUT', '/v1/datasets/air-quantiles', rows.join('\n'))).status).toBe(201);
    await trainAndForecast({ dataset: 'air-quantiles', model: MODEL, target: 'passengers', horizon: 1, forecast: { group_column: 'store', horizon: 6 } });
  });

  it('gives a 0.85 interval between the 0.8 and 0.9 ones, and quantiles on every point', async () => {
    const [w80, w85, w90] = await Promise.all([0.8, 0.85, 0.9].map(async (level) => (await points({ horizon: 6, group: 'big', level })).map((p) => p.upper - p.lower)));
    w85.forEach((w, i) => {
      expect(w).toBeGreaterThan(w80[i]);
      expect(w).toBeLessThan(w90[i]);
      expect(w / w80[i]).toBeCloseTo(1.4395314709 / 1.2816, 6);
    });

    for (const group of ['big', 'tiny']) {
      const res = await ask({ horizon: 6, group, level: 0.8, quantiles: [0.9, 0.05, 0.1, 0.5, 0.9] });
      expect(res.status).toBe(200);
      const answer = await json(res);
      expect(answer.quantiles).toEqual([0.05, 0.1, 0.5, 0.9]);
      expect(answer.fallback !== undefined).toBe(group === 'tiny');
      for (const p of answer.forecasts as Point[]) {
        const q = p.quantiles!;
        expect(Object.keys(q)).toEqual(['0.05', '0.1', '0.5', '0.9']);
        expect(q['0.1']).toBe(p.lower);
        expect(q['0.9']).toBe(p.upper);
        expect(q['0.5']).toBe(p.value);
        expect(q['0.05']).toBeLessThan(q['0.1']);
      }
      // The same points as without quantiles: asking for them changes nothing else.
      const plain = await points({ horizon: 6, group, level: 0.8 });
      expect(answer.forecasts.map(({ quantiles: _, ...p }: Point) => p)).toEqual(plain);
      expect(plain.every((p) => p.quantiles === undefined)).toBe(true);
    }
  });

  it('refuses a level or quantiles out of range, naming the field', async () => {
    const refusals: [Record<string, unknown>, string, RegExp][] = [
      [{ level: 0.3 }, 'level', /^level must be from 0\.5 to 0\.995 .*below 0\.5/],
      [{ level: 1 }, 'level', /^level must be from 0\.5 to 0\.995 .*beyond 0\.995/],
      [{ level: '0.9' }, 'level', /^level must be a number from 0\.5 to 0\.995/],
      [{ quantiles: Array.from({ length: 21 }, (_, i) => 0.01 + i * 0.04) }, 'quantiles', /^quantiles may hold at most 20 distinct values; got 21$/],
      [{ quantiles: [0.5, 1] }, 'quantiles.1', /^quantiles\.1: expected a number from 0\.005 to 0\.995$/],
      [{ quantiles: [] }, 'quantiles', /^quantiles must hold at least one value/],
      [{ quantiles: 0.5 }, 'quantiles', /^quantiles: expected a list of numbers/],
    ];
    for (const [extra, field, message] of refusals) {
      const res = await ask({ horizon: 3, group: 'big', ...extra });
      expect(res.status, JSON.stringify(extra)).toBe(400);
      const { error } = await json(res);
      expect(error.code).toBe('invalid_request');
      expect(error.details.field).toBe(field);
      expect(error.message).toMatch(message);
    }
    // 20 distinct values (one given twice) are fine.
    expect((await ask({ horizon: 1, group: 'big', quantiles: [...Array.from({ length: 20 }, (_, i) => 0.01 + i * 0.04), 0.01] })).status).toBe(200);
  });
});
