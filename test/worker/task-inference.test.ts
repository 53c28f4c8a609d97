/**
 * What a job without a `task` becomes, in workerd: a dataset made from a zip of images trains an image
 * job (the CNN families), and a regression on rows that look like one time series says that random folds
 * flatter it for forecasting.
 */
import { encode as encodePng } from 'fast-png';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import trainCsv from '../../examples/airpassengers/train.csv?raw';
import { call, json, waitForJob } from './helpers';

/** A 6x6 gray PNG: a bright square on dark for "square", a bright bar for "bar", shifted by `k`. */
function shapePng(kind: 'square' | 'bar', k: number): Uint8Array {
  const data = new Uint8Array(36);
  for (let r = 0; r < 6; r++) {
    for (let c = 0; c < 6; c++) {
      const on = kind === 'square' ? r >= 1 && r <= 3 && c >= 1 + (k % 2) && c <= 3 + (k % 2) : c === 2 + (k % 3);
      data[r * 6 + c] = on ? 200 + (k % 40) : 20 + ((r + c + k) % 9);
    }
  }
  return encodePng({ width: 6, height: 6, channels: 1, depth: 8, data });
}

describe('a job without a task', () => {
  it('on a zip of images is an image job', async () => {
    const files: Record<string, Uint8Array> = {};
    for (let k = 0; k < 12; k++) {
      files[`shapes/square/${k}.png`] = shapePng('square', k);
      files[`shapes/bar/${k}.png`] = shapePng('bar', k);
    }
    expect((await call('PUT', '/v1/datasets/shapes', zipSync(files), { 'content-type': 'application/zip' })).status).toBe(201);
    const created = await call('POST', '/v1/jobs', { dataset: 'shapes', target: 'label', models: ['linear'], budget: { trials: 1 } });
    expect(created.status).toBe(202);
    const job = await waitForJob((await json(created)).id);
    expect(job.status).toBe('succeeded');
    expect({ task: job.task, learning_task: job.learning_task }).toEqual({ task: 'image', learning_task: 'binary' });
    // Served as an image model: it takes an image, scaled from 0..255.
    const model = await json(await call('GET', `/v1/models/${job.model.name}`));
    expect(model.image).toMatchObject({ height: 6, width: 6, channels: 1 });
    // A table task asked for by name is still a table job (published apart: it would not take the image model's images).
    const table = await json(await call('POST', '/v1/jobs', { dataset: 'shapes', target: 'label', task: 'binary', models: ['linear'], budget: { trials: 1 }, model: 'shapes-table' }));
    expect((await waitForJob(table.id)).task).toBe('binary');
  });

  it('on rows that look like one time series warns that random folds flatter a forecast', async () => {
    expect((await call('PUT', '/v1/datasets/air-rows', trainCsv)).status).toBe(201);
    const created = await json(await call('POST', '/v1/jobs', { dataset: 'air-rows', target: 'passengers_thousands', models: ['linear'], budget: { trials: 1 } }));
    expect(created.warnings).toEqual([
      '"date" holds a distinct time on every row, like one time series: this job validates on random folds, where models learn from rows later than those they are scored on; to forecast ahead, ask for "task": "forecast"',
    ]);
    // Asked for by name, a regression is taken as meant (published under its own name: two unfinished jobs
    // publishing to one model are warned of, which is not what this asserts).
    const asked = await json(await call('POST', '/v1/jobs', { dataset: 'air-rows', target: 'passengers_thousands', task: 'regression', models: ['linear'], budget: { trials: 1 }, model: 'air-rows-regression' }));
    expect(asked.warnings).toBeUndefined();
    await waitForJob(created.id);
    await waitForJob(asked.id);
  });
});
