/**
 * The OpenAPI document against the app it describes: every route has exactly one operation and every
 * operation a route; the document is structurally valid OpenAPI 3.1; request bodies are the handlers' own
 * zod schemas; real answers (success and error) parse with the documented response schema for their
 * status, with no undocumented field; /openapi.json and /docs are public.
 */
import { SELF } from 'cloudflare:test';
import { exports } from 'cloudflare:workers';
import { encode as encodePng } from 'fast-png';
import { zipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createApp } from '../../src/worker/app';
import { isValidName } from '../../src/worker/names';
import { buildDocument, effectiveResponses, openApiDocument } from '../../src/worker/openapi/document';
import { OPERATIONS } from '../../src/worker/openapi/operations';
import { NAME_PATTERN } from '../../src/worker/openapi/params';
import { createJobSchema, MAX_JSON_BYTES } from '../../src/worker/schemas';
import airCsv from '../../examples/airpassengers/train.csv?raw';
import { call, json, waitForJob } from './helpers';

type Json = Record<string, any>;
const doc = openApiDocument() as Json;
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];

/** `/v1/models/:model` → `/v1/models/{model}`; a trailing slash from a sub-app's "/" route is dropped. */
const toOpenApiPath = (path: string) => (path.length > 1 ? path.replace(/\/$/, '') : path).replace(/:([A-Za-z0-9_]+)/g, '{$1}');

/** Resolves a local JSON pointer (`#/components/schemas/JobView`) in the document. */
function resolvePointer(ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined;
  let node: unknown = doc;
  for (const raw of ref.slice(2).split('/')) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object' || !(key in node)) return undefined;
    node = (node as Json)[key];
  }
  return node;
}

/** Every `$ref` anywhere in the document, with where it was found. */
function collectRefs(node: unknown, at: string, out: { ref: string; at: string }[] = []) {
  if (Array.isArray(node)) node.forEach((n, i) => collectRefs(n, `${at}/${i}`, out));
  else if (node !== null && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') out.push({ ref: value, at });
      else collectRefs(value, `${at}/${key}`, out);
    }
  }
  return out;
}

const deref = (node: Json): Json => (typeof node?.$ref === 'string' ? (resolvePointer(node.$ref) as Json) : node);

describe('coverage: the operations table and the app agree', () => {
  const routes = createApp()
    .routes.filter((r) => r.method !== 'ALL')
    .map((r) => `${r.method.toUpperCase()} ${toOpenApiPath(r.path)}`);
  const operations = OPERATIONS.map((op) => `${op.method.toUpperCase()} ${op.path}`);

  it('finds the routes it is meant to compare (the route listing works)', () => {
    expect(routes).toContain('POST /v1/models/{model}/predict');
    expect(routes).toContain('GET /health');
  });

  it('documents every route of the app exactly once', () => {
    const missing = [...new Set(routes)].filter((route) => !operations.includes(route));
    expect(missing, 'routes without an entry in src/worker/openapi/operations.ts').toEqual([]);
    const twice = operations.filter((op, i) => operations.indexOf(op) !== i);
    expect(twice, 'operations listed twice').toEqual([]);
  });

  it('documents no route the app lacks', () => {
    expect(operations.filter((op) => !routes.includes(op)), 'operations with no route in createApp()').toEqual([]);
  });

  it('gives every operation a unique operationId', () => {
    const ids = OPERATIONS.map((op) => op.operationId);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
  });
});

