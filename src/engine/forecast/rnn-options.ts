/**
 * @module engine/forecast/rnn-options
 * The `rnn` family's options (cell, units, input window, layers, dropout, learning rate, epochs) read from
 * a trial's Params over frozen defaults, with errors naming the parameter.
 */
import { EngineError } from '../core/errors';
import type { Params } from '../search/space';
import { intParam, numberParam } from './forecast-params';

export type RnnCell = 'gru' | 'lstm';

export interface RnnOptions {
  readonly cell: RnnCell;
  readonly units: number;
  /** Past steps the network reads per prediction. */
  readonly inputWindow: number;
  readonly layers: number;
  readonly dropout: number;
  readonly learningRate: number;
  readonly epochs: number;
  readonly batchSize: number;
}

export const RNN_DEFAULTS: RnnOptions = Object.freeze({
  cell: 'gru',
  units: 16,
  inputWindow: 12,
  layers: 1,
  dropout: 0,
  learningRate: 0.01,
  epochs: 100,
  batchSize: 64,
});

export function resolveRnnOptions(params: Params): RnnOptions {
  const cell = params.cell ?? RNN_DEFAULTS.cell;
  if (cell !== 'gru' && cell !== 'lstm') throw new EngineError('invalid_params', `cell must be "gru" or "lstm"; got ${JSON.stringify(cell)}`, { param: 'cell' });
  return {
    cell,
    units: intParam(params, 'units', RNN_DEFAULTS.units, 1, 512),
    inputWindow: intParam(params, 'input_window', RNN_DEFAULTS.inputWindow, 1, 1000),
    layers: intParam(params, 'layers', RNN_DEFAULTS.layers, 1, 2),
    dropout: numberParam(params, 'dropout', RNN_DEFAULTS.dropout, 0, 0.9),
    learningRate: numberParam(params, 'learning_rate', RNN_DEFAULTS.learningRate, 1e-6, 1),
    epochs: intParam(params, 'epochs', RNN_DEFAULTS.epochs, 1, 5000),
    batchSize: intParam(params, 'batch_size', RNN_DEFAULTS.batchSize, 1, 4096),
  };
}
