/**
 * The whole loop on real local Cloudflare parts: upload credit-g's training split to R2, run a job through
 * the real queue and SearchCoordinator (each trial in its own consumer invocation), publish the best model
 * in the Registry, then predict the held-out test split through the route and check its ROC AUC.
 */
import { describe, expect, it } from 'vitest';
import testCsv from '../../examples/credit-g/test.csv?raw';
import trainCsv from '../../examples/credit-g/train.csv?raw';
import { METRICS } from '../../src/engine/eval/metrics';
import { call, csvObjects, json, waitForJob } from './helpers';

describe('upload → search → publish → predict', () => {
  it('reaches a held-out ROC AUC ≥ 0.75 on credit-g', async () => {
    const upload = await call('PUT', '/v1/datasets/credit-g', trainCsv);
    expect(upload.status).toBe(201);
    const dataset = await json(upload);
    expect(dataset).toMatchObject({ name: 'credit-g', version: 1, rows: 750 });
    expect(dataset.columns.find((c: { name: string }) => c.name === 'duration').type).toBe('numeric');
    expect(dataset.columns.find((c: { name: string }) => c.name === 'purpose').type).toBe('categorical');

    const created = await call('POST', '/v1/jobs', { dataset: 'credit-g', target: 'class', budget: { trials: 5, seconds: 120 }, model: 'credit-risk', seed: 3 });
    expect(created.status).toBe(202);
    const { id } = await json(created);

    const job = await waitForJob(id);
    expect(job.status).toBe('succeeded');
    expect(job.task).toBe('binary');
    expect(job.metric).toBe('roc_auc');
    expect(job.progress.trials_done + job.progress.trials_failed).toBe(5);
    expect(job.progress.trials_done).toBe(5);
    // The portfolio's first five families each produced a result, and the leaderboard is sorted best first.
    const trialsOnly = job.leaderboard.filter((t: { trial_id: string }) => t.trial_id !== 'ensemble');
    expect(new Set(trialsOnly.map((t: { family: string }) => t.family))).toEqual(new Set(['gbdt', 'random_forest', 'linear', 'extra_trees', 'mlp']));
    // The end-of-search ensemble ran over the trials' out-of-fold predictions and either won or stood aside.
    expect(['complete', 'skipped']).toContain(job.ensemble.status);
    if (job.ensemble.status === 'complete') {
      expect(job.ensemble.members.length).toBeGreaterThan(1);
      expect(job.best.family).toBe('ensemble');
    }
    // The best trial's score without the optimism of picking it among five: no higher than its own out-of-fold score.
    const bestTrial = Math.max(...trialsOnly.map((t: { score: number }) => t.score));
    expect(job.best_estimate).toMatchObject({ method: 'bootstrap_bias_corrected_cv', candidates: 5, rows: 750, bootstraps: expect.any(Number) });
    expect(job.best_estimate.score).toBeLessThanOrEqual(bestTrial);
    expect(job.best_estimate.score).toBeGreaterThan(0.7);
    expect(job.best_estimate.interval[0]).toBeLessThan(job.best_estimate.score);
    expect(job.best_estimate.interval[1]).toBeGreaterThan(job.best_estimate.score);
    const scores = job.leaderboard.map((t: { score: number }) => t.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(job.model).toEqual({ name: 'credit-risk', version: 1 });

    const rows = csvObjects(testCsv);
    const truth = rows.map((r) => r.class);
    const features = rows.map(({ class: _c, ...rest }) => rest);
    const predicted = await call('POST', '/v1/models/credit-risk/predict', { rows: features });
    expect(predicted.status).toBe(200);
    const body = await json(predicted);
    expect(body.model).toEqual({ name: 'credit-risk', version: 1 });
    expect(body.predictions).toHaveLength(250);
    for (const p of body.probabilities) expect(p.bad + p.good).toBeCloseTo(1, 5);
    const y = Float32Array.from(truth, (t) => (t === 'good' ? 1 : 0));
    const auc = METRICS.roc_auc.score(y, Float32Array.from(body.probabilities, (p: { good: number }) => p.good), 2);
    console.log(`credit-g held-out ROC AUC ${auc.toFixed(4)} (best trial ${job.best.family}, cv ${job.best.score.toFixed(4)})`);
    expect(auc).toBeGreaterThanOrEqual(0.75);

    const model = await json(await call('GET', '/v1/models/credit-risk'));
    expect(model).toMatchObject({ name: 'credit-risk', task: 'binary', target: 'class', champion_version: 1, classes: ['bad', 'good'] });
    expect(model.versions[0].job_id).toBe(id);
    expect(model.features.map((f: { name: string }) => f.name)).toContain('duration');
    expect(model.image).toBeUndefined();

    const trials = await json(await call('GET', `/v1/jobs/${id}/trials`));
    expect(trials.trials).toHaveLength(5);
    const list = await json(await call('GET', '/v1/jobs'));
    expect(list.jobs[0]).toMatchObject({ id, status: 'succeeded' });
  });
});