describe('the document is structurally valid OpenAPI 3.1', () => {
  const operations = Object.entries(doc.paths as Json).flatMap(([path, item]) =>
    Object.entries(item as Json)
      .filter(([method]) => METHODS.includes(method))
      .map(([method, op]) => ({ path, method, op: op as Json })),
  );

  it('declares OpenAPI 3.1 with info and a bearer security scheme', () => {
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect(doc.info).toMatchObject({ title: 'edge-automl', version: '0.1.0' });
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.servers.length).toBeGreaterThan(0);
    expect(operations.length).toBe(OPERATIONS.length);
  });

  it('gives every operation at least one response, each with a description, under a valid status code', () => {
    for (const { path, method, op } of operations) {
      const statuses = Object.keys(op.responses ?? {});
      expect(statuses.length, `${method} ${path}`).toBeGreaterThan(0);
      for (const status of statuses) {
        expect(status, `${method} ${path}`).toMatch(/^[1-5]\d\d$/);
        expect(typeof deref(op.responses[status]).description, `${method} ${path} ${status}`).toBe('string');
      }
    }
  });

  it('documents invalid_name on every operation with a name in its path, and the refusals of every JSON body', () => {
    for (const { path, method, op } of operations) {
      if (/\{(dataset|model|name)\}/.test(path)) expect(deref(op.responses['400']).description, `${method} ${path}`).toContain('invalid_name');
      if (op.requestBody?.content?.['application/json']) {
        expect(deref(op.responses['400']).description, `${method} ${path}`).toContain('invalid_encoding');
        expect(deref(op.responses['413']).description, `${method} ${path}`).toContain('payload_too_large');
        expect(deref(op.responses['415']).description, `${method} ${path}`).toContain('unsupported_media_type');
      }
    }
  });

  it('resolves every $ref', () => {
    const refs = collectRefs(doc, '#');
    expect(refs.length).toBeGreaterThan(10);
    expect(refs.filter(({ ref }) => resolvePointer(ref) === undefined)).toEqual([]);
  });

  it('declares every path parameter, required, and no path parameter the path lacks', () => {
    for (const { path, method, op } of operations) {
      const inPath = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]).sort();
      const declared = (op.parameters ?? []).map(deref).filter((p: Json) => p.in === 'path');
      expect(declared.map((p: Json) => p.name).sort(), `${method} ${path}`).toEqual(inPath);
      for (const p of declared) expect(p.required, `${method} ${path} {${p.name}}`).toBe(true);
    }
  });

  it('marks public routes public and every /v1 route behind the key, with the 401 it answers', () => {
    for (const { path, op } of operations) {
      if (path.startsWith('/v1/')) {
        expect(op.security, path).toBeUndefined(); // inherits the document-wide bearer requirement
        expect(op.responses['401'], path).toBeDefined();
      } else {
        expect(op.security, path).toEqual([]);
      }
    }
    expect(doc.security).toEqual([{ bearer: [] }]);
  });

  it('restates the name rule of worker/names faithfully', () => {
    const pattern = new RegExp(NAME_PATTERN);
    for (const sample of ['credit', 'a', 'A.b-c_9', '9lives', 'x'.repeat(128)]) expect(pattern.test(sample), sample).toBe(isValidName(sample));
    for (const sample of ['', '-lead', '.hidden', 'has space', 'x'.repeat(129), 'slash/name']) expect(pattern.test(sample), sample).toBe(isValidName(sample));
  });
});

