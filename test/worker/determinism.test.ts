/**
 * Determinism through the real queue and coordinator: the same seed and a trial-count budget (one trial
 * in flight at a time) give the same trials, the same scores and the same final model's predictions.
 */
import { describe, expect, it } from 'vitest';
import trainCsv from '../../examples/credit-g/train.csv?raw';
import { call, csvObjects, json, waitForJob } from './helpers';

async function runJob(model: string): Promise<{ trials: Record<string, unknown>[]; predictions: unknown }> {
  const { id } = await json(
    await call('POST', '/v1/jobs', { dataset: 'credit', target: 'class', budget: { trials: 6 }, models: ['gbdt', 'linear', 'random_forest'], seed: 11, parallelism: 1, model }),
  );
  const job = await waitForJob(id);
  expect(job.status).toBe('succeeded');
  const { trials } = await json(await call('GET', `/v1/jobs/${id}/trials`));
  const rows = csvObjects(trainCsv).slice(0, 20).map(({ class: _c, ...rest }) => rest);
  const predicted = await json(await call('POST', `/v1/models/${model}/predict`, { rows }));
  return { trials: trials.map((t: Record<string, unknown>) => ({ id: t.trial_id, family: t.family, params: t.params, score: t.score })), predictions: predicted.probabilities };
}

describe('determinism', () => {
  it('same seed and trial budget → same trials and same final model', async () => {
    expect((await call('PUT', '/v1/datasets/credit', trainCsv)).status).toBe(201);
    const a = await runJob('first');
    const b = await runJob('second');
    expect(a.trials).toHaveLength(6);
    expect(b.trials).toEqual(a.trials);
    expect(b.predictions).toEqual(a.predictions);
    // After the portfolio, the sampler explored (not six copies of the defaults).
    expect(new Set(a.trials.map((t) => JSON.stringify(t.params))).size).toBe(6);
  });
});
