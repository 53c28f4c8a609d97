/**
 * Jobs racing for one model name, and the model's description after its champion moves, through the API
 * on real jobs: two jobs started together for one name with different targets are not both accepted (the
 * second is refused with 409 model_conflict naming the first, unless it says replace_model, and two
 * created at the same moment cannot both pass); a job whose model became another target while it ran
 * publishes a version that is not the champion, its view and the model's history saying why and how to
 * promote it; promoting it, or rolling back across a replace_model, makes the model view, the list and
 * the schedule route describe the champion. A job racing an unfinished job of the same target is accepted
 * with a warning naming it, saying which result will serve and suggesting "challenge".
 */
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { call, detachedJobConfig, json, waitForJob } from './helpers';

/** A deterministic stream in [0, 1). */
function stream(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

const SPECIES = ['Adelie', 'Chinstrap', 'Gentoo'];
const ISLANDS = ['Biscoe', 'Dream', 'Torgersen'];

/** Penguin-like rows: species, island, two measurements and the body mass, each told by the others. */
function penguins(n: number): string {
  const next = stream(7);
  const rows = Array.from({ length: n }, (_, i) => {
    const k = i % 3;
    const bill = 38 + 5 * k + 3 * next();
    const flipper = 190 + 12 * k + 8 * next();
    return [SPECIES[k], ISLANDS[(k + (next() < 0.15 ? 1 : 0)) % 3], bill.toFixed(1), flipper.toFixed(0), (20 * flipper - 200 + 50 * next()).toFixed(0)].join(',');
  });
  return `species,island,bill,flipper,mass\n${rows.join('\n')}\n`;
}

const job = (body: Record<string, unknown>) => call('POST', '/v1/jobs', { dataset: 'race-peng', models: ['linear'], budget: { trials: 1 }, ...body });
const jobCount = async () => (await json<{ jobs: unknown[] }>(await call('GET', '/v1/jobs'))).jobs.length;
const model = async (name: string) => json(await call('GET', `/v1/models/${name}`));
const listed = async (name: string) => (await json<{ models: Record<string, unknown>[] }>(await call('GET', '/v1/models'))).models.find((m) => m.name === name);
const predict = async (name: string) => json(await call('POST', `/v1/models/${name}/predict`, { rows: [{ island: 'Biscoe', bill: 48.1, flipper: 214 }] }));

async function upload(): Promise<void> {
  expect((await call('PUT', '/v1/datasets/race-peng', penguins(90), { 'content-type': 'text/csv' })).status).toBe(201);
}

describe('jobs racing for one model name', () => {
  it('refuses a job while an unfinished job publishes another target to the name, naming it, unless it says replace_model', async () => {
    await upload();
    // A job that stays unfinished for the whole test (recorded as running; it publishes by hand at the end).
    const other = crypto.randomUUID();
    const registry = env.REGISTRY.getByName('default');
    await registry.recordJob({ id: other, dataset: 'race-peng', target: 'species', status: 'running', model_name: 'race-new', created_at: new Date().toISOString(), task: 'multiclass' });

    const before = await jobCount();
    const refused = await job({ target: 'island', model: 'race-new' });
    expect(refused.status).toBe(409);
    const { error } = await json(refused);
    expect(error.code).toBe('model_conflict');
    expect(error.details).toEqual({ field: 'model', model: 'race-new', unfinished_job: other, target: { unfinished_job: 'species', job: 'island' } });
    expect(error.message).toBe(
      `job ${other}, not finished yet, will also publish to model "race-new", and this job's result would be a different model: the target differs ("species" → "island"); whichever finished last would replace the other as the champion. Publish under another name ("model": "…"), wait for job ${other} to finish (or cancel it), or send "replace_model": true to replace its result`,
    );
    expect(await jobCount()).toBe(before);

    // The same target and task is retraining by hand: no conflict.
    const same = await waitForJob((await json(await job({ target: 'species', model: 'race-new' }))).id);
    expect(same.model).toEqual({ name: 'race-new', version: 1 });
    // Asked for, the job is accepted, and its warnings name the job it races besides the champion it replaces.
    const replacing = await job({ target: 'island', model: 'race-new', replace_model: true });
    expect(replacing.status).toBe(202);
    const created = await json(replacing);
    expect(created.warnings).toContain(
      `"replace_model": job ${other}, not finished yet, also publishes to model "race-new" and predicts "species" (multiclass): this job's result replaces it as the champion when it finishes; a result job ${other} publishes after that is kept as a version beside it, unless that job also sent "replace_model": true`,
    );
    expect(created.warnings).toContainEqual(expect.stringContaining('this job\'s result replaces the champion of model "race-new" (v1)'));
    expect((await waitForJob(created.id)).model).toEqual({ name: 'race-new', version: 2 });
    expect(await model('race-new')).toMatchObject({ champion_version: 2, target: 'island' });

    // The unfinished job ends now: its species result is kept apart, as the warning said.
    const v1 = (await registry.resolveModel('race-new', 1))!;
    const late = await registry.publish('race-new', {
      job_id: other,
      trial_id: v1.trial_id,
      family: 'linear',
      artifact_key: v1.artifact_key,
      task: 'multiclass',
      target: 'species',
      classes: SPECIES,
      metric: 'log_loss',
      greater_is_better: false,
      score: v1.score,
      dataset: v1.dataset,
      replace_model: false,
    });
    expect(late).toMatchObject({ version: 3, promoted: false });
    await registry.jobFinished(other, 'succeeded');
    expect(await model('race-new')).toMatchObject({ champion_version: 2, target: 'island' });
  });

  it('is decided in the Registry in the step that records the job: another target or task, a task unknown for older jobs, stuck jobs', async () => {
    const reg = env.REGISTRY.getByName('race-record');
    const now = new Date().toISOString();
    const summary = (id: string, target: string, task?: string, created_at = now) => ({ id, dataset: 'd', target, status: 'queued' as const, model_name: 'm', created_at, ...(task ? { task } : {}) });
    expect(await reg.recordJobWithin(summary('j1', 'species', 'multiclass'), 10, true)).toEqual({ recorded: true });
    // Another task on the same target is another model.
    expect(await reg.recordJobWithin(summary('j2', 'species', 'image'), 10, true)).toMatchObject({ recorded: false, rival: { id: 'j1', target: 'species', task: 'multiclass' } });
    expect(await reg.recordJobWithin(summary('j3', 'species', 'multiclass'), 10, true)).toEqual({ recorded: true });
    // Not exclusive (replace_model, or a retraining job): recorded whatever runs.
    expect(await reg.recordJobWithin(summary('j4', 'island', 'multiclass'), 10, false)).toEqual({ recorded: true });
    expect(await reg.recordJobWithin(summary('j5', 'species', 'multiclass'), 10, true)).toMatchObject({ recorded: false, rival: { id: 'j4', target: 'island' } });
    await reg.jobFinished('j4', 'succeeded');
    // A job recorded before jobs kept their task is compared by target alone; one stuck for two days is not counted.
    const old = env.REGISTRY.getByName('race-record-old');
    await old.recordJob(summary('k1', 'species'));
    await old.recordJob(summary('k2', 'island', 'multiclass', new Date(Date.now() - 2 * 86_400_000).toISOString()));
    expect(await old.recordJobWithin(summary('k3', 'species', 'image'), 10, true)).toEqual({ recorded: true });
    expect((await old.unfinishedJobsFor('m')).map((j) => j.id)).toEqual(['k1', 'k3']);
    expect(await old.recordJobWithin(summary('k4', 'island', 'multiclass'), 10, true)).toMatchObject({ recorded: false, rival: { id: 'k1' } });
  });

  it('lets only one of two jobs created at the same moment with different targets through', async () => {
    await upload();
    const [a, b] = await Promise.all([job({ target: 'species', model: 'race-same-time' }), job({ target: 'island', model: 'race-same-time' })]);
    expect([a.status, b.status].sort()).toEqual([202, 409]);
    const [accepted, refused] = a.status === 202 ? [a, b] : [b, a];
    const id = (await json(accepted)).id as string;
    expect((await json(refused)).error).toMatchObject({ code: 'model_conflict', details: { unfinished_job: id } });
    expect((await waitForJob(id)).status).toBe('succeeded');
  });

  it('warns a job that an unfinished job publishes the same target to its model: which result serves, and "challenge"', async () => {
    await upload();
    // A job of the same target that stays unfinished until the end of the test (recorded as running).
    const other = crypto.randomUUID();
    const registry = env.REGISTRY.getByName('default');
    await registry.recordJob({ id: other, dataset: 'race-peng', target: 'species', status: 'running', model_name: 'race-alike', created_at: new Date().toISOString(), task: 'multiclass' });
    const race = `job ${other}, not finished yet, also publishes to model "race-alike" (target "species")`;

    // A model without a champion: "challenge" cannot be used yet, and the warning says what can.
    const first = await json(await job({ target: 'species', model: 'race-alike' }));
    expect(first.warnings).toContain(
      `${race}, which has no champion yet: whichever finishes last becomes the champion, whatever it scores. "challenge" needs a champion to compare with: to keep the better result, publish this job under another name ("model": "…"), or start it once job ${other} has finished, with "challenge": true`,
    );
    expect((await waitForJob(first.id)).model).toEqual({ name: 'race-alike', version: 1 });
    // With a champion: the last to finish serves, unless the job is sent with "challenge".
    const second = await json(await job({ target: 'species', model: 'race-alike' }));
    expect(second.warnings).toContain(
      `${race}: of jobs sent without "challenge", the last to finish becomes the champion whatever it scores, so the result of whichever ends last will serve. Send "challenge": true for this job's result to become the champion only if it beats the champion in place when it ends (on held-out rows)`,
    );
    await waitForJob(second.id);
    const challenging = await json(await job({ target: 'species', model: 'race-alike', challenge: true }));
    expect(challenging.warnings).toContain(
      `${race}: this job's result is compared with the champion in place when it ends; if job ${other} ends later and was sent without "challenge", its result becomes the champion whatever either scores`,
    );
    await waitForJob(challenging.id);
    // Once the other job has ended, nothing races.
    await registry.jobFinished(other, 'succeeded');
    const alone = await json(await job({ target: 'species', model: 'race-alike' }));
    expect(alone.warnings ?? []).not.toContainEqual(expect.stringContaining('not finished yet'));
    await waitForJob(alone.id);
  });

  it('keeps a result apart when its model became another target while it ran, until it is promoted on purpose', async () => {
    await upload();
    const registry = env.REGISTRY.getByName('default');
    // Real artifacts of both models, so predictions show which one answers.
    const islandJob = await waitForJob((await json(await job({ target: 'island', model: 'race-src-island' }))).id);
    const speciesJob = await waitForJob((await json(await job({ target: 'species', model: 'race-src-species' }))).id);
    const island = (await registry.resolveModel('race-src-island', islandJob.model.version))!;
    const species = (await registry.resolveModel('race-src-species', speciesJob.model.version))!;

    // A species job for "race-moved", its coordinator driven by hand (no consumer runs its trial), so the
    // model can change while it runs: a job that said replace_model publishes an island model first.
    const id = crypto.randomUUID();
    const coordinator = env.SEARCH.getByName(`test-only/${id}`);
    await coordinator.start(
      detachedJobConfig(id, {
        tenant: 'default',
        target: 'species',
        task: 'multiclass',
        classes: SPECIES,
        metric: 'log_loss',
        greater_is_better: false,
        families: ['linear'],
        budget: { seconds: 600, trials: 1 },
        model_name: 'race-moved',
        replace_model: false,
      }),
    );
    const replaced = await registry.publish('race-moved', {
      job_id: islandJob.id,
      trial_id: island.trial_id,
      family: 'linear',
      artifact_key: island.artifact_key,
      task: 'multiclass',
      target: 'island',
      classes: ISLANDS,
      metric: 'log_loss',
      greater_is_better: false,
      score: island.score,
      dataset: island.dataset,
      replace_model: true,
    });
    expect(replaced).toEqual({ version: 1, promoted: true });
    expect(await coordinator.report('t0000', { status: 'complete', score: species.score, loss: species.score, fold_scores: [species.score], fit_info: {}, artifact_key: species.artifact_key })).toEqual({ accepted: true });

    const ended = (await coordinator.view())!;
    expect(ended.status).toBe('succeeded');
    expect(ended.model).toEqual({ name: 'race-moved', version: 2, promoted: false });
    const reason = `job ${id}'s result predicts "species" (multiclass), but while it ran the champion of model "race-moved" became v1 (from job ${islandJob.id}), which predicts "island" (multiclass); the job did not send "replace_model": true, so its result is kept as v2 beside the champion, which stays v1. To make v2 the champion on purpose: POST /v1/models/race-moved/promote {"version": 2}`;
    expect(ended.warnings).toContain(reason);

    const before = await model('race-moved');
    expect(before).toMatchObject({ champion_version: 1, task: 'multiclass', target: 'island', classes: ISLANDS });
    expect(before.history.at(-1)).toMatchObject({ kind: 'kept_apart', version: 2, previous_version: 1, job_id: id, reason });
    expect(before.versions.map((v: Record<string, unknown>) => [v.version, v.target])).toEqual([[1, 'island'], [2, 'species']]);
    expect(ISLANDS).toContain((await predict('race-moved')).predictions[0]);

    expect(await json(await call('POST', '/v1/models/race-moved/promote', { version: 2 }))).toEqual({ name: 'race-moved', champion_version: 2, previous_version: 1 });
    expect(await model('race-moved')).toMatchObject({ champion_version: 2, task: 'multiclass', target: 'species', classes: SPECIES, metric: 'log_loss' });
    expect(SPECIES).toContain((await predict('race-moved')).predictions[0]);

    // A job made before jobs carried replace_model publishes as it did: over whatever champion is in place.
    const oldId = crypto.randomUUID();
    const old = env.SEARCH.getByName(`test-only/${oldId}`);
    await old.start(detachedJobConfig(oldId, { tenant: 'default', target: 'island', task: 'multiclass', classes: ISLANDS, metric: 'log_loss', greater_is_better: false, families: ['linear'], budget: { seconds: 600, trials: 1 }, model_name: 'race-moved' }));
    await old.report('t0000', { status: 'complete', score: island.score, loss: island.score, fold_scores: [island.score], fit_info: {}, artifact_key: island.artifact_key });
    expect((await old.view())?.model).toEqual({ name: 'race-moved', version: 3 });
    expect(await model('race-moved')).toMatchObject({ champion_version: 3, target: 'island' });
  });

  it('describes the champion again after a rollback across a replace_model, in the model, the list and the schedule', async () => {
    await upload();
    const v1 = await waitForJob((await json(await job({ target: 'species', model: 'race-flip' }))).id);
    const v2 = await waitForJob((await json(await job({ target: 'mass', model: 'race-flip', replace_model: true }))).id);
    expect([v1.model.version, v2.model.version]).toEqual([1, 2]);
    expect(await model('race-flip')).toMatchObject({ task: 'regression', target: 'mass', classes: [], metric: 'rmse' });

    expect(await json(await call('POST', '/v1/models/race-flip/rollback', {}))).toEqual({ name: 'race-flip', champion_version: 1, previous_version: 2 });
    const back = await model('race-flip');
    expect(back).toMatchObject({ champion_version: 1, task: 'multiclass', target: 'species', classes: SPECIES, metric: 'log_loss', greater_is_better: false });
    expect(await listed('race-flip')).toMatchObject({ champion_version: 1, task: 'multiclass', metric: 'log_loss', greater_is_better: false, score: v1.best.score });
    expect(SPECIES).toContain((await predict('race-flip')).predictions[0]);
    // The schedule route reads the model's metric and target: the champion's.
    const schedule = await json(await call('PUT', '/v1/models/race-flip/schedule', { every: '1d', dataset: 'race-peng', budget: { trials: 1 } }));
    expect(schedule).toMatchObject({ model: 'race-flip', metric: 'log_loss' });
    expect((await call('DELETE', '/v1/models/race-flip/schedule')).status).toBe(204);

    expect((await json(await call('POST', '/v1/models/race-flip/promote', { version: 2 }))).champion_version).toBe(2);
    expect(await model('race-flip')).toMatchObject({ task: 'regression', target: 'mass', classes: [], metric: 'rmse' });
    expect(await listed('race-flip')).toMatchObject({ task: 'regression', metric: 'rmse', score: v2.best.score });
  });
});
