/**
 * A binary job's positive class inside workerd: a fraud/ok table (1:12) trained with "metric": "f1" scores
 * the F1 of "fraud" (the rarer class, by default) in its trials and its evaluation, which names the class;
 * a class named in another case is recorded as the data writes it and kept by a scheduled retraining; a
 * numeric 0/1 target takes 1 (sent as a number too); a class the target lacks, and a job that is not
 * binary, are refused naming the field, and nothing is created; a coordinator holding a job made before
 * the option existed answers class index 1, as its scores were computed.
 */
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../src/engine';
import { detachedJobConfig } from '../fixtures/job-config';
import { expectError, jsonOf, scheduledTick, send, tenantKey, waitJob } from './tenant';

let key = '';

/** `rows` rows, every 13th "fraud": x leans to 1.5 for fraud, with overlap; z is noise. */
function fraudTable(rows: number, seed: number): string {
  const rng = new Rng(seed);
  const lines = ['x,z,label'];
  for (let i = 0; i < rows; i++) {
    const fraud = i % 13 === 0;
    lines.push(`${((fraud ? 2 : 0) + rng.normal()).toFixed(3)},${'pq'[rng.int(2)]},${fraud ? 'fraud' : 'ok'}`);
  }
  return lines.join('\n');
}

const upload = async (name: string, csv: string) => expect((await send({ method: 'PUT', path: `/v1/datasets/${name}`, key, body: csv, contentType: 'text/csv' })).status).toBe(201);
const post = (body: Record<string, unknown>) => send({ method: 'POST', path: '/v1/jobs', key, body });
const jobView = async (id: string) => jsonOf(await send({ method: 'GET', path: `/v1/jobs/${id}`, key }));
const jobCount = async () => (await jsonOf(await send({ method: 'GET', path: '/v1/jobs', key }))).jobs.length as number;

async function train(body: Record<string, unknown>): Promise<Record<string, any>> {
  const res = await post(body);
  expect(res.status, await res.clone().text()).toBe(202);
  const job = await waitJob((await jsonOf(res)).id, key, 150_000);
  expect(job.status).toBe('succeeded');
  return job;
}

/** F1 of class `c` from a confusion matrix (rows: truth, columns: predicted). */
function f1Of(matrix: number[][], c: number): number {
  const tp = matrix[c][c];
  const fn = matrix[c].reduce((a, b) => a + b, 0) - tp;
  const fp = matrix.reduce((a, row) => a + row[c], 0) - tp;
  return (2 * tp) / (2 * tp + fp + fn);
}

