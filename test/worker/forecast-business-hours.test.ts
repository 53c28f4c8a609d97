/**
 * A business-hours forecast job in workerd (the engine's side: test/engine/forecast-business-hours.test.ts):
 * hourly call volumes recorded 09:00 to 17:00 Monday to Friday are read as `business_hourly`, forecast one
 * working day ahead by default, and the forecast route's times skip the evening and the weekend; the same
 * every 30 minutes (09:00 to 16:30) is read as `business_half_hourly`; a shop closed for lunch
 * (09:00 to 11:00 and 13:00 to 17:00) is forecast on its open hours, skipping the break; a shop open
 * 09:00 to 18:00 on weekdays and 10:00 to 16:00 on Saturday is forecast on Saturday's short day; and one
 * closed for lunch on weekdays and on its short Saturday is forecast across both days' breaks.
 */
import { describe, expect, it } from 'vitest';
import { trainAndForecast } from './forecast-helpers';
import { call } from './helpers';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Six weeks of Monday-to-Friday hours, 09:00 to 17:00 UTC: a lunch peak on a slowly rising level. */
function callVolumes(): string[] {
  const shape = [20, 34, 46, 62, 58, 40, 32, 26, 14];
  const rows: string[] = [];
  for (let day = Date.UTC(2024, 0, 1), i = 0; rows.length < 6 * 5 * 9; day += DAY) {
    const weekday = new Date(day).getUTCDay();
    if (weekday === 0 || weekday === 6) continue;
    for (let h = 0; h < 9; h++) rows.push(`${new Date(day + (9 + h) * HOUR).toISOString()},${(100 + 0.02 * i++ + shape[h] + ((i * 7) % 5)).toFixed(1)}`);
  }
  return rows;
}

/** Six weeks of Monday-to-Friday half hours, 09:00 to 16:30 UTC (16 a day): a lunch peak at 12:30. */
function halfHourlyCalls(): string[] {
  const rows: string[] = [];
  for (let day = Date.UTC(2024, 0, 1), i = 0; rows.length < 6 * 5 * 16; day += DAY) {
    const weekday = new Date(day).getUTCDay();
    if (weekday === 0 || weekday === 6) continue;
    for (let slot = 0; slot < 16; slot++) {
      const value = 60 + 0.01 * i++ + 30 * Math.exp(-((slot - 7) ** 2) / 6) + ((i * 7) % 5);
      rows.push(`${new Date(day + 9 * HOUR + slot * 30 * 60_000).toISOString()},${value.toFixed(1)}`);
    }
  }
  return rows;
}

/** Six weeks of Monday-to-Friday shop visits, 09:00 to 11:00 and 13:00 to 17:00 UTC (closed at 12:00): 8 hours a day. */
function lunchBreakVisits(): string[] {
  const shape = [20, 38, 52, 30, 44, 60, 36, 12];
  const hours = [9, 10, 11, 13, 14, 15, 16, 17];
  const rows: string[] = [];
  for (let day = Date.UTC(2024, 0, 1), i = 0; rows.length < 6 * 5 * 8; day += DAY) {
    const weekday = new Date(day).getUTCDay();
    if (weekday === 0 || weekday === 6) continue;
    hours.forEach((h, k) => rows.push(`${new Date(day + h * HOUR).toISOString()},${(100 + 0.02 * i++ + shape[k] + ((i * 7) % 5)).toFixed(1)}`));
  }
  return rows;
}

/** Six weeks less a Saturday of shop sales, 09:00 to 17:00 Monday to Friday and 10:00 to 15:00 Saturday UTC: ends on a Friday. */
function shortSaturdaySales(): string[] {
  const shape = [20, 34, 46, 62, 58, 40, 32, 26, 14];
  const rows: string[] = [];
  for (let day = Date.UTC(2024, 0, 1), i = 0; day <= Date.UTC(2024, 1, 9); day += DAY) {
    const weekday = new Date(day).getUTCDay();
    if (weekday === 0) continue;
    const [from, to] = weekday === 6 ? [10, 15] : [9, 17];
    for (let h = from; h <= to; h++) rows.push(`${new Date(day + h * HOUR).toISOString()},${(100 + 0.02 * i++ + shape[h - 9] + (weekday === 6 ? 25 : 0) + ((i * 7) % 5)).toFixed(1)}`);
  }
  return rows;
}

/**
 * Six weeks less a Saturday of shop sales, closed for lunch at 12:00 every working day: 09:00 to 11:00 and
 * 13:00 to 17:00 Monday to Friday, 10:00 to 11:00 and 13:00 to 14:00 on Saturday (UTC). Ends on a Friday.
 */
function lunchSaturdaySales(): string[] {
  const shape = [20, 38, 52, 0, 30, 44, 60, 36, 12]; // 09:00 .. 17:00, none at 12:00
  const rows: string[] = [];
  for (let day = Date.UTC(2024, 0, 1), i = 0; day <= Date.UTC(2024, 1, 9); day += DAY) {
    const weekday = new Date(day).getUTCDay();
    if (weekday === 0) continue;
    const hours = weekday === 6 ? [10, 11, 13, 14] : [9, 10, 11, 13, 14, 15, 16, 17];
    for (const h of hours) rows.push(`${new Date(day + h * HOUR).toISOString()},${(100 + 0.02 * i++ + shape[h - 9] + (weekday === 6 ? 25 : 0) + ((i * 7) % 5)).toFixed(1)}`);
  }
  return rows;
}

/**
 * Uploads `rows` (after a `time,target` header) as dataset `name`, trains a forecast job on it (seasonal
 * naive and linear, three trials) published as model `name`, and asks that model for `horizon` points with
 * their history: the finished job, the model view and the forecast answer.
 */
