/**
 * Schedule routes, from a read-only audit of scheduled retraining. Deleting a schedule while the cron
 * scheduler's board cannot be told: the schedule is deleted all the same, and the answer is 204, not a 500
 * for a deletion that happened (a retry then found nothing: 404); the board's entry is only a hint the next
 * tick drops. A forecaster's schedule onto a dataset without a column its series were read from (the group
 * column) is refused, as a table model's schedule is for a missing feature: every run would be skipped.
 */
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { expectError, jsonOf, send, SMALL_CSV, tenantKey, waitJob } from './tenant';

const TENANT = 'schedule-delete-board';

/** The schedule board, except that its `set` throws, as when the object cannot be reached. */
function unreachableBoard(): Env['SCHEDULES'] {
  const real = env.SCHEDULES;
  return new Proxy(real, {
    get(target, prop) {
      if (prop !== 'getByName') {
        const value = Reflect.get(target, prop);
        return typeof value === 'function' ? value.bind(target) : value;
      }
      return () => ({
        set: async () => {
          throw new Error('injected fault: the schedule board is unreachable');
        },
      });
    },
  });
}

/** Two stores' monthly sales from January 2000, with the store column named `column` (or none). */
function stores(column: string | null): string {
  const lines = [column === null ? 'month,sales' : `month,${column},sales`];
  for (const store of column === null ? [''] : ['east', 'west']) {
    for (let i = 0; i < 60; i++) {
      const month = `${2000 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}-01`;
      const sales = (100 + i + (store === 'west' ? 20 : 0) + 10 * Math.sin((2 * Math.PI * i) / 12)).toFixed(2);
      lines.push(column === null ? `${month},${sales}` : `${month},${store},${sales}`);
    }
  }
  return lines.join('\n');
}

describe("a forecaster's schedule", () => {
  it('is refused on a dataset without the group column its series were read from, naming it', async () => {
    const key = await tenantKey(TENANT, 'series');
    expect((await send({ method: 'PUT', path: '/v1/datasets/by-store', body: stores('store'), contentType: 'text/csv', key })).status).toBe(201);
    expect((await send({ method: 'PUT', path: '/v1/datasets/totals', body: stores(null), contentType: 'text/csv', key })).status).toBe(201);
    expect((await send({ method: 'PUT', path: '/v1/datasets/renamed', body: stores('shop'), contentType: 'text/csv', key })).status).toBe(201);
    const created = await jsonOf(
      await send({ method: 'POST', path: '/v1/jobs', body: { dataset: 'by-store', target: 'sales', model: 'store-sales', task: 'forecast', forecast: { group_column: 'store', horizon: 3 }, models: ['seasonal_naive'], budget: { trials: 1 } }, key }),
    );
    expect((await waitJob(created.id, key)).status).toBe('succeeded');

    const refused = await expectError(await send({ method: 'PUT', path: '/v1/models/store-sales/schedule', body: { every: '1d', dataset: 'totals' }, key }), 400, 'invalid_dataset');
    expect(refused.details).toEqual({ field: 'dataset', missing: ['store'] });
    expect(refused.message).toContain('lacks a column the champion\'s series were read from ("store")');
    expect((await expectError(await send({ method: 'PUT', path: '/v1/models/store-sales/schedule', body: { every: '1d', dataset: 'renamed' }, key }), 400, 'invalid_dataset')).details.missing).toEqual(['store']);
    // Nothing stored; the dataset it was trained on is taken.
    await expectError(await send({ method: 'GET', path: '/v1/models/store-sales/schedule', key }), 404, 'schedule_not_found');
    expect((await send({ method: 'PUT', path: '/v1/models/store-sales/schedule', body: { every: '1d', dataset: 'by-store' }, key })).status).toBe(200);
  });
});

describe('deleting a schedule with the board unreachable', () => {
  it('answers 204 and the schedule is gone', async () => {
    const key = await tenantKey(TENANT, 'board');
    expect((await send({ method: 'PUT', path: '/v1/datasets/rows', body: SMALL_CSV, contentType: 'text/csv', key })).status).toBe(201);
    const created = await jsonOf(await send({ method: 'POST', path: '/v1/jobs', body: { dataset: 'rows', target: 'label', model: 'nightly', models: ['linear'], budget: { trials: 1 } }, key }));
    expect((await waitJob(created.id, key)).status).toBe('succeeded');
    expect((await send({ method: 'PUT', path: '/v1/models/nightly/schedule', body: { every: '1d', dataset: 'rows' }, key })).status).toBe(200);

    const res = await send({ method: 'DELETE', path: '/v1/models/nightly/schedule', key }, { ...env, SCHEDULES: unreachableBoard() });
    expect(res.status).toBe(204);
    await expectError(await send({ method: 'GET', path: '/v1/models/nightly/schedule', key }), 404, 'schedule_not_found');
  });
});
