/**
 * The HTTP contract's edges inside workerd: auth, names, uploads refused whole with the line at fault,
 * job requests refused before anything is created, and predict input validation.
 */
import { env, exports } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { datasetFilesPrefix, deleteFilesBefore } from '../../src/worker/storage';
import { call, json, waitForJob } from './helpers';

const csv = ['a,b,label', ...Array.from({ length: 60 }, (_, i) => `${i},${i % 3 === 0 ? 'x' : 'y'},${i % 2 ? 'yes' : 'no'}`)].join('\n');

async function expectError(res: Response, status: number, code: string): Promise<Record<string, any>> {
  const body = await json(res);
  expect({ status: res.status, code: body.error?.code }).toEqual({ status, code });
  expect(typeof body.error.message).toBe('string');
  return body.error;
}

describe('health and auth', () => {
  it('answers health without a key, in JSON with its charset', async () => {
    const res = await exports.default.fetch('http://x/health');
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await res.json()).toEqual({ status: 'ok', version: '0.1.0' });
  });

  it('reads the auth scheme in any case (RFC 9110)', async () => {
    const res = await exports.default.fetch('http://x/v1/datasets', { headers: { authorization: 'bearer test-admin-key' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
  });

  it('refuses a missing or wrong key', async () => {
    await expectError(await exports.default.fetch('http://x/v1/datasets'), 401, 'unauthorized');
    await expectError(await exports.default.fetch('http://x/v1/datasets', { headers: { authorization: 'Bearer nope' } }), 401, 'unauthorized');
  });

  it('answers unknown routes with a JSON 404, and another method of a known route with a 405', async () => {
    const res = await call('GET', '/v1/nothing');
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    await expectError(res, 404, 'not_found');
    const patch = await call('PATCH', '/v1/datasets/anything', 'a\n1\n');
    expect(patch.headers.get('allow')).toBe('DELETE, GET, HEAD, PUT');
    expect((await expectError(patch, 405, 'method_not_allowed')).details).toEqual({ allowed: ['DELETE', 'GET', 'HEAD', 'PUT'] });
    expect((await call('GET', '/v1/models/m/predict')).headers.get('allow')).toBe('POST');
    await expectError(await call('DELETE', '/v1/datasets/a/b/c'), 404, 'not_found');
    // A trailing slash: the route exists without it, for this very method.
    const slash = await expectError(await call('GET', '/v1/jobs/'), 404, 'not_found');
    expect(slash.message).toBe('no route for GET /v1/jobs/; drop the trailing slash: GET /v1/jobs');
    await expectError(await call('PATCH', '/v1/jobs/'), 405, 'method_not_allowed');
  });
});

describe('datasets', () => {
  it('stores a version and profiles it', async () => {
    const res = await call('PUT', '/v1/datasets/small', csv);
    expect(res.status).toBe(201);
    const body = await json(res);
    expect(body.columns.map((c: { type: string }) => c.type)).toEqual(['numeric', 'categorical', 'boolean']);
    const again = await json(await call('PUT', '/v1/datasets/small', csv));
    expect(again.version).toBe(2);
    const profile = await json(await call('GET', '/v1/datasets/small?version=1'));
    expect(profile.columns[0]).toMatchObject({ name: 'a', min: 0, max: 59 });
    const missing = await expectError(await call('GET', '/v1/datasets/small?version=9'), 404, 'dataset_version_not_found');
    expect(missing.details).toEqual({ dataset: 'small', version: 9, latest_version: 2 });
    await expectError(await call('GET', '/v1/datasets/nothing-here?version=1'), 404, 'dataset_not_found');
    const list = await json(await call('GET', '/v1/datasets'));
    expect(list.datasets).toContainEqual(expect.objectContaining({ name: 'small', latest_version: 2, rows: 60 }));
  });

  it('shows a datetime column\'s range as times (first, last) beside its epoch milliseconds', async () => {
    await call('PUT', '/v1/datasets/dated', 'day,x\n2024-03-01,1\n2023-12-31T22:30:00Z,2\n2024-02-29,3\n');
    const day = (await json(await call('GET', '/v1/datasets/dated'))).columns[0];
    expect(day).toMatchObject({ type: 'datetime', first: '2023-12-31T22:30:00.000Z', last: '2024-03-01T00:00:00.000Z', min: Date.UTC(2023, 11, 31, 22, 30), max: Date.UTC(2024, 2, 1) });
    expect((await json(await call('GET', '/v1/datasets/small'))).columns[0].first).toBeUndefined();
  });

  it('refuses a broken file whole, naming the line, and leaves no version behind', async () => {
    const error = await expectError(await call('PUT', '/v1/datasets/broken', 'a,b\n1,2\n3\n'), 400, 'invalid_csv');
    expect(error.details.line).toBe(3);
    await expectError(await call('GET', '/v1/datasets/broken'), 404, 'dataset_not_found');
    const objects = await (await import('cloudflare:workers')).env.STORE.list({ prefix: 'datasets/default/broken/' });
    expect(objects.objects).toHaveLength(0);
  });

  it('refuses bad names, wrong content types, non-UTF-8 and oversized bodies', async () => {
    await expectError(await call('PUT', '/v1/datasets/..%2Fescape', csv), 400, 'invalid_name');
    await expectError(await call('PUT', '/v1/datasets/x', csv, { 'content-type': 'image/png' }), 415, 'unsupported_media_type');
    await expectError(await call('PUT', '/v1/datasets/x', new Uint8Array([0x61, 0x0a, 0xff, 0xfe]), { 'content-type': 'text/csv' }), 400, 'invalid_encoding');
    await expectError(await call('PUT', '/v1/datasets/x', csv, { 'content-length': String(10 ** 9) }), 413, 'payload_too_large');
  });

  it('reads a Windows spreadsheet export when its charset says Windows-1252 or Latin-1', async () => {
    // "city,price\nCafé Zürich,€5\nSão Paulo,–3\n…" as Excel on Windows writes it (é, ü, €, ã, – are single bytes).
    const cp1252 = new Uint8Array([
      ...new TextEncoder().encode('city,price,note\nCaf'), 0xe9, 0x20, 0x5a, 0xfc, ...new TextEncoder().encode('rich,5,'), 0x80, 0x0a,
      ...new TextEncoder().encode('S'), 0xe3, ...new TextEncoder().encode('o Paulo,3,'), 0x96, 0x0a,
    ]);
    const refused = await expectError(await call('PUT', '/v1/datasets/win', cp1252, { 'content-type': 'text/csv' }), 400, 'invalid_encoding');
    expect(refused.message).toMatch(/charset=windows-1252/);
    for (const charset of ['windows-1252', 'ISO-8859-1', '"latin1"']) {
      const res = await call('PUT', '/v1/datasets/win', cp1252, { 'content-type': `text/csv; charset=${charset}` });
      expect(res.status).toBe(201);
      const profile = (await json(await call('GET', '/v1/datasets/win'))).columns as { name: string; top?: { value: string }[] }[];
      expect(profile.find((c) => c.name === 'city')?.top?.map((t) => t.value).sort()).toEqual(['Café Zürich', 'São Paulo']);
      expect(profile.find((c) => c.name === 'note')?.top?.map((t) => t.value).sort()).toEqual(['–', '€']);
    }
  });

  // From a read-only audit of uploads: a client whose text types default to ISO-8859-1 sends Excel's
  // "CSV UTF-8" (a UTF-8 byte-order mark first) as Latin-1; decoded so, the first column was "ï»¿city".
  it('reads a file marked UTF-8 as UTF-8 whatever charset it is declared in', async () => {
    const marked = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('city,price,note\nCafé Zürich,5,€\nSão Paulo,3,–\n')]);
    for (const charset of ['ISO-8859-1', 'windows-1252', 'us-ascii', 'shift_jis']) {
      const res = await call('PUT', '/v1/datasets/marked', marked, { 'content-type': `text/csv; charset=${charset}` });
      expect(res.status, charset).toBe(201);
      const profile = (await json(await call('GET', '/v1/datasets/marked'))).columns as { name: string; top?: { value: string }[] }[];
      expect(profile.map((c) => c.name)).toEqual(['city', 'price', 'note']);
      expect(profile.find((c) => c.name === 'city')?.top?.map((t) => t.value).sort()).toEqual(['Café Zürich', 'São Paulo']);
      expect(profile.find((c) => c.name === 'note')?.top?.map((t) => t.value).sort()).toEqual(['–', '€']);
    }
    // A Parquet file declared Windows-1252 is named as Parquet, not refused for the NUL bytes it holds.
    const parquet = new Uint8Array([...new TextEncoder().encode('PAR1'), 0x15, 0x00, 0x00, 0x04, ...new TextEncoder().encode('PAR1')]);
    const named = await expectError(await call('PUT', '/v1/datasets/parquet-1252', parquet, { 'content-type': 'text/csv; charset=windows-1252' }), 415, 'unsupported_media_type');
    expect(named.message).toContain('application/vnd.apache.parquet');
  });

  it('deletes a dataset: its versions\' files, and leftovers of killed uploads once they are old', async () => {
    await call('PUT', '/v1/datasets/gone', csv);
    await call('PUT', '/v1/datasets/gone-too', csv);
    const keysUnder = async (prefix: string) => (await env.STORE.list({ prefix })).objects.map((o) => o.key);
    expect(await keysUnder('datasets/default/gone/')).toHaveLength(2);
    // What an upload killed between writing its files and registering its version leaves behind.
    await env.STORE.put('datasets/default/gone/killed-upload/rows.csv', 'a\n1\n');
    expect((await call('DELETE', '/v1/datasets/gone')).status).toBe(204);
    await expectError(await call('GET', '/v1/datasets/gone'), 404, 'dataset_not_found');
    await expectError(await call('DELETE', '/v1/datasets/gone'), 404, 'dataset_not_found');
    // The registered version's files are gone; the leftover is young, so it may be an upload in flight: kept.
    expect(await keysUnder('datasets/default/gone/')).toEqual(['datasets/default/gone/killed-upload/rows.csv']);
    // Once old enough it goes, and nothing of another dataset whose name starts the same way.
    expect(await deleteFilesBefore(env.STORE, datasetFilesPrefix('default', 'gone'), new Date(Date.now() - 60_000))).toEqual({ deleted: 0, more: false });
    expect(await deleteFilesBefore(env.STORE, datasetFilesPrefix('default', 'gone'), new Date(Date.now() + 1_000))).toEqual({ deleted: 1, more: false });
    expect(await keysUnder('datasets/default/gone/')).toEqual([]);
    expect(await keysUnder('datasets/default/gone-too/')).toHaveLength(2);
  });
});

