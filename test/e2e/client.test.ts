/**
 * The typed client's own behaviour, with a recording `fetch` in place of the network: how requests are
 * built (URL, encoding, auth, tenant, bodies) and how answers map to results and ApiClientError. The
 * whole client against a real server is exercised through the CLI in cli.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { ApiClientError, createClient, type FetchFn, type Job, JobWaitTimeoutError } from '../../src/client';

interface Seen {
  url: string;
  init: RequestInit & { duplex?: string };
}

/** A fetch that records each request and answers from a queue of responses. */
function recordingFetch(...answers: (() => Response)[]): { fetch: FetchFn; seen: Seen[] } {
  const seen: Seen[] = [];
  const fetch: FetchFn = async (url, init = {}) => {
    seen.push({ url, init });
    const next = answers.shift();
    if (!next) throw new Error(`unexpected request ${init.method} ${url}`);
    return next();
  };
  return { fetch, seen };
}

const jsonAnswer = (status: number, body: unknown) => () => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('ApiClientError mapping', () => {
  it('carries the contract error body: status, code, message, details and the request', async () => {
    const { fetch } = recordingFetch(jsonAnswer(404, { error: { code: 'model_not_found', message: 'model "x" does not exist', details: { model: 'x' } } }));
    const api = createClient({ url: 'http://h', key: 'k', fetch });
    const err = await api.models.get('x').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiClientError);
    expect(err).toMatchObject({ status: 404, code: 'model_not_found', message: 'model "x" does not exist', details: { model: 'x' }, request: 'GET /v1/models/x' });
  });

  it('gives a code from the status when the answer is not the contract body (a proxy page)', async () => {
    const { fetch } = recordingFetch(() => new Response('<html>Bad gateway</html>', { status: 502 }));
    const err = (await createClient({ url: 'http://h', key: 'k', fetch }).health().catch((e: unknown) => e)) as ApiClientError;
    expect(err.code).toBe('bad_gateway');
    expect(err.status).toBe(502);
    expect(err.message).toContain('<html>Bad gateway</html>');
  });

  it('names an empty error answer and an unknown status', async () => {
    const { fetch } = recordingFetch(() => new Response(null, { status: 418 }));
    const err = (await createClient({ url: 'http://h', key: 'k', fetch }).health().catch((e: unknown) => e)) as ApiClientError;
    expect(err).toMatchObject({ status: 418, code: 'http_error', message: 'HTTP 418 with an empty body' });
  });

  it('refuses a 2xx answer that is not JSON with invalid_response', async () => {
    const { fetch } = recordingFetch(() => new Response('ok', { status: 200 }));
    const err = (await createClient({ url: 'http://h', key: 'k', fetch }).models.list().catch((e: unknown) => e)) as ApiClientError;
    expect(err.code).toBe('invalid_response');
  });
});

