/**
 * A small forecast job as several workerd tests run it: seasonal naive and linear, three trials, published
 * as its own model, then asked for points with their history.
 */
import { expect } from 'vitest';
import { call, json, waitForJob } from './helpers';

/**
 * Trains a forecast job on dataset `dataset` (target `target`, `forecast` settings) published as model
 * `model`, and asks it for `horizon` points with their history: the finished job, the model view and the
 * forecast answer.
 */
export async function trainAndForecast(o: { dataset: string; model: string; target: string; horizon: number; forecast?: Record<string, unknown> }) {
  const created = await call('POST', '/v1/jobs', {
    dataset: o.dataset,
    target: o.target,
    task: 'forecast',
    models: ['seasonal_naive', 'linear'],
    budget: { trials: 3 },
    model: o.model,
    ...(o.forecast ? { forecast: o.forecast } : {}),
  });
  expect(created.status).toBe(202);
  const job = await waitForJob((await json(created)).id);
  expect(job.status).toBe('succeeded');
  const model = await json(await call('GET', `/v1/models/${o.model}`));
  const body = await json(await call('POST', `/v1/models/${o.model}/forecast`, { horizon: o.horizon, history: true }));
  return { job, model, body };
}
