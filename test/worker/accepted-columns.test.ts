/**
 * A model retrained on data without a column its champion accepted but never read (an identifier the
 * upload dropped, a column its job ignored) keeps accepting it in predict rows: the champion's clients
 * send it, and the new champion refused each such row as an unknown column. Carried on through a second
 * retraining, whose champion's own data no longer has the column either. A misspelt column is still
 * refused. Fails without the change (worker/accepted-columns).
 */
import { describe, expect, it } from 'vitest';
import { call, json, waitForJob } from './helpers';

/** Rows of a binary class from two measurements, with a customer id (unique: dropped as an identifier) and a note column. */
function table(n: number, withIds: boolean): string {
  const rows = Array.from({ length: n }, (_, i) => {
    const positive = i % 3 === 0;
    const cells = [String((i * 7) % 6), String((positive ? 140 : 110) + ((i * 13) % 30)), i % 2 ? 'web' : 'shop', positive ? 'yes' : 'no'];
    return (withIds ? [`C${10_000 + i}`, ...cells] : cells).join(',');
  });
  return `${withIds ? 'customer_id,' : ''}visits,spend,channel,churned\n${rows.join('\n')}\n`;
}

async function train(dataset: string, extra: Record<string, unknown> = {}): Promise<Record<string, any>> {
  const res = await call('POST', '/v1/jobs', { dataset, target: 'churned', model: 'keep-cols', models: ['linear'], budget: { trials: 1 }, ...extra });
  expect(res.status).toBe(202);
  const job = await waitForJob((await json(res)).id);
  expect(job.status).toBe('succeeded');
  return job;
}

const clientRow = { customer_id: 'C99999', visits: 3, spend: 150, channel: 'web' };

describe('columns a champion accepts', () => {
  it('are accepted by the models retrained on data without them', async () => {
    expect((await call('PUT', '/v1/datasets/with-ids', table(90, true))).status).toBe(201);
    // The champion ignores channel and drops customer_id: it reads neither, and accepts both.
    await train('with-ids', { columns: { channel: 'ignore' } });
    const first = await json(await call('POST', '/v1/models/keep-cols/predict', { rows: [clientRow] }));
    expect(first.predictions).toHaveLength(1);

    // The next export has no customer_id; the job's result is the new champion.
    expect((await call('PUT', '/v1/datasets/no-ids', table(90, false))).status).toBe(201);
    await train('no-ids');
    const model = await json(await call('GET', '/v1/models/keep-cols'));
    expect(model.champion_version).toBe(2);
    // Pinned to the version, so no cached predictor of the previous champion can answer.
    const second = await call('POST', '/v1/models/keep-cols/predict', { rows: [clientRow], version: 2 });
    expect(await second.json()).toMatchObject({ model: { version: 2 } });

    // A third version on data without the column keeps it too (its champion's own data lacks it).
    await train('no-ids');
    expect((await json(await call('GET', '/v1/models/keep-cols'))).champion_version).toBe(3);
    expect(await json(await call('POST', '/v1/models/keep-cols/predict', { rows: [clientRow], version: 3 }))).toMatchObject({ model: { version: 3 } });

    // A column no version had is still refused, naming it.
    const typo = await json(await call('POST', '/v1/models/keep-cols/predict', { rows: [{ ...clientRow, custmer_id: 'x' }] }));
    expect(typo.error).toMatchObject({ code: 'invalid_input', details: { row: 0, column: 'custmer_id' } });
  });

  it('are accepted after the champion\'s own data was deleted', async () => {
    expect((await call('PUT', '/v1/datasets/ids-deleted', table(90, true))).status).toBe(201);
    await train('ids-deleted', { model: 'keep-cols-deleted' });
    expect((await call('DELETE', '/v1/datasets/ids-deleted')).status).toBe(204);
    expect((await call('PUT', '/v1/datasets/no-ids-after', table(90, false))).status).toBe(201);
    await train('no-ids-after', { model: 'keep-cols-deleted' });
    expect((await json(await call('GET', '/v1/models/keep-cols-deleted'))).champion_version).toBe(2);
    expect(await json(await call('POST', '/v1/models/keep-cols-deleted/predict', { rows: [clientRow], version: 2 }))).toMatchObject({ model: { version: 2 } });
  });
});
