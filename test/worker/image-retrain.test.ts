/**
 * Scheduled retraining of an image model inside workerd. An image job's config records the classification
 * its trials learn; the retraining job must be an image job again (a table job refuses the CNN family,
 * which skipped every run) and keep the champion's pixel range, so image files sent to predict still scale
 * to what the model learned on. Ticks go straight to the Worker's scheduled handler.
 */
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import trainCsv from '../../examples/digits/train.csv?raw';
import { firstRows } from './helpers';
import { jsonOf, scheduledTick, send, tenantKey, waitJob } from './tenant';

const TENANT = 'img-retrain';
const MIN = 60_000;
let key = '';

const upload = async (csv: string) => expect((await send({ method: 'PUT', path: '/v1/datasets/digits', key, body: csv, contentType: 'text/csv' })).status).toBe(201);

describe('scheduled retraining of image models', () => {
  beforeAll(async () => {
    key = await tenantKey(TENANT, 'k');
  });

  it('retrains as an image job with the CNN family and keeps the pixel range', async () => {
    await upload(firstRows(trainCsv, 300));
    const created = await send({ method: 'POST', path: '/v1/jobs', key, body: { dataset: 'digits', target: 'digit', task: 'image', model: 'digits', models: ['linear', 'cnn'], budget: { trials: 2 }, seed: 3 } });
    expect(created.status).toBe(202);
    expect((await waitJob((await jsonOf(created)).id, key, 300_000)).status).toBe('succeeded');
    await upload(firstRows(trainCsv, 400));

    const set = await send({ method: 'PUT', path: '/v1/models/digits/schedule', key, body: { every: '1d', dataset: 'digits', budget: { trials: 2 } } });
    expect(set.status, await set.clone().text()).toBe(200);
    await scheduledTick(Date.parse((await jsonOf(set)).next_due_at) + MIN);
    const run = (await jsonOf(await send({ method: 'GET', path: '/v1/models/digits/schedule', key }))).runs[0];
    expect(run, JSON.stringify(run)).toMatchObject({ status: 'started' });
    const retrain = await waitJob(run.job_id, key, 300_000);
    expect(retrain.status).toBe('succeeded');
    expect(retrain.challenge).toMatchObject({ status: 'complete', champion_version: 1 });

    // The retraining job is an image job: the pixel layout, the CSV's 0..16 range and both families.
    const basis = await env.SEARCH.getByName(`${TENANT}/${retrain.id}`).retrainBasis('t0000');
    expect(basis?.config.image).toEqual({ height: 8, width: 8, channels: 1, maxValue: 16 });
    expect([...(basis?.config.families ?? [])].sort()).toEqual(['cnn', 'linear']);
    const trials = (await jsonOf(await send({ method: 'GET', path: `/v1/jobs/${retrain.id}/trials`, key }))).trials as { family: string; status: string }[];
    expect(trials.filter((t) => t.status === 'failed')).toEqual([]);
    expect((await jsonOf(await send({ method: 'GET', path: '/v1/models/digits', key }))).image).toEqual({ height: 8, width: 8, channels: 1, max_value: 16 });
  }, 600_000);
});
