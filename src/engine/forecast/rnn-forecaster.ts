/**
 * @module engine/forecast/rnn-forecaster
 * The `rnn` forecast family: a GRU or LSTM network (./rnn-net) trained on windows of the transformed,
 * differenced and standardised series, pooled over every series, predicting the next value; forecasts
 * are recursive (./recursive). A job's covariates are further channels of each window step, and the
 * known-future ones of the predicted step a second input (./rnn-covariates), so each forecast step needs
 * their values (SeriesState.covariates); past-only ones are read from the job's horizon H back, so a model
 * reading them forecasts at most H steps. Training is a plain loop of trainOnBatch calls over batches
 * shuffled by the engine's Rng (tfjs-layers' own shuffling uses Math.random), yielding between epochs,
 * for at most the epochs its modelled work budget allows (./rnn-cost; fit_info `epochs_asked` when fewer);
 * each batch's windows are written when it is drawn, so the covariate channels never make a whole
 * training matrix. Runs on whatever tfjs backend is active (wasm in the Worker); fitting and loading
 * first await the host's backend (models/nn/backend readyTfjsBackend). On business hours whose days open
 * for different hours the rnn reads its season on the clock (./clock-alignment; `clockAligned` in the
 * artifact, absent in every one stored before): seasonal differencing is against the same time of day on
 * the last open day holding it, and each window step's phase is its own time of day, where counting
 * back one phase per step would go wrong across a short Saturday or a break.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { EngineError } from '../core/errors';
import { readyTfjsBackend } from '../models/nn/backend';
import type { Params } from '../search/space';
import { decodeF32, encodeF32 } from '../serialize/codec';
import { type Calendar, phaseAt } from './calendar';
import { type BackReader, type ClockAlignment, clockAlignmentOf, phaseReader, readReach, weekPositionAt } from './clock-alignment';
import { differenceLag } from './differencing';
import type { FitSeries, FittedForecastModel, ForecastFitContext, ForecastModelArtifact, SeriesState } from './forecast-model';
import { clockAlignedParam, resolveSeriesOptions } from './forecast-params';
import { readerAt, recursiveForecast, transformedSeries } from './recursive';
import {
  checkForecastCovariates,
  covariateChannels,
  covariateReach,
  fitRnnCovariates,
  readRnnCovariates,
  type RnnCovariates,
  stepInputWidth,
  storedRnnCovariates,
  writeCovariateWindow,
  writeKnownCovariates,
} from './rnn-covariates';
import { buildRnn, inputChannels, writeWindow } from './rnn-net';
import { rnnFitBudgetMs, type RnnTrainingPlan, rnnTrainingPlan } from './rnn-cost';
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
  /** What it reads of the job's covariates (NO_COVARIATES when none, as every model stored before them). */
  readonly covariates: RnnCovariates;
  /** The clock its seasonal differencing and window phases follow (./clock-alignment); null: positional, as every model stored before. */
  readonly align: ClockAlignment | null;
}

/** Raw points before a predicted step a state reads: its window of differences and their lag, and the covariates'. */
const reachOf = (s: Pick<RnnState, 'opts' | 'lag' | 'covariates' | 'align'>) => Math.max(readReach(s.align, s.lag) + s.opts.inputWindow, covariateReach(s.covariates, s.opts.inputWindow, s.align));

/** Values per window step: the series' channels, then the covariates'. */
const stepChannels = (s: RnnState) => inputChannels(s.calendar.season) + covariateChannels(s.covariates);

class RnnForecaster implements FittedForecastModel {
  readonly family = 'rnn' as const;
  readonly tailLength: number;
  readonly pastHorizon?: number;
  private readonly input: Float32Array;
  private readonly stepInput: Float32Array;

  constructor(
    private readonly state: RnnState,
    private readonly net: tfl.LayersModel,
    readonly fitInfo: Readonly<Record<string, number>>,
  ) {
    this.tailLength = reachOf(state);
    if (state.covariates.past > 0) this.pastHorizon = state.covariates.pastHorizon;
    this.input = new Float32Array(state.opts.inputWindow * stepChannels(state));
    this.stepInput = new Float32Array(stepInputWidth(state.covariates));
  }

