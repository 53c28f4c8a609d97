/**
 * @module engine/forecast/rnn-forecaster
 * The `rnn` forecast family: a GRU or LSTM network (./rnn-net) trained on windows of the transformed,
 * differenced and standardised series, pooled over every series, predicting the next value; forecasts
 * are recursive (./recursive). Training is a plain loop of trainOnBatch calls over batches shuffled by the
 * engine's Rng (tfjs-layers' own shuffling uses Math.random), yielding between epochs. Runs on whatever
 * tfjs backend is active (wasm in the Worker); fitting and loading first await the host's backend
 * (models/nn/backend readyTfjsBackend).
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { EngineError } from '../core/errors';
import { readyTfjsBackend } from '../models/nn/backend';
import type { Params } from '../search/space';
import { decodeF32, encodeF32 } from '../serialize/codec';
import { type Calendar, phaseAt } from './calendar';
import { differenceLag } from './differencing';
import type { FitSeries, FittedForecastModel, ForecastFitContext, ForecastModelArtifact, SeriesState } from './forecast-model';
import { resolveSeriesOptions } from './forecast-params';
import { recursiveForecast, transformedSeries } from './recursive';
import { buildRnn, inputChannels, writeWindow } from './rnn-net';
import { resolveRnnOptions, type RnnOptions } from './rnn-options';
import { fitTransform, type TargetTransform } from './target-transform';

export const RNN_ARTIFACT_VERSION = 1;
const MIN_WINDOWS = 8;

interface RnnState {
  readonly opts: RnnOptions;
  readonly transform: TargetTransform;
  readonly lag: number;
  readonly mean: number;
  readonly std: number;
  readonly calendar: Calendar;
}

class RnnForecaster implements FittedForecastModel {
  readonly family = 'rnn' as const;
  readonly tailLength: number;
  private readonly input: Float32Array;

  constructor(
    private readonly state: RnnState,
    private readonly net: tfl.Sequential,
    readonly fitInfo: Readonly<Record<string, number>>,
  ) {
    this.tailLength = state.lag + state.opts.inputWindow;
    this.input = new Float32Array(state.opts.inputWindow * inputChannels(state.calendar.season));
  }

  forecast(series: SeriesState, steps: number): Float64Array {
    const { opts, transform, lag, mean, std, calendar } = this.state;
    const season = calendar.season;
    const shape: [number, number, number] = [1, opts.inputWindow, inputChannels(season)];
    return recursiveForecast(series, steps, transform, lag, this.tailLength, calendar, (d, t, phase) => {
      writeWindow(d, t, phase, opts.inputWindow, season, mean, std, this.input, 0);
      const y = tf.tidy(() => this.net.predict(tf.tensor3d(this.input, shape)) as tf.Tensor);
      const v = y.dataSync()[0];
      y.dispose();
      return v * std + mean;
    });
  }

  toArtifact(): ForecastModelArtifact {
    const s = this.state;
    const weights = this.net.getWeights().map((w) => ({ shape: w.shape, data: encodeF32(w.dataSync() as Float32Array) }));
    return { family: 'rnn', version: RNN_ARTIFACT_VERSION, options: s.opts, transform: s.transform, lag: s.lag, mean: s.mean, std: s.std, weights };
  }

  dispose(): void {
    this.net.dispose();
  }
}

/** Trains the network on every series' windows. */
export async function fitRnnForecaster(params: Params, series: readonly FitSeries[], ctx: ForecastFitContext): Promise<FittedForecastModel> {
  await readyTfjsBackend();
  const { season } = ctx.calendar;
  const opts = resolveRnnOptions(params);
  const { transform: kind, differencing } = resolveSeriesOptions(params);
  const lag = differenceLag(differencing, season);
  const transform = fitTransform(kind, series.map((s) => s.values.map((v) => v / s.scale)), ctx.target);
  const start = lag + opts.inputWindow;
  const diffs = series.map((s) => transformedSeries(s.values, s.scale, transform, lag).d);
  let rows = 0;
  let sum = 0;
  let sumSq = 0;
  let count = 0;
  for (let g = 0; g < series.length; g++) {
    rows += Math.max(0, series[g].values.length - start);
    for (let t = lag; t < diffs[g].length; t++) {
      sum += diffs[g][t];
      sumSq += diffs[g][t] ** 2;
      count++;
    }
  }
  if (rows < MIN_WINDOWS) throw new EngineError('invalid_params', `input_window ${opts.inputWindow} with this differencing leaves ${rows} training windows (at least ${MIN_WINDOWS} needed); use a shorter window`, { param: 'input_window', rows });
  const mean = sum / count;
  const std = Math.sqrt(Math.max(0, sumSq / count - mean * mean)) || 1;

  const channels = inputChannels(season);
  const width = opts.inputWindow * channels;
  const X = new Float32Array(rows * width);
  const y = new Float32Array(rows);
  let r = 0;
  for (let g = 0; g < series.length; g++) {
    const s = series[g];
    for (let t = start; t < s.values.length; t++, r++) {
      writeWindow(diffs[g], t, phaseAt(ctx.calendar, s.times[t]), opts.inputWindow, season, mean, std, X, r * width);
      y[r] = (diffs[g][t] - mean) / std;
    }
  }
  const net = buildRnn(opts, channels, ctx.rng.fork(1));
  const optimizer = tf.train.adam(opts.learningRate);
  net.compile({ optimizer, loss: 'meanSquaredError' });
  let lastLoss = NaN;
  try {
    lastLoss = await trainLoop(net, X, y, rows, width, opts, channels, ctx);
  } catch (err) {
    net.dispose();
    throw err;
  } finally {
    optimizer.dispose();
  }
  return new RnnForecaster({ opts, transform, lag, mean, std, calendar: ctx.calendar }, net, { epochs: opts.epochs, training_windows: rows, train_loss: lastLoss, boxcox_lambda: transform.lambda });
}

