/**
 * GET /v1/models/{model}/evaluation on models made by real jobs: out-of-fold metrics that agree with the
 * score the search recorded, a ROC curve and a confusion matrix that add up to the data, residuals for
 * regression, a multiclass log-loss job's log-linear pool evaluated as it pools, and `available: false`
 * for a forecast model; a job over 20,000 rows is scored on the holdout its trials shared.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { expectError, jsonOf, send, SMALL_CSV, tenantKey, waitJob } from './tenant';

let key = '';
let pooledJob: Record<string, any> = {};
let bigJob: Record<string, any> = {};

const REGRESSION_CSV = ['x,z,y', ...Array.from({ length: 80 }, (_, i) => `${i},${(i * 37) % 11},${(2 * i + ((i * 37) % 11) * 0.5 + (i % 4)).toFixed(2)}`)].join('\n');
/**
 * Three classes: `x` separates "a" from the rest and `z` (a category) "b" from "c", each with some rows
 * off, so a linear model and a kNN see different things and a pool of them beats either.
 */
const MULTICLASS_CSV = [
  'x,z,w,label',
  ...Array.from({ length: 120 }, (_, i) => {
    const label = ['a', 'b', 'c'][i % 3];
    const x = (label === 'a' ? 3 : 0) + ((i * 37) % 13) / 4;
    const z = (label === 'b') !== (i % 7 === 0) ? 'p' : 'q';
    return `${x.toFixed(2)},${z},${(i * 53) % 17},${label}`;
  }),
].join('\n');
/** Over 20,000 rows: the job picks a single split, shared by its trials, and keeps their predictions on its rows. */
const LARGE_CSV = ['a,label', ...Array.from({ length: 20_100 }, (_, i) => `${i % 97},${(i % 97) > 48 ? 'hi' : 'lo'}`)].join('\n');

async function upload(name: string, csv: string) {
  expect((await send({ method: 'PUT', path: `/v1/datasets/${name}`, key, body: csv, contentType: 'text/csv' })).status).toBe(201);
}

async function train(body: Record<string, unknown>) {
  const res = await send({ method: 'POST', path: '/v1/jobs', key, body });
  expect(res.status).toBe(202);
  const job = await waitJob((await jsonOf(res)).id, key, 150_000);
  expect(job.status).toBe('succeeded');
  return job;
}

const evaluationOf = async (model: string, query = '') => send({ method: 'GET', path: `/v1/models/${model}/evaluation${query}`, key });

