/**
 * The model lifecycle through the API, on the real Registry: every champion change recorded in the
 * model's history, rollback walking back through earlier champions, promotion of any version, pinning a
 * version in predict, batch prediction from a CSV body, and exporting a version's artifact that a plain
 * engine Predictor (no Worker) loads with identical predictions.
 */
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseAnyEnvelope, Predictor } from '../../src/engine';
import { expectError, jsonOf, send, SMALL_CSV, tenantKey, waitJob } from './tenant';

const MODEL = 'lifecycle';
let key = '';

async function train(seed: number): Promise<void> {
  const res = await send({ method: 'POST', path: '/v1/jobs', key, body: { dataset: 'life', target: 'label', model: MODEL, models: ['linear', 'gbdt'], budget: { trials: 2 }, seed } });
  expect(res.status).toBe(202);
  const job = await waitJob((await jsonOf(res)).id, key, 100_000);
  expect(job.status).toBe('succeeded');
}

const describeModel = async () => jsonOf(await send({ method: 'GET', path: `/v1/models/${MODEL}`, key }));
const predictJson = async (rows: unknown[], version?: number) =>
  jsonOf(await send({ method: 'POST', path: `/v1/models/${MODEL}/predict`, key, body: { rows, ...(version ? { version } : {}) } }));

