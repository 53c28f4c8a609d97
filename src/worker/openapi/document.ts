/**
 * @module worker/openapi/document
 * Builds the OpenAPI 3.1 document served at GET /openapi.json from the operations table. Schemas go
 * through zod's own JSON Schema generator (draft 2020-12, the dialect of OpenAPI 3.1): request bodies as
 * the handlers read them (`io: "input"`: defaults make a field optional), answers as they are sent. Named
 * schemas (every request body, every shared answer) land in components.schemas and are referenced, so
 * Swagger UI shows them by name. Built once per isolate: it depends on nothing but the code.
 */
import type { Context } from 'hono';
import { z } from 'zod';
import pkg from '../../../package.json';
import { type Operation, type ResponseSpec, fail } from './operation';
import { OPERATIONS } from './operations';
import { PATH_PARAMS } from './params';
import * as responseSchemas from './responses';

type Json = Record<string, unknown>;

const SCHEMA_REF = '#/components/schemas/';
const TENANT_PARAM = { $ref: '#/components/parameters/Tenant' };

const TAGS = [
  { name: 'meta', description: 'Health and this document; no key needed.' },
  { name: 'datasets', description: 'Upload tables; every upload is a new immutable version.' },
  { name: 'jobs', description: 'AutoML searches: start, watch, cancel.' },
  { name: 'models', description: 'Published models: describe, predict, move the champion, export, delete.' },
  { name: 'retraining', description: 'Scheduled retraining with champion/challenger promotion.' },
  { name: 'monitoring', description: 'Drift of live inputs.' },
  { name: 'keys', description: 'Tenant API keys (admin key only).' },
];

/** The answers any route behind the key check can give, added to each authenticated operation. */
export function effectiveResponses(op: Operation): Readonly<Record<number, ResponseSpec>> {
  const shared: Record<number, ResponseSpec> = {
    500: fail('internal_error (or storage errors): nothing was changed; retry'),
    503: fail('storage_unavailable: object storage could not be reached; retry after the Retry-After header'),
  };
  if (op.access !== 'public') {
    shared[401] = fail('unauthorized: missing or wrong API key');
    shared[403] = fail(op.access === 'admin' ? 'forbidden: this route needs the admin key' : 'forbidden: a tenant key sent X-Tenant naming another tenant');
    shared[429] = fail('too_many_failed_auth: too many wrong keys from this address (Retry-After header)');
    // worker/query-params: every /v1 route refuses a query parameter it does not list.
    shared[400] = fail('invalid_request: a query parameter this operation does not list (details.field names it, details.accepted lists those it takes), or one given twice');
  }
  // worker/json-body: every route that reads a JSON body caps its size, refuses a file sent in its place,
  // and reads it as strict UTF-8, whatever else the route refuses.
  if (Object.values(op.body?.content ?? {}).some((content) => 'json' in content)) {
    // An operation that documents its own 413 or 415 (the upload's, with its media types) keeps it alone.
    if (!op.responses[413]) shared[413] = fail('payload_too_large: the body is over the size limit (details.limit)');
    if (!op.responses[415]) shared[415] = fail('unsupported_media_type: the body is a file (an image, zip, gzip or Parquet file), not JSON (details.field: content-type)');
    const encoding = 'invalid_encoding: the body is not valid UTF-8 (details.line and details.byte name where)';
    shared[400] = fail(shared[400] ? `${shared[400].description}; ${encoding}` : encoding);
  }
  // worker/names: a dataset, model or key name in the path is checked before anything else.
  if (/\{(dataset|model|name)\}/.test(op.path) && !op.responses[400]?.description.includes('invalid_name')) {
    const naming = 'invalid_name: a name in the path breaks the naming rule';
    shared[400] = fail(shared[400] ? `${shared[400].description}; ${naming}` : naming);
  }
  // A status both give (429 from a route's rate limit and from failed authentication) lists both causes.
  const merged: Record<number, ResponseSpec> = { ...shared, ...op.responses };
  for (const [status, spec] of Object.entries(op.responses)) {
    const common = shared[Number(status)];
    if (common) merged[Number(status)] = { ...spec, description: `${spec.description}; ${common.description}` };
  }
  return merged;
}

/** `exportName` → `ExportName` without the `Response` suffix: the component name of a shared answer. */
const componentName = (exportName: string) => exportName[0].toUpperCase() + exportName.slice(1).replace(/Response$/, '');

const pascal = (id: string) => id[0].toUpperCase() + id.slice(1);

/**
 * Drops what zod emits that does not belong in the document: per-schema `$schema` / `$id`, the ±2^53
 * bounds of every `z.int()`, and, in answers, `additionalProperties: false` (clients must accept fields
 * added later; the handlers' strict request schemas keep theirs).
 */
function tidy(node: unknown, open: boolean): unknown {
  if (Array.isArray(node)) return node.map((n) => tidy(n, open));
  if (node === null || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === '$schema' || key === '$id') continue;
    if (key === 'minimum' && value === Number.MIN_SAFE_INTEGER) continue;
    if (key === 'maximum' && value === Number.MAX_SAFE_INTEGER) continue;
    if (key === 'additionalProperties' && value === false && open) continue;
    out[key] = tidy(value, open);
  }
  return out;
}

/** Converts named schemas together, so a named schema inside another becomes a $ref to its component. */
function namedSchemas(named: Map<z.ZodType, string>, io: 'input' | 'output'): Json {
  const registry = z.registry<{ id: string }>();
  for (const [schema, id] of named) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, { target: 'draft-2020-12', io, uri: (id) => `${SCHEMA_REF}${id}` });
  return tidy(schemas, io === 'output') as Json;
}