describe('request bodies are the schemas the handlers validate with', () => {
  const createJob = deref(doc.paths['/v1/jobs'].post.requestBody.content['application/json'].schema);

  it('shows the job request as POST /v1/jobs validates it', () => {
    expect(createJob.required).toEqual(['dataset', 'target']);
    expect(Object.keys(createJob.properties).sort()).toEqual(Object.keys(createJobSchema.shape).sort());
    expect(createJob.additionalProperties).toBe(false);
    expect(createJob.properties.task.enum).toEqual(expect.arrayContaining(['binary', 'multiclass', 'regression']));
    expect(createJob.properties.strategy.enum).toEqual(expect.arrayContaining(['auto', 'random', 'grid', 'bayes', 'asha']));
    expect(createJob.properties.metric.enum).toEqual(expect.arrayContaining(['roc_auc', 'log_loss', 'rmse', 'r2']));
    const budget = deref(createJob.properties.budget);
    expect(budget.properties.seconds).toMatchObject({ minimum: 5, maximum: 86_400 });
    expect(budget.properties.trials).toMatchObject({ type: 'integer', minimum: 1, maximum: 10_000 });
  });

  it('follows a change to the handler\'s schema', () => {
    const createJobOp = OPERATIONS.find((op) => op.operationId === 'createJob')!;
    const changed = createJobSchema.extend({ priority: z.enum(['low', 'high']) });
    const rebuilt = buildDocument([{ ...createJobOp, body: { required: true, content: { 'application/json': { json: changed } } } }]) as Json;
    const schema = rebuilt.components.schemas.CreateJobRequest;
    expect(schema.properties.priority).toEqual({ type: 'string', enum: ['low', 'high'] });
    expect(schema.required).toEqual(['dataset', 'target', 'priority']);
  });

  it('shows predict\'s row limit and the CSV alternative', () => {
    const content = doc.paths['/v1/models/{model}/predict'].post.requestBody.content;
    expect(deref(content['application/json'].schema).properties.rows).toMatchObject({ type: 'array', minItems: 1, maxItems: 10_000 });
    expect(content['text/csv'].schema.type).toBe('string');
  });

  it('reads request schemas as input: a field with a default is optional', () => {
    const schedule = deref(doc.paths['/v1/models/{model}/schedule'].put.requestBody.content['application/json'].schema);
    expect(schedule.required).toEqual(expect.arrayContaining(['every', 'dataset']));
    expect(schedule.required).not.toContain('budget');
    const onDrift = schedule.properties.on_drift.anyOf.map(deref).find((s: Json) => s.type === 'object');
    expect(onDrift.required).toEqual(['psi']);
    expect(onDrift.properties.hours.default).toBe(24);
  });
});

describe('/openapi.json and /docs are public', () => {
  it('serves the document without a key', async () => {
    const res = await exports.default.fetch('http://x/openapi.json');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    const served = (await res.json()) as Json;
    expect(served.openapi).toMatch(/^3\.1\./);
    expect(Object.keys(served.paths)).toContain('/v1/jobs');
  });

  it('serves the Swagger UI page at /docs, pointed at /openapi.json', async () => {
    const res = await SELF.fetch('https://example.com/docs');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    const page = await res.text();
    expect(page).toContain('/vendor/swagger-ui/swagger-ui-bundle.js');
    expect(page).toContain('/vendor/swagger-ui/swagger-ui.css');
    const script = page.match(/<script src="(\/docs\/[^"]+\.js)"/)?.[1];
    expect(script).toBeDefined();
    const js = await (await SELF.fetch(`https://example.com${script}`)).text();
    expect(js).toContain("url: '/openapi.json'");
    const bundle = await SELF.fetch('https://example.com/vendor/swagger-ui/swagger-ui-bundle.js');
    expect(bundle.status).toBe(200);
    expect(await bundle.text()).toContain('SwaggerUIBundle');
  });
});

/**
 * Checks a real answer against the document: its status is documented for the operation, and its body
 * parses with the documented schema without losing a field (parsing strips undocumented ones).
 */
async function expectDocumented(operationId: string, res: Response): Promise<any> {
  const op = OPERATIONS.find((o) => o.operationId === operationId);
  if (!op) throw new Error(`no operation ${operationId}`);
  const text = await res.text();
  const spec = effectiveResponses(op)[res.status];
  expect(spec, `${operationId} answered ${res.status}, which is not documented: ${text.slice(0, 300)}`).toBeDefined();
  expect(doc.paths[op.path][op.method].responses[String(res.status)], `${operationId} ${res.status} in the served document`).toBeDefined();
  if (!spec.schema) {
    expect(text, `${operationId} ${res.status} has no documented body`).toBe('');
    return undefined;
  }
  const mediaType = spec.contentType ?? 'application/json';
  expect(res.headers.get('content-type') ?? '', `${operationId} ${res.status} content type`).toContain(mediaType);
  const body = mediaType === 'application/json' ? JSON.parse(text) : text;
  const parsed = spec.schema.safeParse(body);
  expect(parsed.success ? [] : parsed.error.issues, `${operationId} ${res.status} against its documented schema`).toEqual([]);
  expect(parsed.data, `${operationId} ${res.status}: a field the schema does not document`).toEqual(body);
  return body;
}