describe('GET /v1/models/{model}/evaluation', () => {
  beforeAll(async () => {
    key = await tenantKey('evaluation', 'k');
    await Promise.all([upload('small', SMALL_CSV), upload('reg', REGRESSION_CSV), upload('large', LARGE_CSV), upload('three', MULTICLASS_CSV)]);
    await Promise.all([
      train({ dataset: 'small', target: 'label', model: 'clf', models: ['linear', 'knn'], budget: { trials: 3 }, seed: 5 }),
      train({ dataset: 'reg', target: 'y', model: 'reg', models: ['linear', 'gbdt'], budget: { trials: 2 }, seed: 5 }),
      train({ dataset: 'large', target: 'label', model: 'big', models: ['linear'], budget: { trials: 1 }, seed: 5 }).then((job) => (bigJob = job)),
      train({ dataset: 'three', target: 'label', model: 'pooled', models: ['linear', 'knn', 'cart'], budget: { trials: 4 }, seed: 5 }).then((job) => (pooledJob = job)),
    ]);
  }, 200_000);

  it('binary: out-of-fold metrics equal to the recorded score, ROC and a confusion matrix over every row', async () => {
    const model = await jsonOf(await send({ method: 'GET', path: '/v1/models/clf', key }));
    const res = await evaluationOf('clf');
    expect(res.status).toBe(200);
    const e = await jsonOf(res);
    expect(e).toMatchObject({ model: 'clf', version: 1, available: true, task: 'binary', source: 'out_of_fold', folds: 5, rows: 60 });
    // The search scored the same out-of-fold predictions (the ensemble's blend for an ensemble).
    expect(e.metrics[model.metric]).toBeCloseTo(model.versions[0].score, 4);
    expect(e.greater_is_better).toMatchObject({ roc_auc: true, accuracy: true, log_loss: false });
    expect(Object.keys(e.greater_is_better).sort()).toEqual(Object.keys(e.metrics).sort());
    expect(e.roc.positive_class).toBe('yes');
    expect(e.roc.auc).toBeCloseTo(e.metrics.roc_auc, 6);
    expect(e.roc.fpr[0]).toBe(0);
    expect(e.roc.tpr.at(-1)).toBe(1);
    expect(e.roc.fpr.length).toBe(e.roc.tpr.length);
    // SMALL_CSV: 30 "no" rows (even i) and 30 "yes" rows.
    expect(e.confusion.labels).toEqual(['no', 'yes']);
    expect(e.confusion.matrix.map((row: number[]) => row.reduce((a, b) => a + b, 0))).toEqual([30, 30]);
    const correct = e.confusion.matrix[0][0] + e.confusion.matrix[1][1];
    expect(e.metrics.accuracy).toBeCloseTo(correct / 60, 6);
    expect(e.residuals).toBeUndefined();
  });

  it('regression: residuals over every row and metrics equal to the recorded score', async () => {
    const model = await jsonOf(await send({ method: 'GET', path: '/v1/models/reg', key }));
    const e = await jsonOf(await evaluationOf('reg', '?version=1'));
    expect(e).toMatchObject({ available: true, task: 'regression', rows: 80 });
    expect(e.metrics.rmse).toBeCloseTo(model.versions[0].score, 3);
    expect(e.residuals.rows).toBe(80);
    expect(e.residuals.predicted).toHaveLength(80);
    expect(e.residuals.residual).toHaveLength(80);
    // Residual = truth − prediction; the RMSE is their root mean square.
    const rms = Math.sqrt(e.residuals.residual.reduce((s: number, r: number) => s + r * r, 0) / 80);
    expect(rms).toBeCloseTo(e.metrics.rmse, 3);
    expect(e.confusion).toBeUndefined();
    expect(e.roc).toBeUndefined();
  });

  it('multiclass log loss: a log-linear pool, evaluated as it pools, served with probabilities, not explained', async () => {
    expect(pooledJob.ensemble).toMatchObject({ status: 'complete', combine: 'log_linear' });
    expect(pooledJob.ensemble.members.length).toBeGreaterThanOrEqual(2);
    expect(pooledJob.best.family).toBe('ensemble');
    const model = await jsonOf(await send({ method: 'GET', path: '/v1/models/pooled', key }));
    expect(model).toMatchObject({ metric: 'log_loss', versions: [{ version: 1, family: 'ensemble' }] });
    const e = await jsonOf(await evaluationOf('pooled'));
    expect(e).toMatchObject({ available: true, task: 'multiclass', rows: 120, combine: 'log_linear' });
    expect(e.members).toEqual(pooledJob.ensemble.members);
    // The route pools the members' out-of-fold rows exactly as the selection did (an average would differ).
    expect(e.metrics.log_loss).toBeCloseTo(model.versions[0].score, 5);
    expect(e.confusion.labels).toEqual(['a', 'b', 'c']);
    const rows = [{ x: 3.5, z: 'q', w: 4 }, { x: 0.5, z: 'p', w: 9 }];
    const answer = await jsonOf(await send({ method: 'POST', path: '/v1/models/pooled/predict', key, body: { rows } }));
    expect(answer.predictions).toHaveLength(2);
    for (const p of answer.probabilities) expect(Object.values(p as Record<string, number>).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    await expectError(await send({ method: 'POST', path: '/v1/models/pooled/predict', key, body: { rows, explain: true } }), 422, 'explain_unavailable');
  });

  it('scores a single split\'s model on the holdout its job\'s trials shared, and on those rows alone', async () => {
    const e = await jsonOf(await evaluationOf('big'));
    expect(e).toMatchObject({ available: true, source: 'out_of_fold', folds: 1, family: 'linear' });
    // A stratified fifth of 20,100 rows.
    expect(Math.abs(e.rows - 20_100 / 5)).toBeLessThanOrEqual(2);
    expect(e.metrics.roc_auc).toBeCloseTo(bigJob.best.score, 6);
  });

  it('says why, not 500, once the training data has been deleted', async () => {
    await upload('short-lived', SMALL_CSV);
    await train({ dataset: 'short-lived', target: 'label', model: 'orphan', models: ['linear'], budget: { trials: 1 }, seed: 5 });
    expect((await jsonOf(await evaluationOf('orphan'))).available).toBe(true);
    expect((await send({ method: 'DELETE', path: '/v1/datasets/short-lived', key })).status).toBe(204);
    const res = await evaluationOf('orphan');
    expect(res.status).toBe(200);
    const e = await jsonOf(res);
    expect(e).toMatchObject({ available: false, reason: expect.stringMatching(/^the training data \(dataset "short-lived" v1\) has been deleted/) });
  }, 120_000);

  it('answers 400/404 for a bad version, a missing version, a missing model and another tenant', async () => {
    await expectError(await evaluationOf('clf', '?version=zero'), 400, 'invalid_request');
    await expectError(await evaluationOf('clf', '?version=9'), 404, 'model_version_not_found');
    await expectError(await evaluationOf('nope'), 404, 'model_not_found');
    const other = await tenantKey('evaluation-other', 'k');
    await expectError(await send({ method: 'GET', path: '/v1/models/clf/evaluation', key: other }), 404, 'model_not_found');
  });
});
