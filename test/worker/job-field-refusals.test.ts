/**
 * Job fields a forecast cannot honour are refused at creation, naming the field, with nothing created:
 * a serving cap (forecast trials have no per-row time to hold to it, so every trial met it unread) and
 * an ignored time or group column (the series were still read by it). Job ids are UUIDs in either case.
 * Each fails without its change (worker/start-job, worker/coordinator).
 */
import { describe, expect, it } from 'vitest';
import { call, json, waitForJob } from './helpers';
import { monthly, trend } from './monthly-sales';

async function refused(body: Record<string, unknown>, field: string): Promise<string> {
  const before = (await json(await call('GET', '/v1/jobs'))).jobs.length;
  const res = await call('POST', '/v1/jobs', body);
  const error = (await json(res)).error;
  expect({ status: res.status, code: error.code, field: error.details?.field }).toEqual({ status: 400, code: 'invalid_request', field });
  expect((await json(await call('GET', '/v1/jobs'))).jobs.length).toBe(before);
  return error.message;
}

describe('forecast job fields', () => {
  it('refuses a serving cap, and an ignored time or group column', async () => {
    const csv = monthly(48, trend);
    expect((await call('PUT', '/v1/datasets/field-sales', csv)).status).toBe(201);
    const header = csv.split('\n')[0].split(',');
    const time = header.find((h) => h !== 'sales') as string;
    const base = { dataset: 'field-sales', target: 'sales', task: 'forecast', forecast: { horizon: 6 }, budget: { trials: 1 } };
    expect(await refused({ ...base, serving: { max_us_per_row: 50 } }, 'serving')).toContain('a forecast job takes no serving cap');
    expect(await refused({ ...base, columns: { [time]: 'ignore' } }, 'forecast.time_column')).toContain(`forecast.time_column is "${time}", which "columns" marks "ignore"`);
  });
});

describe('job ids', () => {
  it('name the same job in upper case', async () => {
    const csv = monthly(48, trend);
    expect((await call('PUT', '/v1/datasets/id-sales', csv)).status).toBe(201);
    const res = await call('POST', '/v1/jobs', { dataset: 'id-sales', target: 'sales', task: 'forecast', forecast: { horizon: 6 }, models: ['seasonal_naive'], budget: { trials: 1 } });
    const { id } = await json(res);
    await waitForJob(id);
    const upper = await call('GET', `/v1/jobs/${id.toUpperCase()}`);
    expect(upper.status).toBe(200);
    expect((await json(upper)).id).toBe(id);
  });
});
