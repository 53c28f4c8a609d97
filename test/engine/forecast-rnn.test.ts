/**
 * The rnn forecast family (GRU / LSTM on tfjs-layers): trains and forecasts finitely on the cpu backend,
 * is reproducible from the seed, survives an artifact round trip, frees its tensors, and trains on the
 * wasm backend the Worker uses (booted in Node through the engine's initWasmBackend).
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { forecastDefaults, loadForecaster, runForecastTrial, type ForecastTrialOutcome } from '../../src/engine/forecast';
import type { Params } from '../../src/engine/search/space';
import { airpassengers, HORIZON, rmseOf, TARGET, testTruth } from './forecast-fixtures';
import { initWasmInNode } from './mlp-fixtures';

const train = airpassengers('train');
const shape = { length: 108, season: 12, groups: 1, horizon: HORIZON };
/** Small enough for a test: one origin, few epochs. */
const small = (cell: string): Params => ({ ...forecastDefaults('rnn', shape), cell, units: 8, epochs: 15 });

async function rnnTrial(params: Params, seed = 3): Promise<Extract<ForecastTrialOutcome, { status: 'complete' }>> {
  const out = await runForecastTrial(train, { family: 'rnn', params, target: TARGET, horizon: HORIZON, seed, origins: 1 });
  if (out.status !== 'complete') throw new Error(out.reason);
  return out;
}

describe('rnn forecasts on the cpu backend', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('a GRU trains, forecasts finite values near the series level, and round-trips exactly', async () => {
    const before = tf.memory().numTensors;
    const out = await rnnTrial(small('gru'));
    expect(Number.isFinite(out.score)).toBe(true);
    const a = await loadForecaster(out.envelope);
    const b = await loadForecaster(JSON.parse(JSON.stringify(out.envelope)));
    const points = a.forecast(HORIZON);
    expect(points.every((p) => Number.isFinite(p.value) && p.value > 0)).toBe(true);
    // Far better than a constant zero forecast; quality need not beat linear.
    expect(rmseOf(points, testTruth())).toBeLessThan(150);
    expect(b.forecast(HORIZON)).toEqual(points);
    a.dispose();
    b.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('is reproducible from the seed', async () => {
    const params = { ...small('lstm'), epochs: 5, dropout: 0.1 };
    const [x, y] = [await rnnTrial(params, 9), await rnnTrial(params, 9)];
    expect(y.score).toBe(x.score);
    expect(JSON.stringify(y.envelope.model)).toBe(JSON.stringify(x.envelope.model));
  });
});

describe('rnn training on the wasm backend', () => {
  beforeAll(async () => {
    await initWasmInNode();
  });

  it('GRU and two-layer LSTM train (every gradient kernel present) and forecast finitely', async () => {
    expect(tf.getBackend()).toBe('wasm');
    for (const params of [{ ...small('gru'), epochs: 5 }, { ...small('lstm'), epochs: 5, layers: 2, dropout: 0.1 }]) {
      const out = await rnnTrial(params);
      const f = await loadForecaster(out.envelope);
      expect(f.forecast(12).every((p) => Number.isFinite(p.value) && Number.isFinite(p.lower))).toBe(true);
      f.dispose();
    }
  });
});