  forecast(series: SeriesState, steps: number): Float64Array {
    const { opts, transform, lag, mean, std, calendar, covariates: c, align } = this.state;
    const season = calendar.season;
    const channels = stepChannels(this.state);
    const shape: [number, number, number] = [1, opts.inputWindow, channels];
    checkForecastCovariates(c, series, steps);
    const known = series.covariates;
    const past = series.pastCovariates;
    const head = this.stepInput.length;
    // On the clock, the tail's first point is n - 1 positions of the week before its last (as ./recursive places it).
    const phases = align === null ? undefined : phaseReader(align, weekPositionAt(align, calendar, series.lastTime) - (series.tail.length - 1));
    const predict = (d: Float64Array, t: number, phase: number, _position: number, _weekday: number, back?: BackReader) => {
      writeWindow(d, t, phase, opts.inputWindow, season, mean, std, this.input, 0, channels, phases);
      writeCovariateWindow(c, known, past, t, opts.inputWindow, channels, inputChannels(season), this.input, 0, back);
      writeKnownCovariates(c, known, t, this.stepInput, 0, back);
      const y = tf.tidy(() => {
        const window = tf.tensor3d(this.input, shape);
        return this.net.predict(head > 0 ? [window, tf.tensor2d(this.stepInput, [1, head])] : window) as tf.Tensor;
      });
      const v = y.dataSync()[0];
      y.dispose();
      return v * std + mean;
    };
    return recursiveForecast(series, steps, transform, lag, this.tailLength, calendar, predict, align);
  }

