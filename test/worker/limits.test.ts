/**
 * The Worker's limits, each a clear 4xx in the contract's shape: per-key rate limits on predict and job
 * creation (429 rate_limited with Retry-After), unfinished jobs per tenant (429 too_many_jobs), rows,
 * columns and field size per dataset, upload and JSON body size, predict batch size; and the reading of
 * limits from [vars] with defaults.
 */
import { runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, rateLimitRetryAfter, readLimits } from '../../src/worker/limits';
import { SMALL_CSV, expectError, jsonOf, send, tenantKey, waitJob } from './tenant';
import { ADMIN_KEY } from './helpers';

/**
 * Checks a rate limit's 429 asks to wait what is left of the one-minute window it was refused in (read
 * from the clock before and after the request), the same in Retry-After, details and message.
 */
async function expectWindowWait(refused: Response, sentAt: number, code: string): Promise<void> {
  const answeredAt = Date.now();
  const wait = Number(refused.headers.get('retry-after'));
  // Refused between the two readings: when both fall in one window, the wait lies between theirs.
  const sameWindow = Math.floor(sentAt / 60_000) === Math.floor(answeredAt / 60_000);
  expect(wait).toBeGreaterThanOrEqual(sameWindow ? rateLimitRetryAfter(answeredAt) : 1);
  expect(wait).toBeLessThanOrEqual(sameWindow ? rateLimitRetryAfter(sentAt) : 60);
  const error = await expectError(refused, 429, code);
  expect(error.details.retry_after_seconds).toBe(wait);
  expect(error.message).toContain(`retry after ${wait} second`);
}

/** Sends `make()` until a 429 or `max` requests; returns how many were let through and the 429. */
async function until429(make: () => Promise<Response>, max: number): Promise<{ passed: number; refused: Response | undefined; sentAt: number }> {
  let passed = 0;
  // Batches keep the suite quick; the limiter counts each request either way.
  while (passed < max) {
    const sentAt = Date.now();
    const batch = await Promise.all(Array.from({ length: 25 }, make));
    const refused = batch.find((r) => r.status === 429);
    for (const r of batch) if (r !== refused) await r.body?.cancel();
    passed += batch.filter((r) => r.status !== 429).length;
    if (refused) return { passed, refused, sentAt };
  }
  return { passed, refused: undefined, sentAt: Date.now() };
}

describe('limits from [vars]', () => {
  it('reads wrangler.toml values and falls back to defaults, never to "no limit"', () => {
    expect(readLimits(env)).toEqual({ maxUploadBytes: 52_428_800, maxRows: 1_000_000, maxColumns: 1_000, maxFieldBytes: 65_536, maxConcurrentJobs: 4, trialParallelism: 2, trialLeaseSeconds: 300 });
    const garbled = { ...env, MAX_ROWS: '', MAX_COLUMNS: 'lots', MAX_FIELD_BYTES: '-1', MAX_CONCURRENT_JOBS: '2.5', MAX_UPLOAD_BYTES: undefined, TRIAL_PARALLELISM: 'two', TRIAL_LEASE_SECONDS: 'NaN' } as unknown as Env;
    expect(readLimits(garbled)).toEqual(DEFAULT_LIMITS);
    expect(readLimits({ ...env, MAX_CONCURRENT_JOBS: '10' } as Env).maxConcurrentJobs).toBe(10);
    // Trials at once within what a request may ask (1..32), a lease of at least 5 s.
    expect(readLimits({ ...env, TRIAL_PARALLELISM: '64', TRIAL_LEASE_SECONDS: '1' } as Env)).toMatchObject({ trialParallelism: 32, trialLeaseSeconds: 5 });
  });
});

describe('the wait a rate limit asks for', () => {
  it('is what is left of the fixed window the limiter counts in, in whole seconds, at least 1', () => {
    const minute = 29_000_000 * 60_000;
    expect(rateLimitRetryAfter(minute)).toBe(60);
    expect(rateLimitRetryAfter(minute + 1)).toBe(60);
    expect(rateLimitRetryAfter(minute + 5_300)).toBe(55);
    expect(rateLimitRetryAfter(minute + 59_000)).toBe(1);
    expect(rateLimitRetryAfter(minute + 59_999)).toBe(1);
    expect(rateLimitRetryAfter(minute + 3_500, 10)).toBe(7);
  });
});