function schemaOf(schema: z.ZodType, named: Map<z.ZodType, string>, io: 'input' | 'output'): unknown {
  const id = named.get(schema);
  if (id) return { $ref: `${SCHEMA_REF}${id}` };
  return tidy(z.toJSONSchema(schema, { target: 'draft-2020-12', io }), io === 'output');
}

function parameters(op: Operation): unknown[] {
  const names = [...op.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
  const path = names.map((name) => {
    const spec = PATH_PARAMS[name];
    if (!spec) throw new Error(`operation ${op.operationId}: path parameter {${name}} has no entry in openapi/params PATH_PARAMS`);
    return { name, in: 'path', required: true, description: spec.description, schema: schemaOf(spec.schema, new Map(), 'input') };
  });
  const query = Object.entries(op.query ?? {}).map(([name, spec]) => ({
    name,
    in: 'query',
    required: spec.required ?? false,
    description: spec.description,
    schema: schemaOf(spec.schema, new Map(), 'input'),
  }));
  return [...path, ...query, ...(op.access === 'public' ? [] : [TENANT_PARAM])];
}

function requestBody(op: Operation, requests: Map<z.ZodType, string>): Json | undefined {
  if (!op.body) return undefined;
  const content: Json = {};
  for (const [mediaType, body] of Object.entries(op.body.content)) {
    if ('json' in body) content[mediaType] = { schema: schemaOf(body.json, requests, 'input'), ...(body.example !== undefined ? { example: body.example } : {}) };
    else if ('text' in body) content[mediaType] = { schema: { type: 'string', description: body.text } };
    else content[mediaType] = { schema: { type: 'string', format: 'binary', contentMediaType: mediaType, description: body.binary } };
  }
  return { required: op.body.required, ...(op.body.description ? { description: op.body.description } : {}), content };
}

function responses(op: Operation, answers: Map<z.ZodType, string>): Json {
  const out: Json = {};
  for (const [status, spec] of Object.entries(effectiveResponses(op))) {
    out[status] = {
      description: spec.description,
      ...(spec.schema
        ? {
            content: {
              [spec.contentType ?? 'application/json']: { schema: schemaOf(spec.schema, answers, 'output') },
              ...Object.fromEntries(Object.entries(spec.alternatives ?? {}).map(([mediaType, schema]) => [mediaType, { schema: schemaOf(schema, answers, 'output') }])),
            },
          }
        : {}),
    };
  }
  return out;
}

function operationObject(op: Operation, requests: Map<z.ZodType, string>, answers: Map<z.ZodType, string>): Json {
  const body = requestBody(op, requests);
  const access = op.access === 'admin' ? '\n\nNeeds the admin key.' : '';
  return {
    operationId: op.operationId,
    summary: op.summary,
    ...(op.description || access ? { description: `${op.description ?? ''}${access}`.trim() } : {}),
    tags: [op.tag],
    ...(op.access === 'public' ? { security: [] } : {}),
    parameters: parameters(op),
    ...(body ? { requestBody: body } : {}),
    responses: responses(op, answers),
  };
}

/** The OpenAPI 3.1 document of the given operations (exported for tests; the route serves the cached one). */
export function buildDocument(operations: readonly Operation[]): Json {
  const requests = new Map<z.ZodType, string>();
  for (const op of operations) {
    for (const body of Object.values(op.body?.content ?? {})) {
      if ('json' in body && !requests.has(body.json)) requests.set(body.json, `${pascal(op.operationId)}Request`);
    }
  }
  const answers = new Map<z.ZodType, string>(Object.entries(responseSchemas).map(([name, schema]) => [schema as z.ZodType, componentName(name)]));

  const paths: Record<string, Json> = {};
  for (const op of operations) {
    const item = (paths[op.path] ??= {});
    if (item[op.method]) throw new Error(`two operations for ${op.method.toUpperCase()} ${op.path}`);
    item[op.method] = operationObject(op, requests, answers);
  }
  return {
    openapi: '3.1.1',
    info: {
      title: 'edge-automl',
      version: pkg.version,
      description: `${pkg.description}\n\nSend your API key as \`Authorization: Bearer <key>\` (the Authorize button). Errors always answer \`{"error": {"code", "message", "details"}}\`. A query parameter an operation does not list is refused (400 invalid_request naming it), never ignored.`,
      license: { name: pkg.license, identifier: pkg.license },
    },
    servers: [{ url: '/', description: 'the Worker serving this document' }],
    security: [{ bearer: [] }],
    tags: TAGS,
    paths,
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'A tenant key (`eak_…`, from POST /v1/keys) or the admin key (the ADMIN_API_KEY secret).' },
      },
      parameters: {
        Tenant: { name: 'X-Tenant', in: 'header', required: false, description: 'Admin key only: the tenant to act on (default "default"). A tenant key may send only its own tenant.', schema: { type: 'string' } },
      },
      schemas: { ...namedSchemas(answers, 'output'), ...namedSchemas(requests, 'input') },
    },
  };
}

let cached: Json | undefined;

/** The document of this Worker's routes, built on first use in the isolate. */
export function openApiDocument(): Json {
  cached ??= buildDocument(OPERATIONS);
  return cached;
}

/** GET /openapi.json: public, so the docs page and code generators can read it without a key. */
export const serveOpenApi = (c: Context) => {
  c.header('cache-control', 'public, max-age=300');
  return c.json(openApiDocument());
};
