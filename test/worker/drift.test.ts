/**
 * Drift monitoring through the API, on the real Worker, Registry, DriftMonitor and R2: predictions
 * sampled from the predict route (JSON and CSV bodies), the reference computed once per version from its
 * training data and stored next to the artifact (at publish time, or lazily for older versions), and the drift report per version: stable for held-out
 * rows drawn like the training data, significant on exactly the column that was shifted. Failures in
 * drift recording (storage, the monitor object, waitUntil itself) leave predict answers byte for byte
 * unchanged and lose no counts. Sampling is set to take every row and flush at once, so each request's
 * counts are in the monitor when `send` returns (it waits for the request's waitUntil tasks).
 */
import { createExecutionContext, runInDurableObject, waitOnExecutionContext } from 'cloudflare:test';
import { driftMonitorName } from '../../src/durable/drift-monitor';
import { env } from 'cloudflare:workers';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Rng } from '../../src/engine/core/rng';
import worker from '../../src/worker/index';
import { configureDriftSampling, DRIFT_SAMPLING_DEFAULTS, type DriftSamplingOptions } from '../../src/worker/drift-sampler';
import { ADMIN_KEY } from './helpers';
import { expectError, jsonOf, send, tenantKey, waitJob } from './tenant';

const REGIONS = ['north', 'south', 'east', 'west'];
type Row = { amount: number; region: string; member: string; label?: string };

/** Held-out style rows: amount ~ N(1000, 200), region weighted, member yes 30%; label from amount and region. */
function draw(seed: number, n: number, amountShift = 0): Row[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => {
    const amount = Math.round(1000 + 200 * rng.normal());
    const u = rng.next();
    const region = REGIONS[u < 0.4 ? 0 : u < 0.7 ? 1 : u < 0.9 ? 2 : 3];
    const member = rng.next() < 0.3 ? 'yes' : 'no';
    const label = amount + (region === 'north' ? 150 : 0) + 100 * rng.normal() > 1050 ? 'good' : 'bad';
    return { amount: amount + amountShift, region, member, label };
  });
}

const toCsv = (rows: Row[], withLabel: boolean) =>
  [withLabel ? 'amount,region,member,label' : 'amount,region,member', ...rows.map((r) => [r.amount, r.region, r.member, ...(withLabel ? [r.label] : [])].join(','))].join('\n');
const features = (rows: Row[]) => rows.map(({ label: _label, ...rest }) => rest);

let key = '';
let previousOptions: DriftSamplingOptions;
/** The orphan model's reference as the queue consumer stored it, deleted in beforeAll (to put back later). */
let orphanReference = { key: '', text: '' };

async function train(dataset: string, model: string): Promise<void> {
  const res = await send({ method: 'POST', path: '/v1/jobs', key, body: { dataset, target: 'label', model, models: ['linear'], budget: { trials: 1 }, seed: 3 } });
  expect(res.status).toBe(202);
  const job = await waitJob((await jsonOf(res)).id, key, 100_000);
  expect(job.status).toBe('succeeded');
}

const predict = (model: string, rows: unknown[], version?: number, bindings: Env = env) =>
  send({ method: 'POST', path: `/v1/models/${model}/predict`, key, body: { rows, ...(version ? { version } : {}) } }, bindings);
const driftOf = async (model: string, query = '') => {
  const res = await send({ method: 'GET', path: `/v1/models/${model}/drift${query}`, key });
  expect(res.status).toBe(200);
  return jsonOf(res);
};
/** The bucket, except that drift references can be neither read nor written (as if R2 failed for them). */
function failingForDrift(store: R2Bucket): R2Bucket {
  return new Proxy(store, {
    get(target, prop) {
      const value = Reflect.get(target, prop);
      if (typeof value !== 'function') return value;
      if (prop !== 'get' && prop !== 'put') return value.bind(target);
      return async (objectKey: string, ...rest: unknown[]) => {
        if (objectKey.endsWith('.drift-ref.json')) throw new Error('injected fault: R2 unreachable for drift references');
        return value.call(target, objectKey, ...rest);
      };
    },
  });
}

/** A predict request whose execution context refuses waitUntil (the recording fails synchronously). */
async function predictWithThrowingWaitUntil(model: string, rows: unknown[]): Promise<Response> {
  const ctx = createExecutionContext();
  const refusing = Object.assign(Object.create(ctx), {
    waitUntil: () => {
      throw new Error('injected fault: waitUntil');
    },
  }) as ExecutionContext;
  const request = new Request(`http://edge-automl.test/v1/models/${model}/predict`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ rows }),
  });
  const res = await worker.fetch(request, env, refusing);
  await waitOnExecutionContext(ctx);
  return res;
}