describe('rate limits per key', () => {
  it('limits predictions to 600 a minute per key, with Retry-After', async () => {
    const [noisy, quiet] = [await tenantKey('rate-a', 'k'), await tenantKey('rate-b', 'k')];
    const predict = (key: string) => send({ method: 'POST', path: '/v1/models/none/predict', key, body: { rows: [{ a: 1 }] } });
    // Requests before the limit get their normal answer (404 here: the limit is counted before the lookup).
    // A minute boundary may reset the window once, so allow up to two windows' worth.
    const { passed, refused, sentAt } = await until429(() => predict(noisy), 1_250);
    expect(refused).toBeDefined();
    expect(passed).toBeGreaterThanOrEqual(600);
    await expectWindowWait(refused!, sentAt, 'rate_limited');
    // Another key, even another tenant's, is not affected.
    await expectError(await predict(quiet), 404, 'model_not_found');
  });

  it('limits job creation to 30 a minute per key, refused attempts included', async () => {
    const key = await tenantKey('rate-jobs', 'k');
    const { passed, refused, sentAt } = await until429(() => send({ method: 'POST', path: '/v1/jobs', key, body: { dataset: 'none', target: 'y' } }), 100);
    expect(refused).toBeDefined();
    expect(passed).toBeGreaterThanOrEqual(30);
    await expectWindowWait(refused!, sentAt, 'rate_limited');
    expect((await jsonOf(await send({ method: 'GET', path: '/v1/jobs', key }))).jobs).toEqual([]);
  });
});

describe('failed authentications per client address', () => {
  it('refuses an address after 100 bad keys a minute, without looking keys up, and leaves other addresses and known keys alone', async () => {
    const valid = await tenantKey('auth-flood', 'k');
    const unused = await tenantKey('auth-flood', 'never-used');
    const from = (ip: string, key: string | null) => send({ method: 'GET', path: '/v1/datasets', key, headers: { 'cf-connecting-ip': ip } });
    // Used once before the flood: this isolate knows it to be good.
    expect((await from('198.51.100.9', valid)).status).toBe(200);
    const madeUp = (i: number) => `eak_${i.toString(16).padStart(16, '0')}_${'0'.repeat(64)}`;
    let i = 0;
    const { passed, refused } = await until429(() => from('203.0.113.7', madeUp(i++)), 250);
    expect(refused).toBeDefined();
    expect(passed).toBeGreaterThanOrEqual(100);
    // The address is blocked for a minute from then: each refusal asks for what is left of it.
    const wait = Number(refused!.headers.get('retry-after'));
    expect(wait).toBeGreaterThanOrEqual(1);
    expect(wait).toBeLessThanOrEqual(60);
    const first = await expectError(refused!, 429, 'too_many_failed_auth');
    expect(first.details.retry_after_seconds).toBe(wait);
    expect(first.message).toContain(`retry after ${wait} second`);
    // While blocked, no key is looked up: a good key this isolate has not seen waits the block out, as a
    // made-up one does; a tenant key it knows to be good still passes, so clients sharing the address
    // with the one sending bad keys are not locked out. The admin key waits too: answering it would
    // tell a guesser which guess was right, at full speed through the block.
    const later = await from('203.0.113.7', unused);
    expect(Number(later.headers.get('retry-after'))).toBeLessThanOrEqual(wait);
    await expectError(later, 429, 'too_many_failed_auth');
    await expectError(await from('203.0.113.7', madeUp(i++)), 429, 'too_many_failed_auth');
    expect((await from('203.0.113.7', valid)).status).toBe(200);
    await expectError(await from('203.0.113.7', ADMIN_KEY), 429, 'too_many_failed_auth');
    expect((await from('198.51.100.9', ADMIN_KEY)).status).toBe(200);
    // Another address, with or without a good key, is unaffected.
    await expectError(await from('198.51.100.2', madeUp(1)), 401, 'unauthorized');
    expect((await from('198.51.100.2', valid)).status).toBe(200);
  });
});

