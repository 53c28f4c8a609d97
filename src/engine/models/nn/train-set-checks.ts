/**
 * @module engine/models/nn/train-set-checks
 * What the neural families (MLP, CNN) check before training, and the target scaling they share: a
 * network silently turns one NaN or out-of-range label into garbage weights, so bad rows are refused
 * naming the row instead.
 */
import { EngineError } from '../../core/errors';
import type { FitContext, TrainSet } from '../model';

/** How a family names its inputs in the messages. */
export interface NetInputWording {
  /** The family's name, e.g. "mlp". */
  readonly family: string;
  /** What a column is, e.g. "columns" or "pixel columns". */
  readonly columns: string;
  /** What a value is, e.g. "feature" or "pixel". */
  readonly value: string;
  /** Why a non-finite value should not have reached the model. */
  readonly finiteHint: string;
}

/** Throws EngineError('invalid_input') naming the first row that cannot be trained on. */
export function checkNetTrainSet(set: TrainSet, ctx: FitContext, what: string, cols: number, words: NetInputWording): void {
  const { X, y, weights } = set;
  if (X.rows === 0 && what === 'training') throw new EngineError('invalid_input', `the ${words.family} needs at least one training row`);
  if (X.cols !== cols) throw new EngineError('invalid_input', `${what} rows have ${X.cols} ${words.columns}, expected ${cols}`);
  if (y.length !== X.rows) throw new EngineError('invalid_input', `${what} labels: ${y.length} values for ${X.rows} rows`);
  if (weights !== undefined && weights.length !== X.rows) throw new EngineError('invalid_input', `${what} weights: ${weights.length} values for ${X.rows} rows`);
  const K = ctx.task === 'multiclass' ? ctx.nClasses : ctx.task === 'binary' ? 2 : 0;
  if (ctx.task === 'multiclass' && K < 2) throw new EngineError('invalid_input', `multiclass needs nClasses >= 2, got ${K}`);
  for (let i = 0; i < y.length; i++) {
    const v = y[i];
    if (K > 0 ? !(Number.isInteger(v) && v >= 0 && v < K) : !Number.isFinite(v)) {
      throw new EngineError('invalid_input', `${what} label at row ${i} is ${v}; expected ${K > 0 ? `a class index 0..${K - 1}` : 'a finite number'}`, { row: i });
    }
  }
  const d = X.data;
  for (let i = 0; i < d.length; i++) {
    if (!Number.isFinite(d[i])) {
      throw new EngineError('invalid_input', `${what} ${words.value} value at row ${Math.floor(i / cols)} is not finite; ${words.finiteHint}`, { row: Math.floor(i / cols) });
    }
  }
  if (weights !== undefined) {
    for (let i = 0; i < weights.length; i++) {
      if (!(weights[i] >= 0) || !Number.isFinite(weights[i])) throw new EngineError('invalid_input', `${what} weight at row ${i} must be finite and >= 0`, { row: i });
    }
  }
}

/** Mean and standard deviation of the target (std 1 for a constant target, so outputs stay finite). */
export function targetStats(y: Float32Array): { mean: number; std: number } {
  let mean = 0;
  for (let i = 0; i < y.length; i++) mean += y[i];
  mean /= y.length;
  let ss = 0;
  for (let i = 0; i < y.length; i++) ss += (y[i] - mean) ** 2;
  const std = Math.sqrt(ss / y.length);
  return { mean, std: std > 1e-12 ? std : 1 };
}
