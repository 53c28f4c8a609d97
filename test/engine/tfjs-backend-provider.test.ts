/**
 * The host's tfjs backend provider (engine/models/nn/backend provideTfjsBackend / readyTfjsBackend), in a
 * process where nothing has activated a backend: loading an MLP without one fails with the engine's own
 * message (not tfjs' stock loader's "backend 'wasm' has not yet been initialized"); once a host registers
 * its init, concurrent first loads await it and predict what the weights say.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { activeBackendName, provideTfjsBackend } from '../../src/engine/models/nn/backend';
import type { MlpArtifactV1 } from '../../src/engine/models/nn/mlp-model';
import { mlpSpec } from '../../src/engine/models/nn/mlp';
import { encodeF32 } from '../../src/engine/serialize/codec';
import { initWasmInNode } from './mlp-fixtures';

/** A regression MLP with no hidden layer: y = 2·x0 − x1 + 0.5, written by hand (no tfjs involved). */
const linearMlp: MlpArtifactV1 = {
  family: 'mlp',
  version: 1,
  task: 'regression',
  nClasses: 0,
  head: 'identity',
  layers: [{ inputs: 2, units: 1, activation: 'linear' }],
  weights: [{ kernel: encodeF32(Float32Array.from([2, -1])), bias: encodeF32(Float32Array.from([0.5])) }],
  target: { mean: 0, std: 1 },
};

const X = { rows: 2, cols: 2, data: Float32Array.from([1, 1, 3, -2]) };

describe('the tfjs backend provider', () => {
  afterAll(() => provideTfjsBackend(null));

  it('without a provider or an active backend, loading an MLP says what is missing', async () => {
    expect(activeBackendName()).toBeNull();
    await expect(mlpSpec.load(linearMlp)).rejects.toThrow(/no tfjs backend is active/);
    expect(activeBackendName()).toBeNull();
  });

  it('with a provider, concurrent first loads both await it and predict on its backend', async () => {
    let calls = 0;
    provideTfjsBackend(() => {
      calls++;
      return initWasmInNode();
    });
    const [a, b] = await Promise.all([mlpSpec.load(linearMlp), mlpSpec.load(linearMlp)]);
    expect(calls).toBe(2);
    expect(activeBackendName()).toBe('wasm');
    expect(Array.from(a.predict(X))).toEqual([1.5, 8.5]);
    expect(Array.from(b.predict(X))).toEqual([1.5, 8.5]);
    a.dispose();
    b.dispose();
  });
});
