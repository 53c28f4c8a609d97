/**
 * A forecast job in workerd on a series whose timestamps carry UTC offsets that follow daylight saving
 * time (engine side: test/engine/forecast-local-clock.test.ts): a Paris shop's half-hourly visits, 08:30
 * to 12:00 and 13:30 to 18:00 on weekdays, exported with `+02:00` until the end of October and `+01:00`
 * after, uploaded as a CSV. The job reads it on its local clock and says so; its forecasts are local
 * times without an offset, or with the offsets of forecast.timezone (Intl's zones in workerd); a zone
 * that is none, or one the offsets disagree with, is refused naming the field.
 */
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { trainAndForecast } from './forecast-helpers';
import { call, json } from './helpers';
import { jsonOf, scheduledTick, send, tenantKey, waitJob } from './tenant';

const MINUTE = 60_000;
const DAY = 86_400_000;

/** Six weeks of weekday half-hours (08:30 to 12:00, 13:30 to 18:00 Paris time) to Friday 8 November 2024, written with the day's offset. */
function parisVisits(): string[] {
  const rows: string[] = [];
  for (let day = Date.UTC(2024, 8, 30), i = 0; day <= Date.UTC(2024, 10, 8); day += DAY) {
    if (new Date(day).getUTCDay() % 6 === 0) continue;
    // Summer time until Sunday 27 October.
    const offset = day < Date.UTC(2024, 9, 27) ? '+02:00' : '+01:00';
    for (const [from, to] of [[8 * 60 + 30, 12 * 60], [13 * 60 + 30, 18 * 60]]) {
      for (let m = from; m <= to; m += 30, i++) {
        const value = 40 + 25 * Math.exp(-(((m - 11 * 60) / 90) ** 2)) + 15 * Math.exp(-(((m - 17 * 60) / 60) ** 2)) + ((i * 7) % 5);
        rows.push(`${new Date(day + m * MINUTE).toISOString().slice(0, 19)}${offset},${value.toFixed(1)}`);
      }
    }
  }
  return rows;
}

const FRIDAY_CLOSE = '2024-11-08T18:00:00';
const MONDAY = ['08:30', '09:00', '09:30', '10:00', '10:30', '11:00', '11:30', '12:00', '13:30', '14:00', '14:30', '15:00', '15:30', '16:00', '16:30', '17:00', '17:30', '18:00'];