  toArtifact(): ForecastModelArtifact {
    const s = this.state;
    const weights = this.net.getWeights().map((w) => ({ shape: w.shape, data: encodeF32(w.dataSync() as Float32Array) }));
    // The covariate fields come last and only when there are covariates: an artifact without them is as before.
    const clock = s.align !== null ? { clockAligned: true } : {};
    return { family: 'rnn', version: RNN_ARTIFACT_VERSION, options: s.opts, transform: s.transform, lag: s.lag, mean: s.mean, std: s.std, weights, ...storedRnnCovariates(s.covariates), ...clock };
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
  const align = clockAlignedParam(params) ? clockAlignmentOf(ctx.calendar) : null;
  const backs = series.map((s) => readerAt(align, ctx.calendar, s.times[0]));
  const phases = series.map((s) => (align === null ? undefined : phaseReader(align, weekPositionAt(align, ctx.calendar, s.times[0]))));
  const transform = fitTransform(kind, series.map((s) => s.values.map((v) => v / s.scale)), ctx.target);
  const covariates = fitRnnCovariates(series, lag, ctx.horizon, backs);
  // Past covariates are read from the horizon back, which may move the first window later.
  const start = reachOf({ opts, lag, covariates, align });
  const diffs = series.map((s, g) => transformedSeries(s.values, s.scale, transform, lag, backs[g]).d);
  // The first difference: the lag, or as far as the clock's reaches (a difference before it may not exist).
  const first = readReach(align, lag);
  let rows = 0;
  let sum = 0;
  let sumSq = 0;
  let count = 0;
  for (let g = 0; g < series.length; g++) {
    rows += Math.max(0, series[g].values.length - start);
    for (let t = first; t < diffs[g].length; t++) {
      sum += diffs[g][t];
      sumSq += diffs[g][t] ** 2;
      count++;
    }
  }
  if (rows < MIN_WINDOWS) {
    const why = covariates.past > 0 ? ` and past covariates read from the horizon ${covariates.pastHorizon} back` : '';
    throw new EngineError('invalid_params', `input_window ${opts.inputWindow} with this differencing${why} leaves ${rows} training windows (at least ${MIN_WINDOWS} needed); use a shorter window${why ? ' or a shorter horizon' : ''}`, { param: 'input_window', rows });
  }
  const mean = sum / count;
  const std = Math.sqrt(Math.max(0, sumSq / count - mean * mean)) || 1;

  const state: RnnState = { opts, transform, lag, mean, std, calendar: ctx.calendar, covariates, align };
  const channels = stepChannels(state);
  // Each training window's series and step: its inputs are written when a batch draws it.
  const at = new Int32Array(rows * 2);
  const y = new Float32Array(rows);
  let r = 0;
  for (let g = 0; g < series.length; g++) {
    for (let t = start; t < series[g].values.length; t++, r++) {
      at[2 * r] = g;
      at[2 * r + 1] = t;
      y[r] = (diffs[g][t] - mean) / std;
    }
  }
  const windows: TrainingWindows = {
    rows,
    width: opts.inputWindow * channels,
    head: stepInputWidth(covariates),
    channels,
    y,
    write(row, x, xOff, h, hOff) {
      const g = at[2 * row];
      const t = at[2 * row + 1];
      const s = series[g];
      writeWindow(diffs[g], t, phaseAt(ctx.calendar, s.times[t]), opts.inputWindow, season, mean, std, x, xOff, channels, phases[g]);
      writeCovariateWindow(covariates, s.covariates, s.pastCovariates, t, opts.inputWindow, channels, inputChannels(season), x, xOff, backs[g]);
      writeKnownCovariates(covariates, s.covariates, t, h, hOff, backs[g]);
    },
  };
  const net = buildRnn(opts, channels, ctx.rng.fork(1), windows.head);
  const optimizer = tf.train.adam(opts.learningRate);
  net.compile({ optimizer, loss: 'meanSquaredError' });
  let lastLoss = NaN;
  // The work budget (./rnn-cost): on large data fewer epochs than asked, so a fit cannot run for hours.
  const plan = rnnTrainingPlan(opts, rows, rnnFitBudgetMs(params));
  try {
    lastLoss = await trainLoop(net, windows, opts, plan, ctx);
  } catch (err) {
    net.dispose();
    throw err;
  } finally {
    optimizer.dispose();
  }
  const covariateInfo = { ...(covariates.known > 0 ? { covariate_columns: covariates.known } : {}), ...(covariates.past > 0 ? { past_covariate_columns: covariates.past } : {}) };
  const capped: Record<string, number> = { ...(plan.epochs < opts.epochs ? { epochs_asked: opts.epochs } : {}), ...(plan.windowsPerEpoch < rows ? { windows_per_epoch: plan.windowsPerEpoch } : {}) };
  return new RnnForecaster(state, net, { epochs: plan.epochs, ...capped, training_windows: rows, train_loss: lastLoss, boxcox_lambda: transform.lambda, ...covariateInfo });
}

/** The training windows: how many, their widths, targets, and how to write window `row`'s inputs. */
interface TrainingWindows {
  readonly rows: number;
  /** Values of one window (inputWindow * channels) and of its predicted step's own input (0: none). */
  readonly width: number;
  readonly head: number;
  readonly channels: number;
  readonly y: Float32Array;
  write(row: number, x: Float32Array, xOff: number, h: Float32Array, hOff: number): void;
}

/**
 * Training steps between two turns given to the host within an epoch (besides one before each): at the
 * default window a step takes some 10-20 ms, so the host hears from the trial at least every half second
 * or so. An epoch of 20,000 windows runs for seconds, and a consumer that gave no turn for that long sent
 * no heartbeat: a coordinator restarted meanwhile takes it for dead after 12 s (durable/restart-recovery)
 * and sends the trial again.
 */
const YIELD_EVERY_STEPS = 32;

/**
 * The plan's mini-batch epochs, each over its first `windowsPerEpoch` windows in an Rng-shuffled order;
 * returns the last epoch's mean loss (standardised units).
 */
async function trainLoop(net: tfl.LayersModel, w: TrainingWindows, opts: RnnOptions, plan: RnnTrainingPlan, ctx: ForecastFitContext): Promise<number> {
  const { width, head, y } = w;
  const rows = plan.windowsPerEpoch;
  const order = Int32Array.from({ length: w.rows }, (_, i) => i);
  const batch = Math.min(opts.batchSize, rows);
  const xb = new Float32Array(batch * width);
  const hb = new Float32Array(batch * head);
  const yb = new Float32Array(batch);
  const rng = ctx.rng.fork(2);
  let epochLoss = NaN;
  for (let epoch = 0; epoch < plan.epochs; epoch++) {
    await ctx.yieldControl?.();
    rng.shuffle(order);
    let total = 0;
    for (let s = 0, step = 0; s < rows; s += batch, step++) {
      if (step > 0 && step % YIELD_EVERY_STEPS === 0) await ctx.yieldControl?.();
      const n = Math.min(batch, rows - s);
      for (let i = 0; i < n; i++) {
        const row = order[s + i];
        w.write(row, xb, i * width, hb, i * head);
        yb[i] = y[row];
      }
      const xs = tf.tensor3d(xb.subarray(0, n * width), [n, opts.inputWindow, w.channels]);
      const hs = head > 0 ? tf.tensor2d(hb.subarray(0, n * head), [n, head]) : undefined;
      const ys = tf.tensor2d(yb.subarray(0, n), [n, 1]);
      const loss = await net.trainOnBatch(hs ? [xs, hs] : xs, ys);
      xs.dispose();
      hs?.dispose();
      ys.dispose();
      total += (Array.isArray(loss) ? loss[0] : loss) * n;
    }
    epochLoss = total / rows;
    if (!Number.isFinite(epochLoss)) throw new EngineError('invalid_params', `the rnn diverged at epoch ${epoch + 1} (loss ${epochLoss}); lower the learning_rate`, { param: 'learning_rate' });
  }
  return epochLoss;
}

/**
 * Rebuilds an rnn forecaster; throws EngineError('bad_artifact') on an unknown version or mismatched
 * weights. An artifact without covariate fields (every one stored before covariates) reads none.
 */
export async function loadRnnForecaster(artifact: ForecastModelArtifact, calendar: Calendar): Promise<FittedForecastModel> {
  await readyTfjsBackend();
  if (artifact.version !== RNN_ARTIFACT_VERSION) throw new EngineError('bad_artifact', `unknown rnn forecast artifact version ${String(artifact.version)}`);
  const a = artifact as Record<string, unknown>;
  const opts = a.options as RnnOptions;
  const tr = a.transform as TargetTransform;
  if (typeof opts?.units !== 'number' || typeof tr?.lambda !== 'number' || typeof a.lag !== 'number' || typeof a.mean !== 'number' || typeof a.std !== 'number' || !Array.isArray(a.weights)) {
    throw new EngineError('bad_artifact', 'rnn forecast artifact is missing its options, transform or weights');
  }
  const align = a.clockAligned === undefined ? null : clockAlignmentOf(calendar);
  if (a.clockAligned !== undefined && (a.clockAligned !== true || align === null)) {
    throw new EngineError('bad_artifact', 'rnn forecast artifact reads its season on the clock, but its frequency is not business hours whose days open for different hours');
  }
  const state: RnnState = { opts, transform: tr, lag: a.lag, mean: a.mean, std: a.std, calendar, covariates: readRnnCovariates(a, a.lag), align };
  const net = buildRnn(opts, stepChannels(state), null, stepInputWidth(state.covariates));
  const expected = net.getWeights();
  const stored = a.weights as { shape: number[]; data: string }[];
  if (stored.length !== expected.length || stored.some((w, i) => String(w.shape) !== String(expected[i].shape))) {
    net.dispose();
    throw new EngineError('bad_artifact', 'rnn forecast artifact weights do not match its architecture');
  }
  const tensors = stored.map((w) => tf.tensor(decodeF32(w.data), w.shape));
  net.setWeights(tensors);
  tensors.forEach((t) => t.dispose());
  return new RnnForecaster(state, net, {});
}
