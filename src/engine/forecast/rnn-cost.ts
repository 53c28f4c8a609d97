/**
 * @module engine/forecast/rnn-cost
 * What training the forecast rnn costs, and the work budget that bounds it. A fit's work grew with the
 * data without limit (every window of every series, every epoch): 100 stores of three years daily make
 * about 110,000 windows, which at the default 50 epochs is some 86,000 training steps per fit, half an hour
 * and more. As the MLP and the CNN do (models/nn), each fit now trains at most the epochs that fit a
 * modelled budget of milliseconds, never a clock reading, so a replayed trial trains the same; where not
 * even one epoch fits, one epoch over windows drawn at random. The same
 * model prices a whole trial before it runs, which the coordinator needs to leave the first rnn trial
 * unstarted when even it cannot end within the time left (durable/late-start).
 *
 * A training step runs the cell once per window step and layer, forward and back, and each of those
 * dispatches some tens of small wasm kernels whatever the batch: that dispatch dominates, the matmuls
 * (batch x units^2 per cell step) come second. Fitted to trainOnBatch timings on wasm-SIMD in Node (CPU
 * time, median of 3; GRU and LSTM, 4-48 units, windows 4-28, 1-2 layers, batches 8-256;
 * scratch measurement in session 23): measured / modelled was 0.76-1.85 from the 10th to the 90th
 * percentile, median 1.13. Good enough to bound work and to rank, not to promise seconds.
 */
import type { Params } from '../search/space';
import { differenceLag } from './differencing';
import { numberParam, resolveSeriesOptions } from './forecast-params';
import { resolveRnnOptions, type RnnOptions } from './rnn-options';
import type { ForecastShape } from './types';
import { DEFAULT_ORIGINS, originIndex, validationPlan } from './validation-plan';

export const RNN_COST_MODEL = Object.freeze({ msPerCellStep: 1.47, msPerMegaFlop: 5.17 });

/**
 * Modelled milliseconds of one fit's training at most: 30 s, a trial's rolling origins and refit then
 * stay within a few minutes. It binds only on large data (the stores example, 4 series of 300 days,
 * trains its default 50 epochs in about 12 modelled seconds per fit).
 */
export const RNN_MAX_FIT_COST_MS = 30_000;

/** A trial's budget per fit: `max_fit_cost_ms`, a fixed knob as the MLP's (never searched), else the default. */
export function rnnFitBudgetMs(params: Params): number {
  return numberParam(params, 'max_fit_cost_ms', RNN_MAX_FIT_COST_MS, 1, 1e9);
}

/** Modelled milliseconds of one training step over `batch` windows. */
export function rnnStepCostMs(opts: RnnOptions, batch: number): number {
  const cellSteps = opts.inputWindow * opts.layers;
  return cellSteps * (RNN_COST_MODEL.msPerCellStep + (RNN_COST_MODEL.msPerMegaFlop * batch * opts.units * opts.units) / 1e6);
}

/** Modelled milliseconds of one epoch over `windows` training windows. */
export function rnnEpochCostMs(opts: RnnOptions, windows: number): number {
  const batch = Math.max(1, Math.min(opts.batchSize, windows));
  const full = Math.floor(windows / batch);
  const rest = windows - full * batch;
  return full * rnnStepCostMs(opts, batch) + (rest > 0 ? rnnStepCostMs(opts, rest) : 0);
}

/** How a fit on `windows` windows trains: its epochs, and the windows each epoch visits. */
export interface RnnTrainingPlan {
  readonly epochs: number;
  /** All the windows, or when even one epoch over them would exceed the budget, that many of them drawn at random. */
  readonly windowsPerEpoch: number;
}

/**
 * The epochs asked for, at most what the budget allows; when not even one epoch over every window fits,
 * one epoch over as many whole batches of randomly drawn windows as the budget pays for (at least one).
 */
export function rnnTrainingPlan(opts: RnnOptions, windows: number, maxFitCostMs = RNN_MAX_FIT_COST_MS): RnnTrainingPlan {
  const epoch = rnnEpochCostMs(opts, windows);
  if (epoch <= maxFitCostMs) return { epochs: epoch > 0 ? Math.max(1, Math.min(opts.epochs, Math.floor(maxFitCostMs / epoch))) : opts.epochs, windowsPerEpoch: windows };
  const batch = Math.max(1, Math.min(opts.batchSize, windows));
  const steps = Math.max(1, Math.floor(maxFitCostMs / rnnStepCostMs(opts, batch)));
  return { epochs: 1, windowsPerEpoch: Math.min(windows, steps * batch) };
}

/**
 * Modelled milliseconds of a whole rnn trial on data of `shape`: a fit per rolling origin and the refit
 * on every point, each on the windows of `shape.groups` series of the shortest series' length (so a lower
 * bound when series differ in length), covariates aside. Undefined when the options or the validation
 * plan do not hold for the shape (the trial would fail at once).
 */
export function rnnTrialCostMs(params: Params, shape: ForecastShape): number | undefined {
  try {
    const opts = resolveRnnOptions(params);
    const reach = differenceLag(resolveSeriesOptions(params).differencing, shape.season) + opts.inputWindow;
    const plan = validationPlan(shape, shape.origins ?? DEFAULT_ORIGINS);
    const lengths = [shape.length, ...Array.from({ length: plan.origins }, (_, k) => originIndex(plan, shape.length, k))];
    let total = 0;
    for (const length of lengths) {
      const windows = shape.groups * Math.max(0, length - reach);
      if (windows === 0) continue;
      const plan = rnnTrainingPlan(opts, windows, rnnFitBudgetMs(params));
      total += plan.epochs * rnnEpochCostMs(opts, plan.windowsPerEpoch);
    }
    return total;
  } catch {
    return undefined;
  }
}