describe('unfinished jobs per tenant', () => {
  it('frees the slot of a job whose end report was lost, and counts no stuck job', async () => {
    const key = await tenantKey('lost', 'k');
    expect((await send({ method: 'PUT', path: '/v1/datasets/d', key, body: SMALL_CSV, contentType: 'text/csv' })).status).toBe(201);
    const body = { dataset: 'd', target: 'label', models: ['linear'], budget: { trials: 1 } };
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push((await jsonOf(await send({ method: 'POST', path: '/v1/jobs', key, body }))).id);
    for (const id of ids) expect((await waitJob(id, key)).status).toBe('succeeded');
    // Their end reports lost (each is sent once, best effort): the Registry still lists them running.
    await runInDurableObject(env.REGISTRY.getByName('lost'), (_, state) => {
      state.storage.sql.exec("UPDATE jobs SET status = 'running'");
    });
    const fifth = await send({ method: 'POST', path: '/v1/jobs', key, body });
    expect(fifth.status).toBe(202);
    const listed = (await jsonOf(await send({ method: 'GET', path: '/v1/jobs', key }))).jobs as { id: string; status: string }[];
    for (const id of ids) expect(listed.find((j) => j.id === id)?.status).toBe('succeeded');
    await waitJob((await jsonOf(fifth)).id, key);
    // A job recorded more than a day ago and never heard of since is stuck, not running: no slot.
    const old = new Date(Date.now() - 26 * 3_600_000).toISOString();
    await runInDurableObject(env.REGISTRY.getByName('lost'), (_, state) => {
      for (let i = 0; i < 4; i++) state.storage.sql.exec("INSERT INTO jobs (id, dataset, target, status, model_name, created_at) VALUES (?, 'd', 'label', 'running', 'd', ?)", `stuck-${i}`, old);
    });
    const sixth = await send({ method: 'POST', path: '/v1/jobs', key, body });
    expect(sixth.status).toBe(202);
    await waitJob((await jsonOf(sixth)).id, key);
    // Stuck rows are not among the jobs whose coordinators are asked: nine of them (more than are asked in
    // one request) beside the six lost end reports still let the next job in.
    await runInDurableObject(env.REGISTRY.getByName('lost'), (_, state) => {
      for (let i = 4; i < 9; i++) state.storage.sql.exec("INSERT INTO jobs (id, dataset, target, status, model_name, created_at) VALUES (?, 'd', 'label', 'running', 'd', ?)", `stuck-${i}`, old);
      state.storage.sql.exec("UPDATE jobs SET status = 'running' WHERE id NOT LIKE 'stuck-%'");
    });
    const seventh = await send({ method: 'POST', path: '/v1/jobs', key, body });
    expect(seventh.status, await seventh.clone().text()).toBe(202);
    await waitJob((await jsonOf(seventh)).id, key);
  });

  it('removes the rows of jobs whose hand-off failed, past its grace, for a new job and on DELETE', async () => {
    const key = await tenantKey('unstarted', 'k');
    expect((await send({ method: 'PUT', path: '/v1/datasets/d', key, body: SMALL_CSV, contentType: 'text/csv' })).status).toBe(201);
    // Rows a failed hand-off could not remove (worker/hand-off-job): queued, no coordinator ever held them.
    const ids = Array.from({ length: 4 }, () => crypto.randomUUID());
    const at = (msAgo: number) => new Date(Date.now() - msAgo).toISOString();
    await runInDurableObject(env.REGISTRY.getByName('unstarted'), (_, state) => {
      for (const id of ids) state.storage.sql.exec("INSERT INTO jobs (id, dataset, target, status, model_name, created_at) VALUES (?, 'd', 'label', 'queued', 'd', ?)", id, at(600_000));
    });
    const listed = async () => ((await jsonOf(await send({ method: 'GET', path: '/v1/jobs', key }))).jobs as { id: string }[]).map((j) => j.id);
    // DELETE of one: not found (nothing ran), and it is no longer listed.
    // Sent upper-cased, as a client may: the id names the same job (as the coordinator's name does).
    await expectError(await send({ method: 'DELETE', path: `/v1/jobs/${ids[0].toUpperCase()}`, key }), 404, 'job_not_found');
    expect(await listed()).not.toContain(ids[0]);
    // One recorded a moment ago may be in its hand-off yet: it keeps its slot, so the limit is reached.
    await runInDurableObject(env.REGISTRY.getByName('unstarted'), (_, state) => {
      state.storage.sql.exec("INSERT INTO jobs (id, dataset, target, status, model_name, created_at) VALUES (?, 'd', 'label', 'queued', 'd', ?)", ids[0], at(1_000));
    });
    const body = { dataset: 'd', target: 'label', models: ['linear'], budget: { trials: 1 } };
    const job = await send({ method: 'POST', path: '/v1/jobs', key, body });
    expect(job.status, await job.clone().text()).toBe(202);
    await waitJob((await jsonOf(job)).id, key);
    const after = await listed();
    for (const id of ids.slice(1)) expect(after).not.toContain(id);
    expect(after).toContain(ids[0]);
  });

  it('refuses a fifth unfinished job with 429 too_many_jobs, and lets one in after a cancel', async () => {
    const key = await tenantKey('busy', 'k');
    expect((await send({ method: 'PUT', path: '/v1/datasets/d', key, body: SMALL_CSV, contentType: 'text/csv' })).status).toBe(201);
    // Long budgets so that none ends by itself during the test; linear trials keep the consumers cheap.
    const body = { dataset: 'd', target: 'label', models: ['linear'], budget: { seconds: 3600, trials: 10_000 }, parallelism: 1 };
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await send({ method: 'POST', path: '/v1/jobs', key, body });
      expect(res.status).toBe(202);
      ids.push((await jsonOf(res)).id);
    }
    const error = await expectError(await send({ method: 'POST', path: '/v1/jobs', key, body }), 429, 'too_many_jobs');
    expect(error.details).toEqual({ active: 4, limit: 4 });
    expect((await jsonOf(await send({ method: 'GET', path: '/v1/jobs', key }))).jobs).toHaveLength(4);
    // A bad request is still told what is wrong with it first.
    await expectError(await send({ method: 'POST', path: '/v1/jobs', key, body: { ...body, target: 'nope' } }), 400, 'invalid_target');
    // Another tenant is not affected.
    const other = await tenantKey('calm', 'k');
    await expectError(await send({ method: 'POST', path: '/v1/jobs', key: other, body }), 404, 'dataset_not_found');

    expect((await send({ method: 'DELETE', path: `/v1/jobs/${ids[0]}`, key })).status).toBe(200);
    expect((await waitJob(ids[0], key)).status).toMatch(/cancelled|succeeded|failed/);
    const fifth = await send({ method: 'POST', path: '/v1/jobs', key, body });
    expect(fifth.status).toBe(202);
    ids.push((await jsonOf(fifth)).id);
    for (const id of ids.slice(1)) expect((await send({ method: 'DELETE', path: `/v1/jobs/${id}`, key })).status).toBe(200);
    for (const id of ids) await waitJob(id, key);

    // Seven at once: the count and the insert are one step, so exactly four get in (all seven used to).
    const racing = await Promise.all(Array.from({ length: 7 }, () => send({ method: 'POST', path: '/v1/jobs', key, body })));
    expect(racing.map((r) => r.status).sort()).toEqual([202, 202, 202, 202, 429, 429, 429]);
    const started = await Promise.all(racing.filter((r) => r.status === 202).map(async (r) => (await jsonOf(r)).id as string));
    for (const id of started) expect((await send({ method: 'DELETE', path: `/v1/jobs/${id}`, key })).status).toBe(200);
    for (const id of started) await waitJob(id, key);
  });
});

