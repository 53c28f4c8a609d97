/**
 * Drift of a model trained on pixels, through the API (worker/drift-answer): its pixel columns are one
 * `px_*` entry summarising the grid, with how many pixels read beyond their noise, the most drifted and
 * the mean pixel value before and after, placed among the other features by its PSI; `?detail=pixels`
 * lists every pixel as before, and any other detail is refused. Traffic drawn like the training images
 * reads within noise; the same images made brighter read a significant shift of nearly every pixel.
 * An image model trained on pixel columns not named px_* (an image job given its shape) reads the same:
 * its pixels are one entry named after its own columns (`p0..p35`). Sampling takes every row and flushes
 * at once, as in drift.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../src/engine/core/rng';
import { configureDriftSampling, type DriftSamplingOptions } from '../../src/worker/drift-sampler';
import { expectError, jsonOf, send, tenantKey, waitJob } from './tenant';

const SIDE = 6;
const NAMES = Array.from({ length: SIDE * SIDE }, (_, i) => `px_r${Math.floor(i / SIDE)}_c${i % SIDE}`);
/** The same pixels named in file order, as an image job given {height, width} reads them. */
const PLAIN = NAMES.map((_, i) => `p${i}`);
/** The first two pixels are always 0 (a border): constant, so no input of a table model. */
const BORDER = 2;

/** Images of two shades, a pixel's value its class's shade plus noise, `lift` added to every pixel; 0..255. */
function images(seed: number, n: number, lift = 0): { pixels: number[]; label: string }[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, (_, row) => {
    const bright = row % 2 === 0;
    const pixels = NAMES.map((_, i) => (i < BORDER ? 0 : Math.max(0, Math.min(255, Math.round((bright ? 170 : 70) + 25 * rng.normal() + lift)))));
    return { pixels, label: bright ? 'bright' : 'dark' };
  });
}

let key = '';
let previous: DriftSamplingOptions;

const driftOf = async (model: string, query = '') => {
  const res = await send({ method: 'GET', path: `/v1/models/${model}/drift${query}`, key });
  expect(res.status).toBe(200);
  return jsonOf(res);
};
const predict = async (model: string, rows: { pixels: number[] }[], names = NAMES) => {
  const body = { rows: rows.map((r) => Object.fromEntries(names.map((name, i) => [name, r.pixels[i]]))) };
  expect((await send({ method: 'POST', path: `/v1/models/${model}/predict`, key, body })).status).toBe(200);
};