describe('a forecast job on timestamps whose UTC offset follows daylight saving time', () => {
  it('reads the series on its local clock and forecasts local times, without an offset or with forecast.timezone\'s', async () => {
    const rows = parisVisits();
    expect(rows[0].startsWith('2024-09-30T08:30:00+02:00,')).toBe(true);
    expect((await call('PUT', '/v1/datasets/paris-visits', ['time,visits', ...rows].join('\n'))).status).toBe(201);

    const plain = await trainAndForecast({ dataset: 'paris-visits', model: 'paris-visits', target: 'visits', horizon: 20 });
    // Opening hours read on the local clock: 18 half-hours a day with the lunch break, the same all six weeks.
    expect(plain.model.forecast).toMatchObject({ time_column: 'time', frequency: 'business_half_hourly', season: 18, horizon: 18, local_time: {} });
    expect(plain.job.warnings.join('\n')).toContain('time column "time": its timestamps carry UTC offsets (+01:00 and +02:00) that follow daylight saving time, so the series is read on its local clock');
    expect(plain.job.warnings.join('\n')).toContain('forecast times are local times without an offset');
    expect(plain.body.history.at(-1).time).toBe(FRIDAY_CLOSE);
    expect(plain.body.forecasts.map((p: { time: string }) => p.time)).toEqual([...MONDAY.map((t) => `2024-11-11T${t}:00`), '2024-11-12T08:30:00', '2024-11-12T09:00:00']);
    expect(plain.body.local_time.note).toContain('train with forecast.timezone');

    const zoned = await trainAndForecast({ dataset: 'paris-visits', model: 'paris-visits-zoned', target: 'visits', horizon: 2, forecast: { timezone: 'Europe/Paris' } });
    expect(zoned.model.forecast.local_time).toEqual({ timezone: 'Europe/Paris' });
    // The job view says the zone it forecasts in; a job given none says none.
    expect(zoned.job.forecast).toEqual({ time_column: 'time', horizon: 18, season: 18, origins: 3, timezone: 'Europe/Paris' });
    expect(plain.job.forecast).toEqual({ time_column: 'time', horizon: 18, season: 18, origins: 3 });
    expect(zoned.body.forecasts.map((p: { time: string }) => p.time)).toEqual(['2024-11-11T08:30:00+01:00', '2024-11-11T09:00:00+01:00']);
    expect(zoned.body.history.at(-1).time).toBe(`${FRIDAY_CLOSE}+01:00`);
    expect(zoned.body.local_time).toMatchObject({ timezone: 'Europe/Paris' });
    expect(zoned.body.local_time.note).toContain('forecast times are written with the UTC offsets of Europe/Paris');
  });

  it('refuses a time zone that is none, or one the offsets disagree with, naming forecast.timezone', async () => {
    expect((await call('PUT', '/v1/datasets/paris-visits-2', ['time,visits', ...parisVisits()].join('\n'))).status).toBe(201);
    for (const [timezone, says] of [
      ['Mars/Olympus', 'forecast.timezone "Mars/Olympus" is no time zone this runtime knows'],
      ['America/New_York', 'forecast.timezone "America/New_York" does not fit time column "time": data row 1 (2024-09-30T08:30:00+02:00) is written at +02:00, but America/New_York is at -04:00 then'],
    ]) {
      const res = await call('POST', '/v1/jobs', { dataset: 'paris-visits-2', target: 'visits', task: 'forecast', budget: { trials: 1 }, forecast: { timezone } });
      expect(res.status).toBe(400);
      const body = await json(res);
      expect(body.error).toMatchObject({ code: 'invalid_params', details: { field: 'forecast.timezone' } });
      expect(body.error.message).toContain(says);
    }
  });

  it('keeps forecast.timezone when the model retrains on its schedule', async () => {
    const key = await tenantKey('fc-local-retrain', 'k');
    expect((await send({ method: 'PUT', path: '/v1/datasets/paris', key, body: ['time,visits', ...parisVisits()].join('\n'), contentType: 'text/csv' })).status).toBe(201);
    const created = await send({ method: 'POST', path: '/v1/jobs', key, body: { dataset: 'paris', target: 'visits', task: 'forecast', models: ['seasonal_naive'], budget: { trials: 1 }, model: 'paris', forecast: { timezone: 'Europe/Paris' } } });
    expect((await waitJob((await jsonOf(created)).id, key)).status).toBe('succeeded');
    // The series uploaded again: a run retrains only on data the model has not learned from.
    expect((await send({ method: 'PUT', path: '/v1/datasets/paris', key, body: ['time,visits', ...parisVisits()].join('\n'), contentType: 'text/csv' })).status).toBe(201);
    const schedule = await send({ method: 'PUT', path: '/v1/models/paris/schedule', key, body: { every: '1d', dataset: 'paris', budget: { trials: 1 } } });
    expect(schedule.status).toBe(200);
    await scheduledTick(Date.parse((await jsonOf(schedule)).next_due_at) + MINUTE);
    const run = (await jsonOf(await send({ method: 'GET', path: '/v1/models/paris/schedule', key }))).runs[0];
    expect(run, JSON.stringify(run)).toMatchObject({ status: 'started' });
    expect((await waitJob(run.job_id, key)).status).toBe('succeeded');
    const basis = await env.SEARCH.getByName(`fc-local-retrain/${run.job_id}`).retrainBasis('t0000');
    expect(basis?.config.forecast?.timezone).toBe('Europe/Paris');
    const next = await jsonOf(await send({ method: 'POST', path: '/v1/models/paris/forecast', key, body: { horizon: 1 } }));
    expect(next.forecasts[0].time).toMatch(/\+01:00$/);
  }, 200_000);
});
