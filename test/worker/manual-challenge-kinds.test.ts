/**
 * Forecast and image jobs started by hand with `"challenge"`, inside workerd, compared with the champion as
 * their scheduled retraining is: a forecast job holds out the latest horizon of every series (a challenger
 * that learned a new seasonal swing is promoted; one on a series too short to hold it out from is refused,
 * saying why), an image job holds out half of the images appended since the champion's data.
 */
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import trainCsv from '../../examples/digits/train.csv?raw';
import { firstRows } from './helpers';
import { expectError, jsonOf, send, tenantKey, waitJob } from './tenant';
import { monthly, seasonal, trend } from './monthly-sales';

const TENANT = 'manual-challenge-kinds';
let key = '';

const upload = async (name: string, csv: string) => expect((await send({ method: 'PUT', path: `/v1/datasets/${name}`, key, body: csv, contentType: 'text/csv' })).status).toBe(201);
const forecastJob = (body: Record<string, unknown>) => send({ method: 'POST', path: '/v1/jobs', key, body: { target: 'sales', task: 'forecast', forecast: { horizon: 6 }, models: ['linear'], budget: { trials: 2 }, seed: 3, ...body } });
const describeModel = async (model: string) => jsonOf(await send({ method: 'GET', path: `/v1/models/${model}`, key }));

async function finished(res: Response): Promise<Record<string, any>> {
  expect(res.status, await res.clone().text()).toBe(202);
  const job = await waitJob((await jsonOf(res)).id, key, 300_000);
  expect(job.status).toBe('succeeded');
  return job;
}

describe('forecast and image jobs that challenge the champion', () => {
  beforeAll(async () => {
    key = await tenantKey(TENANT, 'k');
  });

  it("holds out a forecast's latest points and promotes a challenger that forecasts them better", async () => {
    await upload('shop', monthly(72, trend));
    await finished(await forecastJob({ dataset: 'shop', model: 'shop' }));
    await upload('shop', monthly(108, seasonal));
    const job = await finished(await forecastJob({ dataset: 'shop', model: 'shop', budget: { trials: 3 }, challenge: true }));
    // Six held-out months (the horizon); the champion (a trend learned before the swing) misses them.
    expect(job.challenge).toMatchObject({ status: 'complete', promoted: true, holdout_from: 'latest_points', holdout_rows: 6, champion_version: 1 });
    expect(job.challenge.challenger_score).toBeLessThan(job.challenge.champion_score / 2);
    const basis = await env.SEARCH.getByName(`${TENANT}/${job.id}`).retrainBasis('t0000');
    expect(basis?.config.forecast).toMatchObject({ horizon: 6, length: 102, holdout_points: 6 });
    const model = await describeModel('shop');
    expect(model.champion_version).toBe(2);
    expect(model.history.at(-1)).toMatchObject({ kind: 'published', version: 2, job_id: job.id, comparison: { metric: 'rmse', promoted: true, holdout_rows: 6 } });
  }, 200_000);

  it('refuses a forecast challenge whose series is too short to hold out the horizon from', async () => {
    await upload('short', monthly(50, trend));
    await finished(await forecastJob({ dataset: 'short', model: 'short' }));
    const refused = await expectError(await forecastJob({ dataset: 'short', model: 'short', challenge: true }), 400, 'invalid_dataset');
    expect(refused.message).toMatch(/^a forecast job with "challenge" holds out the latest 6 points of every series to compare with the champion/);
    expect((await describeModel('short')).versions).toHaveLength(1);
  }, 120_000);

  it('holds out half of the images appended since the champion\'s data, and records the decision', async () => {
    await upload('digits', firstRows(trainCsv, 300));
    const imageJob = (challenge?: unknown) =>
      send({ method: 'POST', path: '/v1/jobs', key, body: { dataset: 'digits', target: 'digit', task: 'image', model: 'digits', models: ['linear'], budget: { trials: 1 }, seed: 3, ...(challenge ? { challenge } : {}) } });
    await finished(await imageJob());
    const [header, ...lines] = trainCsv.trim().split(/\r?\n/);
    expect((await send({ method: 'POST', path: '/v1/datasets/digits/rows', key, body: [header, ...lines.slice(300, 400)].join('\n'), contentType: 'text/csv' })).status).toBe(201);
    const job = await finished(await imageJob(true));
    expect(job.task).toBe('image');
    expect(job.challenge).toMatchObject({ status: 'complete', holdout_from: 'new_rows', champion_version: 1 });
    expect(Math.abs(job.challenge.holdout_rows - 50)).toBeLessThanOrEqual(5);
    // Whichever wins, the decision is the model's: its champion and its history agree with the job's view.
    const model = await describeModel('digits');
    expect(model.champion_version).toBe(job.challenge.promoted ? 2 : 1);
    expect(model.history.at(-1)).toMatchObject({ kind: job.challenge.promoted ? 'published' : 'challenger_kept', version: 2, comparison: { promoted: job.challenge.promoted } });
  }, 300_000);
});
