/**
 * The rnn's work budget (engine/forecast/rnn-cost): a fit trains at most the epochs its modelled budget
 * allows, reported in fit_info, and a whole trial is priced before it runs (the late-start prior).
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { forecastDefaults, runForecastTrial } from '../../src/engine/forecast';
import { RNN_MAX_FIT_COST_MS, rnnEpochCostMs, rnnStepCostMs, rnnTrainingPlan, rnnTrialCostMs } from '../../src/engine/forecast/rnn-cost';
import { resolveRnnOptions } from '../../src/engine/forecast/rnn-options';
import { airpassengers, HORIZON, TARGET } from './forecast-fixtures';

const shape = { length: 108, season: 12, groups: 1, horizon: HORIZON };

describe('rnn cost model', () => {
  it('prices a step by window steps and layers, and an epoch by its batches', () => {
    const opts = resolveRnnOptions({ units: 16, input_window: 12, layers: 1, batch_size: 64 });
    const deeper = resolveRnnOptions({ units: 16, input_window: 12, layers: 2, batch_size: 64 });
    expect(rnnStepCostMs(deeper, 64)).toBeCloseTo(2 * rnnStepCostMs(opts, 64), 9);
    expect(rnnStepCostMs(opts, 64)).toBeGreaterThan(rnnStepCostMs(opts, 8));
    // 130 windows: two full batches of 64 and one of 2.
    expect(rnnEpochCostMs(opts, 130)).toBeCloseTo(2 * rnnStepCostMs(opts, 64) + rnnStepCostMs(opts, 2), 9);
  });

  it('trains the epochs asked while they fit the budget, fewer when not, and part of one epoch when not even one fits', () => {
    const opts = resolveRnnOptions({ epochs: 50 });
    const epoch = rnnEpochCostMs(opts, 1_000);
    expect(rnnTrainingPlan(opts, 1_000, 50 * epoch + 1)).toEqual({ epochs: 50, windowsPerEpoch: 1_000 });
    expect(rnnTrainingPlan(opts, 1_000, 10.5 * epoch)).toEqual({ epochs: 10, windowsPerEpoch: 1_000 });
    // 20,000 windows (50 stores of a year and more, daily): fewer epochs, within the default budget.
    const some = rnnTrainingPlan(opts, 20_000);
    expect(some.epochs).toBeLessThan(50);
    expect(some.epochs * rnnEpochCostMs(opts, 20_000)).toBeLessThanOrEqual(RNN_MAX_FIT_COST_MS);
    // 110,000 windows (100 stores of three years): one epoch over whole batches of windows drawn at random.
    const part = rnnTrainingPlan(opts, 110_000);
    expect(part.epochs).toBe(1);
    expect(part.windowsPerEpoch).toBeLessThan(110_000);
    expect(part.windowsPerEpoch % opts.batchSize).toBe(0);
    expect(rnnEpochCostMs(opts, part.windowsPerEpoch)).toBeLessThanOrEqual(RNN_MAX_FIT_COST_MS);
    expect(rnnEpochCostMs(opts, part.windowsPerEpoch + opts.batchSize)).toBeGreaterThan(RNN_MAX_FIT_COST_MS);
    expect(rnnTrainingPlan(opts, 1_000, 1)).toEqual({ epochs: 1, windowsPerEpoch: opts.batchSize });
  });

  it('prices a trial as its fits: more series, epochs or origins cost more, and the budget bounds each fit', () => {
    const params = forecastDefaults('rnn', shape);
    const one = rnnTrialCostMs(params, shape)!;
    expect(one).toBeGreaterThan(0);
    expect(rnnTrialCostMs(params, { ...shape, groups: 4 })!).toBeGreaterThan(2 * one);
    expect(rnnTrialCostMs({ ...params, epochs: 100 }, shape)!).toBeCloseTo(2 * one, 6);
    expect(rnnTrialCostMs(params, { ...shape, origins: 1 })!).toBeLessThan(one);
    // 3 origins and the refit: never more than 4 budgets, however large the data.
    expect(rnnTrialCostMs(params, { ...shape, length: 3_000, groups: 100 })!).toBeLessThanOrEqual(4 * RNN_MAX_FIT_COST_MS);
    // A plan the series cannot hold prices nothing (the trial would fail at once).
    expect(rnnTrialCostMs(params, { ...shape, length: 10 })).toBeUndefined();
  });
});

describe('rnn fits within the budget', () => {
  it('gives the host a turn within long epochs too, not only between them', async () => {
    const train = airpassengers('train');
    let turns = 0;
    // Batches of 1: each epoch of the refit (84 windows or so) is that many steps.
    const params = { ...forecastDefaults('rnn', shape), units: 4, epochs: 2, batch_size: 1 };
    const out = await runForecastTrial(train, { family: 'rnn', params, target: TARGET, horizon: HORIZON, seed: 3, origins: 1, yieldControl: async () => void turns++ });
    if (out.status !== 'complete') throw new Error('trial failed');
    const windows = out.fitInfo.training_windows;
    // Without turns within epochs: 6 (one before each epoch of the two fits, and two others). The refit
    // alone adds one every 32 steps of each of its epochs.
    expect(turns).toBeGreaterThanOrEqual(6 + 2 * Math.floor((windows - 1) / 32));
  });


  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('trains fewer epochs than asked when the budget binds, and says so in fit_info', async () => {
    const train = airpassengers('train');
    const params = { ...forecastDefaults('rnn', shape), units: 4, epochs: 40 };
    const run = (extra: Record<string, number>) => runForecastTrial(train, { family: 'rnn', params: { ...params, ...extra }, target: TARGET, horizon: HORIZON, seed: 3, origins: 1 });
    const free = await run({});
    const tight = await run({ max_fit_cost_ms: 100 });
    if (free.status !== 'complete' || tight.status !== 'complete') throw new Error('trial failed');
    expect(free.fitInfo.epochs).toBe(40);
    expect(free.fitInfo.epochs_asked).toBeUndefined();
    const windows = free.fitInfo.training_windows;
    expect(tight.fitInfo.epochs).toBe(rnnTrainingPlan(resolveRnnOptions(params), windows, 100).epochs);
    expect(tight.fitInfo.epochs).toBeLessThan(40);
    expect(tight.fitInfo.epochs_asked).toBe(40);
    expect(tight.score).not.toBe(free.score);
    // Not even one epoch fits 5 ms: one epoch over one batch of windows drawn at random.
    const part = await run({ max_fit_cost_ms: 5 });
    if (part.status !== 'complete') throw new Error('trial failed');
    expect(part.fitInfo.epochs).toBe(1);
    expect(part.fitInfo.windows_per_epoch).toBe(64);
    expect(part.fitInfo.training_windows).toBeGreaterThan(64);
  });
});