describe('jobs and predictions', () => {
  beforeAll(async () => {
    await call('PUT', '/v1/datasets/jobdata', csv);
  });

  it('refuses bad job requests and creates nothing', async () => {
    const before = (await json(await call('GET', '/v1/jobs'))).jobs.length;
    expect((await expectError(await call('POST', '/v1/jobs', { dataset: 'jobdata', target: 'nope' }), 400, 'invalid_target')).details.column).toBe('nope');
    await expectError(await call('POST', '/v1/jobs', { dataset: 'jobdata', target: 'label', metric: 'rmse' }), 400, 'invalid_metric');
    const short = await expectError(await call('POST', '/v1/jobs', { dataset: 'jobdata', target: 'label', budget: { seconds: 1 } }), 400, 'invalid_request');
    // The field is named once (was "budget.seconds: budget.seconds must be at least 5").
    expect(short).toMatchObject({ message: 'budget.seconds must be at least 5', details: { field: 'budget.seconds' } });
    expect((await expectError(await call('POST', '/v1/jobs', { dataset: 'jobdata', target: 'label', budget: { seconds: 'soon' } }), 400, 'invalid_request')).message).toMatch(/^budget\.seconds: /);
    expect((await expectError(await call('POST', '/v1/jobs', { dataset: 'jobdata', target: 'label', colour: 'red' }), 400, 'invalid_request')).details.field).toBe('colour');
    await expectError(await call('POST', '/v1/jobs', { dataset: 'jobdata', target: 'label', models: ['svm'] }), 400, 'invalid_request');
    await expectError(await call('POST', '/v1/jobs', { dataset: 'missing', target: 'label' }), 404, 'dataset_not_found');
    const noVersion = await expectError(await call('POST', '/v1/jobs', { dataset: 'jobdata', dataset_version: 9, target: 'label' }), 404, 'dataset_version_not_found');
    expect(noVersion.details).toEqual({ field: 'dataset_version', dataset: 'jobdata', version: 9, latest_version: 1 });
    // Two labelled rows: five folds cannot each validate on one (every trial used to fail until the budget ran out).
    expect((await call('PUT', '/v1/datasets/tiny', 'a,b,c\n1,x,0\n2,y,1\n3,z,\n')).status).toBe(201);
    const tiny = await expectError(await call('POST', '/v1/jobs', { dataset: 'tiny', target: 'c' }), 400, 'invalid_dataset');
    expect(tiny.message).toBe('dataset "tiny" has 2 rows with a value of "c"; a job needs at least 10 to train and validate on');
    expect(tiny.details).toMatchObject({ rows: 2, min_rows: 10 });
    await expectError(await call('POST', '/v1/jobs', '{"dataset":', { 'content-type': 'application/json' }), 400, 'invalid_json');
    // Nothing left to learn from: every other column ignored (this used to fail trials for the whole budget).
    const bare = await expectError(await call('POST', '/v1/jobs', { dataset: 'jobdata', target: 'label', columns: { a: 'ignore', b: 'ignore' } }), 400, 'invalid_request');
    expect(bare).toMatchObject({ details: { field: 'columns' }, message: expect.stringMatching(/^no column is left to learn "label" from: "a" is ignored, "b" is ignored/) });
    expect((await json(await call('GET', '/v1/jobs'))).jobs.length).toBe(before);
  });

  it('lists a started job as running, as its own view does, and then as it ended; its dataset cannot be deleted meanwhile', async () => {
    expect((await call('PUT', '/v1/datasets/busy', csv)).status).toBe(201);
    const created = await json(await call('POST', '/v1/jobs', { dataset: 'busy', target: 'label', models: ['linear'], budget: { seconds: 600, trials: 10_000 } }));
    const listed = async () => (await json(await call('GET', '/v1/jobs'))).jobs.find((j: { id: string }) => j.id === created.id)?.status;
    expect(await listed()).toBe('running');
    expect((await json(await call('GET', `/v1/jobs/${created.id}`))).status).toBe('running');
    const inUse = await expectError(await call('DELETE', '/v1/datasets/busy'), 409, 'dataset_in_use');
    expect(inUse.details).toEqual({ dataset: 'busy', job: created.id });
    expect((await call('GET', '/v1/datasets/busy')).status).toBe(200);
    expect((await call('DELETE', `/v1/jobs/${created.id}`)).status).toBe(200);
    const ended = await waitForJob(created.id);
    expect(await listed()).toBe(ended.status);
    expect((await call('DELETE', '/v1/datasets/busy')).status).toBe(204);
  });

  it('says in the job view what to know about the target: rows left out, rare classes', async () => {
    const rows = ['a,label', ...Array.from({ length: 40 }, (_, i) => `${i},${i < 4 ? '' : i === 20 ? 'maybe' : i % 2 ? 'yes' : 'no'}`)];
    expect((await call('PUT', '/v1/datasets/gappy', rows.join('\n'))).status).toBe(201);
    const created = await json(await call('POST', '/v1/jobs', { dataset: 'gappy', target: 'label', models: ['linear'], budget: { trials: 1 } }));
    expect(created.warnings).toEqual([
      '4 of 40 rows have no value of "label" and are left out of training',
      'class "maybe" (1) of "label" has fewer rows than the 5 folds: some folds validate without it, and its scores are rough',
    ]);
    expect((await waitForJob(created.id)).warnings).toEqual(created.warnings);
  });

  it('trains, then validates predict rows naming row and column', async () => {
    // cnn and rnn are families of image and forecast jobs: skipped here, and said so.
    const { id } = await json(await call('POST', '/v1/jobs', { dataset: 'jobdata', target: 'label', models: ['linear', 'cnn', 'rnn'], budget: { trials: 1 }, model: 'tiny' }));
    const job = await waitForJob(id);
    expect(job.status).toBe('succeeded');
    expect(job.models).toEqual(['linear']);
    expect(job.models_skipped.map((s: { family: string }) => s.family)).toEqual(['cnn', 'rnn']);
    expect(job.learning_task).toBeUndefined();
    expect(job.warnings).toBeUndefined();
    // Every score carries its metric and direction: the trials, the models list, each version.
    expect(await json(await call('GET', `/v1/jobs/${id}/trials`))).toMatchObject({ metric: 'roc_auc', greater_is_better: true });
    const listed = (await json(await call('GET', '/v1/models'))).models.find((m: { name: string }) => m.name === 'tiny');
    expect(listed).toMatchObject({ metric: 'roc_auc', greater_is_better: true });
    expect((await json(await call('GET', '/v1/models/tiny'))).versions[0]).toMatchObject({ metric: 'roc_auc', greater_is_better: true });

    const ok = await json(await call('POST', '/v1/models/tiny/predict', { rows: [{ a: 3, b: 'x' }, { a: '7' }, { b: 'never-seen' }, { label: 'yes' }] }));
    expect(ok.predictions).toHaveLength(4);
    for (const p of ok.predictions) expect(['no', 'yes']).toContain(p);

    const wrongType = await expectError(await call('POST', '/v1/models/tiny/predict', { rows: [{ a: 1 }, { a: 'many' }] }), 400, 'invalid_input');
    expect(wrongType.details).toEqual({ row: 1, column: 'a', index: 1 });
    expect((await expectError(await call('POST', '/v1/models/tiny/predict', { rows: [{ c: 1 }] }), 400, 'invalid_input')).details).toEqual({ row: 0, column: 'c', index: 0 });
    await expectError(await call('POST', '/v1/models/tiny/predict', { rows: [] }), 400, 'invalid_request');
    await expectError(await call('POST', '/v1/models/unknown/predict', { rows: [{ a: 1 }] }), 404, 'model_not_found');
    await expectError(await call('POST', '/v1/models/tiny/predict', { rows: [{ a: 1 }], version: 9 }), 404, 'model_version_not_found');
    // A pinned version of a model that does not exist: the model is what is missing.
    await expectError(await call('POST', '/v1/models/unknown/predict', { rows: [{ a: 1 }], version: 1 }), 404, 'model_not_found');
    await expectError(await call('POST', '/v1/models/unknown/forecast', { horizon: 3, version: 1 }), 404, 'model_not_found');
  });

  it('hides jobs and models of other tenants', async () => {
    const other = { 'x-tenant': 'someone-else' };
    const { id } = await json(await call('POST', '/v1/jobs', { dataset: 'jobdata', target: 'label', models: ['linear'], budget: { trials: 1 } }));
    await expectError(await call('GET', `/v1/jobs/${id}`, undefined, other), 404, 'job_not_found');
    await expectError(await call('POST', '/v1/models/tiny/predict', { rows: [{ a: 1 }] }, other), 404, 'model_not_found');
    await expectError(await call('GET', '/v1/datasets/jobdata', undefined, other), 404, 'dataset_not_found');
    await waitForJob(id);
  });
});
