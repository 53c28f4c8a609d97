/**
 * @module engine/forecast/rnn-net
 * The recurrent network of the `rnn` family on tfjs-layers: one or two GRU or LSTM layers, optional
 * dropout (a new mask each training step: ./fresh-dropout), a linear output. Initial weights (Glorot-uniform) are seeded from the engine's Rng (tfjs-layers initialisers
 * take a seed) so trials are reproducible. Each time step's input is the standardised difference plus,
 * for seasonal series, the sine and cosine of that step's seasonal phase, then any covariate channels
 * (./rnn-covariates). A model reading known-future covariates has a second input, the predicted step's
 * own covariates, joined to the last recurrent state before the linear output; without one the network
 * is the plain stack it always was, so artifacts stored before covariates load into the same shape.
 */
import * as tfl from '@tensorflow/tfjs-layers';
import { Rng } from '../core/rng';
import { FreshDropout } from './fresh-dropout';
import type { RnnOptions } from './rnn-options';

/** Inputs per time step from the series: the value, and the phase's sine and cosine when there is a season. */
export function inputChannels(season: number): number {
  return season > 1 ? 3 : 1;
}

/**
 * Builds the network over windows of `channels` inputs per step, with a second input of `stepInputs`
 * values (the predicted step's covariates) when that is above 0; `rng` seeds its initial weights. The
 * layers, and the order their seeds are drawn in, are the same either way.
 */
export function buildRnn(opts: RnnOptions, channels: number, rng: Rng | null, stepInputs = 0): tfl.LayersModel {
  const seed = () => (rng === null ? undefined : rng.nextUint32() % 2_147_483_647);
  const recurrent: tfl.layers.Layer[] = [];
  for (let l = 0; l < opts.layers; l++) {
    const config = {
      units: opts.units,
      returnSequences: l < opts.layers - 1,
      ...(l === 0 && stepInputs === 0 ? { inputShape: [opts.inputWindow, channels] } : {}),
      kernelInitializer: tfl.initializers.glorotUniform({ seed: seed() }),
      // Not tfjs' orthogonal initialiser: it calls chained tensor methods (rMat.flatten()) that only exist
      // once the tfjs umbrella package registers them, which this project does not load.
      recurrentInitializer: tfl.initializers.glorotUniform({ seed: seed() }),
    };
    recurrent.push(opts.cell === 'gru' ? tfl.layers.gru(config) : tfl.layers.lstm(config));
    // One seed per dropout layer, drawn where tfjs' seeded layer drew it, so the weights' seeds stay as they were.
    if (opts.dropout > 0) {
      const masks = seed();
      recurrent.push(new FreshDropout(opts.dropout, masks === undefined ? null : new Rng(masks)));
    }
  }
  const output = tfl.layers.dense({ units: 1, kernelInitializer: tfl.initializers.glorotUniform({ seed: seed() }) });
  if (stepInputs === 0) return tfl.sequential({ layers: [...recurrent, output] });
  const window = tfl.input({ shape: [opts.inputWindow, channels] });
  const step = tfl.input({ shape: [stepInputs] });
  const state = recurrent.reduce<tfl.SymbolicTensor>((x, layer) => layer.apply(x) as tfl.SymbolicTensor, window);
  const joined = tfl.layers.concatenate().apply([state, step]) as tfl.SymbolicTensor;
  return tfl.model({ inputs: [window, step], outputs: output.apply(joined) as tfl.SymbolicTensor });
}

/**
 * Writes the series channels of one input window ending before step t into out[off ..], each step
 * `stride` values apart (the channels after them are the covariates'): for k = window..1 the
 * standardised d[t-k] and the phase of step t-k (phases advance by one per step, so they follow from t's
 * phase; or, on the clock of days of different hours, `phaseAt` gives each: ../forecast/clock-alignment).
 */
export function writeWindow(
  d: Float64Array,
  t: number,
  phase: number,
  window: number,
  season: number,
  mean: number,
  std: number,
  out: Float32Array,
  off: number,
  stride = inputChannels(season),
  phaseAt?: (u: number) => number,
): void {
  const channels = inputChannels(season);
  for (let k = window; k >= 1; k--) {
    let o = off + (window - k) * stride;
    out[o++] = (d[t - k] - mean) / std;
    if (channels === 3) {
      const p = phaseAt === undefined ? (((phase - k) % season) + season) % season : phaseAt(t - k);
      const angle = (2 * Math.PI * p) / season;
      out[o++] = Math.sin(angle);
      out[o++] = Math.cos(angle);
    }
  }
}