async function uploadAndForecast(name: string, header: string, rows: readonly string[], horizon: number) {
  expect((await call('PUT', `/v1/datasets/${name}`, [header, ...rows].join('\n'))).status).toBe(201);
  return trainAndForecast({ dataset: name, model: name, target: header.split(',')[1], horizon });
}

describe('business-hours forecast jobs', () => {
  it('forecasts the next opening hours, Friday 17:00 then Monday 09:00, a working day by default', async () => {
    const rows = callVolumes();
    expect(rows.at(-1)!.startsWith('2024-02-09T17:00')).toBe(true); // a Friday
    const { model, body } = await uploadAndForecast('calls', 'hour,calls', rows, 11);
    expect(model.forecast).toMatchObject({ time_column: 'hour', frequency: 'business_hourly', season: 9, horizon: 9 });
    const monday = Array.from({ length: 9 }, (_, h) => new Date(Date.UTC(2024, 1, 12, 9 + h)).toISOString());
    expect(body.forecasts.map((p: { time: string }) => p.time)).toEqual([...monday, '2024-02-13T09:00:00.000Z', '2024-02-13T10:00:00.000Z']);
    expect(body.history.at(-1).time).toBe('2024-02-09T17:00:00.000Z');
  });

  it('reads half-hourly opening hours, and forecasts the next opening slots over the weekend', async () => {
    const rows = halfHourlyCalls();
    expect(rows.at(-1)!.startsWith('2024-02-09T16:30')).toBe(true); // a Friday
    const { model, body } = await uploadAndForecast('half-hours', 'slot,calls', rows, 18);
    expect(model.forecast).toMatchObject({ time_column: 'slot', frequency: 'business_half_hourly', season: 16, horizon: 16 });
    const monday = Array.from({ length: 16 }, (_, k) => new Date(Date.UTC(2024, 1, 12, 9, 30 * k)).toISOString());
    expect(body.forecasts.map((p: { time: string }) => p.time)).toEqual([...monday, '2024-02-13T09:00:00.000Z', '2024-02-13T09:30:00.000Z']);
    expect(body.history.at(-1).time).toBe('2024-02-09T16:30:00.000Z');
  });

  it('reads a lunch break and forecasts the next open hours, 11:00 then 13:00, skipping the break', async () => {
    const rows = lunchBreakVisits();
    expect(rows.at(-1)!.startsWith('2024-02-09T17:00')).toBe(true); // a Friday
    const { model, body } = await uploadAndForecast('lunch', 'hour,visits', rows, 10);
    expect(model.forecast).toMatchObject({ time_column: 'hour', frequency: 'business_hourly', season: 8, horizon: 8 });
    const monday = [9, 10, 11, 13, 14, 15, 16, 17].map((h) => new Date(Date.UTC(2024, 1, 12, h)).toISOString());
    expect(body.forecasts.map((p: { time: string }) => p.time)).toEqual([...monday, '2024-02-13T09:00:00.000Z', '2024-02-13T10:00:00.000Z']);
    expect(body.history.at(-1).time).toBe('2024-02-09T17:00:00.000Z');
  });

  it('reads a short Saturday as its own hours and forecasts it, 10:00 to 15:00, then Monday from 09:00', async () => {
    const rows = shortSaturdaySales();
    expect(rows.at(-1)!.startsWith('2024-02-09T17:00')).toBe(true); // a Friday
    const { job, model, body } = await uploadAndForecast('saturday', 'hour,sales', rows, 9);
    // No closed Saturday hour was filled as a gap.
    expect(JSON.stringify(job.warnings ?? [])).not.toContain('added to fill short gaps');
    expect(model.forecast).toMatchObject({ time_column: 'hour', frequency: 'business_hourly', season: 9, horizon: 9 });
    const saturday = [10, 11, 12, 13, 14, 15].map((h) => new Date(Date.UTC(2024, 1, 10, h)).toISOString());
    expect(body.forecasts.map((p: { time: string }) => p.time)).toEqual([...saturday, '2024-02-12T09:00:00.000Z', '2024-02-12T10:00:00.000Z', '2024-02-12T11:00:00.000Z']);
    expect(body.history.at(-1).time).toBe('2024-02-09T17:00:00.000Z');
  });

  it('reads a lunch break on weekdays and on a short Saturday, and forecasts across both, Saturday 11:00 then 13:00, Monday 11:00 then 13:00', async () => {
    const rows = lunchSaturdaySales();
    expect(rows.at(-1)!.startsWith('2024-02-09T17:00')).toBe(true); // a Friday
    const { job, model, body } = await uploadAndForecast('lunch-saturday', 'hour,sales', rows, 9);
    expect(JSON.stringify(job.warnings ?? [])).not.toContain('added to fill short gaps');
    // 09:00 to 17:00 less the 12:00 every day closes: a season of 8.
    expect(model.forecast).toMatchObject({ time_column: 'hour', frequency: 'business_hourly', season: 8, horizon: 8 });
    const saturday = [10, 11, 13, 14].map((h) => new Date(Date.UTC(2024, 1, 10, h)).toISOString());
    const monday = [9, 10, 11, 13, 14].map((h) => new Date(Date.UTC(2024, 1, 12, h)).toISOString());
    expect(body.forecasts.map((p: { time: string }) => p.time)).toEqual([...saturday, ...monday]);
    expect(body.forecasts.every((p: { value: number }) => Number.isFinite(p.value))).toBe(true);
    expect(body.history.at(-1).time).toBe('2024-02-09T17:00:00.000Z');
  });
});
