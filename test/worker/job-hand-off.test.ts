/**
 * A job's creation when its hand-off fails, with the real Worker, Registry and coordinators: the trial
 * queue refusing the coordinator's first messages (the job starts, its alarm armed, and the trial is sent
 * again once its claim window runs out), and the coordinator failing its start before or after it
 * journaled the job (a 503 job_not_started leaving no job row behind, or a 202 for the job that runs).
 */
import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import type { SearchCoordinator } from '../../src/durable/search-coordinator';
import type { TrialMessage } from '../../src/durable/protocol';
import { coordinatorFor } from '../../src/worker/coordinator';
import type { CreateJobBody } from '../../src/worker/schemas';
import { startJob } from '../../src/worker/start-job';
import { detachedJobConfig } from '../fixtures/job-config';
import { expectError, jsonOf, send, SMALL_CSV, tenantKey } from './tenant';

/** A trial queue whose sends throw, as when Queues is unreachable; `sent` counts the attempts. */
function refusingQueue(): { queue: Queue<TrialMessage>; attempts: () => number } {
  let attempts = 0;
  const fail = async () => {
    attempts++;
    throw new Error('injected fault: the queue is unreachable');
  };
  return { queue: { send: fail, sendBatch: fail } as unknown as Queue<TrialMessage>, attempts: () => attempts };
}

type Internals = { env: Env; host: { env: Env }; state: { trials: Map<string, { lease_until: number; resends?: number }> } };

/** Gives the coordinator behind `stub` other bindings (both the object's and its host's copy). */
async function rebind(stub: DurableObjectStub<SearchCoordinator>, bindings: Env): Promise<void> {
  await runInDurableObject(stub, (instance: SearchCoordinator) => {
    const inner = instance as unknown as Internals;
    inner.env = bindings;
    inner.host.env = bindings;
  });
}

/**
 * The real coordinators, except that `start` of a job created through this binding runs `onStart` (which
 * may call the real start, then throw) and `view` may be made to throw.
 */
function faultySearch(onStart: (real: () => Promise<unknown>) => Promise<unknown>, viewThrows = false): DurableObjectNamespace<SearchCoordinator> {
  const real = env.SEARCH;
  return new Proxy(real, {
    get(target, prop) {
      if (prop !== 'getByName') {
        const value = Reflect.get(target, prop);
        return typeof value === 'function' ? value.bind(target) : value;
      }
      return (name: string) => {
        const stub = target.getByName(name);
        return new Proxy(stub, {
          get(s, p) {
            if (p === 'start') return (config: unknown) => onStart(() => (s.start as (c: unknown) => Promise<unknown>)(config));
            if (p === 'view' && viewThrows) {
              return async () => {
                throw new Error('injected fault: the coordinator is unreachable');
              };
            }
            // An RPC stub's methods are remote: called on the stub, never bound (bind itself would be remote).
            return (...args: unknown[]) => (s as unknown as Record<PropertyKey, (...a: unknown[]) => unknown>)[p](...args);
          },
        });
      };
    },
  });
}

const failing = async (): Promise<unknown> => {
  throw new Error('injected fault: the coordinator was reset');
};

