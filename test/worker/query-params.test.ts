/**
 * Query parameters a route does not take are refused (400 invalid_request naming the parameter and the
 * ones the route takes), never ignored: a typo such as `?explian=true` or `?verison=2` used to answer
 * another question than was asked. The accepted parameters are the OpenAPI document's, for every route.
 */
import { exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/worker/app';
import { OPERATIONS } from '../../src/worker/openapi/operations';
import { acceptedQuery } from '../../src/worker/query-params';
import { call, json } from './helpers';

/** The error body of a refusal, after checking its status. */
async function refusal(res: Response, status = 400): Promise<{ code: string; message: string; details: Record<string, unknown> }> {
  expect(res.status).toBe(status);
  return (await json(res)).error;
}

describe('unknown query parameters', () => {
  it('refuses a typo on predict, naming it and the parameters predict takes (CSV and JSON bodies alike)', async () => {
    // Refused before the model is looked up: the model need not exist.
    const csv = await refusal(await call('POST', '/v1/models/qp-none/predict?explian=true', 'a,b\n1,2\n'));
    expect(csv).toEqual({
      code: 'invalid_request',
      message: 'unknown query parameter "explian"; POST /v1/models/{model}/predict takes ?version, ?explain',
      details: { field: 'explian', accepted: ['version', 'explain'] },
    });
    const jsonBody = await refusal(await call('POST', '/v1/models/qp-none/predict?verison=2', { rows: [{ a: 1 }] }));
    expect(jsonBody).toMatchObject({ code: 'invalid_request', details: { field: 'verison', accepted: ['version', 'explain'] } });
    expect(jsonBody.message).toMatch(/^unknown query parameter "verison"; /);
  });

  it('reads a version or hours as plain decimal digits only, naming the field (no hex, exponent, sign, padding or leading zero)', async () => {
    const paths = ['/v1/models/qp-none?version=', '/v1/datasets/qp-none?version=', '/v1/models/qp-none/drift?version=', '/v1/models/qp-none/drift?hours=', '/v1/models/qp-none/evaluation?version=', '/v1/models/qp-none/versions/'];
    for (const path of paths) {
      const field = path.includes('hours') ? 'hours' : 'version';
      for (const sent of ['0x2', '1e0', '%202', '02', '2.0', '+2', '0']) {
        const url = path.endsWith('/') ? `${path}${sent}/artifact` : `${path}${sent}`;
        const error = await refusal(await call('GET', url));
        expect({ url, code: error.code, field: error.details.field }).toEqual({ url, code: 'invalid_request', field });
        expect(error.message, url).toMatch(new RegExp(`^${field}: expected (a positive integer|an integer from 1 to \\d+), got "`));
      }
    }
    // 16 digits read; past Number.MAX_SAFE_INTEGER is refused, not rounded to another version.
    expect((await refusal(await call('GET', '/v1/models/qp-none?version=9007199254740993'))).details.field).toBe('version');
    expect((await refusal(await call('GET', '/v1/models/qp-none?version=9007199254740991'), 404)).code).toBe('model_not_found');
  });

  it('lets the parameters a route takes through', async () => {
    // Known parameters reach the handler, which answers as before (here: no such model or dataset).
    expect((await refusal(await call('POST', '/v1/models/qp-none/predict?version=2&explain=true', 'a,b\n1,2\n'), 404)).code).toBe('model_not_found');
    expect((await refusal(await call('GET', '/v1/models/qp-none?version=2'), 404)).code).toBe('model_not_found');
    expect((await refusal(await call('GET', '/v1/datasets/qp-none?version=1'), 404)).code).toBe('dataset_not_found');
    expect((await refusal(await call('GET', '/v1/models/qp-none/drift?version=1&hours=2'), 404)).code).toBe('model_not_found');
    expect((await refusal(await call('GET', '/v1/models/qp-none/evaluation?version=1'), 404)).code).toBe('model_not_found');
    expect((await refusal(await call('DELETE', '/v1/keys/qp-none?tenant=default'), 404)).code).toBe('key_not_found');
  });

  it('refuses any parameter on a route that takes none, saying so', async () => {
    const listed = await refusal(await call('GET', '/v1/models?limit=5'));
    expect(listed).toEqual({ code: 'invalid_request', message: 'unknown query parameter "limit"; GET /v1/models takes no query parameters', details: { field: 'limit', accepted: [] } });
    const two = await refusal(await call('GET', '/v1/jobs?status=running&page=2'));
    expect(two.message).toBe('unknown query parameters "status", "page"; GET /v1/jobs takes no query parameters');
    expect(two.details.field).toBe('status');
    const forecast = await refusal(await call('POST', '/v1/models/qp-none/forecast?horizon=3', { horizon: 3 }));
    expect(forecast.details).toEqual({ field: 'horizon', accepted: [] });
  });

  it('refuses a parameter given twice: which value would count is a guess', async () => {
    const twice = await refusal(await call('GET', '/v1/models/qp-none?version=1&version=2'));
    expect(twice).toEqual({ code: 'invalid_request', message: 'query parameter "version" is given 2 times; give it once', details: { field: 'version' } });
  });

  it('asks for the key first, and leaves unknown routes and the public routes alone', async () => {
    const anonymous = await exports.default.fetch('http://edge-automl.test/v1/models?limit=5');
    expect((await refusal(anonymous, 401)).code).toBe('unauthorized');
    expect((await refusal(await call('GET', '/v1/nothing-here?x=1'), 404)).code).toBe('not_found');
    expect((await refusal(await call('PATCH', '/v1/models/qp-none?x=1'), 405)).code).toBe('method_not_allowed');
    expect((await call('GET', '/health?probe=1')).status).toBe(200);
  });

  it('refuses ?version and ?explain with a JSON predict body, which gives them as fields', async () => {
    const version = await refusal(await call('POST', '/v1/models/qp-none/predict?version=3', { rows: [{ a: 1 }] }));
    expect(version).toEqual({
      code: 'invalid_request',
      message: '?version is read with a CSV or Parquet body; a JSON body gives it as a field: {"rows": [...], "version": 3}',
      details: { field: 'version' },
    });
    expect((await refusal(await call('POST', '/v1/models/qp-none/predict?explain=true', { rows: [{ a: 1 }] }))).details).toEqual({ field: 'explain' });
  });

  it('refuses ?size and ?channels with a CSV upload, which is stored as it is, and stores nothing', async () => {
    const sized = await refusal(await call('PUT', '/v1/datasets/qp-table?size=8x8', 'a,b\n1,2\n'));
    expect(sized).toMatchObject({ code: 'invalid_request', details: { field: 'size' } });
    expect(sized.message).toMatch(/^\?size is for a zip of images/);
    expect((await refusal(await call('GET', '/v1/datasets/qp-table'), 404)).code).toBe('dataset_not_found');
  });

  it('takes, on every route, exactly the query parameters its OpenAPI operation lists', () => {
    const routes = createApp().routes.filter((r) => r.method !== 'ALL' && r.path.startsWith('/v1'));
    expect(routes.length).toBeGreaterThan(20);
    for (const route of routes) {
      const toOpenApi = (route.path.length > 1 ? route.path.replace(/\/$/, '') : route.path).replace(/:([A-Za-z0-9_]+)/g, '{$1}');
      const op = OPERATIONS.find((o) => o.method === route.method.toLowerCase() && o.path === toOpenApi);
      expect(op, `${route.method} ${route.path}`).toBeDefined();
      expect(acceptedQuery(route.method, route.path), `${route.method} ${route.path}`).toEqual(Object.keys(op?.query ?? {}));
    }
  });

  it('is documented as a 400 of every authenticated operation', async () => {
    const doc = await json(await call('GET', '/openapi.json'));
    expect(doc.paths['/v1/models'].get.responses['400'].description).toMatch(/query parameter/);
    expect(doc.paths['/v1/models/{model}/predict'].post.responses['400'].description).toMatch(/invalid_input names the row.*query parameter/);
  });
});
