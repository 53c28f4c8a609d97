/**
 * A job on a table with a column that gives the target away (a copy of it, as in an audit's
 * pima_quirks.csv) warns at creation, in the 202 answer and the job view, naming the column and how to
 * ignore it; ignored, the column is not named. A text target with a value per row is refused as an
 * identifier.
 */
import { describe, expect, it } from 'vitest';
import { call, json, waitForJob } from './helpers';

/** 200 rows: two measurements that help, the class, a copy of it (`leak`) and a row key. */
function quirks(): string {
  let s = 3;
  const next = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const rows = Array.from({ length: 200 }, (_, i) => {
    const label = next() < 0.35 ? 'tested_positive' : 'tested_negative';
    const plas = (label === 'tested_positive' ? 140 : 115) + 40 * next();
    return `${Math.floor(8 * next())},${plas.toFixed(0)},${label},${label},R${String(i).padStart(5, '0')}`;
  });
  return `preg,plas,class,leak,row_id\n${rows.join('\n')}\n`;
}

const LEAK_WARNING = 'column "leak" alone predicts the target (100% of rows): if it is not known when you predict, ignore it (columns: {"leak": "ignore"})';

describe('a column that predicts the target alone', () => {
  it('is named in the job warnings at creation and in the view, unless ignored', async () => {
    expect((await call('PUT', '/v1/datasets/quirks', quirks(), { 'content-type': 'text/csv' })).status).toBe(201);
    const created = await call('POST', '/v1/jobs', { dataset: 'quirks', target: 'class', models: ['linear'], budget: { trials: 1 } });
    expect(created.status).toBe(202);
    const { id, warnings } = await json(created);
    expect(warnings).toEqual([LEAK_WARNING]);
    const job = await waitForJob(id);
    expect(job.status).toBe('succeeded');
    expect(job.warnings).toEqual([LEAK_WARNING]);

    const ignored = await call('POST', '/v1/jobs', { dataset: 'quirks', target: 'class', columns: { leak: 'ignore' }, models: ['linear'], budget: { trials: 1 }, model: 'quirks-clean' });
    expect(ignored.status).toBe(202);
    const clean = await json(ignored);
    expect(clean.warnings).toBeUndefined();
    await waitForJob(clean.id);
  });

  it('a text target with a value per row is refused as an identifier', async () => {
    expect((await call('PUT', '/v1/datasets/quirks-ids', quirks(), { 'content-type': 'text/csv' })).status).toBe(201);
    const res = await call('POST', '/v1/jobs', { dataset: 'quirks-ids', target: 'row_id' });
    expect(res.status).toBe(400);
    const { error } = await json(res);
    expect(error).toMatchObject({ code: 'invalid_target', details: { field: 'target', column: 'row_id' } });
    expect(error.message).toBe('target column "row_id" holds a different value on every row: it looks like an identifier (or free text), not a label to predict; pick the column to predict as "target"');
  });
});