describe('dataset size limits', () => {
  it('refuses more than MAX_COLUMNS columns and accepts exactly MAX_COLUMNS', async () => {
    const table = (n: number) => `${Array.from({ length: n }, (_, j) => `c${j}`).join(',')}\n${Array(n).fill('1').join(',')}\n${Array(n).fill('2').join(',')}\n`;
    const error = await expectError(await send({ method: 'PUT', path: '/v1/datasets/wide', body: table(1_001), contentType: 'text/csv' }), 400, 'invalid_csv');
    expect(error.details).toMatchObject({ line: 1, columns: 1_001 });
    expect(error.message).toContain('at most 1000 are allowed (12352 for an image\'s pixels as columns: all but 64 of them named px_r{row}_c{col} or px_r{row}_c{col}_{channel})');
    const ok = await send({ method: 'PUT', path: '/v1/datasets/wide', body: table(1_000), contentType: 'text/csv' });
    expect(ok.status).toBe(201);
    expect((await jsonOf(ok)).columns).toHaveLength(1_000);
  });

  it('accepts an image of pixel columns past MAX_COLUMNS (32x32 RGB and a label), as a zip of the images is', async () => {
    const names = [...Array.from({ length: 32 * 32 * 3 }, (_, i) => `px_r${Math.floor(i / 96)}_c${Math.floor(i / 3) % 32}_${i % 3}`), 'label'];
    const row = (k: number) => names.map((n, j) => (n === 'label' ? `class${k}` : String((j * (k + 3)) % 256))).join(',');
    const res = await send({ method: 'PUT', path: '/v1/datasets/wide-pixels', body: [names.join(','), row(0), row(1), row(2)].join('\n'), contentType: 'text/csv' });
    const body = await jsonOf(res);
    expect(res.status, JSON.stringify(body).slice(0, 300)).toBe(201);
    expect(body.rows).toBe(3);
    expect(body.columns).toHaveLength(3_073);
  });

  it('refuses more than MAX_ROWS data rows, naming the line', async () => {
    const body = `a\n${'1\n'.repeat(1_000_001)}`;
    const error = await expectError(await send({ method: 'PUT', path: '/v1/datasets/long', body, contentType: 'text/csv' }), 400, 'invalid_csv');
    expect(error.details).toMatchObject({ line: 1_000_002, max_rows: 1_000_000 });
    await expectError(await send({ method: 'GET', path: '/v1/datasets/long' }), 404, 'dataset_not_found');
  });

  it('refuses a field over MAX_FIELD_BYTES (counted in UTF-8 bytes) and accepts one at the limit', async () => {
    const at = 'x'.repeat(65_536);
    expect((await send({ method: 'PUT', path: '/v1/datasets/fat', body: `a,b\n1,${at}\n2,y\n`, contentType: 'text/csv' })).status).toBe(201);
    const error = await expectError(await send({ method: 'PUT', path: '/v1/datasets/fat2', body: `a,b\n1,y\n2,${at}x\n`, contentType: 'text/csv' }), 400, 'field_too_long');
    expect(error.details).toEqual({ line: 3, column: 'b', limit: 65_536 });
    // 21,846 three-byte characters: under the limit in UTF-16 units, over it in bytes.
    const wide = '€'.repeat(21_846);
    await expectError(await send({ method: 'PUT', path: '/v1/datasets/fat2', body: `a,b\n1,${wide}\n2,y\n`, contentType: 'text/csv' }), 400, 'field_too_long');
    await expectError(await send({ method: 'GET', path: '/v1/datasets/fat2' }), 404, 'dataset_not_found');
  });

  it('refuses column names over MAX_HEADER_BYTES together, each under the field limit, keeping nothing', async () => {
    // Thirty names of 65,000 characters: each passes the field limit; together they outgrow the profile's row.
    const names = Array.from({ length: 30 }, (_, j) => `${String(j).padStart(2, '0')}${'q'.repeat(64_998)}`);
    const body = `${names.join(',')}\n${names.map((_, j) => j).join(',')}\n${names.map((_, j) => j + 1).join(',')}\n`;
    const error = await expectError(await send({ method: 'PUT', path: '/v1/datasets/wideheader', body, contentType: 'text/csv' }), 400, 'field_too_long');
    expect(error.details).toMatchObject({ line: 1, field: 'header', limit: 256 * 1024 });
    expect(error.message).toContain('column names take 1950000 bytes');
    await expectError(await send({ method: 'GET', path: '/v1/datasets/wideheader' }), 404, 'dataset_not_found');
    // Long names within the cap are kept.
    const fine = Array.from({ length: 3 }, (_, j) => `${j}${'q'.repeat(999)}`);
    expect((await send({ method: 'PUT', path: '/v1/datasets/wideheader', body: `${fine.join(',')}\n1,2,3\n4,5,6\n`, contentType: 'text/csv' })).status).toBe(201);
  });

  it('refuses an upload over MAX_UPLOAD_BYTES while streaming, without a declared length', async () => {
    const chunk = new Uint8Array(1 << 20).fill(0x31);
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent === 0) controller.enqueue(new TextEncoder().encode('a\n'));
        controller.enqueue(chunk);
        if (++sent > 60) controller.close();
      },
    });
    const res = await send({ method: 'PUT', path: '/v1/datasets/huge', body: stream, contentType: 'text/csv' });
    const error = await expectError(res, 413, 'payload_too_large');
    expect(error.details.limit).toBe(52_428_800);
    expect((await env.STORE.list({ prefix: 'datasets/default/huge/' })).objects).toHaveLength(0);
  });
});