describe('positive_class', () => {
  let fraudJob: Record<string, any> = {};
  let okJob: Record<string, any> = {};

  beforeAll(async () => {
    key = await tenantKey('positive', 'k');
    await upload('imb', fraudTable(260, 7));
    [fraudJob, okJob] = await Promise.all([
      train({ dataset: 'imb', target: 'label', metric: 'f1', model: 'imb', models: ['linear'], budget: { trials: 2 }, seed: 3 }),
      train({ dataset: 'imb', target: 'label', metric: 'f1', positive_class: 'OK', model: 'imb-ok', models: ['linear'], budget: { trials: 1 }, seed: 3 }),
    ]);
  }, 200_000);

  it('defaults to the rarer class: the job and its evaluation say f1 is of "fraud", and it is', async () => {
    expect(fraudJob).toMatchObject({ metric: 'f1', positive_class: 'fraud', task: 'binary' });
    expect(await jsonOf(await send({ method: 'GET', path: `/v1/jobs/${fraudJob.id}/trials`, key }))).toMatchObject({ metric: 'f1', positive_class: 'fraud' });
    const model = await jsonOf(await send({ method: 'GET', path: '/v1/models/imb', key }));
    const e = await jsonOf(await send({ method: 'GET', path: '/v1/models/imb/evaluation', key }));
    expect(e).toMatchObject({ available: true, positive_class: 'fraud', roc: { positive_class: 'fraud' } });
    expect(e.confusion.labels).toEqual(['fraud', 'ok']);
    // The search scored the F1 of fraud (the recorded score), and so does the evaluation, by the confusion matrix.
    expect(e.metrics.f1).toBeCloseTo(model.versions[0].score, 4);
    expect(e.metrics.f1).toBeCloseTo(f1Of(e.confusion.matrix, 0), 6);
    // The majority class's F1 would have flattered the model.
    expect(f1Of(e.confusion.matrix, 1)).toBeGreaterThan(e.metrics.f1);
    expect(e.roc.auc).toBeCloseTo(e.metrics.roc_auc, 6);
  });

  it('records a class named in another case as the data writes it, and scores it', async () => {
    expect(okJob.positive_class).toBe('ok');
    const e = await jsonOf(await send({ method: 'GET', path: '/v1/models/imb-ok/evaluation', key }));
    expect(e).toMatchObject({ positive_class: 'ok', roc: { positive_class: 'ok' } });
    expect(e.metrics.f1).toBeCloseTo(f1Of(e.confusion.matrix, 1), 6);
  });

  it('is kept by a scheduled retraining', async () => {
    // The table uploaded again: a run retrains only on data the model has not learned from.
    await upload('imb', fraudTable(260, 7));
    const set = await send({ method: 'PUT', path: '/v1/models/imb-ok/schedule', key, body: { every: '1d', dataset: 'imb', budget: { trials: 1 } } });
    expect(set.status).toBe(200);
    await scheduledTick(Date.parse((await jsonOf(set)).next_due_at) + 60_000);
    const runs = (await jsonOf(await send({ method: 'GET', path: '/v1/models/imb-ok/schedule', key }))).runs;
    expect(runs[0], JSON.stringify(runs)).toMatchObject({ status: 'started' });
    expect((await send({ method: 'DELETE', path: '/v1/models/imb-ok/schedule', key })).status).toBe(204);
    const retrain = await waitJob(runs[0].job_id, key, 150_000);
    expect(retrain).toMatchObject({ status: 'succeeded', metric: 'f1', positive_class: 'ok', challenge: { status: 'complete' } });
  }, 200_000);

  it('takes 1 of a 0/1 target by default, and a class sent as a number', async () => {
    await upload('bits', ['x,flag', ...Array.from({ length: 40 }, (_, i) => `${i % 9},${i % 4 === 0 ? 1 : 0}`)].join('\n'));
    for (const extra of [{}, { positive_class: 0 }]) {
      const res = await post({ dataset: 'bits', target: 'flag', models: ['linear'], budget: { trials: 1 }, ...extra });
      expect(res.status).toBe(202);
      const { id } = await jsonOf(res);
      expect((await jobView(id)).positive_class).toBe('positive_class' in extra ? '0' : '1');
      await waitJob(id, key);
    }
  }, 60_000);

  it('refuses a class the target lacks, and a job that is not binary, naming the field; nothing is created', async () => {
    await upload('three', ['x,kind,w', ...Array.from({ length: 60 }, (_, i) => `${(i * 7) % 23},${'abc'[i % 3]},${i % 5}`)].join('\n'));
    await upload('daily', ['day,sales', ...Array.from({ length: 60 }, (_, i) => `${new Date(Date.UTC(2024, 0, 1 + i)).toISOString().slice(0, 10)},${100 + (i % 7) * 3}`)].join('\n'));
    const before = await jobCount();
    const unknown = await expectError(await post({ dataset: 'imb', target: 'label', positive_class: 'spam' }), 400, 'invalid_request');
    expect(unknown.details).toMatchObject({ field: 'positive_class', classes: ['fraud', 'ok'] });
    expect(unknown.message).toBe('positive_class: "spam" is not a class of the target; its classes are "fraud" and "ok"');
    const multiclass = await expectError(await post({ dataset: 'three', target: 'kind', positive_class: 'a' }), 400, 'invalid_request');
    expect(multiclass.details.field).toBe('positive_class');
    expect(multiclass.message).toMatch(/only a binary job has a positive class, and this is a multiclass job \(3 classes\)/);
    const regression = await expectError(await post({ dataset: 'three', target: 'x', positive_class: '1' }), 400, 'invalid_request');
    expect(regression.message).toMatch(/this is a regression job/);
    const forecast = await expectError(await post({ dataset: 'daily', target: 'sales', task: 'forecast', positive_class: 'up' }), 400, 'invalid_request');
    expect(forecast.message).toMatch(/this is a forecast job/);
    const empty = await expectError(await post({ dataset: 'imb', target: 'label', positive_class: '' }), 400, 'invalid_request');
    expect(empty.details.field).toBe('positive_class');
    expect(await jobCount()).toBe(before);
  });

  it('answers class index 1 for a job recorded before the option existed, and hands its trials nothing else', async () => {
    const legacy = env.SEARCH.getByName('test-only/positive-legacy');
    // detachedJobConfig has no positive_class, as every job made before it was recorded; classes a, b.
    const view = await legacy.start(detachedJobConfig('positive-legacy', { metric: 'f1', budget: { seconds: 600, trials: 1 } }));
    expect(view.positive_class).toBe('b');
    const work = await legacy.claim('t0000');
    expect(work).not.toBeNull();
    expect(work && 'positive_class' in work).toBe(false);
    const named = env.SEARCH.getByName('test-only/positive-named');
    expect((await named.start(detachedJobConfig('positive-named', { metric: 'f1', positive_class: 'a', budget: { seconds: 600, trials: 1 } }))).positive_class).toBe('a');
    expect((await named.claim('t0000'))?.positive_class).toBe('a');
  });
});
