/**
 * A published table model whose champion is an ensemble with an MLP member, made without touching tfjs:
 * the linear member is trained by the engine (pure TypeScript) on an uploaded dataset, the MLP member reuses
 * its (dense) pipeline with seeded weights written straight into an artifact. Tests of the tfjs backend's
 * first use need exactly that: a fresh isolate (the pool starts one per test file) whose first tfjs model
 * is such a member, so nothing here may boot the backend.
 */
import { env } from 'cloudflare:workers';
import { expect } from 'vitest';
import type { PublishRequest } from '../../src/durable/protocol';
import { decodeDataset, runTrial } from '../../src/engine';
import { Rng } from '../../src/engine/core/rng';
import { loadPipeline } from '../../src/engine/features/pipeline';
import type { MlpArtifactV1 } from '../../src/engine/models/nn/mlp-model';
import { encodeF32 } from '../../src/engine/serialize/codec';
import { ENSEMBLE_FORMAT, ENSEMBLE_VERSION, type EnsembleEnvelope, type ModelEnvelope } from '../../src/engine/serialize/envelope';
import { call } from './helpers';

export const FIXTURE_TENANT = 'default';

/** Two noisy classes told apart by x1 and x2, plus a categorical column; `rows` data rows. */
export function blobsCsv(rows: number, seed: number): string {
  const rng = new Rng(seed);
  const lines = ['x1,x2,x3,colour,label'];
  for (let i = 0; i < rows; i++) {
    const yes = i % 2 === 0;
    const shift = yes ? 1 : -1;
    lines.push([(rng.normal() + shift).toFixed(4), (rng.normal() - shift).toFixed(4), rng.normal().toFixed(4), ['red', 'green', 'blue'][i % 3], yes ? 'yes' : 'no'].join(','));
  }
  return lines.join('\n');
}

/** Seeded uniform values in [-scale, scale]. */
function weights(n: number, scale: number, rng: Rng): string {
  const w = new Float32Array(n);
  for (let i = 0; i < n; i++) w[i] = (rng.next() * 2 - 1) * scale;
  return encodeF32(w);
}

/**
 * Uploads dataset `name`, builds the linear + MLP ensemble for its `label` and publishes it as model
 * `name` (version 1, the champion). Returns the published version and its artifact key.
 */
export async function publishMlpEnsemble(name: string): Promise<{ version: number; artifactKey: string }> {
  expect((await call('PUT', `/v1/datasets/${name}`, blobsCsv(160, 7))).status).toBe(201);
  const dataset = await env.REGISTRY.getByName(FIXTURE_TENANT).getDataset(name);
  if (!dataset) throw new Error(`dataset ${name} was not registered`);
  const stored = decodeDataset(new Uint8Array(await (await env.STORE.get(dataset.data_key))!.arrayBuffer()));
  const trial = await runTrial(stored, { family: 'linear', params: { C: 1, l1_ratio: 0, class_weight: 'none' }, target: 'label', task: 'binary', metric: 'roc_auc', seed: 3, folds: 2 });
  if (trial.status !== 'complete') throw new Error(`the linear member failed: ${trial.reason}`);
  const linear: ModelEnvelope = trial.envelope;

  const width = loadPipeline(linear.pipeline).width;
  const hidden = 6;
  const rng = new Rng(11);
  const mlp: MlpArtifactV1 = {
    family: 'mlp',
    version: 1,
    task: 'binary',
    nClasses: 2,
    head: 'sigmoid',
    layers: [
      { inputs: width, units: hidden, activation: 'relu' },
      { inputs: hidden, units: 1, activation: 'linear' },
    ],
    weights: [
      { kernel: weights(width * hidden, 0.5, rng), bias: weights(hidden, 0.1, rng) },
      { kernel: weights(hidden, 0.5, rng), bias: weights(1, 0.1, rng) },
    ],
    target: { mean: 0, std: 1 },
  };
  const ensemble: EnsembleEnvelope = {
    format: ENSEMBLE_FORMAT,
    version: ENSEMBLE_VERSION,
    task: linear.task,
    target: linear.target,
    classes: linear.classes,
    metric: linear.metric,
    columns: linear.columns,
    members: [
      { weight: 0.6, id: 't0000', envelope: linear },
      { weight: 0.4, id: 't0001', envelope: { ...linear, model: mlp } },
    ],
  };
  const artifactKey = `models/${FIXTURE_TENANT}/${name}/ensemble.json`;
  await env.STORE.put(artifactKey, JSON.stringify(ensemble));
  const req: PublishRequest = {
    job_id: `${name}-job`,
    trial_id: 'ensemble',
    family: 'ensemble',
    artifact_key: artifactKey,
    task: 'binary',
    target: 'label',
    classes: linear.classes,
    metric: 'roc_auc',
    greater_is_better: true,
    score: trial.score,
    dataset: { name, version: dataset.version },
  };
  const { version } = await env.REGISTRY.getByName(FIXTURE_TENANT).publish(name, req);
  return { version, artifactKey };
}