describe('a job whose hand-off fails', () => {
  it('starts when the queue refuses its first trial message: the alarm is armed and the trial is sent again after its claim window', async () => {
    const stub = env.SEARCH.getByName('test-only/queue-down');
    const down = refusingQueue();
    await rebind(stub, { ...env, TRIALS: down.queue });
    const view = await stub.start(detachedJobConfig('queue-down', { lease_ms: 600_000, budget: { seconds: 600, trials: 1 } }));
    expect(down.attempts()).toBe(1);
    expect(view.status).toBe('running');
    expect(view.progress).toMatchObject({ trials_running: 1, trials_failed: 0 });
    expect(await runInDurableObject(stub, (_i, state) => state.storage.getAlarm())).not.toBeNull();
    // The queue is back; the claim window (30 s) is made to have passed, as if the message was lost.
    await rebind(stub, env);
    await runInDurableObject(stub, (instance: SearchCoordinator) => {
      (instance as unknown as Internals).state.trials.get('t0000')!.lease_until = 0;
    });
    await runDurableObjectAlarm(stub);
    expect((await stub.view())?.progress).toMatchObject({ trials_running: 1, trials_failed: 0 });
    expect(await runInDurableObject(stub, (instance: SearchCoordinator) => (instance as unknown as Internals).state.trials.get('t0000')!.resends)).toBe(1);
    expect(await stub.claim('t0000')).not.toBeNull();
  });

  it('answers 503 job_not_started when the coordinator never took the job, leaving no job row, and the same request then succeeds', async () => {
    const key = await tenantKey('hand-off-none', 'hand-off');
    expect((await send({ method: 'PUT', path: '/v1/datasets/small', body: SMALL_CSV, contentType: 'text/csv', key })).status).toBe(201);
    const request = { method: 'POST', path: '/v1/jobs', body: { dataset: 'small', target: 'label', models: ['linear'], budget: { trials: 1 } }, key };
    const res = await send(request, { ...env, SEARCH: faultySearch(failing) });
    expect(res.headers.get('retry-after')).toBe('5');
    const err = await expectError(res, 503, 'job_not_started');
    expect(err.message).toContain('send the request again');
    expect(JSON.stringify(err)).not.toContain('injected fault');
    expect((await jsonOf(await send({ method: 'GET', path: '/v1/jobs', key }))).jobs).toEqual([]);
    const created = await jsonOf(await send(request));
    expect(created.status).toBe('queued');
    expect((await jsonOf(await send({ method: 'GET', path: '/v1/jobs', key }))).jobs.map((j: { id: string }) => j.id)).toEqual([created.id]);
  });

  it('answers 202 when the coordinator failed after it journaled the job, and the job runs', async () => {
    const key = await tenantKey('hand-off-late', 'hand-off');
    expect((await send({ method: 'PUT', path: '/v1/datasets/small', body: SMALL_CSV, contentType: 'text/csv', key })).status).toBe(201);
    const lateFailure = async (start: () => Promise<unknown>) => {
      await start();
      throw new Error('injected fault: the coordinator was reset after its journal write');
    };
    const res = await send({ method: 'POST', path: '/v1/jobs', body: { dataset: 'small', target: 'label', models: ['linear'], budget: { trials: 1 } }, key }, { ...env, SEARCH: faultySearch(lateFailure) });
    expect(res.status).toBe(202);
    const created = await jsonOf(res);
    const listed = (await jsonOf(await send({ method: 'GET', path: '/v1/jobs', key }))).jobs;
    expect(listed).toMatchObject([{ id: created.id, status: 'running' }]);
    expect((await jsonOf(await send({ method: 'GET', path: `/v1/jobs/${created.id}`, key }))).status).not.toBe('failed');
  });

  it('marks the row failed when the coordinator can be asked neither to start nor whether it did, freeing the job slot', async () => {
    const key = await tenantKey('hand-off-dark', 'hand-off');
    expect((await send({ method: 'PUT', path: '/v1/datasets/small', body: SMALL_CSV, contentType: 'text/csv', key })).status).toBe(201);
    const res = await send({ method: 'POST', path: '/v1/jobs', body: { dataset: 'small', target: 'label', models: ['linear'], budget: { trials: 1 } }, key }, { ...env, SEARCH: faultySearch(failing, true) });
    await expectError(res, 503, 'job_not_started');
    expect((await jsonOf(await send({ method: 'GET', path: '/v1/jobs', key }))).jobs).toMatchObject([{ status: 'failed' }]);
  });

  it('starts the job when a run with a fixed id (a scheduled one) is tried again after such a hand-off, and keeps one that started', async () => {
    const tenant = 'hand-off-retry';
    const key = await tenantKey(tenant, 'hand-off');
    expect((await send({ method: 'PUT', path: '/v1/datasets/small', body: SMALL_CSV, contentType: 'text/csv', key })).status).toBe(201);
    const body: CreateJobBody = { dataset: 'small', target: 'label', models: ['linear'], budget: { trials: 1 } };
    const id = 'run-2026-12-04T12-00';
    // Tick 1: the coordinator can be asked nothing; the row is left failed.
    await expect(startJob({ ...env, SEARCH: faultySearch(failing, true) }, tenant, body, { id })).rejects.toMatchObject({ status: 503, code: 'job_not_started' });
    // Still dark at the next tick: refused again, the run waits.
    await expect(startJob({ ...env, SEARCH: faultySearch(failing, true) }, tenant, body, { id })).rejects.toMatchObject({ status: 503, code: 'job_not_started' });
    // Back: the same run starts the job under its id.
    expect(await startJob(env, tenant, body, { id })).toEqual({ id, status: 'queued' });
    expect(await coordinatorFor(env, tenant, id).view()).not.toBeNull();
    const listed = (await jsonOf(await send({ method: 'GET', path: '/v1/jobs', key }))).jobs;
    expect(listed.filter((j: { id: string }) => j.id === id)).toMatchObject([{ status: 'running' }]);
    // Tried once more, the job that runs is kept, not created again.
    expect(await startJob(env, tenant, body, { id })).toEqual({ id, status: 'queued' });
    expect((await jsonOf(await send({ method: 'GET', path: '/v1/jobs', key }))).jobs.filter((j: { id: string }) => j.id === id)).toHaveLength(1);
  });
});
