/**
 * The CNN's learning-rate schedule: the cosine curve falls from nearly the base rate to nearly 0 across a
 * fit's epochs ('constant' keeps the base), and setLearningRate really changes the step every optimizer
 * the CNN uses takes (it reaches into tfjs' optimizers, so a tfjs upgrade that moves the rate must fail here).
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
// tfjs-core registers no gradients by itself; tfjs-layers registers them as an import side effect.
import '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { learningRateAt, setLearningRate } from '../../src/engine/models/nn/cnn/cnn-schedule';

describe('cnn learning-rate schedule', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('anneals along half a cosine over the epochs; constant keeps the base rate', () => {
    const rates = Array.from({ length: 40 }, (_, i) => learningRateAt('cosine', 2e-3, i + 1, 40));
    expect(rates[0]).toBeGreaterThan(0.99 * 2e-3);
    expect(rates[39]).toBeGreaterThan(0);
    expect(rates[39]).toBeLessThan(0.01 * 2e-3);
    for (let i = 1; i < rates.length; i++) expect(rates[i]).toBeLessThan(rates[i - 1]);
    expect(learningRateAt('cosine', 2e-3, 20.5, 40)).toBeCloseTo(1e-3, 12);
    expect(learningRateAt('constant', 2e-3, 39, 40)).toBe(2e-3);
    // A one-epoch fit trains at the base rate rather than at the bottom of a one-point curve.
    expect(learningRateAt('cosine', 2e-3, 1, 1)).toBe(2e-3);
  });

  it.each([
    ['adam', () => tf.train.adam(0.1)],
    ['rmsprop', () => tf.train.rmsprop(0.1, 0.9, 0, 1e-7)],
    ['momentum', () => tf.train.momentum(0.1, 0.9)],
  ])('%s: a rate set to 0 stops the weights, a rate set back moves them again', (_name, make) => {
    const optimizer = make();
    const w = tf.variable(tf.scalar(1));
    const step = () => optimizer.minimize(() => tf.square(w) as tf.Scalar, false, [w]);
    step();
    const afterFirst = w.dataSync()[0];
    expect(afterFirst).toBeLessThan(1);
    setLearningRate(optimizer, 0);
    step();
    // Momentum carries its accumulated velocity, which a zero rate must not apply either.
    expect(w.dataSync()[0]).toBe(afterFirst);
    setLearningRate(optimizer, 0.1);
    step();
    expect(w.dataSync()[0]).toBeLessThan(afterFirst);
    optimizer.dispose();
    w.dispose();
  });
});
