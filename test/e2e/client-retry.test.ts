/**
 * The typed client's opt-in waiting on rate limits (`retry: {rateLimited: true}`), with a recording
 * `fetch` in place of the network: a 429 that names its wait (Retry-After, or details.retry_after_seconds
 * where a browser cannot read the header) is waited out and sent again, the same request; one that names
 * no wait, would pass maxWaitMs, has a stream body, or comes after maxRetries is thrown as before.
 * Waits here are 0 or 1 s (the server's smallest), so the suite stays quick.
 */
import { describe, expect, it } from 'vitest';
import { ApiClientError, createClient, type FetchFn } from '../../src/client';

/** A fetch that records each request (its body as text) and answers from a queue of responses. */
function recordingFetch(...answers: (() => Response)[]): { fetch: FetchFn; bodies: (string | null)[] } {
  const bodies: (string | null)[] = [];
  const fetch: FetchFn = async (url, init = {}) => {
    bodies.push(typeof init.body === 'string' ? init.body : init.body === undefined ? null : '(stream)');
    const next = answers.shift();
    if (!next) throw new Error(`unexpected request ${init.method} ${url}`);
    return next();
  };
  return { fetch, bodies };
}

const rateLimited = (headers: Record<string, string>, seconds?: number) => () =>
  new Response(JSON.stringify({ error: { code: 'rate_limited', message: 'too many predict requests for this API key', details: seconds === undefined ? {} : { retry_after_seconds: seconds } } }), {
    status: 429,
    headers: { 'content-type': 'application/json', ...headers },
  });
const prediction = () => new Response(JSON.stringify({ model: { name: 'm', version: 1 }, predictions: ['good'] }), { headers: { 'content-type': 'application/json' } });

describe('typed client: waiting out rate limits', () => {
  it('throws a 429 at once by default', async () => {
    const { fetch, bodies } = recordingFetch(rateLimited({ 'retry-after': '1' }, 1));
    const err = await createClient({ url: 'http://h', key: 'k', fetch }).models.predict('m', [{ a: 1 }]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiClientError);
    expect(err).toMatchObject({ status: 429, code: 'rate_limited', details: { retry_after_seconds: 1 } });
    expect(bodies).toHaveLength(1);
  });

  it('with rateLimited, waits what Retry-After says and sends the same request again', async () => {
    const { fetch, bodies } = recordingFetch(rateLimited({ 'retry-after': '1' }, 1), prediction);
    const retries: { attempt: number; waitMs: number; code: string }[] = [];
    const api = createClient({ url: 'http://h', key: 'k', fetch, retry: { rateLimited: true, onRetry: ({ attempt, waitMs, error }) => retries.push({ attempt, waitMs, code: error.code }) } });
    expect((await api.models.predict('m', [{ a: 1 }])).predictions).toEqual(['good']);
    expect(retries).toEqual([{ attempt: 1, waitMs: 1000, code: 'rate_limited' }]);
    expect(bodies).toEqual([JSON.stringify({ rows: [{ a: 1 }] }), JSON.stringify({ rows: [{ a: 1 }] })]);
  });

  it('reads the wait from details.retry_after_seconds when the header cannot be read, and from an HTTP date', async () => {
    const waits: number[] = [];
    const onRetry = ({ waitMs }: { waitMs: number }) => waits.push(waitMs);
    const { fetch } = recordingFetch(rateLimited({}, 0), rateLimited({ 'retry-after': new Date(Date.now() - 5_000).toUTCString() }), prediction);
    const api = createClient({ url: 'http://h', key: 'k', fetch, retry: { rateLimited: true, onRetry } });
    expect((await api.models.predict('m', [{ a: 1 }])).predictions).toEqual(['good']);
    // The date has passed already: no wait.
    expect(waits).toEqual([0, 0]);
  });

  it('throws at once a 429 that names no wait, or whose wait would pass maxWaitMs', async () => {
    const tooMany = () => new Response(JSON.stringify({ error: { code: 'too_many_jobs', message: 'this tenant already has 4 unfinished jobs', details: { active: 4, limit: 4 } } }), { status: 429 });
    const onRetry = () => {
      throw new Error('no wait expected');
    };
    const first = recordingFetch(tooMany);
    const refused = await createClient({ url: 'http://h', key: 'k', fetch: first.fetch, retry: { rateLimited: true, onRetry } })
      .jobs.create({ dataset: 'd', target: 'y' })
      .catch((e: unknown) => e);
    expect(refused).toMatchObject({ status: 429, code: 'too_many_jobs' });
    expect(first.bodies).toHaveLength(1);

    const second = recordingFetch(rateLimited({ 'retry-after': '30' }, 30));
    const long = await createClient({ url: 'http://h', key: 'k', fetch: second.fetch, retry: { rateLimited: true, maxWaitMs: 10_000, onRetry } })
      .models.predict('m', [{ a: 1 }])
      .catch((e: unknown) => e);
    expect(long).toMatchObject({ status: 429, code: 'rate_limited', details: { retry_after_seconds: 30 } });
    expect(second.bodies).toHaveLength(1);
  });

  it('sends a request again at most maxRetries times', async () => {
    const { fetch, bodies } = recordingFetch(...Array.from({ length: 4 }, () => rateLimited({ 'retry-after': '0' }, 0)));
    const err = await createClient({ url: 'http://h', key: 'k', fetch, retry: { rateLimited: true, maxRetries: 2 } })
      .models.predict('m', [{ a: 1 }])
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 429, code: 'rate_limited' });
    expect(bodies).toHaveLength(3);
  });

  it('never sends a stream body twice', async () => {
    const { fetch, bodies } = recordingFetch(rateLimited({ 'retry-after': '0' }, 0), prediction);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('a\n1\n'));
        controller.close();
      },
    });
    const err = await createClient({ url: 'http://h', key: 'k', fetch, retry: { rateLimited: true } }).models.predictCsv('m', stream).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 429, code: 'rate_limited' });
    expect(bodies).toEqual(['(stream)']);
  });

  it('refuses limits that are no count, naming them', () => {
    expect(() => createClient({ url: 'http://h', key: 'k', retry: { rateLimited: true, maxWaitMs: -1 } })).toThrow('`retry.maxWaitMs` must be a number of milliseconds, 0 or more (got -1)');
    expect(() => createClient({ url: 'http://h', key: 'k', retry: { rateLimited: true, maxRetries: 1.5 } })).toThrow('`retry.maxRetries` must be a whole number, 0 or more (got 1.5)');
  });
});
