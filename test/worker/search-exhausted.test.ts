/**
 * A search that has tried every configuration its families allow ends instead of repeating them
 * (engine/search/samplers/unseen, durable/trial-launch): a forecast job of the two baselines runs each
 * once and finishes long before its 120-s budget, saying why; ets runs each of its 18 structures once.
 * The op is journaled, so a replay ends the same way.
 */
import { describe, expect, it } from 'vitest';
import trainCsv from '../../examples/airpassengers/train.csv?raw';
import { call, json, waitForJob } from './helpers';

const TARGET = 'passengers_thousands';

async function finishedJob(body: Record<string, unknown>): Promise<{ job: Record<string, any>; trials: { family: string; params: Record<string, unknown>; status: string }[] }> {
  const created = await call('POST', '/v1/jobs', { dataset: 'air-exhausted', target: TARGET, task: 'forecast', forecast: { horizon: 12 }, ...body });
  expect(created.status).toBe(202);
  const job = await waitForJob((await json(created)).id, 100_000);
  const trials = (await json(await call('GET', `/v1/jobs/${job.id}/trials`))).trials;
  return { job, trials };
}

describe('a search that runs out of configurations', () => {
  it('runs each baseline once and ends before its time budget, saying why', async () => {
    expect((await call('PUT', '/v1/datasets/air-exhausted', trainCsv)).status).toBe(201);
    const { job, trials } = await finishedJob({ models: ['seasonal_naive', 'drift'], budget: { seconds: 120 }, parallelism: 2, model: 'air-baselines' });
    expect(job.status).toBe('succeeded');
    expect(trials.map((t) => t.family).sort()).toEqual(['drift', 'seasonal_naive']);
    // Well within the budget: it did not wait out 120 s for trials it could not propose.
    expect(job.progress.elapsed_ms).toBeLessThan(30_000);
    expect(job.warnings).toContainEqual(
      expect.stringMatching(/^the search tried all 2 configurations its families \(seasonal_naive, drift\) allow, after \d+\.\d s, and ended without spending the rest of its budget \(120 s\)/),
    );
    expect(job.model).toMatchObject({ name: 'air-baselines', version: 1 });
  });

  it('tries each ets structure once within a budget of trials that could have repeated them', async () => {
    const { job, trials } = await finishedJob({ models: ['ets'], budget: { trials: 40 }, seed: 4, model: 'air-ets' });
    expect(job.status).toBe('succeeded');
    const keys = trials.map((t) => JSON.stringify(Object.entries(t.params).sort()));
    // transform (none, log, Box-Cox) x trend (none, additive, damped) x season or not.
    expect(keys).toHaveLength(18);
    expect(new Set(keys).size).toBe(18);
    expect(job.warnings).toContainEqual(expect.stringContaining('the search tried all 18 configurations its families (ets) allow'));
    expect(job.warnings.join('\n')).toContain('(40 trials)');
  });
});
