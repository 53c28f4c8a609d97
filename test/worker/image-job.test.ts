/**
 * Image jobs end to end in workerd: `task: "image"` on the digits demo (8x8 pixel columns) searches CNN
 * architectures (NAS by the job's sampler; here regularised evolution), each CNN trained inside the
 * Workers runtime on the tfjs wasm backend with our gradient kernels; the leaderboard records the
 * different architectures, and the published model answers predictions given as pixel arrays, scored
 * here on held-out digits, and the same digits as PNG files (0..255, scaled to the CSV's 0..16). Requests that are not image jobs, or whose pixels do not form an image, are
 * refused by name.
 */
import { encode as encodePng } from 'fast-png';
import { describe, expect, it } from 'vitest';
import testCsv from '../../examples/digits/test.csv?raw';
import trainCsv from '../../examples/digits/train.csv?raw';
import { env } from 'cloudflare:workers';
import { decodeDataset, inferDataset, parseCsv } from '../../src/engine';
import { importanceKey } from '../../src/worker/feature-importance';
import { resolveImageShape } from '../../src/worker/job-inputs';
import { buildPublishedVersionData } from '../../src/worker/queue/published-version-task';
import { call, csvObjects, firstRows, json, toB64, waitForJob } from './helpers';

/** The architecture-defining parameters of a CNN trial. */
const ARCHITECTURE = ['conv_blocks', 'filters', 'kernel_size', 'pooling', 'batch_norm', 'dense_units'] as const;

describe('image jobs', () => {
  it('searches CNN architectures on the wasm backend and predicts from pixel arrays', async () => {
    expect((await call('PUT', '/v1/datasets/digits', firstRows(trainCsv, 600))).status).toBe(201);
    const created = await call('POST', '/v1/jobs', {
      dataset: 'digits',
      target: 'digit',
      task: 'image',
      models: ['cnn'],
      strategy: 'evolution',
      metric: 'accuracy',
      budget: { trials: 4, seconds: 600 },
    });
    expect(created.status).toBe(202);
    const job = await waitForJob((await json(created)).id, 590_000);
    expect(job.status).toBe('succeeded');
    expect({ task: job.task, learning_task: job.learning_task }).toEqual({ task: 'image', learning_task: 'multiclass' });

    const trials = (await json(await call('GET', `/v1/jobs/${job.id}/trials`))).trials as { family: string; status: string; params: Record<string, unknown> }[];
    const complete = trials.filter((t) => t.status === 'complete');
    expect(complete.length).toBeGreaterThanOrEqual(2);
    expect(complete.every((t) => t.family === 'cnn')).toBe(true);
    const architectures = new Set(complete.map((t) => JSON.stringify(ARCHITECTURE.map((k) => t.params[k]))));
    expect(architectures.size).toBeGreaterThanOrEqual(2);

    // Held-out digits as flat pixel arrays (the image route's input), scored by accuracy.
    const test = csvObjects(testCsv).slice(0, 150);
    const rows = test.map((r) => ({ pixels: Object.keys(r).filter((k) => k.startsWith('px_')).map((k) => Number(r[k])) }));
    const res = await call('POST', '/v1/models/digits/predict', { rows });
    expect(res.status).toBe(200);
    const body = await json(res);
    const labels = (body.predictions as (string | number)[]).map(String);
    const probabilities = body.probabilities as Record<string, number>[];
    const accuracy = labels.filter((l, i) => l === test[i].digit).length / test.length;
    expect(accuracy).toBeGreaterThan(0.9);

    // The model view tells clients (the dashboard's file picker) that this model takes images, and in what range.
    const view = await json(await call('GET', '/v1/models/digits'));
    expect(view.image).toEqual({ height: 8, width: 8, channels: 1, max_value: 16 });
    // No feature importances for an image model (a ranking of pixels): the post-publication step, run
    // here to its end, skips them before loading the network.
    const published = await env.REGISTRY.getByName('default').resolveModel('digits');
    await buildPublishedVersionData({ tenant: 'default', job_id: job.id, trial_id: 'drift-reference', kind: 'drift-reference', model: job.model }, env, async (key) => decodeDataset(new Uint8Array(await (await env.STORE.get(key))!.arrayBuffer())));
    expect(await env.STORE.head(importanceKey(published!.artifact_key))).toBeNull();
    expect(view.features.every((f: { importance: number | null }) => f.importance === null)).toBe(true);

    // The same digits as PNG files (0..255, as a user's image would be): the model was trained on the CSV's
    // 0..16, so predict must scale the file to that range to answer as it does for the pixel arrays.
    const images = rows.map(({ pixels }) => ({ image: toB64(encodePng({ width: 8, height: 8, channels: 1, depth: 8, data: Uint8Array.from(pixels, (v) => Math.round((v * 255) / 16)) })) }));
    const fromImages = await call('POST', '/v1/models/digits/predict', { rows: images });
    expect(fromImages.status).toBe(200);
    const answer = await json(fromImages);
    const imageLabels = (answer.predictions as (string | number)[]).map(String);
    expect(imageLabels.filter((l, i) => l === labels[i]).length).toBeGreaterThanOrEqual(0.97 * rows.length);
    // A CNN's argmax survives a 16-fold brighter input more often than not; its probabilities do not.
    // Only the PNGs' rounding to whole bytes may move them here.
    const gaps = (answer.probabilities as Record<string, number>[]).flatMap((p, i) => Object.keys(p).map((k) => Math.abs(p[k] - probabilities[i][k])));
    expect(gaps.reduce((a, b) => a + b, 0) / gaps.length).toBeLessThan(0.002);
  });

  it("records the pixels' range: read from the data, or as the job gives it, beside the flips", () => {
    const { dataset } = inferDataset(parseCsv(firstRows(trainCsv, 100)));
    expect(resolveImageShape(dataset, 'digit', [], undefined)).toEqual({ height: 8, width: 8, channels: 1, maxValue: 16 });
    expect(resolveImageShape(dataset, 'digit', [], { max_value: 255, flip_invariant: true })).toEqual({ height: 8, width: 8, channels: 1, maxValue: 255, flipInvariant: true });
  });

  it('refuses image jobs on tables that are not images, and CNNs on table jobs', async () => {
    expect((await call('PUT', '/v1/datasets/digits-small', firstRows(trainCsv, 60))).status).toBe(201);
    const cnnOnTable = await call('POST', '/v1/jobs', { dataset: 'digits-small', target: 'digit', models: ['cnn'] });
    expect(cnnOnTable.status).toBe(400);
    expect((await json(cnnOnTable)).error.details.field).toBe('models');

    const wrongShape = await call('POST', '/v1/jobs', { dataset: 'digits-small', target: 'digit', task: 'image', image: { height: 4 } });
    expect(wrongShape.status).toBe(400);
    expect((await json(wrongShape)).error.details.field).toBe('image.height');

    const badRange = await call('POST', '/v1/jobs', { dataset: 'digits-small', target: 'digit', task: 'image', image: { max_value: 0 } });
    expect(badRange.status).toBe(400);
    expect((await json(badRange)).error.message).toMatch(/image\.max_value must be above 0/);

    const gap = await call('POST', '/v1/jobs', { dataset: 'digits-small', target: 'digit', task: 'image', columns: { px_r3_c4: 'ignore' } });
    expect(gap.status).toBe(400);
    expect((await json(gap)).error.code).toBe('invalid_dataset');
  });
});
