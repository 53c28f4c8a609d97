/**
 * The typed client's image predict rows against the real Worker (its fetch handler in place of the
 * network): the `{image: base64}` and `{pixels}` rows README documents type-check as written (flat,
 * [h][w] and [h][w][c] arrays; `npm run typecheck` covers this file) and are answered by a model trained
 * on a zip; a row given both is refused by the server as it is by the types.
 */
import { exports } from 'cloudflare:workers';
import { encode as encodePng } from 'fast-png';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { ApiClientError, createClient, type ImageRow, type PredictRow } from '../../src/client';
import { ADMIN_KEY, toB64 } from './helpers';

/** A 4x4 gray PNG of one shade, plus a small wobble so no pixel column is constant. */
const grayPng = (value: number, seed: number) =>
  encodePng({ width: 4, height: 4, channels: 1, depth: 8, data: Uint8Array.from({ length: 16 }, (_, i) => value + ((i * (seed + 3)) % 9) - 4) });

const api = createClient({ url: 'http://edge-automl.test', key: ADMIN_KEY, fetch: (url, init) => exports.default.fetch(url, init) });

describe('typed client: image predict rows', () => {
  it('predicts {image} and {pixels} rows (flat, [h][w], [h][w][c]) with the types as documented', async () => {
    const files: Record<string, Uint8Array> = {};
    for (let i = 0; i < 10; i++) {
      files[`dark/${i}.png`] = grayPng(40, i);
      files[`bright/${i}.png`] = grayPng(210, i);
    }
    const uploaded = await api.datasets.uploadZip('client-shades', zipSync(files));
    expect(uploaded.image).toMatchObject({ height: 4, width: 4, channels: 1 });
    const { id } = await api.jobs.create({ dataset: 'client-shades', target: 'label', models: ['linear'], budget: { trials: 1 }, model: 'client-shades' });
    expect((await api.waitForJob(id, { pollMs: 250 })).status).toBe('succeeded');

    const bright: number[][] = Array.from({ length: 4 }, () => new Array(4).fill(215));
    const rows: PredictRow[] = [{ image: toB64(grayPng(212, 1)) }, { pixels: new Array(16).fill(38) }, { pixels: bright }];
    const answer = await api.models.predict('client-shades', rows);
    expect(answer.predictions).toEqual(['bright', 'dark', 'bright']);

    // [h][w][c], the nested form of a colour image, reads the same with one channel.
    const rgb: ImageRow = { pixels: bright.map((line) => line.map((v) => [v])) };
    expect((await api.models.predict('client-shades', [rgb])).predictions).toEqual(['bright']);

    const both = { image: toB64(grayPng(40, 0)), pixels: [1] } as unknown as ImageRow;
    const err = await api.models.predict('client-shades', [both]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiClientError);
    expect((err as ApiClientError).message).toBe('rows[0].image: give either image or pixels, not both');
  });

  it('refuses at compile time what the server cannot read', () => {
    // Each line below would fail `npm run typecheck` without its directive (an unused one fails it too).
    const refused = [
      // @ts-expect-error strings are not pixel values
      { pixels: [['a']] } satisfies PredictRow,
      // @ts-expect-error an image row is either image or pixels
      { image: 'iVBORw0KGgo=', pixels: [1, 2] } satisfies PredictRow,
      // @ts-expect-error a typed array is no array in JSON (it becomes an object)
      { pixels: new Uint8Array(16) } satisfies PredictRow,
    ];
    expect(refused).toHaveLength(3);
  });
});
