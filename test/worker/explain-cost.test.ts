/**
 * Explanations priced before they run: a random forest of deep trees (noisy labels, leaves of one row)
 * takes tens of milliseconds a row to explain exactly, so a batch past what one request may spend is
 * refused at once, naming how many rows fit, and a batch within it is explained. A wide multiclass
 * linear model explains fast but holds a contribution per feature, column and class: a batch whose
 * explanations would not fit in a Worker's memory is refused the same way, naming the megabytes.
 */
import { describe, expect, it } from 'vitest';
import { expectError, jsonOf, send, tenantKey, waitJob } from './tenant';

/** 2,000 rows of four numbers and a label only weakly tied to them: deep trees, thousands of leaves. */
function noisyTable(n: number): string {
  let s = 12345;
  const next = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const rows = Array.from({ length: n }, () => {
    const x = [next(), next(), next(), next()];
    return [...x.map((v) => v.toFixed(5)), x[0] + 0.8 * next() > 0.9 ? 'yes' : 'no'].join(',');
  });
  return `a,b,c,d,label\n${rows.join('\n')}\n`;
}

describe('explanations of a large forest', () => {
  it('refuses a batch that would run past one request, naming the rows that fit, and explains one within it', async () => {
    const key = await tenantKey('explain-cost', 'k');
    expect((await send({ method: 'PUT', path: '/v1/datasets/noisy', key, body: noisyTable(2000), contentType: 'text/csv' })).status).toBe(201);
    const created = await jsonOf(await send({ method: 'POST', path: '/v1/jobs', key, body: { dataset: 'noisy', target: 'label', model: 'forest', models: ['random_forest'], budget: { trials: 1 } } }));
    expect((await waitJob(created.id, key, 150_000)).status).toBe('succeeded');
    const row = { a: 0.5, b: 0.2, c: 0.9, d: 0.1 };
    const predict = (n: number) => send({ method: 'POST', path: '/v1/models/forest/predict', key, body: { rows: Array.from({ length: n }, () => row), explain: true } });
    const refused = await expectError(await predict(2000), 400, 'invalid_request');
    expect(refused.details).toMatchObject({ field: 'explain', rows: 2000 });
    const max = refused.details.max_rows as number;
    expect(max).toBeGreaterThanOrEqual(1);
    expect(max).toBeLessThan(2000);
    expect(refused.message).toMatch(new RegExp(`^explaining 2000 rows of this model would take about \\d+ s of CPU .*explain at most ${max} rows per request`));
    // Without explain the same batch is predicted; within the limit it is explained.
    expect((await jsonOf(await send({ method: 'POST', path: '/v1/models/forest/predict', key, body: { rows: Array.from({ length: 2000 }, () => row) } }))).predictions).toHaveLength(2000);
    const explained = await jsonOf(await predict(Math.min(max, 3)));
    expect(explained.explanations).toHaveLength(Math.min(max, 3));
  }, 200_000);

  it('refuses a batch of a wide multiclass model whose explanations would not fit in memory, naming the rows that do', async () => {
    const key = await tenantKey('explain-memory', 'k');
    // 60 category columns of 8 levels each (some 480 one-hot features) and 10 classes.
    let s = 777;
    const next = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
    const columns = Array.from({ length: 60 }, (_, j) => `c${j}`);
    const lines = [[...columns, 'label'].join(',')];
    for (let i = 0; i < 400; i++) {
      const cells = columns.map(() => `v${Math.floor(next() * 8)}`);
      lines.push([...cells, `k${(Number(cells[0].slice(1)) + Math.floor(next() * 3)) % 10}`].join(','));
    }
    expect((await send({ method: 'PUT', path: '/v1/datasets/wide', key, body: lines.join('\n'), contentType: 'text/csv' })).status).toBe(201);
    const created = await jsonOf(await send({ method: 'POST', path: '/v1/jobs', key, body: { dataset: 'wide', target: 'label', model: 'wide', models: ['linear'], budget: { trials: 1 } } }));
    expect((await waitJob(created.id, key, 150_000)).status).toBe('succeeded');
    const row = Object.fromEntries(columns.map((c) => [c, 'v3']));
    const predict = (n: number) => send({ method: 'POST', path: '/v1/models/wide/predict', key, body: { rows: Array.from({ length: n }, () => row), explain: true } });
    const refused = await expectError(await predict(5000), 400, 'invalid_request');
    const max = refused.details.max_rows as number;
    expect(refused.details).toMatchObject({ field: 'explain', rows: 5000 });
    expect(max).toBeGreaterThan(10);
    expect(max).toBeLessThan(5000);
    expect(refused.message).toMatch(new RegExp(`^explaining 5000 rows of this model would hold about \\d+ MB \\(a contribution of each of its \\d+ features and 60 columns for each of 10 classes per row\\).*explain at most ${max} rows per request`));
    const explained = await jsonOf(await predict(max));
    expect(explained.explanations).toHaveLength(max);
    expect(Object.keys(explained.explanations[0].contributions)).toHaveLength(10);
  }, 200_000);
});
