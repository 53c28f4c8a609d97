/**
 * The rnn's dropout (engine/forecast/fresh-dropout): a new mask at every training step, the same masks
 * for the same seed, and none at inference. tfjs' seeded dropout layer, used before, dropped the same
 * units at every step (the s42 audit saw two training passes give identical outputs).
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../src/engine/core/rng';
import { buildRnn } from '../../src/engine/forecast/rnn-net';
import { resolveRnnOptions } from '../../src/engine/forecast/rnn-options';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const opts = { ...resolveRnnOptions({}), cell: 'gru' as const, units: 8, inputWindow: 4, layers: 1, dropout: 0.5 };

/** The network's outputs for a fixed batch of windows, in training mode or not. */
function outputs(net: ReturnType<typeof buildRnn>, training: boolean): number[] {
  return tf.tidy(() => {
    const x = tf.tensor3d(Array.from({ length: 3 * 4 }, (_, i) => Math.sin(i)), [3, 4, 1]);
    return Array.from((net.apply(x, { training }) as tf.Tensor).dataSync());
  });
}

describe('rnn dropout', () => {
  it('draws a new mask at every training step', () => {
    const net = buildRnn(opts, 1, new Rng(7));
    const first = outputs(net, true);
    const second = outputs(net, true);
    expect(second).not.toEqual(first);
    // Inference drops nothing: the same answer every time.
    expect(outputs(net, false)).toEqual(outputs(net, false));
    net.dispose();
  });

  it('draws the same masks for the same seed, so a trial is reproducible', () => {
    const a = buildRnn(opts, 1, new Rng(11));
    const b = buildRnn(opts, 1, new Rng(11));
    const fromA = [outputs(a, true), outputs(a, true)];
    const fromB = [outputs(b, true), outputs(b, true)];
    expect(fromB).toEqual(fromA);
    a.dispose();
    b.dispose();
  });
});
