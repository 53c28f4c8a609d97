/**
 * A fresh isolate whose first requests predict with ensembles that have an MLP member, before anything
 * booted the tfjs backend (the pool starts one isolate per test file, checked below): three requests at
 * once, to two models (two artifacts, so two loads race to boot the backend, sharing one init) and to one
 * of them with a JSON and a CSV body. All answer 200, and an answer is the members' weighted average, the
 * MLP's included.
 */
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { Predictor } from '../../src/engine';
import { activeBackendName } from '../../src/engine/models/nn/backend';
import type { EnsembleEnvelope } from '../../src/engine/serialize/envelope';
import { blobsCsv, publishMlpEnsemble } from './mlp-member-fixture';
import { call, csvObjects, json } from './helpers';

describe('the first tfjs model of an isolate, loaded by predict', () => {
  it('concurrent first predicts on ensembles with an MLP member all answer, with the MLP in the average', async () => {
    expect(activeBackendName()).toBeNull();
    const { artifactKey } = await publishMlpEnsemble('first-predict');
    await publishMlpEnsemble('first-predict-other');
    expect(activeBackendName()).toBeNull();

    const csv = blobsCsv(6, 99);
    const rows = csvObjects(csv).map(({ label: _, ...row }) => row);
    const [asJson, asCsv, other] = await Promise.all([
      call('POST', '/v1/models/first-predict/predict', { rows }),
      call('POST', '/v1/models/first-predict/predict', csv, { accept: 'application/json' }),
      call('POST', '/v1/models/first-predict-other/predict', { rows }),
    ]);
    expect([asJson.status, asCsv.status, other.status]).toEqual([200, 200, 200]);
    expect(activeBackendName()).toBe('wasm');
    const fromJson = (await json(asJson)).probabilities as Record<string, number>[];
    const fromCsv = (await json(asCsv)).probabilities as Record<string, number>[];
    expect(fromCsv).toEqual(fromJson);
    // The other model is built the same way (same data and seeds).
    expect((await json(other)).probabilities).toEqual(fromJson);

    // Each member alone (the backend is up now): the answer is 0.6 · linear + 0.4 · MLP, row by row.
    const ensemble = (await (await env.STORE.get(artifactKey))!.json()) as EnsembleEnvelope;
    const [linear, mlp] = await Promise.all(ensemble.members.map((m) => Predictor.load(m.envelope)));
    const pLinear = linear.predictRaw(rows);
    const pMlp = mlp.predictRaw(rows);
    expect(Array.from(pMlp).some((p, i) => Math.abs(p - pLinear[i]) > 1e-3)).toBe(true);
    // Binary raw outputs are the probability of the second class.
    const positive = ensemble.classes[1];
    fromJson.forEach((probs, i) => expect(probs[positive]).toBeCloseTo(0.6 * pLinear[i] + 0.4 * pMlp[i], 5));
    linear.dispose();
    mlp.dispose();
  });
});