const byName = (report: Record<string, any>) => Object.fromEntries(report.features.map((f: Record<string, any>) => [f.name, f]));

describe('drift monitoring', () => {
  beforeAll(async () => {
    previousOptions = configureDriftSampling({ maxRowsPerRequest: 10_000, rowsPerSecond: 1e9, burstRows: 1e9, maxPendingRows: 10_000, flushIntervalMs: 0, retryAfterMs: 0 });
    key = await tenantKey('drift', 'k');
    const csv = toCsv(draw(1, 800), true);
    for (const name of ['sales', 'sales-gone']) expect((await send({ method: 'PUT', path: `/v1/datasets/${name}`, key, body: csv, contentType: 'text/csv' })).status).toBe(201);
    // Two versions of one model (one stays on training-like traffic, one gets shifted traffic), a model
    // for the fault cases, and one whose training dataset is deleted before any reference exists.
    await Promise.all([train('sales', 'spend').then(() => train('sales', 'spend')), train('sales', 'spend-faults'), train('sales-gone', 'spend-orphan')]);
    // References are built when a version is published (drift-reference.test.ts): wait for the orphan's,
    // then delete it with its dataset, as for a version published before that existed.
    const orphan = await env.REGISTRY.getByName('drift').resolveModel('spend-orphan');
    const orphanRef = `${orphan?.artifact_key}.drift-ref.json`;
    for (let i = 0; i < 300 && !(await env.STORE.head(orphanRef)); i++) await new Promise((r) => setTimeout(r, 100));
    orphanReference = { key: orphanRef, text: await (await env.STORE.get(orphanRef))!.text() };
    expect((await send({ method: 'DELETE', path: '/v1/datasets/sales-gone', key })).status).toBe(204);
    await env.STORE.delete(orphanRef);
  }, 200_000);

  afterAll(() => {
    configureDriftSampling(previousOptions);
  });

  it('answers 200 with a note and the training profile before any prediction was sampled', async () => {
    const report = await driftOf('spend', '?version=1');
    expect(report).toMatchObject({ model: 'spend', version: 1, rows_sampled: 0 });
    expect(report.note).toMatch(/no predictions/);
    const f = byName(report);
    expect(Object.keys(f).sort()).toEqual(['amount', 'member', 'region']);
    for (const feature of report.features) expect([feature.psi, feature.status, feature.noise_psi, feature.within_noise]).toEqual([null, null, null, null]);
    // Deciles of the training amounts: ten value bins of about a tenth each, and no missing values.
    expect(f.amount.bins).toHaveLength(11);
    for (const share of f.amount.reference.slice(0, 10)) expect(share).toBeCloseTo(0.1, 1);
    expect(f.region.bins).toEqual(['north', 'south', 'east', 'west', '(other)', '(missing)']);
    // Stored once next to the artifact.
    const version = await env.REGISTRY.getByName('drift').resolveModel('spend', 1);
    expect(await env.STORE.head(`${version?.artifact_key}.drift-ref.json`)).not.toBeNull();
  });

  it('reads held-out rows drawn like the training data as stable on every feature (JSON and CSV bodies)', async () => {
    const rows = draw(2, 900);
    for (const batch of [rows.slice(0, 300), rows.slice(300, 600)]) expect((await predict('spend', features(batch), 1)).status).toBe(200);
    const csv = await send({ method: 'POST', path: '/v1/models/spend/predict?version=1', key, body: toCsv(rows.slice(600), false), contentType: 'text/csv' });
    expect(csv.status).toBe(200);
    const report = await driftOf('spend', '?version=1&hours=2');
    expect(report.rows_sampled).toBe(900);
    expect(report.window.hours).toBe(2);
    // Two whole hours and the current one so far: at least the last two hours.
    const spanned = Date.parse(report.window.to) - Date.parse(report.window.from);
    expect(spanned).toBeGreaterThanOrEqual(2 * 3_600_000);
    expect(spanned).toBeLessThanOrEqual(3 * 3_600_000);
    for (const f of report.features) expect(`${f.name}: ${f.status} (${f.psi})`).toBe(`${f.name}: stable (${f.psi})`);
    // Enough rows: no note about the sample.
    expect(report.note).toBeUndefined();
    // The training shares are a sample too: (filled bins - 1) · (1/900 + 1/training rows).
    for (const f of report.features) expect(f.noise_psi).toBeCloseTo((f.reference.filter((p: number) => p > 0).length - 1) * (1 / 900 + 1 / report.reference.rows), 3);
    // Rows drawn like the training data: every reading is within what noise reaches.
    for (const f of report.features) expect(`${f.name}: ${f.within_noise}`).toBe(`${f.name}: true`);

    // Rows predicted in the hour before this one are within the last hour (read just after the hour turned,
    // `hours=1` used to read only the minutes since), and those of two hours back are not.
    const monitor = env.DRIFT.getByName(driftMonitorName('drift', 'spend'));
    const shiftHours = (by: number) => runInDurableObject(monitor, (_, state) => void state.storage.sql.exec('UPDATE drift_hours SET hour = hour + ?', by));
    await shiftHours(-1);
    expect((await driftOf('spend', '?version=1&hours=1')).rows_sampled).toBe(900);
    await shiftHours(-1);
    expect((await driftOf('spend', '?version=1&hours=1')).rows_sampled).toBe(0);
    expect((await driftOf('spend', '?version=1&hours=2')).rows_sampled).toBe(900);
    await shiftHours(2);

    // A drift check right after a run on the hour reads the current hour alone (retrain-rules
    // driftWindowHours 0), not the hour before the run as well.
    const layout = await runInDurableObject(monitor, (_, state) => String(state.storage.sql.exec<{ layout: string }>('SELECT layout FROM drift_hours LIMIT 1').one().layout));
    expect((await monitor.window(1, layout, 0)).counts).not.toBeNull();
    await shiftHours(-1);
    expect((await monitor.window(1, layout, 0)).counts).toBeNull();
    expect((await monitor.window(1, layout, 1)).counts).not.toBeNull();
    await shiftHours(1);
  });

  it('flags the shifted column as significant and no other, per version', async () => {
    const shifted = features(draw(3, 900, 300));
    for (let i = 0; i < shifted.length; i += 300) expect((await predict('spend', shifted.slice(i, i + 300))).status).toBe(200);
    const report = await driftOf('spend'); // the champion, version 2
    expect(report.version).toBe(2);
    expect(report.rows_sampled).toBe(900);
    expect(report.features[0]).toMatchObject({ name: 'amount', status: 'significant', within_noise: false });
    expect(report.features[0].psi).toBeGreaterThan(0.25);
    for (const f of report.features.slice(1)) expect(`${f.name}: ${f.status}`).toBe(`${f.name}: stable`);
    // Version 1's traffic is counted apart and is still stable.
    expect((await driftOf('spend', '?version=1')).features.every((f: { status: string }) => f.status === 'stable')).toBe(true);
  });

  it('answers predictions identically when drift recording fails, and loses no sampled counts', async () => {
    const rows = features(draw(4, 40));
    const unreachable = () => {
      throw new Error('injected fault: DriftMonitor unreachable');
    };
    const monitorDown = { ...env, DRIFT: { getByName: unreachable } } as unknown as Env;
    const storeDown = { ...monitorDown, STORE: failingForDrift(env.STORE) };
    // This model version is new to the isolate: the reference load fails, then the flush, then waitUntil.
    const answers = [await predict('spend-faults', rows, undefined, storeDown), await predict('spend-faults', rows, undefined, monitorDown)];
    answers.push(await predictWithThrowingWaitUntil('spend-faults', rows));
    const expected = await (await predict('spend-faults', rows)).text();
    expect(JSON.parse(expected).predictions).toHaveLength(40);
    for (const res of answers) {
      expect(res.status).toBe(200);
      expect(await res.text()).toBe(expected);
    }
    // The healthy request flushed everything held back: 4 requests of 40 rows.
    const report = await driftOf('spend-faults');
    expect(report.rows_sampled).toBe(160);
    // Fewer rows than drift-triggered retraining waits for: the answer says its readings are near noise.
    // In words, with no field names (the CLI and the dashboard print it as it is).
    expect(report.note).toMatch(/^only 160 prediction rows sampled in the last 24 h: at this size sampling noise alone reads a PSI of 0\.056 or more on a feature of ten deciles/);
    expect(report.note).not.toMatch(/noise_psi|within_noise/);
    // Ten training deciles filled (the missing bin is empty in training): (10 - 1) · (1/160 + 1/training rows).
    expect(byName(report).amount.noise_psi).toBeCloseTo(9 * (1 / 160 + 1 / report.reference.rows), 3);
  });

  it('answers 409 when the training dataset is gone, 404 for unknown models and versions, 400 for a bad window', async () => {
    const err = await expectError(await send({ method: 'GET', path: '/v1/models/spend-orphan/drift', key }), 409, 'drift_reference_unavailable');
    expect(err.details).toMatchObject({ model: 'spend-orphan', version: 1, dataset: { name: 'sales-gone', version: 1 } });
    // Predictions of that model still work; they are simply not monitored.
    expect((await predict('spend-orphan', features(draw(5, 5)))).status).toBe(200);
    await expectError(await send({ method: 'GET', path: '/v1/models/nope/drift', key }), 404, 'model_not_found');
    await expectError(await send({ method: 'GET', path: '/v1/models/spend/drift?version=9', key }), 404, 'model_version_not_found');
    const bad = await expectError(await send({ method: 'GET', path: '/v1/models/spend/drift?hours=0', key }), 400, 'invalid_request');
    expect(bad.details.field).toBe('hours');
    await expectError(await send({ method: 'GET', path: '/v1/models/spend/drift?hours=169', key }), 400, 'invalid_request');
    // Another tenant sees nothing of this model.
    await expectError(await send({ method: 'GET', path: '/v1/models/spend/drift', key: ADMIN_KEY }), 404, 'model_not_found');
  });

  // From a read-only audit of drift: a version found without a reference was remembered so for the
  // isolate's life, so one the queue consumer stored later (from the held file of a dataset deleted right
  // after publication) stayed 409 and unsampled there. It is looked up again a minute on.
  it('finds a reference stored after the isolate found none, a minute on, and samples again', async () => {
    await expectError(await send({ method: 'GET', path: '/v1/models/spend-orphan/drift', key }), 409, 'drift_reference_unavailable');
    await env.STORE.put(orphanReference.key, orphanReference.text);
    // Within the minute the isolate still holds its finding.
    await expectError(await send({ method: 'GET', path: '/v1/models/spend-orphan/drift', key }), 409, 'drift_reference_unavailable');
    const later = Date.now() + 61_000;
    const clock = vi.spyOn(Date, 'now').mockImplementation(() => later);
    try {
      expect((await driftOf('spend-orphan')).rows_sampled).toBe(0);
      expect((await predict('spend-orphan', features(draw(6, 40)))).status).toBe(200);
      expect((await driftOf('spend-orphan')).rows_sampled).toBe(40);
    } finally {
      clock.mockRestore();
    }
  });

  it('with the production options, samples at most 16 rows per request and flushes at most once per interval', async () => {
    const before = (await driftOf('spend', '?version=1')).rows_sampled;
    const rows = features(draw(6, 100));
    configureDriftSampling({ ...DRIFT_SAMPLING_DEFAULTS, flushIntervalMs: 60_000 });
    for (let i = 0; i < 2; i++) expect((await predict('spend', rows, 1)).status).toBe(200);
    // Within the interval: queued in the isolate, nothing flushed.
    expect((await driftOf('spend', '?version=1')).rows_sampled).toBe(before);
    configureDriftSampling({ flushIntervalMs: 0 });
    expect((await predict('spend', rows, 1)).status).toBe(200);
    expect((await driftOf('spend', '?version=1')).rows_sampled).toBe(before + 3 * DRIFT_SAMPLING_DEFAULTS.maxRowsPerRequest);
  });

  it('queues no more cells (rows times their columns) than its bounds for a version and for the isolate', async () => {
    const rows = features(draw(7, 50));
    configureDriftSampling({ maxRowsPerRequest: 10_000, rowsPerSecond: 1e9, burstRows: 1e9, maxPendingRows: 10_000 });
    const sampled = async () => (await driftOf('spend-faults')).rows_sampled as number;
    // A flush interval long enough that the requests' rows stay queued until the last request flushes them.
    const flushLater = async (options: Partial<DriftSamplingOptions>, requests: number) => {
      // One row flushed at once first: the version's reference is loaded and its queue empty.
      configureDriftSampling({ ...options, flushIntervalMs: 0 });
      expect((await predict('spend-faults', rows.slice(0, 1))).status).toBe(200);
      const before = await sampled();
      configureDriftSampling({ flushIntervalMs: 60_000 });
      for (let i = 0; i < requests; i++) expect((await predict('spend-faults', rows)).status).toBe(200);
      // A one-row request flushes what was queued, and itself if room is left.
      configureDriftSampling({ flushIntervalMs: 0 });
      expect((await predict('spend-faults', rows.slice(0, 1))).status).toBe(200);
      return (await sampled()) - before;
    };
    // Rows of the model may carry its 4 columns (3 features and the label): 40 cells hold 10 rows,
    // whatever the requests sent (100 rows).
    expect(await flushLater({ maxPendingCells: 40, maxPendingCellsTotal: 1_000_000 }, 2)).toBe(10);
    // The isolate's bound holds across versions: 20 cells, 5 rows.
    expect(await flushLater({ maxPendingCells: 1_000_000, maxPendingCellsTotal: 20 }, 2)).toBe(5);
    // Flushed queues free their cells: with room again, every row is queued.
    expect(await flushLater({ maxPendingCells: 1_000_000, maxPendingCellsTotal: 1_000_000 }, 2)).toBe(101);
    configureDriftSampling({ maxPendingCells: DRIFT_SAMPLING_DEFAULTS.maxPendingCells, maxPendingCellsTotal: DRIFT_SAMPLING_DEFAULTS.maxPendingCellsTotal });
  });
});
