/**
 * A job publishing to an existing model's name with another target, another task or data lacking columns
 * the champion reads is refused at creation (409 model_conflict, naming each difference, nothing
 * created) unless it says "replace_model": true; a job on newer data of the same columns is not; and a
 * retraining job, which publishes to its own model by design, is never checked.
 */
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { startJob } from '../../src/worker/start-job';
import { call, json, waitForJob } from './helpers';

/** A deterministic stream in [0, 1). */
function stream(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

/** Penguin-like rows: three species told apart by island and measurements. */
function penguins(n: number, columns = ['island', 'bill', 'flipper']): string {
  const next = stream(1);
  const species = ['Adelie', 'Chinstrap', 'Gentoo'];
  const rows = Array.from({ length: n }, (_, i) => {
    const k = i % 3;
    const cells: Record<string, string> = {
      island: ['Torgersen', 'Dream', 'Biscoe'][(k + (next() < 0.2 ? 1 : 0)) % 3],
      bill: (38 + 5 * k + 3 * next()).toFixed(1),
      flipper: (190 + 12 * k + 8 * next()).toFixed(0),
    };
    return [...columns.map((c) => cells[c]), species[k]].join(',');
  });
  return `${[...columns, 'species'].join(',')}\n${rows.join('\n')}\n`;
}

/** Pima-like rows: a binary class from two measurements. */
function pima(n: number): string {
  const next = stream(2);
  const rows = Array.from({ length: n }, (_, i) => {
    const positive = i % 3 === 0;
    return `${Math.floor(6 * next())},${((positive ? 140 : 110) + 30 * next()).toFixed(0)},${positive ? 'tested_positive' : 'tested_negative'}`;
  });
  return `preg,plas,class\n${rows.join('\n')}\n`;
}

const job = (body: Record<string, unknown>) => call('POST', '/v1/jobs', { models: ['linear'], budget: { trials: 1 }, ...body });
const jobCount = async () => (await json<{ jobs: unknown[] }>(await call('GET', '/v1/jobs'))).jobs.length;

describe('a job publishing to an existing model', () => {
  it('is refused when its result would be a different model, unless replace_model says so', async () => {
    for (const [name, text] of [['pengs', penguins(90)], ['pimas', pima(90)], ['pengs-no-island', penguins(90, ['bill', 'flipper'])], ['pengs-more', penguins(120)]] as const) {
      expect((await call('PUT', `/v1/datasets/${name}`, text, { 'content-type': 'text/csv' })).status).toBe(201);
    }
    const first = await waitForJob((await json(await job({ dataset: 'pengs', target: 'species', model: 'peng' }))).id);
    expect(first.model).toEqual({ name: 'peng', version: 1 });

    // Another dataset, target and task: every difference is named, and no job is created.
    const before = await jobCount();
    const refused = await job({ dataset: 'pimas', target: 'class', model: 'peng' });
    expect(refused.status).toBe(409);
    const { error } = await json(refused);
    expect(error.code).toBe('model_conflict');
    expect(error.details).toEqual({
      field: 'model',
      model: 'peng',
      champion_version: 1,
      target: { champion: 'species', job: 'class' },
      task: { champion: 'multiclass', job: 'binary' },
      missing_columns: ['island', 'bill', 'flipper'],
    });
    expect(error.message).toBe(
      'model "peng" exists and this job would replace its champion (v1) with a different model: the target differs ("species" → "class"), the task differs (multiclass → binary) and dataset "pimas" v1 lacks 3 columns the champion reads ("island", "bill", "flipper"); its clients would get answers to another question or have their rows refused. Publish under another name ("model": "…"), or send "replace_model": true to replace it',
    );
    expect(await jobCount()).toBe(before);

    // The same target and task on data without a column the champion reads: that column alone.
    const lacking = await job({ dataset: 'pengs-no-island', target: 'species', model: 'peng' });
    expect(lacking.status).toBe(409);
    expect((await json(lacking)).error.details).toEqual({ field: 'model', model: 'peng', champion_version: 1, missing_columns: ['island'] });

    // Newer data of the same columns is retraining by hand: no conflict, no warning about it.
    const again = await job({ dataset: 'pengs-more', target: 'species', model: 'peng' });
    expect(again.status).toBe(202);
    const retrained = await waitForJob((await json(again)).id);
    expect(retrained.model).toEqual({ name: 'peng', version: 2 });
    expect(retrained.warnings ?? []).not.toContainEqual(expect.stringContaining('replace_model'));

    // Asked for, the replacement happens, and the job says what it replaced.
    const replacing = await job({ dataset: 'pimas', target: 'class', model: 'peng', replace_model: true });
    expect(replacing.status).toBe(202);
    const created = await json(replacing);
    const warning =
      '"replace_model": this job\'s result replaces the champion of model "peng" (v2), which predicts "species", is multiclass and reads columns this dataset lacks: clients sending that model\'s rows must change them';
    expect(created.warnings).toContain(warning);
    const replaced = await waitForJob(created.id);
    expect(replaced.status).toBe('succeeded');
    expect(replaced.warnings).toContain(warning);
    const model = await json(await call('GET', '/v1/models/peng'));
    expect(model).toMatchObject({ target: 'class', task: 'binary', champion_version: 3 });
  });

  it('a retraining job is not checked: it publishes to its own model by design', async () => {
    expect((await call('PUT', '/v1/datasets/own-pengs', penguins(90), { 'content-type': 'text/csv' })).status).toBe(201);
    expect((await call('PUT', '/v1/datasets/own-pimas', pima(90), { 'content-type': 'text/csv' })).status).toBe(201);
    await waitForJob((await json(await job({ dataset: 'own-pengs', target: 'species', model: 'own' }))).id);
    // Every difference at once would refuse a job asked for by hand...
    expect((await job({ dataset: 'own-pimas', target: 'class', model: 'own' })).status).toBe(409);
    // ...but not the creation path's retraining job (scheduled and drift runs start it this way).
    const body = { dataset: 'own-pimas', target: 'class', model: 'own', models: ['linear'], budget: { trials: 1 } };
    const started = await startJob(env, 'default', body, { retrain: { warm_start: [], margin: 0 } });
    expect(started.status).toBe('queued');
    // Cancelled, it keeps the champion.
    expect((await call('DELETE', `/v1/jobs/${started.id}`)).status).toBe(200);
    const done = await waitForJob(started.id);
    expect(done.status).toBe('cancelled');
    expect(await json(await call('GET', '/v1/models/own'))).toMatchObject({ target: 'species', champion_version: 1 });
  });
});