describe('model lifecycle', () => {
  beforeAll(async () => {
    key = await tenantKey('lifecycle', 'k');
    expect((await send({ method: 'PUT', path: '/v1/datasets/life', key, body: SMALL_CSV, contentType: 'text/csv' })).status).toBe(201);
    await train(1);
    await train(2);
  }, 200_000);

  it('records each publication, and rolls back through earlier champions until there is none', async () => {
    const before = await describeModel();
    expect(before.champion_version).toBe(2);
    expect(before.history.map((e: { kind: string; version: number }) => [e.kind, e.version])).toEqual([
      ['published', 1],
      ['published', 2],
    ]);
    expect(before.history[1].previous_version).toBe(1);
    // The champion's estimated serving time is reported, and is the micro-second kind.
    expect(before.serving.estimated_us_per_row).toBeGreaterThan(0);
    expect(before.serving.estimated_us_per_row).toBeLessThan(1_000);

    const back = await jsonOf(await send({ method: 'POST', path: `/v1/models/${MODEL}/rollback`, key, body: { reason: 'bad release' } }));
    expect(back).toEqual({ name: MODEL, champion_version: 1, previous_version: 2 });
    expect((await predictJson([{ a: 3, b: 'x' }])).model).toEqual({ name: MODEL, version: 1 });
    const after = await describeModel();
    expect(after.history.at(-1)).toMatchObject({ kind: 'rolled_back', version: 1, previous_version: 2, reason: 'bad release' });

    // Version 1 was the first champion: nothing earlier to go back to.
    await expectError(await send({ method: 'POST', path: `/v1/models/${MODEL}/rollback`, key }), 409, 'nothing_to_roll_back');
    expect((await describeModel()).champion_version).toBe(1);
  });

  it('promotes any existing version and refuses unknown ones', async () => {
    expect(await jsonOf(await send({ method: 'POST', path: `/v1/models/${MODEL}/promote`, key, body: { version: 2 } }))).toEqual({ name: MODEL, champion_version: 2, previous_version: 1 });
    expect((await predictJson([{ a: 3, b: 'x' }])).model.version).toBe(2);
    await expectError(await send({ method: 'POST', path: `/v1/models/${MODEL}/promote`, key, body: { version: 9 } }), 404, 'model_version_not_found');
    await expectError(await send({ method: 'POST', path: '/v1/models/no-such-model/promote', key, body: { version: 1 } }), 404, 'model_not_found');
    const bad = await expectError(await send({ method: 'POST', path: `/v1/models/${MODEL}/promote`, key, body: { version: 'two' } }), 400, 'invalid_request');
    expect(bad.details.field).toBe('version');
    // Promoting the champion again changes nothing, and records nothing.
    const events = (await describeModel()).history.length;
    expect(await jsonOf(await send({ method: 'POST', path: `/v1/models/${MODEL}/promote`, key, body: { version: 2 } }))).toEqual({ name: MODEL, champion_version: 2, previous_version: 2 });
    expect((await describeModel()).history).toHaveLength(events);
    // After a promotion, rollback undoes exactly that promotion.
    expect((await jsonOf(await send({ method: 'POST', path: `/v1/models/${MODEL}/rollback`, key }))).champion_version).toBe(1);
    await send({ method: 'POST', path: `/v1/models/${MODEL}/promote`, key, body: { version: 2 } });
  });

  it('moves the champion only from the version a request names (from_version)', async () => {
    expect((await describeModel()).champion_version).toBe(2);
    const events = (await describeModel()).history.length;
    const stale = await expectError(await send({ method: 'POST', path: `/v1/models/${MODEL}/rollback`, key, body: { from_version: 1 } }), 409, 'champion_changed');
    expect(stale.details).toMatchObject({ model: MODEL, champion_version: 2, from_version: 1, field: 'from_version' });
    expect((await describeModel()).history).toHaveLength(events);

    // Two clients roll back the same release at once: one steps back, the other is told it already moved.
    const both = await Promise.all([1, 2].map(() => send({ method: 'POST', path: `/v1/models/${MODEL}/rollback`, key, body: { from_version: 2, reason: 'bad release' } })));
    expect(both.map((r) => r.status).sort()).toEqual([200, 409]);
    expect((await describeModel()).champion_version).toBe(1);
    expect((await describeModel()).history).toHaveLength(events + 1);

    await expectError(await send({ method: 'POST', path: `/v1/models/${MODEL}/promote`, key, body: { version: 2, from_version: 2 } }), 409, 'champion_changed');
    expect((await describeModel()).champion_version).toBe(1);
    expect(await jsonOf(await send({ method: 'POST', path: `/v1/models/${MODEL}/promote`, key, body: { version: 2, from_version: 1 } }))).toEqual({ name: MODEL, champion_version: 2, previous_version: 1 });
    const bad = await expectError(await send({ method: 'POST', path: `/v1/models/${MODEL}/rollback`, key, body: { from_version: 0 } }), 400, 'invalid_request');
    expect(bad.details.field).toBe('from_version');
  });

  it('answers a pinned version whatever the champion', async () => {
    const rows = [{ a: 5, b: 'y' }];
    const pinned = await predictJson(rows, 1);
    expect(pinned.model).toEqual({ name: MODEL, version: 1 });
    expect((await predictJson(rows)).model.version).toBe(2);
  });

  it('predicts a CSV batch exactly as the same rows sent as JSON, empty cells as missing', async () => {
    const csv = 'a,b\n7,x\n8,\n40,y\n';
    const fromCsv = await jsonOf(await send({ method: 'POST', path: `/v1/models/${MODEL}/predict`, key, body: csv, contentType: 'text/csv' }));
    const fromJson = await predictJson([
      { a: 7, b: 'x' },
      { a: 8, b: null },
      { a: 40, b: 'y' },
    ]);
    expect(fromCsv).toEqual(fromJson);
    const pinned = await jsonOf(await send({ method: 'POST', path: `/v1/models/${MODEL}/predict?version=1`, key, body: csv, contentType: 'text/csv' }));
    expect(pinned.model.version).toBe(1);
    const ragged = await expectError(await send({ method: 'POST', path: `/v1/models/${MODEL}/predict`, key, body: 'a,b\n1,x\n2\n', contentType: 'text/csv' }), 400, 'invalid_csv');
    expect(ragged.details.line).toBe(3);
    await expectError(await send({ method: 'POST', path: `/v1/models/${MODEL}/predict?version=zero`, key, body: csv, contentType: 'text/csv' }), 400, 'invalid_request');
  });

  it('answers every row of a CSV batch, an all-empty one too, and names a bad cell by its line', async () => {
    // The empty row is the second of three: dropping it would shift the third answer onto it.
    const csv = 'a,b\n7,x\n,\n\n40,y\n';
    const fromCsv = await jsonOf(await send({ method: 'POST', path: `/v1/models/${MODEL}/predict`, key, body: csv, contentType: 'text/csv' }));
    expect(fromCsv.predictions).toHaveLength(3);
    expect(fromCsv).toEqual(await predictJson([{ a: 7, b: 'x' }, { a: null, b: null }, { a: 40, b: 'y' }]));
    // The same batch as semicolon-separated text (a European spreadsheet export) answers the same.
    const semi = await jsonOf(await send({ method: 'POST', path: `/v1/models/${MODEL}/predict`, key, body: 'a;b\n7,0;x\n;\n\n40;y\n', contentType: 'text/csv' }));
    expect(semi).toEqual(fromCsv);
    // Line 6 of the file (a quoted line break and a blank line before it); JSON rows keep their index.
    const bad = await expectError(await send({ method: 'POST', path: `/v1/models/${MODEL}/predict`, key, body: 'a,b\n7,"x\ny"\n\n8,x\nabc,x\n', contentType: 'text/csv' }), 400, 'invalid_input');
    expect(bad.message).toMatch(/^line 6, column "a": /);
    expect(bad.details).toMatchObject({ line: 6, column: 'a', index: 2 });
    expect(bad.details.row).toBeUndefined();
    const json = await expectError(await send({ method: 'POST', path: `/v1/models/${MODEL}/predict`, key, body: { rows: [{ a: 1 }, { a: 'abc' }] } }), 400, 'invalid_input');
    expect(json.message).toMatch(/^rows\[1\], column "a": /);
    expect(json.details).toMatchObject({ row: 1, column: 'a', index: 1 });
  });

  it('explains predictions on request: base plus contributions give the output, which gives the probability', async () => {
    const rows = [
      { a: 2, b: 'x' },
      { a: 51, b: 'y' },
    ];
    const res = await jsonOf(await send({ method: 'POST', path: `/v1/models/${MODEL}/predict`, key, body: { rows, explain: true } }));
    expect(res.explanations).toHaveLength(2);
    expect(['margin', 'probability']).toContain(res.explanation_space);
    expect(res.explained_class).toBe('yes');
    res.explanations.forEach((e: { base: number; output: number; contributions: Record<string, number> }, i: number) => {
      expect(Object.keys(e.contributions).sort()).toEqual(['a', 'b']);
      const total = e.base + e.contributions.a + e.contributions.b;
      expect(total).toBeCloseTo(e.output, 5);
      const p = res.explanation_space === 'margin' ? 1 / (1 + Math.exp(-e.output)) : e.output;
      expect(p).toBeCloseTo(res.probabilities[i].yes, 4);
    });
    // Without the flag the answer carries no explanation.
    expect((await predictJson(rows)).explanations).toBeUndefined();
  });

  it('exports a version artifact that a plain engine Predictor serves with identical predictions', async () => {
    const res = await send({ method: 'GET', path: `/v1/models/${MODEL}/versions/2/artifact`, key });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${MODEL}-v2.json"`);
    // Cached by the browser for good, but per key and tenant: one URL names every tenant's model "m" (from a read-only audit).
    expect(res.headers.get('cache-control')).toBe('private, max-age=31536000, immutable');
    expect(res.headers.get('vary')).toBe('Authorization, X-Tenant');
    const predictor = await Predictor.load(parseAnyEnvelope(await res.json()));
    const rows = [
      { a: 1, b: 'x' },
      { a: 33, b: 'y' },
      { a: 59, b: null },
    ];
    const served = await predictJson(rows, 2);
    const local = predictor.predictRows(rows);
    expect(local.predictions).toEqual(served.predictions);
    expect(local.probabilities).toEqual(served.probabilities);
    await expectError(await send({ method: 'GET', path: `/v1/models/${MODEL}/versions/7/artifact`, key }), 404, 'model_version_not_found');
    await expectError(await send({ method: 'GET', path: '/v1/models/none/versions/1/artifact', key }), 404, 'model_not_found');
    // The path's version is read as every route reads one (worker/model-versions versionParam).
    const bad = await expectError(await send({ method: 'GET', path: `/v1/models/${MODEL}/versions/two/artifact`, key }), 400, 'invalid_request');
    expect(bad).toMatchObject({ message: 'version: expected a positive integer, got "two"', details: { field: 'version' } });
  });

  it('deletes a version that is not the champion: its files go, its number is never given again, rollback steps over it', async () => {
    await train(3);
    expect((await describeModel()).champion_version).toBe(3);
    const champion = await expectError(await send({ method: 'DELETE', path: `/v1/models/${MODEL}/versions/3`, key }), 409, 'version_is_champion');
    expect(champion.details).toMatchObject({ model: MODEL, version: 3, champion_version: 3 });

    const v2 = await env.REGISTRY.getByName('lifecycle').resolveModel(MODEL, 2);
    expect(await env.STORE.head(v2!.artifact_key)).not.toBeNull();
    expect((await send({ method: 'DELETE', path: `/v1/models/${MODEL}/versions/2`, key })).status).toBe(204);
    expect(await env.STORE.head(v2!.artifact_key)).toBeNull();
    const after = await describeModel();
    expect(after.versions.map((v: { version: number }) => v.version)).toEqual([1, 3]);
    expect(after.history.at(-1)).toMatchObject({ kind: 'version_deleted', version: 2 });
    await expectError(await send({ method: 'POST', path: `/v1/models/${MODEL}/predict`, key, body: { rows: [{ a: 3, b: 'x' }], version: 2 } }), 404, 'model_version_not_found');
    await expectError(await send({ method: 'GET', path: `/v1/models/${MODEL}/versions/2/artifact`, key }), 404, 'model_version_not_found');
    await expectError(await send({ method: 'DELETE', path: `/v1/models/${MODEL}/versions/2`, key }), 404, 'model_version_not_found');
    await expectError(await send({ method: 'DELETE', path: '/v1/models/none/versions/1', key }), 404, 'model_not_found');

    // v3 was published over v2, which is gone: rollback restores v1.
    expect(await jsonOf(await send({ method: 'POST', path: `/v1/models/${MODEL}/rollback`, key }))).toEqual({ name: MODEL, champion_version: 1, previous_version: 3 });
    // The newest version deleted, the next job's version is numbered after it all the same.
    expect((await send({ method: 'DELETE', path: `/v1/models/${MODEL}/versions/3`, key })).status).toBe(204);
    await train(4);
    expect((await describeModel()).versions.map((v: { version: number }) => v.version)).toEqual([1, 4]);
  }, 200_000);

  it('answers 404 for an artifact whose version is deleted while it is being read, not 500 storage_missing', async () => {
    const v1 = await env.REGISTRY.getByName('lifecycle').resolveModel(MODEL, 1);
    // The store deletes version 1 (through the route) just before its artifact is read.
    const racing = new Proxy(env.STORE, {
      get(target, prop) {
        if (prop === 'get') {
          return async (key: string, options?: R2GetOptions) => {
            if (key === v1!.artifact_key) expect((await send({ method: 'DELETE', path: `/v1/models/${MODEL}/versions/1`, key: apiKey })).status).toBe(204);
            return target.get(key, options);
          };
        }
        const value = Reflect.get(target, prop);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const apiKey = key;
    await expectError(await send({ method: 'GET', path: `/v1/models/${MODEL}/versions/1/artifact`, key }, { ...env, STORE: racing }), 404, 'model_version_not_found');
    // A version whose file is missing although the version stands is still the store's fault.
    await env.STORE.delete((await env.REGISTRY.getByName('lifecycle').resolveModel(MODEL, 4))!.artifact_key);
    await expectError(await send({ method: 'GET', path: `/v1/models/${MODEL}/versions/4/artifact`, key }), 500, 'storage_missing');
  });
});