describe('drift of a model that reads pixels', () => {
  beforeAll(async () => {
    previous = configureDriftSampling({ maxRowsPerRequest: 10_000, rowsPerSecond: 1e9, burstRows: 1e9, maxPendingRows: 10_000, flushIntervalMs: 0, retryAfterMs: 0 });
    key = await tenantKey('pixel-drift', 'k');
    const csv = [[...NAMES, 'label'].join(','), ...images(1, 400).map((r) => [...r.pixels, r.label].join(','))].join('\n');
    expect((await send({ method: 'PUT', path: '/v1/datasets/shades', key, body: csv, contentType: 'text/csv' })).status).toBe(201);
    for (const model of ['calm', 'lit']) {
      const res = await send({ method: 'POST', path: '/v1/jobs', key, body: { dataset: 'shades', target: 'label', model, models: ['linear'], budget: { trials: 1 }, seed: 3 } });
      expect((await waitJob((await jsonOf(res)).id, key, 100_000)).status).toBe('succeeded');
    }
    // The same images under plain names: an image job given the shape, which reads them in file order.
    const plain = [[...PLAIN, 'label'].join(','), ...images(1, 400).map((r) => [...r.pixels, r.label].join(','))].join('\n');
    expect((await send({ method: 'PUT', path: '/v1/datasets/plain', key, body: plain, contentType: 'text/csv' })).status).toBe(201);
    const res = await send({ method: 'POST', path: '/v1/jobs', key, body: { dataset: 'plain', target: 'label', task: 'image', image: { height: SIDE, width: SIDE }, model: 'plain', models: ['linear'], budget: { trials: 1 }, seed: 3 } });
    expect(res.status, await res.clone().text()).toBe(202);
    expect((await waitJob((await jsonOf(res)).id, key, 100_000)).status).toBe('succeeded');
    await predict('calm', images(2, 300));
    await predict('lit', images(3, 300, 60));
    await predict('plain', images(3, 300, 60), PLAIN);
  }, 300_000);

  afterAll(() => {
    configureDriftSampling(previous);
  });

  it('answers one px_* entry for the grid; traffic like the training images reads within noise', async () => {
    const report = await driftOf('calm');
    expect(report.rows_sampled).toBe(300);
    expect(report.features).toHaveLength(1);
    const [entry] = report.features;
    expect(entry).toMatchObject({ name: 'px_*', type: 'numeric', within_noise: true, bins: [], measure: `mean over ${NAMES.length - BORDER} pixel columns` });
    expect(entry.pixels).toMatchObject({ columns: NAMES.length - BORDER, image: { height: SIDE, width: SIDE, channels: 1 } });
    // About 1 pixel in 100 reads beyond its noise by chance; here a few at most.
    expect(entry.pixels.drifting).toBeLessThanOrEqual(3);
    expect(Math.abs(entry.pixels.mean_value.live - entry.pixels.mean_value.reference)).toBeLessThan(8);
    expect(entry.pixels.top).toHaveLength(10);
    // The two constant border pixels are no inputs of a table model: the rest are still the grid.
    expect(report.skipped).toEqual([]);
  });

  it('reads brighter images as a significant shift of nearly every pixel, the mean value moved up', async () => {
    const { features } = await driftOf('lit');
    const [entry] = features;
    expect(entry).toMatchObject({ name: 'px_*', status: 'significant', within_noise: false });
    expect(entry.pixels.drifting).toBeGreaterThanOrEqual(0.9 * (NAMES.length - BORDER));
    expect(entry.pixels.drifting_share).toBeCloseTo(entry.pixels.drifting / (NAMES.length - BORDER), 3);
    // 60 brighter; the end bins are read at their edges, so the estimate moves less, but clearly up.
    expect(entry.pixels.mean_value.live - entry.pixels.mean_value.reference).toBeGreaterThan(25);
    const top = entry.pixels.top.map((t: { psi: number }) => t.psi);
    expect(top).toEqual([...top].sort((a, b) => b - a));
  });

  it('lists every pixel with ?detail=pixels, and refuses any other detail', async () => {
    const summary = await driftOf('lit');
    const every = await driftOf('lit', '?detail=pixels');
    expect(every.features.map((f: { name: string }) => f.name).sort()).toEqual(NAMES.slice(BORDER).sort());
    expect(JSON.stringify(summary).length).toBeLessThan(JSON.stringify(every).length / 4);
    const bad = await expectError(await send({ method: 'GET', path: '/v1/models/lit/drift?detail=all', key }), 400, 'invalid_request');
    expect(bad.details).toEqual({ field: 'detail' });
    expect(bad.message).toBe('detail: expected "pixels" (every pixel column of an image model), got "all"');
  });

  it("folds a model's pixel columns not named px_* into one entry named after them, and lists them with ?detail=pixels", async () => {
    const report = await driftOf('plain');
    expect(report.features).toHaveLength(1);
    const [entry] = report.features;
    expect(entry).toMatchObject({ name: `p0..p${NAMES.length - 1}`, type: 'numeric', status: 'significant', within_noise: false, bins: [] });
    expect(entry.pixels).toMatchObject({ image: { height: SIDE, width: SIDE, channels: 1 } });
    expect(entry.pixels.drifting).toBeGreaterThanOrEqual(0.9 * entry.pixels.columns);
    expect(entry.pixels.top[0].name).toMatch(/^p\d+$/);
    const every = await driftOf('plain', '?detail=pixels');
    expect(every.features.length).toBe(entry.pixels.columns);
    expect(every.features.every((f: { name: string }) => PLAIN.includes(f.name))).toBe(true);
  });
});
