/**
 * Truth values through the HTTP routes inside workerd (s25 audit, findings 3 and 14): a target spelled
 * Yes/TRUE/y/1 against no/False/N/0 is a boolean column and trains a binary model answering two classes,
 * each truth's most frequent spelling; a job declaring a many-valued column boolean is refused naming it.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import trainCsv from '../../examples/credit-g/train.csv?raw';
import { call, json, waitForJob } from './helpers';
import { MIXED_TRUTHS as MIXED } from '../fixtures/text-encodings';

describe('a target of truth words mixed with 1 and 0', () => {
  it('is a boolean column, a binary job, and predictions name two classes with the true one likelier for a high x', async () => {
    const upload = await json(await call('PUT', '/v1/datasets/mixbool', MIXED));
    expect(upload.columns.find((c: { name: string }) => c.name === 'label')).toMatchObject({ type: 'boolean', unique: 2 });
    const start = await call('POST', '/v1/jobs', { dataset: 'mixbool', target: 'label', model: 'mixbool', models: ['linear'], budget: { trials: 1 }, seed: 2 });
    expect(start.status).toBe(202);
    const job = await waitForJob((await json(start)).id);
    expect(job.status).toBe('succeeded');
    expect(job.task).toBe('binary');
    const answer = await json(await call('POST', '/v1/models/mixbool/predict', { rows: [{ x: 0.95, z: 0.5 }, { x: 0.05, z: 0.5 }] }));
    // "1" and "0" are the commonest spellings of each truth in the file.
    expect(Object.keys(answer.probabilities[0]).sort()).toEqual(['0', '1']);
    expect(answer.predictions).toEqual(['1', '0']);
    expect(answer.probabilities[0]['1']).toBeGreaterThan(answer.probabilities[1]['1']);
  }, 120_000);
});

describe('a job declaring a column boolean', () => {
  beforeAll(async () => {
    expect((await call('PUT', '/v1/datasets/credit-bool', trainCsv)).status).toBe(201);
  });

  it('is refused for a column of many values, naming it and its count, and starts no job', async () => {
    const res = await call('POST', '/v1/jobs', { dataset: 'credit-bool', target: 'class', columns: { duration: 'boolean' }, model: 'x1', budget: { trials: 1 } });
    const body = await json(res);
    expect({ status: res.status, code: body.error?.code }).toEqual({ status: 400, code: 'invalid_params' });
    expect(body.error.message).toMatch(/^columns: "duration" cannot be boolean: it holds \d+ distinct values \(4, 6, 7, 8, …\), while a boolean holds two$/);
    expect(body.error.details).toMatchObject({ field: 'columns', column: 'duration' });
    expect(body.error.details.distinct).toBeGreaterThan(2);
    expect((await call('GET', '/v1/models/x1')).status).toBe(404);
    const words = await json(await call('POST', '/v1/jobs', { dataset: 'credit-bool', target: 'class', columns: { purpose: 'boolean' }, budget: { trials: 1 } }));
    expect(words.error.message).toMatch(/^columns: "purpose" cannot be boolean: it holds 10 distinct values/);
  });

  it('is accepted for a column of two values', async () => {
    const res = await call('POST', '/v1/jobs', { dataset: 'credit-bool', target: 'class', columns: { own_telephone: 'boolean' }, models: ['linear'], budget: { trials: 1 } });
    expect(res.status).toBe(202);
    expect((await waitForJob((await json(res)).id)).status).toBe('succeeded');
  }, 120_000);
});
