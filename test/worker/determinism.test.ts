/**
 * Determinism through the real queue and coordinator: the same seed and a trial-count budget give the
 * same trials, the same scores and the same final model's predictions, with one trial in flight at a
 * time and with four, whatever order the parallel trials finish in: one job runs on the real queue (its
 * trials, of different families and fidelities, finish out of order), the other with the same config is
 * driven by hand through the real trial consumer, always finishing the newest running trial first.
 */
import { createMessageBatch } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import trainCsv from '../../examples/credit-g/train.csv?raw';
import type { JobView, TrialMessage, TrialRecord } from '../../src/durable/protocol';
import { coordinatorFor } from '../../src/worker/coordinator';
import { handleTrialBatch } from '../../src/worker/queue/trial-consumer';
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

  it('four trials in flight, finishing in another order → same trials, leaderboard, ensemble and final model', async () => {
    expect((await call('PUT', '/v1/datasets/credit4', trainCsv)).status).toBe(201);
    // ASHA: the job's decisions depend on results early (its promotions, its reserved full-fidelity trial).
    const asha = await inTwoOrders('par-asha', { budget: { trials: 12 }, strategy: 'asha' });
    expect(asha.trials.filter((t) => t.from !== undefined).length).toBeGreaterThanOrEqual(1);
    // Full trials: the portfolio, random draws, then TPE from the tenth result on, and an ensemble of them.
    const auto = await inTwoOrders('par-auto', { budget: { trials: 20 } });
    expect(auto.ensemble).toMatchObject({ status: 'complete' });
  }, 300_000);
});

/**
 * Runs the job `request` (on credit4, seed 11, parallelism 4) through the API and the real queue, then a
 * job with the same config driven by hand, the newest running trial always finishing first; checks both
 * give the same trials, leaderboard, ensemble and predictions, and returns what they gave.
 */
async function inTwoOrders(name: string, request: Record<string, unknown>) {
  const rows = csvObjects(trainCsv).slice(0, 20).map(({ class: _c, ...rest }) => rest);
  const project = (trials: TrialRecord[]) => trials.map((t) => ({ id: t.trial_id, family: t.family, params: t.params, score: t.score, status: t.status, rung: t.rung, fidelity: t.fidelity, from: t.promoted_from }));
  const outcome = async (view: JobView, trials: TrialRecord[], model: string, headers: Record<string, string> = {}) => ({
    trials: project(trials),
    leaderboard: view.leaderboard.map((e) => [e.trial_id, e.score]),
    ensemble: view.ensemble && { status: view.ensemble.status, members: view.ensemble.members, score: view.ensemble.score },
    best: view.best,
    predictions: (await json(await call('POST', `/v1/models/${model}/predict`, { rows }, headers))).probabilities,
  });

  const body = { dataset: 'credit4', target: 'class', models: ['gbdt', 'linear', 'random_forest'], seed: 11, parallelism: 4, model: `${name}-queue`, ...request };
  const { id } = await json(await call('POST', '/v1/jobs', body));
  const queued = (await waitForJob(id)) as JobView;
  expect(queued.status).toBe('succeeded');
  const a = await outcome(queued, (await json(await call('GET', `/v1/jobs/${id}/trials`))).trials, `${name}-queue`);

  // The same job config (a trials-only budget: reproducible), on a coordinator whose own messages reach nobody.
  const basis = await coordinatorFor(env, 'default', id).retrainBasis('t0000');
  expect(basis?.config.reproducible).toBe(true);
  const stub = env.SEARCH.getByName(`test-only/${name}`);
  await stub.start({ ...basis!.config, id: name, tenant: 'detached', model_name: `${name}-hand`, created_at: Date.now() });
  const deliver = (body: TrialMessage) => handleTrialBatch(createMessageBatch<TrialMessage>('edge-automl-trials', [{ id: `m-${body.trial_id}`, timestamp: new Date(), attempts: 1, body }]), env);
  const finished: string[] = [];
  for (;;) {
    const running = (await stub.trials())!.filter((t) => t.status === 'running');
    if (running.length === 0) break;
    const newest = running[running.length - 1];
    await deliver({ tenant: 'test-only', job_id: name, trial_id: newest.trial_id });
    finished.push(newest.trial_id);
  }
  // Out of order indeed (the real queue above finishes them about in order).
  expect(finished).not.toEqual([...finished].sort());
  if ((await stub.view())?.ensemble?.status === 'running') await deliver({ tenant: 'test-only', job_id: name, trial_id: 'ensemble', kind: 'ensemble' });
  const byHand = (await stub.view())!;
  expect(byHand.status).toBe('succeeded');
  const b = await outcome(byHand, (await stub.trials())!, `${name}-hand`, { 'x-tenant': 'detached' });

  expect(a.trials).toHaveLength((request.budget as { trials: number }).trials);
  expect(b).toEqual(a);
  return a;
}