describe('requests', () => {
  it('joins the base URL, encodes names, sends the key and the tenant', async () => {
    const { fetch, seen } = recordingFetch(jsonAnswer(200, { name: 'a/b' }));
    await createClient({ url: 'https://automl.example/', key: 'secret', tenant: 'acme', fetch }).models.get('a/b?c');
    expect(seen[0].url).toBe('https://automl.example/v1/models/a%2Fb%3Fc');
    expect(seen[0].init.headers).toMatchObject({ authorization: 'Bearer secret', 'x-tenant': 'acme' });
  });

  it('predict sends JSON rows with the options; predictCsv sends text/csv with ?version', async () => {
    const answer = { model: { name: 'm', version: 2 }, predictions: ['a'] };
    const { fetch, seen } = recordingFetch(jsonAnswer(200, answer), jsonAnswer(200, answer));
    const api = createClient({ url: 'http://h', key: 'k', fetch });
    expect(await api.models.predict('m', [{ x: 1 }], { version: 2 })).toEqual(answer);
    expect(seen[0].init.method).toBe('POST');
    expect(seen[0].init.headers).toMatchObject({ 'content-type': 'application/json' });
    expect(JSON.parse(seen[0].init.body as string)).toEqual({ rows: [{ x: 1 }], version: 2 });
    await api.models.predictCsv('m', 'x\n1\n', { version: 2 });
    expect(seen[1].url).toBe('http://h/v1/models/m/predict?version=2');
    expect(seen[1].init.headers).toMatchObject({ 'content-type': 'text/csv' });
    expect(seen[1].init.body).toBe('x\n1\n');
  });

  it('streams an upload body without buffering it (duplex half, as Node requires)', async () => {
    const { fetch, seen } = recordingFetch(jsonAnswer(201, { name: 'd', version: 1 }));
    const stream = new ReadableStream<Uint8Array>({ start: (c) => (c.enqueue(new TextEncoder().encode('a\n1\n')), c.close()) });
    await createClient({ url: 'http://h', key: 'k', fetch }).datasets.upload('d', stream);
    expect(seen[0].init).toMatchObject({ method: 'PUT', duplex: 'half' });
    expect(seen[0].init.body).toBe(stream);
    expect(seen[0].init.headers).toMatchObject({ 'content-type': 'text/csv' });
  });

  it('a 204 answer is undefined', async () => {
    const { fetch } = recordingFetch(() => new Response(null, { status: 204 }));
    expect(await createClient({ url: 'http://h', key: 'k', fetch }).datasets.delete('d')).toBeUndefined();
  });

  it('models.delete sends DELETE to the model; a model in use is an ApiClientError naming the jobs', async () => {
    const inUse = { error: { code: 'model_in_use', message: 'model "m" is still being trained by job j1', details: { model: 'm', jobs: ['j1'] } } };
    const { fetch, seen } = recordingFetch(() => new Response(null, { status: 204 }), jsonAnswer(409, inUse));
    const api = createClient({ url: 'http://h', key: 'k', fetch });
    expect(await api.models.delete('a/b')).toBeUndefined();
    expect(seen[0]).toMatchObject({ url: 'http://h/v1/models/a%2Fb', init: { method: 'DELETE' } });
    const err = await api.models.delete('m').catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 409, code: 'model_in_use', details: { jobs: ['j1'] }, request: 'DELETE /v1/models/m' });
  });

  it('refuses to build without url or key', () => {
    expect(() => createClient({ url: '', key: 'k' })).toThrow(/url/);
    expect(() => createClient({ url: 'http://h', key: '' })).toThrow(/key/);
  });
});

describe('waitForJob', () => {
  const view = (status: Job['status'], done: number) => ({ id: 'j', status, progress: { trials_done: done, trials_running: 0, trials_failed: 0, elapsed_ms: 0, budget: { seconds: 60 } } });

  it('polls until the job ends, reporting every view', async () => {
    const { fetch, seen } = recordingFetch(jsonAnswer(200, view('queued', 0)), jsonAnswer(200, view('running', 1)), jsonAnswer(200, view('failed', 1)));
    const progress: string[] = [];
    const job = await createClient({ url: 'http://h', key: 'k', fetch }).waitForJob('j', { pollMs: 1, onProgress: (j) => progress.push(j.status) });
    expect(job.status).toBe('failed');
    expect(progress).toEqual(['queued', 'running', 'failed']);
    expect(seen).toHaveLength(3);
  });

  it('throws JobWaitTimeoutError with the last view when time runs out', async () => {
    const running = jsonAnswer(200, view('running', 4));
    const { fetch } = recordingFetch(running, running, running, running, running, running);
    const err = await createClient({ url: 'http://h', key: 'k', fetch })
      .waitForJob('j', { pollMs: 5, timeoutMs: 12 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JobWaitTimeoutError);
    expect((err as JobWaitTimeoutError).job.progress.trials_done).toBe(4);
  });
});