describe('request size limits', () => {
  it('refuses JSON bodies over 8 MiB and predict batches over 10,000 rows', async () => {
    const big = JSON.stringify({ rows: [{ a: 'x'.repeat(8 * 1024 * 1024) }] });
    await expectError(await send({ method: 'POST', path: '/v1/models/m/predict', body: big, contentType: 'application/json' }), 413, 'payload_too_large');
    const many = await expectError(await send({ method: 'POST', path: '/v1/models/m/predict', body: { rows: Array(10_001).fill({}) } }), 400, 'invalid_request');
    expect(many.message).toContain('10000');
    // A CSV batch is told it is a prediction request's limit, not a dataset's.
    const csv = `a\n${'1\n'.repeat(10_001)}`;
    const rows = await expectError(await send({ method: 'POST', path: '/v1/models/m/predict', body: csv, contentType: 'text/csv' }), 400, 'invalid_csv');
    expect(rows.message).toBe('the file has more than 10000 data rows, the most one prediction request may hold');
    // And a CSV batch over 8 MiB is named as what it is, not as an upload (an audit read "the upload is larger").
    const fat = await expectError(await send({ method: 'POST', path: '/v1/models/m/predict', body: `a\n${'1'.repeat(8 * 1024 * 1024)}\n`, contentType: 'text/csv' }), 413, 'payload_too_large');
    expect(fat.message).toBe("a prediction request's CSV or Parquet body is larger than the 8388608-byte limit");
  });
});