/** Mini-batch epochs in an Rng-shuffled order; returns the last epoch's mean loss (standardised units). */
async function trainLoop(net: tfl.Sequential, X: Float32Array, y: Float32Array, rows: number, width: number, opts: RnnOptions, channels: number, ctx: ForecastFitContext): Promise<number> {
  const order = Int32Array.from({ length: rows }, (_, i) => i);
  const batch = Math.min(opts.batchSize, rows);
  const xb = new Float32Array(batch * width);
  const yb = new Float32Array(batch);
  const rng = ctx.rng.fork(2);
  let epochLoss = NaN;
  for (let epoch = 0; epoch < opts.epochs; epoch++) {
    await ctx.yieldControl?.();
    rng.shuffle(order);
    let total = 0;
    for (let s = 0; s < rows; s += batch) {
      const n = Math.min(batch, rows - s);
      for (let i = 0; i < n; i++) {
        const row = order[s + i];
        xb.set(X.subarray(row * width, (row + 1) * width), i * width);
        yb[i] = y[row];
      }
      const xs = tf.tensor3d(xb.subarray(0, n * width), [n, opts.inputWindow, channels]);
      const ys = tf.tensor2d(yb.subarray(0, n), [n, 1]);
      const loss = await net.trainOnBatch(xs, ys);
      xs.dispose();
      ys.dispose();
      total += (Array.isArray(loss) ? loss[0] : loss) * n;
    }
    epochLoss = total / rows;
    if (!Number.isFinite(epochLoss)) throw new EngineError('invalid_params', `the rnn diverged at epoch ${epoch + 1} (loss ${epochLoss}); lower the learning_rate`, { param: 'learning_rate' });
  }
  return epochLoss;
}

/** Rebuilds an rnn forecaster; throws EngineError('bad_artifact') on an unknown version or mismatched weights. */
export async function loadRnnForecaster(artifact: ForecastModelArtifact, calendar: Calendar): Promise<FittedForecastModel> {
  await readyTfjsBackend();
  if (artifact.version !== RNN_ARTIFACT_VERSION) throw new EngineError('bad_artifact', `unknown rnn forecast artifact version ${String(artifact.version)}`);
  const a = artifact as Record<string, unknown>;
  const opts = a.options as RnnOptions;
  const tr = a.transform as TargetTransform;
  if (typeof opts?.units !== 'number' || typeof tr?.lambda !== 'number' || typeof a.lag !== 'number' || typeof a.mean !== 'number' || typeof a.std !== 'number' || !Array.isArray(a.weights)) {
    throw new EngineError('bad_artifact', 'rnn forecast artifact is missing its options, transform or weights');
  }
  const net = buildRnn(opts, inputChannels(calendar.season), null);
  const expected = net.getWeights();
  const stored = a.weights as { shape: number[]; data: string }[];
  if (stored.length !== expected.length || stored.some((w, i) => String(w.shape) !== String(expected[i].shape))) {
    net.dispose();
    throw new EngineError('bad_artifact', 'rnn forecast artifact weights do not match its architecture');
  }
  const tensors = stored.map((w) => tf.tensor(decodeF32(w.data), w.shape));
  net.setWeights(tensors);
  tensors.forEach((t) => t.dispose());
  return new RnnForecaster({ opts, transform: tr, lag: a.lag, mean: a.mean, std: a.std, calendar }, net, {});
}
