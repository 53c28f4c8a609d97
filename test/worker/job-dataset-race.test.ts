/**
 * A dataset deleted while a job on it is being created: the deletion finds no job training on it yet (the
 * job is recorded last), so it goes ahead, and the job must then be refused at once (404) rather than
 * created, handed off and failed later by trials that find no data. The dataset's deletion and the job's
 * record are each one step of the Registry, so exactly one of the two wins.
 */
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { expectError, jsonOf, send, SMALL_CSV, tenantKey } from './tenant';

const TENANT = 'job-dataset-race';

describe('a dataset deleted while a job on it is created', () => {
  it('refuses the job with 404 dataset_not_found and records nothing', async () => {
    const key = await tenantKey(TENANT, 'race');
    const registry = env.REGISTRY.getByName(TENANT);
    expect((await send({ method: 'PUT', path: '/v1/datasets/fleeting', body: SMALL_CSV, contentType: 'text/csv', key })).status).toBe(201);
    const dataKey = (await registry.getDataset('fleeting'))!.data_key;
    let deleted = 0;
    /** The store as job creation sees it: the dataset is deleted as its rows are read. */
    const deletingOnRead = new Proxy(env.STORE, {
      get(target, prop) {
        if (prop === 'get') {
          return async (k: string, options?: R2GetOptions) => {
            const object = await target.get(k, options);
            if (k === dataKey && deleted === 0) {
              deleted++;
              expect((await send({ method: 'DELETE', path: '/v1/datasets/fleeting', key })).status).toBe(204);
            }
            return object;
          };
        }
        const value = Reflect.get(target, prop);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const res = await send({ method: 'POST', path: '/v1/jobs', body: { dataset: 'fleeting', target: 'label', models: ['linear'], budget: { trials: 1 } }, key }, { ...env, STORE: deletingOnRead });
    expect(deleted).toBe(1);
    const body = await expectError(res, 404, 'dataset_not_found');
    expect(body.message).toContain('deleted while this job was being created');
    expect(body.details).toEqual({ dataset: 'fleeting' });
    // No job was recorded, so none holds a slot or shows in the list.
    expect((await jsonOf(await send({ method: 'GET', path: '/v1/jobs', key }))).jobs).toEqual([]);
  });

  it('still creates the job (202) when the dataset is not deleted, and then refuses the deletion (409)', async () => {
    const key = await tenantKey(TENANT, 'calm');
    expect((await send({ method: 'PUT', path: '/v1/datasets/staying', body: SMALL_CSV, contentType: 'text/csv', key })).status).toBe(201);
    const created = await send({ method: 'POST', path: '/v1/jobs', body: { dataset: 'staying', target: 'label', models: ['linear'], budget: { trials: 1 } }, key });
    expect(created.status).toBe(202);
    await expectError(await send({ method: 'DELETE', path: '/v1/datasets/staying', key }), 409, 'dataset_in_use');
  });
});
