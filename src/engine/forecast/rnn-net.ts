/**
 * @module engine/forecast/rnn-net
 * The recurrent network of the `rnn` family on tfjs-layers: one or two GRU or LSTM layers, optional
 * dropout, a linear output. Initial weights (Glorot-uniform) are seeded from the engine's Rng (tfjs-layers initialisers
 * take a seed) so trials are reproducible. Each time step's input is the standardised difference plus,
 * for seasonal series, the sine and cosine of that step's seasonal phase.
 */
import * as tfl from '@tensorflow/tfjs-layers';
import type { Rng } from '../core/rng';
import type { RnnOptions } from './rnn-options';

/** Inputs per time step: the value, and the phase's sine and cosine when there is a season. */
export function inputChannels(season: number): number {
  return season > 1 ? 3 : 1;
}

/** Builds (and compiles, when training) the network; `rng` seeds its initial weights. */
export function buildRnn(opts: RnnOptions, channels: number, rng: Rng | null): tfl.Sequential {
  const seed = () => (rng === null ? undefined : rng.nextUint32() % 2_147_483_647);
  const model = tfl.sequential();
  for (let l = 0; l < opts.layers; l++) {
    const config = {
      units: opts.units,
      returnSequences: l < opts.layers - 1,
      ...(l === 0 ? { inputShape: [opts.inputWindow, channels] } : {}),
      kernelInitializer: tfl.initializers.glorotUniform({ seed: seed() }),
      // Not tfjs' orthogonal initialiser: it calls chained tensor methods (rMat.flatten()) that only exist
      // once the tfjs umbrella package registers them, which this project does not load.
      recurrentInitializer: tfl.initializers.glorotUniform({ seed: seed() }),
    };
    model.add(opts.cell === 'gru' ? tfl.layers.gru(config) : tfl.layers.lstm(config));
    if (opts.dropout > 0) model.add(tfl.layers.dropout({ rate: opts.dropout, seed: seed() }));
  }
  model.add(tfl.layers.dense({ units: 1, kernelInitializer: tfl.initializers.glorotUniform({ seed: seed() }) }));
  return model;
}

/**
 * Writes one input window ending before step t into out[off ..]: for k = window..1 the standardised
 * d[t-k] and the phase of step t-k (phases advance by one per step, so they follow from t's phase).
 */
export function writeWindow(d: Float64Array, t: number, phase: number, window: number, season: number, mean: number, std: number, out: Float32Array, off: number): void {
  const channels = inputChannels(season);
  let o = off;
  for (let k = window; k >= 1; k--) {
    out[o++] = (d[t - k] - mean) / std;
    if (channels === 3) {
      const p = (((phase - k) % season) + season) % season;
      const angle = (2 * Math.PI * p) / season;
      out[o++] = Math.sin(angle);
      out[o++] = Math.cos(angle);
    }
  }
}