const csv = [
  'amount,region,score,label',
  ...Array.from({ length: 90 }, (_, i) => `${(i * 37) % 101},${['north', 'south', 'east'][i % 3]},${(i % 7) / 7},${(i * 37) % 101 > 50 ? 'good' : 'bad'}`),
].join('\n');

/** A zip of two class folders of tiny gray PNGs: the image upload's input. */
function imageZip(): Uint8Array {
  const png = (value: number) => encodePng({ width: 4, height: 4, channels: 1, depth: 8, data: Uint8Array.from({ length: 16 }, (_, i) => (value + i * 5) % 256) });
  return zipSync({ 'cat/a.png': png(20), 'cat/b.png': png(40), 'dog/a.png': png(200), 'dog/b.png': png(220) });
}

describe('real answers match the documented response schemas', () => {
  let jobId = '';

  beforeAll(async () => {
    await expectDocumented('uploadDataset', await call('PUT', '/v1/datasets/oa-data', csv));
    const created = await expectDocumented('createJob', await call('POST', '/v1/jobs', { dataset: 'oa-data', target: 'label', budget: { trials: 3 }, seed: 7, model: 'oa-model' }));
    jobId = created.id;
    const job = await waitForJob(jobId);
    expect(job.status, JSON.stringify(job.error)).toBe('succeeded');
  }, 170_000);

  it('datasets: upload, list, profile, delete', async () => {
    await expectDocumented('listDatasets', await call('GET', '/v1/datasets'));
    const profile = await expectDocumented('getDataset', await call('GET', '/v1/datasets/oa-data?version=1'));
    expect(profile.columns.length).toBe(4);
    await expectDocumented('uploadDataset', await call('PUT', '/v1/datasets/oa-gone', csv));
    await expectDocumented('deleteDataset', await call('DELETE', '/v1/datasets/oa-gone'));
    const images = await expectDocumented('uploadDataset', await call('PUT', '/v1/datasets/oa-images?size=2x2&channels=1', imageZip(), { 'content-type': 'application/zip' }));
    expect(images.image).toEqual({ height: 2, width: 2, channels: 1, classes: { cat: 2, dog: 2 } });
    await expectDocumented('getDataset', await call('GET', '/v1/datasets/oa-images'));
  });

  it('jobs: view, list, trials, events, cancel', async () => {
    const view = await expectDocumented('getJob', await call('GET', `/v1/jobs/${jobId}`));
    expect(view.leaderboard.length).toBeGreaterThan(0);
    await expectDocumented('listJobs', await call('GET', '/v1/jobs'));
    const { trials } = await expectDocumented('listTrials', await call('GET', `/v1/jobs/${jobId}/trials`));
    expect(trials.length).toBeGreaterThanOrEqual(3);
    const events = await expectDocumented('jobEvents', await call('GET', `/v1/jobs/${jobId}/events`));
    expect(events).toContain('event: end');
    // The job has ended: the answer says the cancel changed nothing.
    const cancelled = await expectDocumented('cancelJob', await call('DELETE', `/v1/jobs/${jobId}`));
    expect(cancelled.status).toBe('succeeded');
    expect(cancelled.cancel).toEqual({ already_ended: true, message: `job ${jobId} had already ended (succeeded at ${view.finished_at}): nothing was cancelled; it published model "oa-model" v1` });
  });

  it('models: list, describe, predict (JSON, CSV, explained), evaluation, artifact', async () => {
    const { models } = await expectDocumented('listModels', await call('GET', '/v1/models'));
    expect(models.map((m: Json) => m.name)).toContain('oa-model');
    const model = await expectDocumented('getModel', await call('GET', '/v1/models/oa-model'));
    const rows = [{ amount: 80, region: 'north', score: 0.5 }, { amount: 3, region: 'east', score: 0.1 }];
    const predicted = await expectDocumented('predict', await call('POST', '/v1/models/oa-model/predict', { rows }));
    expect(predicted.predictions).toHaveLength(2);
    await expectDocumented('predict', await call('POST', '/v1/models/oa-model/predict', 'amount,region,score\n80,north,0.5\n'));
    // Explaining answers 200 or 422 depending on the family the search picked; either must be documented.
    await expectDocumented('predict', await call('POST', '/v1/models/oa-model/predict', { rows, explain: true }));
    const evaluation = await expectDocumented('getEvaluation', await call('GET', '/v1/models/oa-model/evaluation'));
    expect(evaluation.available, evaluation.reason).toBe(true);
    expect(evaluation.confusion.labels).toEqual(['bad', 'good']);
    await expectDocumented('exportArtifact', await call('GET', `/v1/models/oa-model/versions/${model.champion_version}/artifact`));
    await expectDocumented('getDrift', await call('GET', '/v1/models/oa-model/drift?hours=2'));
  });

  it('models: the image view of a model trained on pixels below 0 keeps its black (min_value)', async () => {
    const header = ['px_r0_c0', 'px_r0_c1', 'px_r1_c0', 'px_r1_c1', 'label'];
    const lines = Array.from({ length: 40 }, (_, i) => {
      const bright = i % 2 === 0;
      const pixels = Array.from({ length: 4 }, (_, p) => ((bright ? 0.5 : -0.9) + ((i * 7 + p * 3) % 5) / 10).toFixed(2));
      return [...pixels, bright ? 'bright' : 'dark'].join(',');
    });
    await expectDocumented('uploadDataset', await call('PUT', '/v1/datasets/oa-signed', [header.join(','), ...lines].join('\n')));
    const { id } = await expectDocumented('createJob', await call('POST', '/v1/jobs', { dataset: 'oa-signed', target: 'label', budget: { trials: 2 }, model: 'oa-signed' }));
    expect((await waitForJob(id)).status).toBe('succeeded');
    const model = await expectDocumented('getModel', await call('GET', '/v1/models/oa-signed'));
    expect(model.image).toEqual({ height: 2, width: 2, channels: 1, max_value: 1, min_value: -1 });
  });

  it('forecast: a baseline forecaster answers as documented', async () => {
    await expectDocumented('uploadDataset', await call('PUT', '/v1/datasets/oa-air', airCsv));
    const { id } = await expectDocumented(
      'createJob',
      await call('POST', '/v1/jobs', { dataset: 'oa-air', target: 'passengers_thousands', task: 'forecast', forecast: { horizon: 6 }, models: ['seasonal_naive', 'drift'], budget: { trials: 2 }, model: 'oa-air' }),
    );
    expect((await waitForJob(id)).status).toBe('succeeded');
    const answer = await expectDocumented('forecast', await call('POST', '/v1/models/oa-air/forecast', { horizon: 4, level: 0.9 }));
    expect(answer.forecasts).toHaveLength(4);
    await expectDocumented('deleteModel', await call('DELETE', '/v1/models/oa-air'));
  });

  it('champion moves and schedules', async () => {
    // v1 is already the champion: the answer is 200 with previous_version the same, as the operation says.
    expect(await expectDocumented('promoteModel', await call('POST', '/v1/models/oa-model/promote', { version: 1 }))).toEqual({ name: 'oa-model', champion_version: 1, previous_version: 1 });
    expect(doc.paths['/v1/models/{model}/promote'].post.description).toContain('Promoting the current champion moves nothing: `200` with `previous_version` equal to `champion_version`');
    await expectDocumented('rollbackModel', await call('POST', '/v1/models/oa-model/rollback'));
    await expectDocumented('putSchedule', await call('PUT', '/v1/models/oa-model/schedule', { every: '1d', dataset: 'oa-data', budget: { trials: 2 } }));
    await expectDocumented('getSchedule', await call('GET', '/v1/models/oa-model/schedule'));
    await expectDocumented('deleteSchedule', await call('DELETE', '/v1/models/oa-model/schedule'));
  });

  it('keys: create, list, revoke, and refusal of a tenant key', async () => {
    const created = await expectDocumented('createKey', await call('POST', '/v1/keys', { tenant: 'oa-tenant', name: 'ci' }));
    await expectDocumented('listKeys', await call('GET', '/v1/keys', undefined, { 'x-tenant': 'oa-tenant' }));
    const refused = await expectDocumented('listKeys', await call('GET', '/v1/keys', undefined, { authorization: `Bearer ${created.key}` }));
    expect(refused.error.code).toBe('forbidden');
    await expectDocumented('revokeKey', await call('DELETE', '/v1/keys/ci?tenant=oa-tenant'));
  });

  it('errors: each documented with the shared error body', async () => {
    const jsonType = { 'content-type': 'application/json' };
    const cases: [string, Response, number, string][] = [
      ['getModel', await call('GET', '/v1/models/no-such-model'), 404, 'model_not_found'],
      ['createJob', await call('POST', '/v1/jobs', { dataset: 'oa-data', target: 'label', budget: { seconds: 1 } }), 400, 'invalid_request'],
      ['createJob', await call('POST', '/v1/jobs', { dataset: 'oa-data', target: 'no_such_column' }), 400, 'invalid_target'],
      ['listModels', await exports.default.fetch('http://x/v1/models'), 401, 'unauthorized'],
      ['uploadDataset', await call('PUT', '/v1/datasets/oa-x', csv, { 'content-type': 'image/png' }), 415, 'unsupported_media_type'],
      ['getDataset', await call('GET', '/v1/datasets/bad%20name'), 400, 'invalid_name'],
      ['rollbackModel', await call('POST', '/v1/models/oa-model/rollback'), 409, 'nothing_to_roll_back'],
      ['predict', await call('POST', '/v1/models/oa-model/predict', { rows: [] }), 400, 'invalid_request'],
      ['getSchedule', await call('GET', '/v1/models/oa-model/schedule'), 404, 'schedule_not_found'],
      ['forecast', await call('POST', '/v1/models/oa-model/forecast', { horizon: 3 }), 400, 'not_a_forecast_model'],
      ['forecast', await call('POST', '/v1/models/no-such-model/forecast', { horizon: 3 }), 404, 'model_not_found'],
      ['deleteModel', await call('DELETE', '/v1/models/no-such-model'), 404, 'model_not_found'],
      // What every route reading a JSON body refuses (worker/json-body), documented on each of them.
      ['createKey', await call('POST', '/v1/keys', encodePng({ width: 1, height: 1, data: new Uint8Array(1), channels: 1 }), jsonType), 415, 'unsupported_media_type'],
      ['putSchedule', await call('PUT', '/v1/models/oa-model/schedule', new Uint8Array([0x7b, 0x22, 0xff, 0x22, 0x7d]), jsonType), 400, 'invalid_encoding'],
      ['promoteModel', await call('POST', '/v1/models/oa-model/promote', `{"version": 1, "pad": "${'x'.repeat(MAX_JSON_BYTES)}"}`, jsonType), 413, 'payload_too_large'],
      ['predict', await call('POST', '/v1/models/oa-model/predict', new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0, 0, 0]), { 'content-type': 'text/csv' }), 415, 'unsupported_media_type'],
    ];
    for (const [operationId, res, status, code] of cases) {
      expect(res.status, `${operationId} ${code}`).toBe(status);
      const body = await expectDocumented(operationId, res);
      expect(body.error.code).toBe(code);
    }
  });
});
