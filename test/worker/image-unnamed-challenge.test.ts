/**
 * A job started by hand with `"challenge"` over an image model trained on pixel columns not named px_*
 * (an image job given its shape read p0..p63 in file order), inside workerd. As a scheduled retraining
 * does (worker/retrain), the challenger takes the champion's image: its shape, read from the same columns,
 * its pixel range and its flips, when the request leaves `image` (and `task`) out, since nothing in the
 * columns' names tells the shape and a challenger must take the champion's inputs; what the request gives
 * wins, except a shape of other sides, which is refused naming the field. Data whose pixels are another
 * grid or other columns is refused too, by hand or on a schedule (the run is skipped saying why): a
 * challenger that won would refuse what the champion's clients send.
 */
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import trainCsv from '../../examples/digits/train.csv?raw';
import { firstRows } from './helpers';
import { expectError, jsonOf, scheduledTick, send, tenantKey, waitJob } from './tenant';

const TENANT = 'unnamed-challenge';
let key = '';

/** The digits CSV with its 8x8 px_r{r}_c{c} columns renamed as a 4x16 grid: the same values, another image. */
const wideNames = (csv: string) => {
  const [header, ...rest] = csv.split('\n');
  let k = 0;
  return [header.split(',').map((n) => (n.startsWith('px_') ? `px_r${Math.floor(k / 16)}_c${k++ % 16}` : n)).join(','), ...rest].join('\n');
};

/** The digits CSV with its px_r{r}_c{c} columns renamed p0..p63 (file order is row-major), the target kept. */
const plainNames = (csv: string) => {
  const [header, ...rest] = csv.split('\n');
  let k = 0;
  return [header.split(',').map((n) => (n.startsWith('px_') ? `p${k++}` : n)).join(','), ...rest].join('\n');
};

const job = (body: Record<string, unknown>) => send({ method: 'POST', path: '/v1/jobs', key, body: { dataset: 'plain', target: 'digit', model: 'mirror', models: ['linear'], budget: { trials: 1 }, seed: 3, ...body } });
const imageOf = async (jobId: string) => (await env.SEARCH.getByName(`${TENANT}/${jobId}`).retrainBasis('t0000'))?.config.image;

async function finished(res: Response): Promise<Record<string, any>> {
  expect(res.status, await res.clone().text()).toBe(202);
  const done = await waitJob((await jsonOf(res)).id, key, 300_000);
  expect(done.status).toBe('succeeded');
  return done;
}

describe('a challenge by hand of an image model read from columns not named px_*', () => {
  beforeAll(async () => {
    key = await tenantKey(TENANT, 'k');
    expect((await send({ method: 'PUT', path: '/v1/datasets/plain', key, body: plainNames(firstRows(trainCsv, 200)), contentType: 'text/csv' })).status).toBe(201);
    // The champion: 8x8 with a pixel range and flips of its own (the data's top is 16).
    await finished(await job({ task: 'image', image: { height: 8, width: 8, max_value: 20, flip_invariant: true } }));
  }, 300_000);

  it("takes the champion's shape, columns, pixel range and flips when the request gives no image (nor task)", async () => {
    const challenger = await finished(await job({ challenge: true }));
    expect(challenger.task).toBe('image');
    expect(challenger.challenge).toMatchObject({ status: 'complete', champion_version: 1 });
    const image = await imageOf(challenger.id);
    expect(image).toMatchObject({ height: 8, width: 8, channels: 1, maxValue: 20, flipInvariant: true });
    expect(image?.columnNames).toEqual(Array.from({ length: 64 }, (_, i) => `p${i}`));
  }, 300_000);

  it('keeps what the request gives, and refuses a shape of other sides naming the field', async () => {
    const started = await job({ task: 'image', image: { max_value: 16, flip_invariant: false }, challenge: true });
    expect(started.status, await started.clone().text()).toBe(202);
    const { id } = await jsonOf(started);
    const image = await imageOf(id);
    expect(image).toMatchObject({ height: 8, width: 8, maxValue: 16 });
    expect(image?.flipInvariant).toBeUndefined();
    await waitJob(id, key, 300_000);

    const other = await expectError(await job({ task: 'image', image: { height: 4, width: 16 }, challenge: true }), 400, 'invalid_request');
    expect(other.details).toMatchObject({ field: 'image.height' });
    expect(other.message).toMatch(/champion v\d+ of model "mirror" reads 8x8x1 images/);
  }, 300_000);

  it('refuses data whose pixel columns are named otherwise than the champion read them, naming the first', async () => {
    const renamed = plainNames(firstRows(trainCsv, 60)).replace(/^[^\n]*/, (header) => header.replace(/\bp(\d+)\b/g, 'q$1'));
    expect((await send({ method: 'PUT', path: '/v1/datasets/renamed', key, body: renamed, contentType: 'text/csv' })).status).toBe(201);
    const refused = await expectError(await job({ dataset: 'renamed', challenge: true }), 400, 'invalid_dataset');
    expect(refused.details).toMatchObject({ field: 'dataset', column: 'q0', champion_column: 'p0' });
    expect(refused.message).toMatch(/reads its 64 pixels from the columns "p0" to "p63", and this job's data has "q0" where it reads "p0"/);
  });

  it('refuses a px_* grid of other sides than the champion read, by hand and on a schedule', async () => {
    const upload = async (csv: string) => expect((await send({ method: 'PUT', path: '/v1/datasets/digits', key, body: csv, contentType: 'text/csv' })).status).toBe(201);
    await upload(firstRows(trainCsv, 100));
    await finished(await job({ dataset: 'digits', model: 'digits', task: 'image' }));
    const set = await send({ method: 'PUT', path: '/v1/models/digits/schedule', key, body: { every: '1d', dataset: 'digits', budget: { trials: 1 } } });
    expect(set.status, await set.clone().text()).toBe(200);
    await upload(wideNames(firstRows(trainCsv, 120)));

    const refused = await expectError(await job({ dataset: 'digits', model: 'digits', challenge: true }), 400, 'invalid_request');
    expect(refused.details).toMatchObject({ field: 'dataset', champion: { height: 8, width: 8, channels: 1 } });
    expect(refused.message).toMatch(/^image: champion v1 of model "digits" reads 8x8x1 images \(height x width x channels\), and this job's would read 4x16x1/);

    await scheduledTick(Date.parse((await jsonOf(set)).next_due_at) + 60_000);
    const run = (await jsonOf(await send({ method: 'GET', path: '/v1/models/digits/schedule', key }))).runs[0];
    expect(run).toMatchObject({ status: 'skipped', job_id: null });
    expect(run.reason).toMatch(/reads 8x8x1 images \(height x width x channels\), and this job's would read 4x16x1/);
  }, 300_000);
});
