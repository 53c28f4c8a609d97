/**
 * The pixel range a challenger of an image champion takes (worker/challenge-image, job-inputs
 * resolveImageShape): the champion's where the challenger's pixels are on its scale, its own otherwise.
 * A zip champion (0..255) challenged by a CSV of 0..1 pixels reads 0..1 (the inherited 255 would have
 * scaled image files sent to predict 255 times brighter than its training rows); a CSV champion of
 * 0..16 challenged by a zip of the same images reads 0..255 (the inherited 16 was refused as a
 * max_value the request never sent).
 */
import { env } from 'cloudflare:workers';
import { encode as encodePng } from 'fast-png';
import { zipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { jsonOf, send, tenantKey, waitJob } from './tenant';

const TENANT = 'img-challenge-range';
let key = '';

/** A 4x4 gray tile of about `value` (0..255), a little noise in each so pixels are not constant. */
const tile = (value: number, seed: number) => Uint8Array.from({ length: 16 }, (_, i) => Math.min(255, value + ((i * (seed + 3) * 7) % 21)));
// Sixty (a challenge holds out a fifth to compare on); the light ones reach 255.
const TILES = Array.from({ length: 60 }, (_, i) => ({ label: i % 2 === 0 ? 'dark' : 'light', pixels: tile(i % 2 === 0 ? 20 : 245, i) }));

/** The tiles as a zip of class folders of PNGs. */
function tilesZip(): Uint8Array {
  const files: Record<string, Uint8Array> = {};
  TILES.forEach((t, i) => (files[`${t.label}/${i}.png`] = encodePng({ width: 4, height: 4, channels: 1, depth: 8, data: t.pixels })));
  return zipSync(files);
}

/** The tiles as a CSV of px_* columns, each pixel divided by `divisor`. */
function tilesCsv(divisor: number): string {
  const header = [...Array.from({ length: 16 }, (_, k) => `px_r${Math.floor(k / 4)}_c${k % 4}`), 'label'];
  return [header.join(','), ...TILES.map((t) => [...Array.from(t.pixels, (v) => (v / divisor).toFixed(4)), t.label].join(','))].join('\n');
}

const put = async (name: string, body: string | Uint8Array, contentType: string) => expect((await send({ method: 'PUT', path: `/v1/datasets/${name}`, key, body, contentType })).status).toBe(201);

/** Trains (or challenges) model `model` on `dataset` and returns the job's recorded image. */
async function imageOfJob(dataset: string, model: string, extra: Record<string, unknown> = {}) {
  const created = await send({ method: 'POST', path: '/v1/jobs', key, body: { dataset, target: 'label', task: 'image', model, models: ['linear'], budget: { trials: 1 }, seed: 1, ...extra } });
  const body = await jsonOf(created);
  expect(created.status, JSON.stringify(body)).toBe(202);
  expect((await waitJob(body.id, key, 300_000)).status).toBe('succeeded');
  return (await env.SEARCH.getByName(`${TENANT}/${body.id}`).retrainBasis('t0000'))?.config.image;
}

describe('the pixel range of a challenger of an image champion', () => {
  beforeAll(async () => {
    key = await tenantKey(TENANT, 'k');
  });

  it('reads a CSV of 0..1 pixels as 0..1 against a champion of image files (0..255)', async () => {
    await put('tiles-zip', tilesZip(), 'application/zip');
    expect(await imageOfJob('tiles-zip', 'from-files')).toMatchObject({ height: 4, width: 4, channels: 1, maxValue: 255 });
    await put('tiles-unit', tilesCsv(255), 'text/csv');
    expect(await imageOfJob('tiles-unit', 'from-files', { challenge: true })).toMatchObject({ maxValue: 1 });
  }, 600_000);

  it('reads image files as 0..255 against a champion of 0..16 pixels, and keeps 0..16 for pixels on its scale', async () => {
    await put('tiles-16', tilesCsv(255 / 16), 'text/csv');
    expect(await imageOfJob('tiles-16', 'from-csv')).toMatchObject({ maxValue: 16 });
    // Pixels of 0..16 whose brightest is 15 (the light tiles a little darker) keep the champion's 16.
    await put('tiles-15', tilesCsv(255 / 15), 'text/csv');
    expect(await imageOfJob('tiles-15', 'from-csv', { challenge: true })).toMatchObject({ maxValue: 16 });
    expect(await imageOfJob('tiles-zip', 'from-csv', { challenge: true })).toMatchObject({ maxValue: 255 });
  }, 600_000);
});
